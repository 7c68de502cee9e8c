"""Each working group's Django group follows its memberships and its page, whatever changes."""

import pytest
from django.contrib.auth.models import Group

from workinggroups.choices import MembershipRole
from workinggroups.models import WorkingGroupMembership

from .admin_forms import add_inline_row, edit_form_data, inline_rows
from .factories import UserFactory, WorkingGroupPageFactory, add_membership

pytestmark = pytest.mark.usefixtures("shared_world")


def django_members(group_page):
    group_page.refresh_from_db()
    return set(group_page.django_group.user_set.values_list("username", flat=True))


def test_creating_a_group_page_creates_its_django_group(programme):
    page = WorkingGroupPageFactory(parent=programme, title="Nouveau groupe")
    page.refresh_from_db()
    assert page.django_group is not None
    assert page.django_group.name == f"GT {page.pk} · Nouveau groupe"
    assert page.django_group.permissions.filter(codename="access_admin").exists()


def test_the_django_group_holds_exactly_the_members(group_a):
    expected = {
        "animateur-ethique",
        "conseil-ethique",
        "membre-ethique-1",
        "membre-ethique-2",
        "membre-ethique-3",
    }
    assert django_members(group_a) == expected


def test_member_added(group_a):
    add_membership(group_a, UserFactory(username="arrivee"))
    assert "arrivee" in django_members(group_a)


def test_member_removed(group_a):
    WorkingGroupMembership.objects.get(page=group_a, user=group_a.people[0]).delete()
    assert "membre-ethique-1" not in django_members(group_a)
    assert not group_a.people[0].groups.filter(pk=group_a.django_group.pk).exists()


def test_role_changed_keeps_the_person_and_changes_who_facilitates(group_a):
    membership = WorkingGroupMembership.objects.get(page=group_a, user=group_a.people[0])
    membership.role = MembershipRole.FACILITATOR
    membership.save()
    assert "membre-ethique-1" in django_members(group_a)
    facilitators = set(
        WorkingGroupMembership.objects.filter(page=group_a, role=MembershipRole.FACILITATOR).values_list(
            "user__username", flat=True
        )
    )
    assert facilitators == {"animateur-ethique", "membre-ethique-1"}


def test_members_removed_from_the_page_editor_lose_the_group_when_published(group_a, superuser, as_user):
    client = as_user(superuser)
    data = edit_form_data(client, group_a)
    for i in inline_rows(data, "memberships"):
        if data[f"memberships-{i}-user"] == str(group_a.people[1].pk):
            data[f"memberships-{i}-DELETE"] = "1"
    add_inline_row(
        data, "memberships", user=UserFactory(username="recrue").pk, role="member", profile="staff"
    )
    data["action-publish"] = "action-publish"
    assert client.post(f"/admin/pages/{group_a.pk}/edit/", data).status_code == 302
    members = django_members(group_a)
    assert "recrue" in members and "membre-ethique-2" not in members


def test_a_draft_does_not_change_the_group_until_published(group_a, superuser, as_user):
    """Memberships are part of the page: a draft (awaiting moderation) changes nothing yet."""
    client = as_user(superuser)
    data = edit_form_data(client, group_a)
    add_inline_row(
        data, "memberships", user=UserFactory(username="en-attente").pk, role="member", profile="user"
    )
    data["title"] = "Titre en brouillon"
    assert client.post(f"/admin/pages/{group_a.pk}/edit/", data).status_code == 302
    group_a.refresh_from_db()
    assert "en-attente" not in django_members(group_a)
    assert "Titre en brouillon" not in group_a.django_group.name


def test_renaming_the_group_page_renames_the_django_group(group_a):
    group_a.title = "Le comité d'éthique"
    group_a.save_revision().publish()
    group_a.refresh_from_db()
    assert group_a.django_group.name == f"GT {group_a.pk} · Le comité d'éthique"


def test_deleting_the_group_page_deletes_its_django_group(group_a):
    group_id = group_a.django_group_id
    member = group_a.people[0]
    group_a.delete()
    assert not Group.objects.filter(pk=group_id).exists()
    assert not member.groups.filter(pk=group_id).exists()
    assert member.groups.filter(name="Membres").exists()


def test_groups_of_the_same_name_in_two_programmes_stay_apart(programme, home):
    from .factories import ProgrammePageFactory

    other_programme = ProgrammePageFactory(parent=home)
    first = WorkingGroupPageFactory(parent=programme, title="Le comité éthique")
    second = WorkingGroupPageFactory(parent=other_programme, title="Le comité éthique")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.django_group != second.django_group


def test_a_membership_change_touches_only_the_members(group_a, django_assert_max_num_queries):
    """Saving a group of twelve saves twelve rows: each must not re-check the whole library
    (collections, restrictions, grants), which a full sync per row did (68 queries each; 18 now,
    7 of them Wagtail's reference index, 2 the page cache's new generation on PostgreSQL)."""
    newcomer = UserFactory(username="arrivee")
    with django_assert_max_num_queries(18):
        add_membership(group_a, newcomer)
    assert "arrivee" in django_members(group_a)
