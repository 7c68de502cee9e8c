"""The person loaded on each request (accounts/backends.py): by one plain query, the same person and
profile as Django's ORM gives, and nobody for an unknown, inactive or malformed id."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.users.models import UserProfile

from accounts.backends import IntranetModelBackend

from .factories import UserFactory

User = get_user_model()


def field_values(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.fixture
def person(db):
    user = UserFactory(username="hélène", first_name="Hélène", last_name="Dupont-Lambert", is_staff=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "nl"
    profile.dismissibles = {"whats-new": True}
    profile.save()
    return user


def test_the_person_and_their_profile_are_those_the_orm_gives_in_one_query(person):
    expected = User.objects.select_related("wagtail_userprofile").get(pk=person.pk)
    with CaptureQueriesContext(connection) as queries:
        loaded = IntranetModelBackend().get_user(person.pk)
        profile = loaded.wagtail_userprofile
        assert profile.user is loaded
    assert len(queries) == 1
    assert field_values(loaded) == field_values(expected)
    assert field_values(profile) == field_values(expected.wagtail_userprofile)
    assert profile.preferred_language == "nl" and profile.dismissibles == {"whats-new": True}
    assert loaded.date_joined.tzinfo is not None  # a real, aware datetime on both databases
    assert loaded.is_active is True and loaded.is_staff is True  # booleans, not 0 and 1
    assert not loaded._state.adding and loaded._state.db == "default"
    loaded.first_name = "Hélène-Marie"
    loaded.save()  # a loaded person saves as any other
    assert User.objects.get(pk=person.pk).first_name == "Hélène-Marie"


def test_a_person_without_a_profile_has_none_and_costs_no_more_query(db):
    user = UserFactory(username="sans-profil")
    UserProfile.objects.filter(user=user).delete()
    with CaptureQueriesContext(connection) as queries:
        loaded = IntranetModelBackend().get_user(user.pk)
        with pytest.raises(User.wagtail_userprofile.RelatedObjectDoesNotExist):
            loaded.wagtail_userprofile  # noqa: B018 - the access is what is tested
    assert len(queries) == 1


def test_nobody_for_an_unknown_an_inactive_or_a_malformed_id(db):
    inactive = UserFactory(username="parti", is_active=False)
    backend = IntranetModelBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
    assert backend.get_user("12; DROP TABLE auth_user") is None
    assert backend.get_user(2**70) is None  # beyond the column: nobody, as the ORM answers, not an error
    assert backend.get_user(-(2**70)) is None
    assert backend.get_user(str(UserFactory(username="texte").pk)).username == "texte"
