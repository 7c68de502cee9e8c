"""Saving a group page in the admin is refused, with a clear message, when its memberships break a rule."""

import html

import pytest

from workinggroups.choices import MembershipRole
from workinggroups.models import WorkingGroupMembership

from .admin_forms import add_inline_row, edit_form_data, error_text, inline_rows
from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def admin_client_(superuser, login):
    return login(superuser)


def submit(client, group, data):
    data["action-publish"] = "action-publish"
    return client.post(f"/admin/pages/{group.pk}/edit/", data)


def assert_refused(response, group, message, memberships_before):
    assert response.status_code == 200, "the editor should show the form again, not redirect"
    assert message in html.unescape(error_text(response))
    assert (
        list(WorkingGroupMembership.objects.filter(page=group).values_list("user_id", "role"))
        == memberships_before
    )


def snapshot(group):
    return list(WorkingGroupMembership.objects.filter(page=group).values_list("user_id", "role"))


def test_a_valid_change_is_saved(admin_client_, group_a):
    newcomer = UserFactory(username="nouvelle")
    data = edit_form_data(admin_client_, group_a)
    add_inline_row(data, "memberships", user=newcomer.pk, role="member", profile="client")
    response = submit(admin_client_, group_a, data)
    assert response.status_code == 302
    assert WorkingGroupMembership.objects.filter(page=group_a, user=newcomer, profile="client").exists()


def test_more_members_than_the_maximum_is_refused(admin_client_, group_a):
    before = snapshot(group_a)
    data = edit_form_data(admin_client_, group_a)
    data["max_size"] = "4"
    for _ in range(2):  # 3 members + 2 = 5 > 4
        add_inline_row(data, "memberships", user=UserFactory().pk, role="member", profile="user")
    response = submit(admin_client_, group_a, data)
    assert_refused(response, group_a, "Le groupe compte 5 membres pour un maximum de 4", before)


def test_facilitator_and_board_liaison_do_not_count_towards_the_maximum(admin_client_, group_a):
    data = edit_form_data(admin_client_, group_a)
    data["max_size"] = "3"  # exactly its 3 members, plus facilitator and liaison
    assert submit(admin_client_, group_a, data).status_code == 302


def test_a_group_without_facilitator_is_refused(admin_client_, group_a):
    before = snapshot(group_a)
    data = edit_form_data(admin_client_, group_a)
    for i in inline_rows(data, "memberships"):
        if data[f"memberships-{i}-role"] == MembershipRole.FACILITATOR:
            data[f"memberships-{i}-role"] = MembershipRole.MEMBER
    response = submit(admin_client_, group_a, data)
    assert_refused(response, group_a, "Le groupe doit avoir au moins un·e animateur·rice.", before)


def test_a_group_without_board_liaison_is_refused(admin_client_, group_a):
    before = snapshot(group_a)
    data = edit_form_data(admin_client_, group_a)
    for i in inline_rows(data, "memberships"):
        if data[f"memberships-{i}-role"] == MembershipRole.BOARD_LIAISON:
            data[f"memberships-{i}-DELETE"] = "1"
    response = submit(admin_client_, group_a, data)
    assert_refused(response, group_a, "exactement un membre du Conseil d'administration ; il en a 0", before)


def test_two_board_liaisons_are_refused(admin_client_, group_a, board_member):
    before = snapshot(group_a)
    data = edit_form_data(admin_client_, group_a)
    add_inline_row(data, "memberships", user=board_member.pk, role="board_liaison", profile="user")
    response = submit(admin_client_, group_a, data)
    assert_refused(response, group_a, "exactement un membre du Conseil d'administration ; il en a 2", before)


def test_a_board_liaison_outside_the_board_is_refused(admin_client_, group_a):
    before = snapshot(group_a)
    outsider = UserFactory(username="pas-au-conseil", first_name="Camille", last_name="Hors-Conseil")
    data = edit_form_data(admin_client_, group_a)
    for i in inline_rows(data, "memberships"):
        if data[f"memberships-{i}-role"] == MembershipRole.BOARD_LIAISON:
            data[f"memberships-{i}-DELETE"] = "1"
    add_inline_row(data, "memberships", user=outsider.pk, role="board_liaison", profile="user")
    response = submit(admin_client_, group_a, data)
    assert_refused(
        response,
        group_a,
        "Camille Hors-Conseil n'est pas membre du groupe « Conseil d'administration »",
        before,
    )


def test_the_same_person_twice_is_refused(admin_client_, group_a):
    before = snapshot(group_a)
    twice = group_a.people[0]
    twice.first_name, twice.last_name = "Dominique", "Deux-Fois"
    twice.save()
    data = edit_form_data(admin_client_, group_a)
    add_inline_row(data, "memberships", user=twice.pk, role="member", profile="partner")
    response = submit(admin_client_, group_a, data)
    assert_refused(response, group_a, "Dominique Deux-Fois figure 2 fois dans le groupe", before)


def test_saving_a_draft_is_refused_too(admin_client_, group_a):
    """The rules hold for drafts as well: an invalid group is never stored, even unpublished."""
    data = edit_form_data(admin_client_, group_a)
    for i in inline_rows(data, "memberships"):
        if data[f"memberships-{i}-role"] == MembershipRole.FACILITATOR:
            data[f"memberships-{i}-DELETE"] = "1"
    response = admin_client_.post(f"/admin/pages/{group_a.pk}/edit/", data)
    assert response.status_code == 200
    assert "Le groupe doit avoir au moins un·e animateur·rice." in html.unescape(error_text(response))
    group_a.refresh_from_db()
    assert group_a.latest_revision is None or not group_a.has_unpublished_changes
