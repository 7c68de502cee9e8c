"""A page that belongs to its group (in review, pending revision, minutes) never moves to another."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from wagtail.models import Page

from .factories import MeetingReportPageFactory, make_minutes
from .workflow_helpers import draft_report_in_admin

pytestmark = pytest.mark.usefixtures("shared_world")


def parent_of(page):
    return Page.objects.get(pk=page.pk).get_parent().pk


@pytest.fixture
def in_review(group_a, editor, as_user):
    return draft_report_in_admin(as_user(editor), group_a, title="Compte rendu en relecture")


def test_the_editor_cannot_move_a_page_in_review_to_another_group(
    group_a, group_b, in_review, editor, as_user
):
    client = as_user(editor)
    url = f"/admin/pages/{in_review.pk}/move/{group_b.pk}/confirm/"
    shown = client.get(url, follow=True)
    assert "en cours de relecture dans le groupe « Le comité éthique »" in shown.content.decode()
    client.post(url)
    assert parent_of(in_review) == group_a.pk


def test_no_code_path_moves_it_either(group_a, group_b, in_review):
    with pytest.raises(PermissionDenied):
        Page.objects.get(pk=in_review.pk).move(group_b, pos="last-child")
    assert parent_of(in_review) == group_a.pk


def test_a_bulk_move_is_refused_as_a_whole(group_a, group_b, in_review, superuser, as_user):
    """The published page could move on its own (as the superuser): with the page in review, nothing moves."""
    published = MeetingReportPageFactory(parent=group_a, title="Publié")
    published.save_revision().publish()
    response = as_user(superuser).post(
        f"/admin/bulk/wagtailcore/page/move/?id={published.pk}&id={in_review.pk}&next=/admin/pages/{group_a.pk}/",
        {"chooser": group_b.pk},
        follow=True,
    )
    assert "en cours de relecture" in response.content.decode()
    assert parent_of(in_review) == group_a.pk and parent_of(published) == group_a.pk
    alone = as_user(superuser).post(
        f"/admin/bulk/wagtailcore/page/move/?id={published.pk}&next=/admin/pages/{group_a.pk}/",
        {"chooser": group_b.pk},
    )
    assert alone.status_code == 302 and parent_of(published) == group_b.pk  # the test can fail


def test_a_copy_to_another_group_is_refused_like_a_move(group_a, group_b, in_review, editor, as_user):
    client = as_user(editor)
    response = client.post(
        f"/admin/pages/{in_review.pk}/copy/",
        {"new_title": "Copie", "new_slug": "copie", "new_parent_page": group_b.pk},
        follow=True,
    )
    assert "en cours de relecture" in response.content.decode()
    assert not Page.objects.filter(slug="copie").exists()


def test_a_copy_posted_without_a_destination_asks_for_one(group_a, editor, as_user):
    """Wagtail's copy view fails on a POST that names no parent page (a hand-made request, an
    emptied field): the person is sent back to the form with what to do, and nothing is copied."""
    page = MeetingReportPageFactory(parent=group_a, title="À copier")
    page.save_revision().publish()
    client = as_user(editor)
    url = f"/admin/pages/{page.pk}/copy/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"new_title": "Copie", "new_slug": "copie-sans-parent"})
    assert response.status_code == 302 and response["Location"] == url
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown == ["Choisissez la page sous laquelle copier celle-ci."]
    assert not Page.objects.filter(slug="copie-sans-parent").exists()


def test_a_pending_revision_keeps_a_live_page_in_its_group(group_a, group_b):
    page = MeetingReportPageFactory(parent=group_a, title="Publié")
    page.save_revision().publish()
    page.title = "Nouveau titre pas encore relu"
    page.save_revision()
    with pytest.raises(PermissionDenied, match="modifications non publiées"):
        Page.objects.get(pk=page.pk).move(group_b, pos="last-child")


def test_a_report_with_minutes_keeps_to_its_group(group_a, group_b):
    page = MeetingReportPageFactory(parent=group_a, minutes=make_minutes(group_a))
    page.save_revision().publish()
    with pytest.raises(PermissionDenied, match="bibliothèque restreinte"):
        Page.objects.get(pk=page.pk).move(group_b, pos="last-child")


def test_a_published_page_with_nothing_pending_moves_freely(group_a, group_b, superuser, as_user):
    """Moving a live page takes the publish right: only superusers have it
    (docs/admin-and-moderation.md, "Roles")."""
    page = MeetingReportPageFactory(parent=group_a, title="Publié")
    page.save_revision().publish()
    response = as_user(superuser).post(f"/admin/pages/{page.pk}/move/{group_b.pk}/confirm/")
    assert response.status_code == 302
    assert parent_of(page) == group_b.pk
