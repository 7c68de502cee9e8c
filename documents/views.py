"""Serving library documents, and members asking for access to minutes."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.documents.models import document_served

from privacy.ids import parse_id
from privacy.rules import visible_pages
from workinggroups.models import MeetingReportPage, WorkingGroupPage

from . import listing
from .access import user_can_open, user_can_open_group_minutes
from .choices import DocumentKind
from .forms import AccessRequestForm, pending_duplicate
from .listing import describe, library_documents, library_groups, read_filters, title_details
from .models import AccessRequest, LibraryDocument
from .notifications import notify_request_received

#: Sent with every document, allowed or not: nothing is cached, nothing is rendered by the browser.
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


def content_disposition(filename):
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _private(response):
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def denied(request):
    """The same answer whatever the file name or conditional headers: no hint about the file."""
    response = render(request, "documents/access_denied.html", status=403)
    return _private(response)


def serve(request, document_id, document_filename):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    document = LibraryDocument.objects.select_related("collection").filter(pk=document_id).first()
    if document is None:
        raise Http404
    # Permission first: nothing below may run, or answer differently, for someone denied.
    if not user_can_open(request.user, document):
        return denied(request)
    if document.filename != document_filename:
        raise Http404
    etag = f'"{document.file_hash}"' if document.file_hash else None
    if etag and etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return _private(response)
    document_served.send(sender=LibraryDocument, instance=document, request=request)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(document.download_name)
    if document.file_size:
        response["Content-Length"] = str(document.file_size)
    if etag:
        response["ETag"] = etag
    return _private(response)


def library(request):
    """ "Documentation et ressources": every document the person may open, filtered, paginated."""
    groups = library_groups(request)
    filters = read_filters(request.GET, groups)
    page_obj = Paginator(library_documents(request.user, filters), listing.PER_PAGE).get_page(
        request.GET.get("page")
    )
    selected = filters.group
    return render(
        request,
        "documents/library.html",
        {
            "filters": filters,
            "groups": groups,
            "kinds": DocumentKind.choices,
            "page_obj": page_obj,
            "documents": describe(list(page_obj.object_list), groups),
            "title_details": title_details(filters, page_obj),
            # A group whose minutes the person may not open: they are asked for from its page.
            "minutes_on_request": selected is not None
            and getattr(selected, "minutes_collection", None) is not None
            and not user_can_open_group_minutes(request.user, selected),
        },
    )


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _requested_minutes(request, group, document_id):
    """The minutes named in a request, and the report they belong to, as the person may know them.

    Only minutes that a live report of ``group``, which the person may open, links as its minutes:
    anything else is "not found", the same answer for another group's document, a document
    outside the minutes library or an id that exists nowhere. So the form never confirms what an
    id is, and names only the group and the meeting's date, never the document's title.
    """
    report = (
        visible_pages(request, MeetingReportPage.objects.child_of(group).filter(minutes_id=document_id))
        .select_related("minutes__collection")
        .first()
    )
    if report is None:
        raise Http404
    return report.minutes, report


def request_access(request):
    """Ask for the minutes of a group, or for one of its documents. GET shows the form, POST sends it."""
    source = request.POST if request.method == "POST" else request.GET
    group = get_object_or_404(WorkingGroupPage.objects.live(), pk=_id_or_404(source.get("groupe")))
    document = report = None
    if source.get("document"):
        document, report = _requested_minutes(request, group, _id_or_404(source.get("document")))
    back = _safe_next(request, group.url)
    already = (
        user_can_open(request.user, document)
        if document
        else user_can_open_group_minutes(request.user, group)
    )
    if already:
        messages.info(request, _("Vous avez déjà accès à ces procès-verbaux."))
        return redirect(back)
    duplicate = pending_duplicate(request.user, group, document)
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and duplicate is None and form.is_valid():
        try:
            with transaction.atomic():
                access_request = AccessRequest.objects.create(
                    requester=request.user,
                    working_group=group,
                    document=document,
                    reason=form.cleaned_data["reason"],
                )
        except IntegrityError:
            duplicate = pending_duplicate(request.user, group, document)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            notify_request_received(access_request)
            messages.success(
                request,
                _(
                    "Votre demande est envoyée à l'animation du groupe et au Conseil d'administration. "
                    "Vous recevrez leur réponse par e-mail."
                ),
            )
            return redirect(back)
    if duplicate is not None:
        form.add_error(
            None,
            _(
                "Vous avez déjà une demande en attente pour ces procès-verbaux, envoyée le %(date)s. "
                "Attendez la réponse, ou retirez-la depuis « Mes demandes d'accès »."
            )
            % {"date": date_format(timezone.localtime(duplicate.created_at), "SHORT_DATE_FORMAT")},
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "documents/request_access.html",
        {
            "form": form,
            "group": group,
            "document": document,
            "report": report,
            "next": back,
            "duplicate": duplicate,
        },
        status=status,
    )


def _id_or_404(value):
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def my_requests(request):
    """The person's requests; a granted one that still opens leads to what it opens: the document
    and the report it is the minutes of, or the group's page with its minutes."""
    requests = list(
        AccessRequest.objects.filter(requester=request.user)
        .select_related("working_group", "document", "decided_by")
        .order_by("-created_at")
    )
    opening = [r for r in requests if r.current_status == AccessRequest.Status.GRANTED]
    reports = {
        report.minutes_id: report
        for report in visible_pages(
            request, MeetingReportPage.objects.filter(minutes_id__in=[r.document_id for r in opening])
        )
    }
    for access_request in opening:
        access_request.report = reports.get(access_request.document_id)
    return render(request, "documents/my_requests.html", {"access_requests": requests})


def withdraw(request, pk):
    """Asks first (GET: what will be withdrawn, and a way back), then withdraws (POST)."""
    access_request = get_object_or_404(
        AccessRequest.objects.select_related("working_group", "document"),
        pk=_id_or_404(pk),
        requester=request.user,
    )
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "GET":
        if access_request.status != AccessRequest.Status.PENDING:
            messages.error(
                request, _("Cette demande a déjà reçu une réponse : elle ne peut plus être retirée.")
            )
            return redirect(reverse("documents:my_requests"))
        return render(request, "documents/withdraw_request.html", {"access_request": access_request})
    if access_request.status != AccessRequest.Status.PENDING:
        messages.error(request, _("Cette demande a déjà reçu une réponse : elle ne peut plus être retirée."))
    else:
        access_request.status = AccessRequest.Status.WITHDRAWN
        access_request.save(update_fields=["status"])
        messages.success(request, _("Votre demande est retirée."))
    return redirect(reverse("documents:my_requests"))
