"""Nothing lost, access fails closed: deleting groups, collections and Django groups."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError
from wagtail.models import Collection, CollectionViewRestriction

from documents.library import ARCHIVES, collection_for_group, minutes_collection_name
from documents.models import LibraryDocument, MinutesCollection

from .factories import WorkingGroupPageFactory, make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")


def test_each_group_gets_a_minutes_collection_restricted_to_it_and_the_board(group_a):
    collection = collection_for_group(group_a)
    assert collection.name == "Le comité éthique (Groupes de travail 2017-2018)"
    assert collection.get_parent().name == "Procès-verbaux"
    restriction = CollectionViewRestriction.objects.get(collection=collection)
    assert restriction.restriction_type == "groups"
    assert {g.name for g in restriction.groups.all()} == {
        group_a.django_group.name,
        "Conseil d'administration",
    }


def test_renaming_the_group_renames_its_collection(group_a):
    group_a.title = "Le comité d'éthique"
    group_a.save_revision().publish()
    assert collection_for_group(group_a).name == minutes_collection_name(group_a)
    assert collection_for_group(group_a).name.startswith("Le comité d'éthique")


def test_a_tampered_restriction_is_repaired(group_a):
    from workinggroups.roles import ensure_roles

    restriction = CollectionViewRestriction.objects.get(collection=collection_for_group(group_a))
    restriction.groups.clear()
    restriction.restriction_type = CollectionViewRestriction.LOGIN
    restriction.save()
    ensure_roles()
    restriction.refresh_from_db()
    assert restriction.restriction_type == "groups" and restriction.groups.count() == 2


def test_sub_collections_inherit_the_restriction(group_a, member, as_user):
    sub = collection_for_group(group_a).add_child(instance=Collection(name="Annexes"))
    annex = make_minutes(group_a, title="Annexe", filename="annexe.pdf")
    annex.collection = sub
    annex.save()
    assert as_user(member).get(annex.url).status_code == 403
    assert as_user(group_a.people[0]).get(annex.url).status_code == 200


def test_deleting_a_group_page_archives_its_minutes_for_the_board(group_a, board_member, as_user):
    minutes = make_minutes(group_a)
    member_of_a = group_a.people[0]
    group_a.delete()
    minutes = LibraryDocument.objects.get(pk=minutes.pk)  # still here
    assert minutes.collection.get_parent().name == ARCHIVES
    assert MinutesCollection.objects.get(collection=minutes.collection).archived
    assert as_user(member_of_a).get(minutes.url).status_code == 403  # fails closed
    assert as_user(board_member).get(minutes.url).status_code == 200


def test_a_collection_holding_documents_is_never_deleted(group_a):
    minutes = make_minutes(group_a)
    with pytest.raises(ProtectedError):
        collection_for_group(group_a).delete()
    assert LibraryDocument.objects.filter(pk=minutes.pk).exists()


def test_the_admin_refuses_to_delete_a_minutes_collection_even_empty(group_a, superuser, as_user):
    collection = collection_for_group(group_a)
    client = as_user(superuser)
    client.post(f"/admin/collections/delete/{collection.pk}/")
    assert Collection.objects.filter(pk=collection.pk).exists()


def test_deleting_the_groups_django_group_fails_closed(group_a, board_member, as_user):
    minutes = make_minutes(group_a)
    member_of_a = group_a.people[0]
    Group.objects.filter(pk=group_a.django_group_id).delete()
    assert LibraryDocument.objects.filter(pk=minutes.pk).exists()
    assert as_user(member_of_a).get(minutes.url).status_code == 403
    assert as_user(board_member).get(minutes.url).status_code == 200


def test_deleting_the_board_group_fails_closed_too(group_a, board_member, as_user):
    minutes = make_minutes(group_a)
    Group.objects.filter(name="Conseil d'administration").delete()
    assert as_user(board_member).get(minutes.url).status_code == 403
    assert as_user(group_a.people[0]).get(minutes.url).status_code == 200


def test_a_new_group_in_a_new_programme_gets_its_own_collection(home):
    from .factories import ProgrammePageFactory

    programme = ProgrammePageFactory(parent=home, title="Groupes de travail 2019-2020")
    group = WorkingGroupPageFactory(parent=programme, title="Le comité éthique")
    assert collection_for_group(group).name == "Le comité éthique (Groupes de travail 2019-2020)"
