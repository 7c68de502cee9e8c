import pytest
from django.test import Client

from home.models import HomePage

from .factories import (
    PASSWORD,
    BoardMemberFactory,
    ProgrammePageFactory,
    UserFactory,
    make_working_group,
)


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def programme(home):
    return ProgrammePageFactory(parent=home, title="Groupes de travail 2017-2018", slug="gt-2017-2018")


@pytest.fixture
def group_a(programme):
    return make_working_group(programme, title="Le comité éthique", slug="ethique")


@pytest.fixture
def group_b(programme):
    return make_working_group(programme, title="Les outils financiers", slug="finances")


@pytest.fixture
def member(db):
    """A member of the cooperative who belongs to no working group."""
    return UserFactory(username="membre")


@pytest.fixture
def board_member(db):
    return BoardMemberFactory(username="conseil")


@pytest.fixture
def editor(db):
    from workinggroups.roles import editors_group

    user = UserFactory(username="editeur")
    user.groups.add(editors_group())
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def login():
    """``login(user)`` gives a test client logged in through the real login form."""

    def _login(user):
        client = Client()
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, f"login failed for {user.username}"
        return client

    return _login


@pytest.fixture(autouse=True)
def fresh_cache():
    """Counters kept in the cache (password-reset limits) start from zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
