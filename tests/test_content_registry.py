"""Every installed model is declared as changing what members see, or not (sitewide/content_registry.py).

A model added to the project, or brought by a library upgrade, is a deliberate choice: the page
cache starts a new generation on its changes, or says why it need not.
"""

from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from wagtail.models import Page, Revision, TaskState

from documents.models import DownloadLogEntry
from sitewide import content_registry
from sitewide.content_registry import Declarations, models_that_change_what_members_see, problems
from sitewide.page_cache import generation
from workinggroups.models import BoardDecision, MeetingReportPage, WorkingGroupMembership

from .factories import MeetingReportPageFactory, RecommendationPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")


def test_every_installed_model_is_declared_once():
    """Names every model of any app (Wagtail's, taggit's, auth, sessions, axes...) left undeclared."""
    assert apps.get_models(), "no model to check"
    assert problems() == []


def test_an_undeclared_model_is_named_and_still_refreshes_the_cache():
    declared = content_registry.declarations()
    declared.changes_nothing.pop("sessions.session")
    assert problems(declared=declared) == [
        "sessions.session is in neither CHANGES_WHAT_MEMBERS_SEE nor CHANGES_NOTHING_MEMBERS_SEE: "
        "declare it in the content.py of its app (sitewide/content.py for a library's model)."
    ]
    assert Session in models_that_change_what_members_see(declared=declared)
    assert Session not in models_that_change_what_members_see()


def test_declarations_that_name_no_model_twice_or_a_page_are_refused():
    declared = Declarations(
        changes={"workinggroups.boarddecision": ["workinggroups"], "shop.basket": ["shop"]},
        changes_nothing={"workinggroups.boarddecision": ["workinggroups"], "home.homepage": ["home"]},
    )
    found = problems(models=[BoardDecision], declared=declared)
    assert "shop.basket, declared by shop, is not an installed model." in found
    declared.some_databases.add("shop.basket")  # a model that some databases only install
    assert "shop.basket, declared by shop, is not an installed model." not in problems(
        models=[BoardDecision], declared=declared
    )
    assert "workinggroups.boarddecision is declared both as changing what members see and as not." in found
    assert "home.homepage is a page: members see every page model's changes." in found


def test_each_declaration_names_the_apps_that_made_it(monkeypatch):
    """Who declared a label is kept, so that a model declared twice or no longer installed is
    reported with the apps to fix; an app's content.py may leave out either list."""
    declared = content_registry.declarations()
    assert declared.changes["workinggroups.boarddecision"] == ["workinggroups"]
    declared.changes["workinggroups.boarddecision"].append("documents")
    declared.changes["shop.basket"] = ["shop", "sitewide"]
    found = problems(models=[BoardDecision], declared=declared)
    assert "workinggroups.boarddecision is declared more than once (workinggroups, documents)." in found
    assert "shop.basket, declared by shop, sitewide, is not an installed model." in found
    assert "shop.basket is declared more than once (shop, sitewide)." in found

    assert declared.changes_nothing["sessions.session"] == ["sitewide"]

    documents_content = import_module("documents.content")
    monkeypatch.delattr(documents_content, "CHANGES_WHAT_MEMBERS_SEE")
    monkeypatch.delattr(documents_content, "CHANGES_NOTHING_MEMBERS_SEE")
    without = content_registry.declarations()
    assert not [
        label for label, by in {**without.changes, **without.changes_nothing}.items() if "documents" in by
    ]
    assert without.changes["workinggroups.boarddecision"] == ["workinggroups"]


def test_the_models_given_are_the_ones_classified():
    declared = content_registry.declarations()
    assert models_that_change_what_members_see(models=[BoardDecision, Session], declared=declared) == [
        BoardDecision
    ]
    only_decisions = Declarations(changes={"workinggroups.boarddecision": ["workinggroups"]})
    assert problems(models=[BoardDecision], declared=only_decisions) == []


def test_pages_and_their_many_to_many_tables_need_no_declaration():
    changing = set(models_that_change_what_members_see(declared=Declarations()))
    assert {Page, MeetingReportPage, MeetingReportPage.attendees.through} <= changing


# The page cache listens to the declared models only


@pytest.fixture
def report(group_a):
    page = MeetingReportPageFactory(parent=group_a, title="Réunion", live=False)
    page.save_revision().publish()
    return page


def changes_generation(change):
    before = generation()
    change()
    return generation() != before


def test_content_changes_start_a_new_generation(report, group_a):
    assert changes_generation(lambda: report.save_revision().publish())  # a page
    recommendation = RecommendationPageFactory(parent=group_a, number=3, live=False)
    assert changes_generation(lambda: recommendation.save_revision().publish())
    decision = BoardDecision.objects.get(recommendation=recommendation)
    decision.amended_text = "Texte amendé."
    assert changes_generation(decision.save)


def test_a_log_a_session_or_a_draft_leaves_the_cache_alone(report, member):
    assert not changes_generation(lambda: DownloadLogEntry.objects.create(user=member, document_title="PV"))
    assert not changes_generation(
        lambda: Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    )
    revision = Revision.objects.filter(object_id=str(report.pk)).first()
    assert not changes_generation(revision.save)  # a revision alone (saving a draft also saves the page)
    assert not changes_generation(revision.delete)


def test_a_login_does_not_start_a_new_generation_a_change_of_groups_does(member, group_a):
    member.last_login = timezone.now()
    assert not changes_generation(lambda: member.save(update_fields=["last_login"]))
    assert changes_generation(lambda: member.groups.add(group_a.django_group))  # many-to-many
    assert changes_generation(lambda: WorkingGroupMembership.objects.filter(page=group_a).first().delete())


def test_a_guard_of_the_workflow_listens_to_page_models_not_to_every_model():
    from django.db.models.signals import post_save

    from workinggroups.workflow import send_edited_page_back_to_review

    def listens(model):
        return send_edited_page_back_to_review in post_save._live_receivers(model)[0]

    assert listens(MeetingReportPage) and listens(Page)
    assert not listens(TaskState) and not listens(BoardDecision)


def test_only_the_projects_own_apps_are_read_for_declarations():
    """A library (in a virtualenv inside the project folder too) never has its content.py read."""
    names = {config.name for config in content_registry._project_apps()}
    assert {"workinggroups", "documents", "sitewide", "home"} <= names
    assert not {name for name in names if name.split(".")[0] in {"wagtail", "django", "taggit", "axes"}}


def test_a_library_in_a_virtualenv_inside_the_project_or_an_app_elsewhere_is_not_the_projects(monkeypatch):
    base = Path(settings.BASE_DIR).resolve()
    configs = {
        "ours": SimpleNamespace(path=str(base / "workinggroups")),
        "library in .venv": SimpleNamespace(path=str(base / ".venv/lib/python3.11/site-packages/shop")),
        "elsewhere": SimpleNamespace(path="/opt/elsewhere/shop"),
    }
    monkeypatch.setattr(content_registry.apps, "get_app_configs", lambda: list(configs.values()))
    assert content_registry._project_apps() == [configs["ours"]]
