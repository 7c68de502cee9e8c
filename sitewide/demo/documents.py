"""Demo content of the minutes library: a small PDF for each meeting, some requests, some downloads.

The PDF's lines, the requests and the downloads are in ``data/library.yaml``.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from documents.library import collection_for_group
from documents.models import AccessRequest, DocumentKind, DownloadLogEntry, LibraryDocument
from documents.pdf import minimal_pdf
from workinggroups.models import WorkingGroupPage

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
