"""Demo content of the library: a small PDF for each meeting, some requests, some downloads, and
the open resources (guides, the charter, a report, the assembly's presentation).

The PDF's lines, the requests, the downloads and the resources are in ``data/library.yaml``.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from documents.library import collection_for_group, ensure_library
from documents.models import AccessRequest, DocumentKind, DownloadLogEntry, LibraryDocument
from documents.pdf import minimal_pdf
from workinggroups.models import WorkingGroupPage

from .odp import minimal_odp

#: A line longer than this would run off the A4 page of the minutes.
LINE_LENGTH = 110


def minutes_for_meeting(group, meeting, uploader, minutes):
    """Upload the minutes of one demo meeting into the group's restricted collection."""
    collection = collection_for_group(group)
    values = {
        "title": meeting.title,
        "date": f"{meeting.date:%d/%m/%Y}",
        "group": group.title,
        "summary": meeting.summary,
        "decisions": meeting.decisions,
        "next_steps": meeting.next_steps,
    }
    title = minutes.title.format(**values)
    lines = [line.format(**values)[:LINE_LENGTH] for line in minutes.lines]
    document = LibraryDocument(
        title=title[:255],
        collection=collection,
        working_group=group,
        kind=DocumentKind.MINUTES,
        meeting_date=meeting.date,
        uploaded_by_user=uploader,
    )
    name = f"pv-{group.slug}-{meeting.date:%Y-%m-%d}-{slugify(meeting.title)[:40]}.pdf"
    document.file.save(name, ContentFile(minimal_pdf(title, lines)), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def moment(value, now):
    """A moment of library.yaml: fixed (in the site's time zone), or relative to ``now``."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return now + value
    return timezone.make_aware(value)


def load_requests_and_downloads(accounts, library):
    """A few access requests in every state, and downloads in the log. Idempotent.

    ``library`` holds the ``access_requests`` and ``downloads`` of library.yaml.
    """
    if AccessRequest.objects.exists() or DownloadLogEntry.objects.exists():
        return 0
    groups = {group.slug: group for group in WorkingGroupPage.objects.all()}
    first_minutes = {
        slug: LibraryDocument.objects.filter(working_group=group, kind=DocumentKind.MINUTES)
        .order_by("meeting_date")
        .first()
        for slug, group in groups.items()
    }
    now = timezone.now()
    rows = [
        AccessRequest(
            requester=accounts[request.requester],
            working_group=groups[request.group],
            document=first_minutes[request.group] if request.first_minutes_only else None,
            reason=request.reason,
            status=request.status,
            decided_by=accounts.get(request.decided_by),
            decided_at=moment(request.decided_at, now),
            expires_at=moment(request.expires_at, now),
            decision_note=request.decision_note,
            created_at=moment(request.created_at, now),
        )
        for request in library.access_requests
    ]
    AccessRequest.objects.bulk_create(rows)
    downloads = []
    for download in library.downloads:
        document = first_minutes[download.group]
        downloads.append(
            DownloadLogEntry(
                user=accounts[download.user],
                document=document,
                document_title=document.title,
                working_group=document.working_group,
                downloaded_at=moment(download.at, now),
            )
        )
    DownloadLogEntry.objects.bulk_create(downloads)
    return len(rows)


def resource_file(resource):
    """The bytes of one resource of library.yaml: a PDF of its lines, or slides (heading : text)."""
    lines = [line[:LINE_LENGTH] for line in resource.lines]
    if resource.file.endswith(".odp"):
        slides = [tuple(part.strip() for part in line.partition(" : ")[::2]) for line in lines]
        return minimal_odp(resource.title, slides)
    return minimal_pdf(resource.title, lines)


def load_resources(accounts, resources):
    """The documents of the open "Ressources" collection, each created once (found again by its
    title there). Returns ``(documents by title, how many were created)``."""
    collection = ensure_library()[0]
    existing = {
        document.title: document
        for document in LibraryDocument.objects.filter(
            collection=collection, title__in=[resource.title for resource in resources]
        )
    }
    created = 0
    for resource in resources:
        if resource.title in existing:
            continue
        document = LibraryDocument(
            title=resource.title,
            collection=collection,
            kind=resource.kind,
            uploaded_by_user=accounts[resource.uploaded_by],
        )
        document.file.save(resource.file, ContentFile(resource_file(resource)), save=False)
        document._set_document_file_metadata()
        document.save()
        # The day it was put in the library, which the library page shows (created_at is set on save).
        added = timezone.make_aware(datetime.datetime.combine(resource.added, datetime.time(9)))
        LibraryDocument.objects.filter(pk=document.pk).update(created_at=added)
        existing[resource.title] = document
        created += 1
    return existing, created
