from pathlib import Path

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


@pytest.fixture
def as_user():
    """``as_user(user)`` gives a test client logged in with ``force_login``: for tests about
    something else than logging in (those use ``login``)."""

    def _as_user(user):
        client = Client()
        client.force_login(user, backend="accounts.backends.IntranetModelBackend")
        return client

    return _as_user


@pytest.fixture(autouse=True)
def fresh_cache():
    """Counters kept in the cache (password-reset limits) start from zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


#: When mutmut runs a mutant's tests (from its mutants/ copy, `make mutation`), the focused, quick
#: access tests run first: most mutants then die within seconds, not after the slow listings.
MUTATION_ORDER = [
    "test_minutes_filing.py",
    "test_page_moves.py",
    "test_access_slips.py",
    "test_title_leaks.py",
    "test_security_routes.py",
    "test_minutes_access.py",
    "test_minutes_serving.py",
    "test_library_safety.py",
    "test_access_requests.py",
    "test_workflow_integrity.py",
    "test_workflow.py",
    "test_roles.py",
    "test_page_cache.py",
    "test_search.py",
    "test_moderation_listing.py",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if Path.cwd().name != "mutants":
        return
    rank = {name: index for index, name in enumerate(MUTATION_ORDER)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
