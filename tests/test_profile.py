"""A person's own page, linked from the header: who they are, their groups, language, password."""

import pytest

from .factories import make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")


def test_the_header_links_to_the_persons_own_page(group_a, as_user):
    html = as_user(group_a.people[0]).get("/").content.decode()
    assert 'href="/mon-compte/"' in html


def test_the_profile_shows_name_groups_language_and_the_password_change(group_a, group_b, as_user):
    person = group_a.people[0]
    person.first_name, person.last_name = "Camille", "Sociétaire"
    person.save()
    html = as_user(person).get("/mon-compte/").content.decode()
    assert "Camille Sociétaire" in html and person.username in html
    assert group_a.title in html and group_b.title not in html
    assert "membre" in html  # the role in the group
    assert "Français" in html
    assert 'href="/mot-de-passe/changer/"' in html


def test_a_facilitators_profile_names_the_role(group_a, as_user):
    html = as_user(group_a.facilitator).get("/mon-compte/").content.decode()
    assert group_a.title in html and "animateur·rice" in html


def test_the_profile_says_where_access_requests_stand(group_a, member, as_user):
    from documents.models import AccessRequest

    minutes = make_minutes(group_a)
    AccessRequest.objects.create(requester=member, working_group=group_a, document=minutes, reason="Lire.")
    html = as_user(member).get("/mon-compte/").content.decode()
    assert "1 demande : 1 en attente, 0 accordée en cours." in html
    assert "Vous ne faites partie d'aucun groupe de travail." in html


def test_the_profile_is_for_the_person_logged_in_only(client):
    response = client.get("/mon-compte/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_changing_the_password_leads_back_to_the_profile(member, as_user):
    from .factories import PASSWORD

    client = as_user(member)
    response = client.post(
        "/mot-de-passe/changer/",
        {
            "old_password": PASSWORD,
            "new_password1": "un-nouveau-mot-de-passe-42",
            "new_password2": "un-nouveau-mot-de-passe-42",
        },
        follow=True,
    )
    assert response.status_code == 200 and 'href="/mon-compte/"' in response.content.decode()
    member.refresh_from_db()
    assert member.check_password("un-nouveau-mot-de-passe-42")
