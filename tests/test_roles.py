"""Who may draft where, and that nobody but a superuser publishes around the workflow."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission

from workinggroups.roles import ensure_roles

from .factories import MeetingReportPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")


def test_the_role_groups_exist(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Membres", "Éditeurs", "Conseil d'administration"} <= names


def test_wagtails_starter_groups_with_publish_rights_are_gone(db):
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()


def test_no_group_holds_the_publish_permission(group_a, group_b):
    assert not GroupPagePermission.objects.filter(permission__codename="publish_page").exists()


def test_a_starter_group_with_users_loses_its_page_permissions_but_stays(db, member, home):
    moderators = Group.objects.create(name="Moderators")
    moderators.user_set.add(member)
    GroupPagePermission.objects.create(group=moderators, page=home, permission_type="publish")
    ensure_roles()
    assert Group.objects.filter(name="Moderators").exists()
    assert not GroupPagePermission.objects.filter(group=moderators).exists()


def test_setup_roles_is_idempotent(group_a):
    before = (Group.objects.count(), GroupPagePermission.objects.count())
    call_command("setup_roles")
    call_command("setup_roles")
    assert (Group.objects.count(), GroupPagePermission.objects.count()) == before


def test_group_member_drafts_only_under_their_own_group(group_a, group_b):
    person = group_a.people[0]
    assert group_a.permissions_for_user(person).can_add_subpage()
    assert group_a.permissions_for_user(person).can_edit()
    assert not group_b.permissions_for_user(person).can_add_subpage()
    assert not group_b.permissions_for_user(person).can_edit()
    assert not group_a.get_parent().permissions_for_user(person).can_add_subpage()
    assert not group_a.permissions_for_user(person).can_publish()


def test_facilitator_drafts_under_their_group_only(group_a, group_b):
    assert group_a.permissions_for_user(group_a.facilitator).can_add_subpage()
    assert not group_b.permissions_for_user(group_a.facilitator).can_add_subpage()
    assert not group_a.permissions_for_user(group_a.facilitator).can_publish()


def test_editor_drafts_under_the_programme_but_never_publishes(editor, programme, group_a):
    report = MeetingReportPageFactory(parent=group_a)
    assert programme.permissions_for_user(editor).can_add_subpage()
    assert group_a.permissions_for_user(editor).can_add_subpage()
    assert report.permissions_for_user(editor).can_edit()
    assert not report.permissions_for_user(editor).can_publish()
    assert not programme.get_parent().permissions_for_user(editor).can_add_subpage()


def test_board_and_plain_members_cannot_draft(board_member, member, group_a):
    for user in (board_member, member):
        assert not group_a.permissions_for_user(user).can_add_subpage()
        assert not group_a.permissions_for_user(user).can_edit()


def test_only_superusers_publish(superuser, group_a, editor, board_member):
    assert group_a.permissions_for_user(superuser).can_publish()
    for user in (editor, board_member, group_a.facilitator, group_a.liaison, group_a.people[0]):
        assert not group_a.permissions_for_user(user).can_publish(), user.username


def test_a_plain_member_cannot_enter_the_admin(member, as_user):
    response = as_user(member).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_group_member_creates_a_report_under_their_group_in_the_admin(group_a, group_b, as_user):
    client = as_user(group_a.people[0])
    assert client.get(f"/admin/pages/add/workinggroups/meetingreportpage/{group_a.pk}/").status_code == 200
    refused = client.get(f"/admin/pages/add/workinggroups/meetingreportpage/{group_b.pk}/")
    assert refused.status_code in (302, 403)
