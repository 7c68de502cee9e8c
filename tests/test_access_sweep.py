"""Access sweep: every URL of the project and of the Wagtail admin, for every role, GET and POST.

The URLs come from Django's resolver, not from a list kept by hand, so a new URL is swept
automatically. Each one is requested with the ids of working group A's restricted content
(a private page, a draft in review, its revision, A's minutes and their collection, an
access request, a board decision). For every role not entitled to that kind of object the
answer must not be a success, must not contain any of A's canary texts, and must change
nothing in the database. Entitled roles are swept too, for server errors.
"""

import hashlib
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Revision,
    TaskState,
    WorkflowState,
)

from documents.library import collection_for_group
from documents.models import AccessRequest, DownloadLogEntry, LibraryDocument
from workinggroups.models import BoardDecision, BoardDecisionHistory, WorkingGroupMembership

from .factories import MeetingReportPageFactory, RecommendationPageFactory, UserFactory, make_minutes
from .workflow_helpers import current_task_state, draft_report_in_admin

CANARIES = {
    "page": "Compte rendu confidentiel CANARIPAGE7731",
    "draft": "Brouillon CANARIDRAFT2208",
    "document": "PV CANARIDOC4412",
    "request": "Motif CANARIREQUEST5531",
}
#: Which canaries each role may legitimately see (anywhere), and which kinds of object it may act on.
SEES = {
    "anonymous": set(),
    "member": set(),
    "member of A": {"page", "draft", "document"},
    "facilitator of A": {"page", "draft", "document", "request"},
    "facilitator of B": set(),
    "editor": {"page", "draft"},
    "board": {"page", "document", "request"},
}
ENTITLED = {
    "anonymous": set(),
    "member": set(),
    "member of A": {"page", "revision", "document"},
    "facilitator of A": {"page", "revision", "document", "task state", "access request"},
    "facilitator of B": set(),
    "editor": {"page", "revision"},
    "board": {"document", "access request", "decision"},
}
#: URL parameters that name no object of group A: those patterns are out of this sweep's scope.
OUT_OF_SCOPE = {
    "image_id",
    "redirect_id",
    "session_id",
    "uploaded_file_id",
    "filter_spec",
    "object_id",
    "workflow_pk",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def params_of(pattern):
    return [m.group(2) or m.group(3) for m in PARAM.finditer(pattern)]


def kind_of(pattern, names):
    """The kind of object a URL acts on, from its parameters and path."""
    path = pattern.lower()
    if "instance_pk" in names:
        if "boarddecision" in path:
            return "decision"
        if "accessrequest" in path:
            return "access request"
        return None
    if "task_chooser" in path:
        return None  # a workflow task (shared by every page), not group A's
    if "choose-page" in path:
        return "listing"  # browsing the chooser: judged on what it shows
    if "task_state_id" in names or "task_id" in names:
        return "task state"
    if "workflow_state_id" in names:
        return "page"  # a page's workflow history, readable with the page
    if "revision_id" in names or "revision_id_a" in names:
        return "revision"
    if {"document_id", "doc_id"} & set(names) or ("documents" in path and "pk" in names):
        return "document"
    if "collection_id" in names or ("collections" in path and "pk" in names):
        return "collection"
    if {"page_id", "parent_page_id", "page_to_move_id", "page_pk"} & set(names) or (
        "pages" in path and "pk" in names
    ):
        return "page"
    if ("pk" in names and "withdraw" in path) or "acces" in path:
        return "access request"
    return None


@pytest.fixture
def restricted(group_a, group_b, editor, board_member, member, login):
    """Group A's restricted content, each piece carrying a canary text."""
    private = MeetingReportPageFactory(
        parent=group_a, title=CANARIES["page"], summary=f"<p>{CANARIES['page']}</p>", live=False
    )
    private.save_revision().publish()
    private = type(private).objects.get(pk=private.pk)
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_a.django_group, Group.objects.get(name="Conseil d'administration")])
    draft = draft_report_in_admin(login(editor), group_a, title=CANARIES["draft"])
    state = current_task_state(draft)
    minutes = make_minutes(group_a, title=CANARIES["document"], filename="canari.pdf")
    # The requester is none of the swept roles: what they may do with their own request is tested elsewhere.
    requester = UserFactory(username="demandeuse")
    request = AccessRequest.objects.create(
        requester=requester, working_group=group_a, document=minutes, reason=CANARIES["request"]
    )
    recommendation = RecommendationPageFactory(parent=group_a, number=77, live=False)
    recommendation.save_revision().publish()
    mail.outbox.clear()
    return {
        "page": private,
        "draft": draft,
        "task_state": state,
        "restriction": restriction,
        "document": minutes,
        "collection": collection_for_group(group_a),
        "request": request,
        "decision": BoardDecision.objects.get(recommendation=recommendation),
        "group_b": group_b,
    }


def value_for(name, pattern, objects):
    path = pattern.lower()
    workflow = "workflow" in path
    page = objects["draft"] if workflow else objects["page"]
    values = {
        "page_id": page.pk,
        "parent_page_id": objects["page"].get_parent().pk if "add" in path else page.pk,
        "page_to_move_id": page.pk,
        "page_pk": page.pk,
        "destination_id": objects["group_b"].pk,
        "revision_id": objects["page"].latest_revision_id,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "task_state_id": objects["task_state"].pk,
        "task_id": objects["task_state"].task_id,
        "workflow_state_id": objects["task_state"].workflow_state_id,
        "action_name": "approve",
        "document_id": objects["document"].pk,
        "doc_id": objects["document"].pk,
        "document_filename": objects["document"].filename,
        "collection_id": objects["collection"].pk,
        "page_view_restriction_id": objects["restriction"].pk,
        "content_type_app_name": "workinggroups",
        "content_type_model_name": "meetingreportpage",
        "app_label": "workinggroups",
        "model_name": "meetingreportpage",
        "action": "delete",
    }
    if name == "pk":
        for marker, key in (("documents", "document"), ("collections", "collection"), ("pages", "page")):
            if marker in path:
                return objects[key].pk
        if "acces" in path:
            return objects["request"].pk
        return None
    if name == "instance_pk":
        return objects["decision"].pk if "boarddecision" in path else objects["request"].pk
    return values.get(name)


def build(pattern, objects):
    names = params_of(pattern)
    if set(names) & OUT_OF_SCOPE:
        return None
    url = pattern
    for match in PARAM.finditer(pattern):
        name = match.group(2) or match.group(3)
        value = value_for(name, pattern, objects)
        if value is None:
            return None
        url = url.replace(match.group(0), str(value), 1)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + url.lstrip("/")


def fingerprint():
    """A digest of everything a refused request must leave untouched."""
    parts = []
    for queryset in (
        Page.objects.values_list(
            "id", "title", "live", "path", "latest_revision_id", "locked", "has_unpublished_changes"
        ),
        Revision.objects.values_list("id", "object_id"),
        TaskState.objects.values_list("id", "status"),
        WorkflowState.objects.values_list("id", "status"),
        LibraryDocument.objects.values_list("id", "title", "collection_id", "file"),
        Collection.objects.values_list("id", "name", "path"),
        CollectionViewRestriction.objects.values_list("id", "collection_id", "restriction_type"),
        PageViewRestriction.objects.values_list("id", "page_id", "restriction_type"),
        AccessRequest.objects.values_list("id", "status", "expires_at"),
        BoardDecision.objects.values_list("id", "status", "reasoning"),
        BoardDecisionHistory.objects.values_list("id"),
        WorkingGroupMembership.objects.values_list("id", "user_id", "role"),
        GroupPagePermission.objects.values_list("id", "group_id", "page_id", "permission_id"),
        Group.objects.values_list("id", "name"),
        DownloadLogEntry.objects.values_list("id"),
    ):
        parts.append(repr(sorted(queryset)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class Rollback(Exception):
    pass


def test_access_sweep(restricted, group_a, group_b, member, editor, board_member, login, capsys):
    roles = {
        "anonymous": Client(),
        "member": login(member),
        "member of A": login(group_a.people[0]),
        "facilitator of A": login(group_a.facilitator),
        "facilitator of B": login(group_b.facilitator),
        "editor": login(editor),
        "board": login(board_member),
    }
    for client in roles.values():
        client.raise_request_exception = False  # a crash is counted as a server error, not an abort
    # Wagtail's "failwhale" raises on purpose, to test error pages: not a finding.
    patterns = [p for p in dict.fromkeys(walk(get_resolver().url_patterns)) if "failwhale" not in p]
    urls = []
    for pattern in patterns:
        names = params_of(pattern)
        url = build(pattern, restricted)
        if url is None:
            continue
        kind = kind_of(pattern, names) if names else "listing"
        if names and kind is None:
            continue
        urls.append((url, kind))
    # Listings are also searched for the canaries.
    urls += [
        (f"/search/?q={word}", "listing") for word in ("CANARIPAGE7731", "CANARIDOC4412", "CANARIDRAFT2208")
    ]
    urls += [
        ("/admin/pages/search/?q=CANARIPAGE7731", "listing"),
        ("/admin/documents/?q=CANARIDOC4412", "listing"),
    ]
    urls += [
        (f"{restricted['page'].url}", "page front"),
        (f"{restricted['group_b'].get_parent().url}", "listing"),
    ]
    urls += [(f"{group_a.url}", "listing"), ("/", "listing")]

    tried, leaks, errors = 0, [], []
    baseline = fingerprint()
    for role, client in roles.items():
        hidden = [text for key, text in CANARIES.items() if key not in SEES[role]]
        for url, kind in urls:
            entitled = kind in ENTITLED[role] or (kind == "page front" and "page" in SEES[role])
            for method in ("get", "post"):
                if method == "post" and kind == "listing":
                    continue
                tried += 1
                try:
                    with transaction.atomic():
                        response = getattr(client, method)(url, follow=False)
                        changed = fingerprint() != baseline
                        raise Rollback
                except Rollback:
                    pass
                body = b"".join(response.streaming_content) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                if response.status_code >= 500:
                    errors.append(f"{role} {method.upper()} {url}: {response.status_code}")
                if entitled:
                    continue
                shown = [canary for canary in hidden if canary in text]
                if shown:
                    leaks.append(f"{role} {method.upper()} {url}: shows {shown}")
                if kind not in ("listing", "page front") and 200 <= response.status_code < 300:
                    leaks.append(f"{role} {method.upper()} {url}: {response.status_code}")
                if kind == "page front" and 200 <= response.status_code < 300:
                    leaks.append(f"{role} {method.upper()} {url}: private page served")
                if changed:
                    leaks.append(f"{role} {method.upper()} {url}: changed the database")
    with capsys.disabled():
        print(
            f"\nAccess sweep: {len(roles)} roles × {len(urls)} URLs × GET/POST = {tried} requests, "
            f"{len(leaks)} leaks, {len(errors)} server errors."
        )
    assert not errors, "\n".join(errors)
    assert not leaks, "\n".join(leaks)
    assert tried > 1000
