"""The world a test module shares (tests/conftest.py ``shared_world``): each test starts from it
unchanged, whatever the test before did to its rows or to its Python objects."""

import pytest

from workinggroups.models import WorkingGroupMembership, WorkingGroupPage

# On one worker, in this order: the second test checks what the first one did.
pytestmark = [pytest.mark.usefixtures("shared_world"), pytest.mark.xdist_group("shared world")]


def test_a_test_changes_the_world(group_a):
    group_a.title = "Renommé par un test"
    group_a.save()
    WorkingGroupMembership.objects.filter(page=group_a, user=group_a.people[0]).delete()
    group_a.people.pop()
    assert WorkingGroupPage.objects.get(pk=group_a.pk).title == "Renommé par un test"


def test_the_next_test_finds_it_as_it_was(group_a, group_b):
    assert WorkingGroupPage.objects.get(pk=group_a.pk).title == "Le comité éthique"
    assert group_a.title == "Le comité éthique"
    assert len(group_a.people) == 3
    assert WorkingGroupMembership.objects.filter(page=group_a).count() == 5
    assert group_b.facilitator.username == "animateur-finances"


def test_a_test_that_names_no_group_still_finds_them():
    assert set(WorkingGroupPage.objects.values_list("slug", flat=True)) == {"ethique", "finances"}
