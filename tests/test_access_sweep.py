"""Access sweep: every URL of the project and of the Wagtail admin, for every role, GET and POST.

The URLs come from Django's resolver, not from a list kept by hand, so a new URL is swept
automatically. Each one is requested with the ids of working group A's restricted content
(a private page, a draft in review, its revision, A's minutes and their collection, an
access request, a board decision) in the path, and the views that take ids in the query
string (bulk actions, choosers, the access-request form, filters) are requested with them too.
Unique canary texts are planted: a private page, a draft under group A, the pending title of a
live page, a report under a restricted group page (a restricted parent hides its children),
minutes, minutes in a sub-collection of the restricted one, an access request's reason. For
every role not entitled to that kind of object the answer must not be a success, must not
contain a canary the role may not see, and must change nothing in the database. Entitled roles
are swept too, for server errors and for the canaries they may not see. A staff account with
access to the admin that is not a superuser is one of the roles: ``is_staff`` opens nothing here.
Bulk actions are also POSTed, and must leave the rows of the canaries a role may not see untouched.
"""

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from taggit.models import TaggedItem
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

from documents.library import RESOURCES, collection_for_group
from documents.models import AccessRequest, DownloadLogEntry, LibraryDocument
from workinggroups.models import (
    AssemblyOutcome,
    BoardDecision,
    BoardDecisionHistory,
    BoardPosition,
    Fact,
    WorkingGroupMembership,
)
from workinggroups.roles import editors_group

from .conftest import client_for
from .factories import (
    BoardMemberFactory,
    MeetingReportPageFactory,
    RecommendationPageFactory,
    StaffFactory,
    UserFactory,
    make_minutes,
    make_working_group,
)
from .workflow_helpers import current_task_state, draft_report_in_admin

pytestmark = pytest.mark.usefixtures("shared_world")

CANARIES = {
    "page": "Compte rendu confidentiel CANARIPAGE7731",
    "draft": "Brouillon CANARIDRAFT2208",
    "pending": "Titre en attente CANARIPENDING6604",
    "child": "Sous une page restreinte CANARICHILD3390",
    "document": "PV CANARIDOC4412",
    "subdocument": "Annexe CANARISUBDOC8817",
    "request": "Motif CANARIREQUEST5531",
}
#: Which canaries each role may legitimately see (anywhere), and which kinds of object it may act on.
SEES = {
    "anonymous": set(),
    "member": set(),
    "staff, not superuser": set(),
    "member of A": {"page", "draft", "pending", "document", "subdocument"},
    "facilitator of A": {"page", "draft", "pending", "document", "subdocument", "request"},
    "facilitator of B": set(),
    "editor": {"page", "draft", "pending", "child"},  # editors draft under every group
    "board": {"page", "child", "document", "subdocument", "request"},
}
ENTITLED = {
    "anonymous": set(),
    "member": set(),
    "staff, not superuser": set(),
    "member of A": {"page", "revision", "document"},
    "facilitator of A": {"page", "revision", "document", "task state", "access request", "follow-up"},
    "facilitator of B": set(),
    "editor": {"page", "revision"},
    "board": {"document", "access request", "decision", "follow-up", "download log"},
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
        if "followuprecord" in path:
            return "follow-up"
        if "accessrequest" in path:
            return "access request"
        if "downloadlogentry" in path:
            return "download log"
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


def restrict_page(page, *groups):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([*groups, Group.objects.get(name="Conseil d'administration")])
    return restriction


@pytest.fixture(scope="module")
def restricted_rows(shared_world, django_db_blocker):
    """Group A's restricted content, each piece carrying a canary text: built once for the module's
    eight roles, inside the shared world's transaction (rolled back at the module's end)."""
    from .conftest import _group

    with django_db_blocker.unblock():
        group_a, group_b = _group(shared_world["group_a"]), _group(shared_world["group_b"])
        return _build_restricted(group_a, group_b, group_a.get_parent().specific)


@pytest.fixture
def restricted(restricted_rows, editor, board_member, member):
    """Fresh copies of the restricted rows for each role's test (a test changes nothing for the next)."""
    return {key: type(row).objects.get(pk=row.pk) for key, row in restricted_rows.items()}


def _build_restricted(group_a, group_b, programme):
    editor = UserFactory(username="editeur")
    editor.groups.add(editors_group())
    board_member = BoardMemberFactory(username="conseil")
    UserFactory(username="membre")
    private = MeetingReportPageFactory(
        parent=group_a, title=CANARIES["page"], summary=f"<p>{CANARIES['page']}</p>", live=False
    )
    private.save_revision().publish()
    private = type(private).objects.get(pk=private.pk)
    restriction = restrict_page(private, group_a.django_group)
    draft = draft_report_in_admin(client_for(editor), group_a, title=CANARIES["draft"])
    state = current_task_state(draft)
    pending = MeetingReportPageFactory(parent=group_a, title="Compte rendu publié d'octobre", live=False)
    pending.save_revision().publish()
    pending.title = CANARIES["pending"]
    pending.save_revision()
    # A restriction on a parent hides the pages under it: the canary is a live, unrestricted leaf.
    group_c = make_working_group(programme, members=1, title="Groupe restreint", slug="restreint")
    restrict_page(group_c, group_c.django_group)
    child = MeetingReportPageFactory(
        parent=group_c, title=CANARIES["child"], summary=f"<p>{CANARIES['child']}</p>", live=False
    )
    child.save_revision().publish()
    minutes = make_minutes(group_a, title=CANARIES["document"], filename="canari.pdf")
    annexes = collection_for_group(group_a).add_child(instance=Collection(name="Annexes du groupe A"))
    subdocument = make_minutes(group_a, title=CANARIES["subdocument"], filename="annexe.pdf")
    subdocument.collection = annexes
    subdocument.save()
    linked = MeetingReportPageFactory(parent=group_a, title="Réunion avec PV", live=False)
    linked.save_revision().publish()
    linked.minutes = minutes  # a second revision adds the minutes: the revision comparison shows them
    linked.save_revision().publish()
    # The requester is none of the swept roles: what they may do with their own request is tested elsewhere.
    requester = UserFactory(username="demandeuse")
    request = AccessRequest.objects.create(
        requester=requester, working_group=group_a, document=minutes, reason=CANARIES["request"]
    )
    recommendation = RecommendationPageFactory(parent=group_a, number=77, live=False)
    recommendation.save_revision().publish()
    # Adopted by the assembly, so that its follow-up screen exists: the group's facilitator's and the board's.
    decision = BoardDecision.objects.get(recommendation=recommendation)
    decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_member)
    decision.record(Fact.POSITION, BoardPosition.ADOPTED, board_member)
    decision.record(
        Fact.ASSEMBLY, AssemblyOutcome.ADOPTED, board_member, assembly_date=datetime.date(2018, 6, 19)
    )
    mail.outbox.clear()
    return {
        "page": private,
        "draft": draft,
        "pending": pending,
        "child": child,
        "group_c": group_c,
        "subdocument": subdocument,
        "linked": linked,
        "task_state": state,
        "restriction": restriction,
        "document": minutes,
        "collection": collection_for_group(group_a),
        "request": request,
        "decision": BoardDecision.objects.get(recommendation=recommendation),
        "download": DownloadLogEntry.objects.create(
            user=board_member, document=minutes, document_title=minutes.title, working_group=group_a
        ),
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
        if "downloadlogentry" in path:
            return objects["download"].pk
        if "boarddecision" in path or "followuprecord" in path:
            return objects["decision"].pk
        return objects["request"].pk
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


def fingerprint_of(objects, keys):
    """A digest of the canaries' own rows (their page or document, its revisions and workflow): what a
    bulk action naming them may change only for someone who may see them."""
    pages = [objects[key].pk for key in keys if isinstance(objects[key], Page)]
    documents = [objects[key].pk for key in keys if isinstance(objects[key], LibraryDocument)]
    parts = [
        Page.objects.filter(pk__in=pages).values_list(
            "id", "title", "live", "path", "latest_revision_id", "locked", "has_unpublished_changes"
        ),
        Revision.objects.filter(object_id__in=[str(pk) for pk in pages]).values_list("id", "object_id"),
        WorkflowState.objects.filter(object_id__in=[str(pk) for pk in pages]).values_list("id", "status"),
        LibraryDocument.objects.filter(pk__in=documents).values_list("id", "title", "collection_id", "file"),
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(LibraryDocument), object_id__in=documents
        ).values_list("id", "tag_id", "object_id"),
    ]
    return hashlib.sha256("\n".join(repr(sorted(rows)) for rows in parts).encode()).hexdigest()


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
        BoardDecision.objects.values_list("id", "position", "assembly_outcome", "follow_up", "progress"),
        BoardDecisionHistory.objects.values_list("id"),
        WorkingGroupMembership.objects.values_list("id", "user_id", "role"),
        GroupPagePermission.objects.values_list("id", "group_id", "page_id", "permission_id"),
        Group.objects.values_list("id", "name"),
        DownloadLogEntry.objects.values_list("id"),
    ):
        parts.append(repr(sorted(queryset)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


#: A statement that writes (``executemany`` is logged as "3 times: INSERT …").
WRITE = re.compile(r"\s*(\d+ times: )?(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class Rollback(Exception):
    pass


def query_string_urls(objects, group_a, group_b):
    """Views that read ids from the query string, with the canaries' ids (judged on what they show)."""
    docs = f"id={objects['document'].pk}&id={objects['subdocument'].pk}"
    pages = "&".join(f"id={objects[key].pk}" for key in ("page", "draft", "pending", "child"))
    group_c, annexes = objects["group_c"], objects["subdocument"].collection_id
    bulk = [f"/admin/bulk/documents/librarydocument/{action}/?{docs}" for action in BULK_DOCUMENT_ACTIONS]
    bulk += [f"/admin/bulk/documents/librarydocument/{action}/?id=all" for action in BULK_DOCUMENT_ACTIONS]
    for action in BULK_PAGE_ACTIONS:
        bulk += [
            f"/admin/bulk/wagtailcore/page/{action}/?{pages}",
            f"/admin/bulk/wagtailcore/page/{action}/?id=all&childOf={group_a.pk}",
            f"/admin/bulk/wagtailcore/page/{action}/?id=all&childOf={group_c.pk}",
        ]
    urls = [
        f"/admin/choose-page/{group_a.pk}/",
        f"/admin/choose-page/{group_c.pk}/",
        f"/admin/choose-page/{group_a.pk}/?page_type=workinggroups.meetingreportpage",
        "/admin/choose-page/search/?q=compte",
        "/admin/choose-page/search/?q=CANARIDRAFT2208",
        "/admin/choose-page/search/?q=CANARICHILD3390",
        "/admin/choose-page/search/?q=octobre",
        "/admin/documents/chooser/?q=canari",
        "/admin/documents/chooser/results/?q=CANARISUBDOC8817",
        f"/admin/documents/chooser/?collection_id={annexes}",
        f"/admin/documents/minutes-chooser/?groupe={group_a.pk}",
        f"/admin/documents/minutes-chooser/results/?groupe={group_a.pk}&q=canari",
        f"/admin/documents/?collection_id={annexes}",
        "/admin/documents/?q=CANARISUBDOC8817",
        "/admin/pages/search/?q=CANARIDRAFT2208",
        "/admin/pages/search/?q=CANARIPENDING6604",
        "/admin/pages/search/?q=CANARICHILD3390",
        f"/admin/choose-page/chosen-multiple/?{pages}",
        f"/admin/choose-page/chosen-multiple/?id={objects['pending'].pk}",
        f"/admin/pages/{objects['linked'].pk}/edit/",
        f"/admin/pages/{objects['linked'].pk}/history/",
        f"/admin/pages/{objects['linked'].pk}/revisions/",
        f"/admin/pages/{objects['linked'].pk}/revisions/compare/earliest...latest/",
        f"/admin/pages/{objects['pending'].pk}/revisions/compare/live...latest/",
        f"/admin/documents/usage/{objects['document'].pk}/",
        f"/admin/moderation/?group={group_a.pk}",
        f"/admin/moderation/?group={group_c.pk}",
        f"/documents/acces/demander/?groupe={group_a.pk}&document={objects['document'].pk}",
        f"/documents/acces/demander/?groupe={group_a.pk}&document={objects['subdocument'].pk}",
        f"/documents/acces/demander/?groupe={group_b.pk}&document={objects['document'].pk}",
        f"/documents/acces/demander/?groupe={group_c.pk}",
        f"/search/?q=canari&groupe={group_c.pk}",
        f"/search/?q=canari&groupe={group_a.pk}&type=document",
        f"/documents/?groupe={group_a.pk}",
        f"/documents/?groupe={group_c.pk}",
        f"/documents/?collection={annexes}&type=minutes",
        f"/documents/?id={objects['document'].pk}&document={objects['subdocument'].pk}",
        "/documents/?q=canari",
        "/documents/?q=CANARIDOC4412&du=2000-01-01",
        f"{group_c.url}",
        f"{group_a.get_parent().url}recommandations/?groupe={group_c.slug}",
        f"{group_a.get_parent().url}comptes-rendus/?groupe={group_c.slug}",
    ]
    urls += [f"/search/?q={canary.split()[-1]}" for canary in CANARIES.values()]
    return [(url, "bulk") for url in bulk] + [(url, "listing") for url in urls]


BULK_DOCUMENT_ACTIONS = ("delete", "add_to_collection", "add_tags")
#: The canaries whose ids the bulk actions' query strings name.
NAMED_BY_BULK = ("page", "draft", "pending", "child", "document", "subdocument")
BULK_PAGE_ACTIONS = ("delete", "move", "publish", "unpublish")


LOGOUT_URLS = {"/logout/", "/admin/logout/"}


def logged_in_client(user):
    client = Client() if user is None else client_for(user)
    client.raise_request_exception = False  # a crash is counted as a server error, not an abort
    return client


def still_logged_in(client):
    cookie = client.cookies.get("sessionid")
    return cookie is not None and cookie.value != ""


ROLES = [
    "anonymous",
    "member",
    "staff, not superuser",
    "member of A",
    "facilitator of A",
    "facilitator of B",
    "editor",
    "board",
]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_access_sweep(role, restricted, group_a, group_b, member, editor, board_member, record_property):
    """Every URL, as one role (one test per role, so that the workers share the sweep)."""
    people = {
        "anonymous": None,
        "member": member,
        "staff, not superuser": StaffFactory(username="personnel"),
        "member of A": group_a.people[0],
        "facilitator of A": group_a.facilitator,
        "facilitator of B": group_b.facilitator,
        "editor": editor,
        "board": board_member,
    }
    assert list(people) == ROLES
    roles = {role: logged_in_client(people[role])}
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
    in_paths = len(urls)
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
        (f"{restricted['child'].url}", "child front"),
        (f"{restricted['group_b'].get_parent().url}", "listing"),
    ]
    urls += [(f"{group_a.url}", "listing"), ("/", "listing")]
    urls += query_string_urls(restricted, group_a, group_b)

    tried, leaks, errors = 0, [], []
    baseline = fingerprint()
    # A bulk action's confirmation is POSTed with what each action's form asks for.
    bulk_data = {
        "collection": Collection.objects.get(name=RESOURCES, depth=2).pk,
        "tags": "sweep",
        "chooser": group_b.pk,
        "include_descendants": "on",
    }
    for role, client in list(roles.items()):
        hidden = [text for key, text in CANARIES.items() if key not in SEES[role]]
        # The canaries' own rows this role may not see: a bulk action naming them leaves them alone.
        hidden_rows = [key for key in NAMED_BY_BULK if key not in SEES[role]]
        hidden_baseline = fingerprint_of(restricted, hidden_rows)
        for url, kind in urls:
            entitled = kind in ENTITLED[role] or (
                kind in ("page front", "child front") and kind.split()[0] in SEES[role]
            )
            for method in ("get", "post"):
                if method == "post" and kind == "listing":
                    continue
                tried += 1
                try:
                    with transaction.atomic():
                        connection.queries_log.clear()  # Django keeps at most 9,000 queries
                        with CaptureQueriesContext(connection) as queries:
                            if method == "post" and kind == "bulk":
                                response = client.post(url, bulk_data, follow=False)
                            else:
                                response = getattr(client, method)(url, follow=False)
                        # Only a request that wrote can have changed anything: the digest of the
                        # protected tables is taken then (or whenever the log overflowed), for the
                        # roles this request is judged for.
                        wrote = len(queries) >= connection.queries_log.maxlen or any(
                            WRITE.match(query["sql"]) for query in queries
                        )
                        if kind == "bulk":
                            changed = wrote and fingerprint_of(restricted, hidden_rows) != hidden_baseline
                        else:
                            changed = not entitled and wrote and fingerprint() != baseline
                        raise Rollback
                except Rollback:
                    pass
                body = b"".join(response.streaming_content) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                if people[role] is not None and not still_logged_in(client):
                    # Only logging out may end the session; the sweep goes on logged in, so that every
                    # later URL is judged as this role (not as a visitor sent to the login page).
                    if not (method == "post" and url in LOGOUT_URLS):
                        leaks.append(f"{role} {method.upper()} {url}: ended the session")
                    client = roles[role] = logged_in_client(people[role])
                if response.status_code >= 500:
                    errors.append(f"{role} {method.upper()} {url}: {response.status_code}")
                # What a role may not see stays hidden on the pages it may open too.
                shown = [canary for canary in hidden if canary in text]
                if shown:
                    leaks.append(f"{role} {method.upper()} {url}: shows {shown}")
                if changed:
                    leaks.append(f"{role} {method.upper()} {url}: changed the database")
                if entitled:
                    continue
                fronts = ("listing", "bulk", "page front", "child front")
                if kind not in fronts and 200 <= response.status_code < 300:
                    leaks.append(f"{role} {method.upper()} {url}: {response.status_code}")
                if kind in ("page front", "child front") and 200 <= response.status_code < 300:
                    leaks.append(f"{role} {method.upper()} {url}: private page served")
    # Added up over the roles at the end of the run (tests/conftest.py, pytest_terminal_summary).
    record_property("access sweep", [role, len(urls), in_paths, tried, len(leaks), len(errors)])
    assert not errors + leaks, "\n".join(errors + leaks)
    assert tried > 250
