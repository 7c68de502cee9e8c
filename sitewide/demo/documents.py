"""Demo content of the minutes library: a small PDF for each meeting, some requests, some downloads."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from documents.library import collection_for_group
from documents.models import AccessRequest, DocumentKind, DownloadLogEntry, LibraryDocument
from documents.pdf import minimal_pdf
from workinggroups.models import WorkingGroupPage


def minutes_for_meeting(group, meeting, uploader):
    """Upload the minutes of one demo meeting into the group's restricted collection."""
    collection = collection_for_group(group)
    title = f"PV – {meeting['title']} ({meeting['date']:%d/%m/%Y})"
    lines = [
        f"Groupe de travail : {group.title}",
        f"Date : {meeting['date']:%d/%m/%Y}",
        f"Résumé : {meeting['summary']}"[:110],
        f"Décisions : {meeting['decisions']}"[:110],
        f"Prochaines étapes : {meeting['next_steps']}"[:110],
        "Procès-verbal approuvé à la réunion suivante.",
    ]
    document = LibraryDocument(
        title=title[:255],
        collection=collection,
        working_group=group,
        kind=DocumentKind.MINUTES,
        meeting_date=meeting["date"],
        uploaded_by_user=uploader,
    )
    name = f"pv-{group.slug}-{meeting['date']:%Y-%m-%d}-{slugify(meeting['title'])[:40]}.pdf"
    document.file.save(name, ContentFile(minimal_pdf(title, lines)), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def aware(*args):
    return timezone.make_aware(datetime.datetime(*args))


def load_requests_and_downloads(accounts_by_name):
    """A few access requests in every state, and downloads in the log. Idempotent."""
    if AccessRequest.objects.exists() or DownloadLogEntry.objects.exists():
        return 0
    users = accounts_by_name
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
            requester=users["membre"],
            working_group=groups["finances"],
            reason="Je prépare une présentation des comptes pour mon antenne locale.",
            created_at=now - datetime.timedelta(days=2),
        ),
        AccessRequest(
            requester=users["membre-finances-2"],
            working_group=groups["ethique"],
            reason="Notre groupe travaille sur la transparence : la charte éthique nous concerne.",
            status=AccessRequest.Status.GRANTED,
            decided_by=users["animateur-ethique"],
            decided_at=now - datetime.timedelta(days=5),
            expires_at=now + datetime.timedelta(days=25),
            decision_note="Bonne lecture !",
            created_at=now - datetime.timedelta(days=6),
        ),
        AccessRequest(
            requester=users["membre-representation-1"],
            working_group=groups["informatique"],
            document=first_minutes["informatique"],
            reason="Pour comparer avec nos propres méthodes de travail.",
            status=AccessRequest.Status.EXPIRED,
            decided_by=users["conseil"],
            decided_at=aware(2018, 4, 3, 10, 0),
            expires_at=aware(2018, 5, 3, 10, 0),
            created_at=aware(2018, 4, 2, 9, 0),
        ),
        AccessRequest(
            requester=users["membre-informatique-3"],
            working_group=groups["representation"],
            reason="Curiosité.",
            status=AccessRequest.Status.REFUSED,
            decided_by=users["animateur-representation"],
            decided_at=now - datetime.timedelta(days=10),
            decision_note="Merci de préciser l'usage que vous comptez en faire, puis redemandez.",
            created_at=now - datetime.timedelta(days=11),
        ),
    ]
    AccessRequest.objects.bulk_create(rows)
    downloads = []
    for offset, (username, slug) in enumerate(
        [
            ("conseil", "ethique"),
            ("membre-ethique-2", "ethique"),
            ("conseil", "finances"),
            ("membre-finances-2", "ethique"),
        ]
    ):
        document = first_minutes[slug]
        downloads.append(
            DownloadLogEntry(
                user=users[username],
                document=document,
                document_title=document.title,
                working_group=document.working_group,
                downloaded_at=now - datetime.timedelta(days=4 - offset, hours=offset),
            )
        )
    DownloadLogEntry.objects.bulk_create(downloads)
    return len(rows)
