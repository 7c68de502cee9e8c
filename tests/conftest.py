import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from home.models import HomePage
from workinggroups.models import ProgrammePage

from .factories import (
    PASSWORD,
    BoardMemberFactory,
    ProgrammePageFactory,
    UserFactory,
    make_working_group,
)
from .servers import RedisServer, Sink, server_env, use_broker


@pytest.fixture
def home(db):
    return HomePage.objects.get()


def make_programme(home):
    return ProgrammePageFactory(parent=home, title="Groupes de travail 2017-2018", slug="gt-2017-2018")


def make_group_a(programme):
    return make_working_group(programme, title="Le comité éthique", slug="ethique")


def make_group_b(programme):
    return make_working_group(programme, title="Les outils financiers", slug="finances")


def _transactional(item):
    """Whether pytest-django runs ``item`` as a transactional test (one that empties the database)."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, *_others = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


def _under_mutmut():
    """mutmut runs the tests from its ``mutants/`` copy, and credits each mutated function to the
    tests that call it, setup included: data built once for a module would be credited to the
    module's first test only, and the others would not be run against its mutants."""
    return Path.cwd().name == "mutants"


#: (process id, slot, locked file) of the mutmut database slot held until the process ends (see below).
_MUTMUT_SLOT = []


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Under mutmut, each of its concurrent processes gets a test database of its own.

    mutmut runs two mutants at once (``--max-children 2``), each in a process that runs pytest with
    ``--reuse-db``: sharing one PostgreSQL test database, their tests waited on each other's row
    locks (treebeard locks a parent page while adding a child) for most of each run. A process takes
    the first free slot (an exclusive lock on a file, released when it ends), and the database of
    that slot is created once and reused by every later process in the slot.
    """
    if not _under_mutmut() or "DATABASE_URL" not in os.environ:
        return  # SQLite's test database is in memory: one per process already
    from urllib.parse import urlparse

    from django.conf import settings

    name = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    database = settings.DATABASES["default"]
    database["TEST"] = {**database.get("TEST", {}), "NAME": f"test_{name}_slot{_mutmut_slot()}"}


def _mutmut_slot():
    """This process's slot: the one it holds already (a second pytest session in the same process),
    or the first one no other process holds."""
    for pid, slot, _handle in _MUTMUT_SLOT:
        if pid == os.getpid():
            return slot
    for slot in range(32):
        handle = open(Path(tempfile.gettempdir()) / f"intranet-mutmut-database-{slot}.lock", "w")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _MUTMUT_SLOT.append((os.getpid(), slot, handle))
        return slot
    pytest.fail("no free mutmut database slot")


@contextmanager
def rolled_back():
    """A transaction that is always rolled back: rows built once for a module or a class (each test
    then runs in a savepoint inside it, pytest-django's ``db``), as Django's ``setUpTestData``."""
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def shared_world(request, django_db_setup, django_db_blocker):
    """The programme and groups A and B, built once for a whole test module, as Django's
    ``setUpTestData`` does for a class: a module opts in with
    ``pytestmark = pytest.mark.usefixtures("shared_world")``.

    The rows are written inside a transaction that stays open for the module and is rolled back
    at its end; each test runs in a savepoint inside it (pytest-django's ``db``), so whatever a
    test changes is undone before the next one, and every test of the module starts from the
    same rows whether or not it names them. The ``programme``, ``group_a`` and ``group_b``
    fixtures then read fresh copies from the database for each test (a test that changes the
    Python object changes nothing for the next). A transactional test empties the database and
    cannot run inside that transaction: such a module cannot opt in.
    """
    mixed = [
        item.name for item in request.session.items if item.module is request.module and _transactional(item)
    ]
    if mixed:
        pytest.fail(f"{request.module.__name__} shares a world but has transactional tests: {mixed}")
    if _under_mutmut():
        yield None  # each test builds its own groups (the fixtures below)
        return
    with django_db_blocker.unblock(), rolled_back():
        programme = make_programme(HomePage.objects.get())
        world = {"programme": programme.pk}
        for key, make in (("group_a", make_group_a), ("group_b", make_group_b)):
            world[key] = world_entry(make(programme))
        yield world


def _from_world(request, key):
    if "shared_world" not in request.fixturenames:
        return None
    world = request.getfixturevalue("shared_world")
    return world[key] if world else None


def world_entry(group):
    """What identifies a group built by ``make_working_group`` and its people, to read it back."""
    return (group.pk, group.facilitator.pk, group.liaison.pk, [person.pk for person in group.people])


def _group(world_entry):
    from django.contrib.auth import get_user_model

    from workinggroups.models import WorkingGroupPage

    pk, facilitator, liaison, people = world_entry
    group = WorkingGroupPage.objects.get(pk=pk)
    users = get_user_model().objects.in_bulk([facilitator, liaison, *people])
    group.facilitator, group.liaison, group.people = (
        users[facilitator],
        users[liaison],
        [users[p] for p in people],
    )
    return group


@pytest.fixture
def programme(request, home):
    pk = _from_world(request, "programme")
    return ProgrammePage.objects.get(pk=pk) if pk else make_programme(home)


@pytest.fixture
def group_a(request, programme):
    entry = _from_world(request, "group_a")
    return _group(entry) if entry else make_group_a(programme)


@pytest.fixture
def group_b(request, programme):
    entry = _from_world(request, "group_b")
    return _group(entry) if entry else make_group_b(programme)


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
    return client_for


def client_for(user):
    """A test client logged in as ``user`` with ``force_login``."""
    client = Client()
    client.force_login(user, backend="accounts.backends.IntranetModelBackend")
    return client


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying the database, the rows the migrations made included
    (the home page, the role groups, the collections): the next test on the same worker would find
    none. Serial runs put those tests last; with several workers (pytest-xdist) another file may
    run after one on its worker, so the serialized rows are loaded back once the test is torn down."""
    result = yield
    if nextitem is None:
        # The session's last test: the test database is already destroyed and the connection points
        # at DATABASE_URL's own database again, which must not receive the test's rows.
        return result
    marker = item.get_closest_marker("django_db")
    # Only with serialized_rollback does Django keep the flush from re-running post_migrate (which
    # would recreate content types and groups under new ids and clash with the serialized rows).
    if marker is not None and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback"):
        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=True):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result


# The task queue's tests (tests/test_task_queue.py, tests/test_digest_queue.py): a Redis of their own as
# the broker, an SMTP sink, and the environment of a worker that uses both.


@pytest.fixture
def sink():
    server = Sink()
    yield server
    server.stop()


@pytest.fixture
def broker(tmp_path):
    from intranet.celery import app
    from mailing import queue

    redis = RedisServer(tmp_path)
    use_broker(app, redis.url)
    queue.BROKER_OUTAGE.succeeded()
    yield redis
    use_broker(app, None)
    redis.stop()


@pytest.fixture
def worker_env(tmp_path, sink, broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMAIL_BACKEND = "mailing.backends.OutboxBackend"
    return server_env(
        tmp_path,
        CELERY_BROKER_URL=broker.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        # The sweep every two seconds, taking up what waits after three and what a dead worker left
        # "sending" after five (in production: every minute, after one and after ten minutes).
        MAILING_SWEEP_EVERY="2",
        MAILING_SWEEP_AFTER_SECONDS="3",
        MAILING_STUCK_AFTER_SECONDS="5",
        LOG_LEVEL="WARNING",
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    """Page copies and counters kept in the caches (password-reset limits), and what the page cache keeps
    in the process, start from zero in every test (a rolled-back test leaves its generation's number)."""
    from django.core.cache import caches

    from sitewide.page_cache import forget_kept_rights

    for cache in caches.all():
        cache.clear()
    forget_kept_rights()
    yield
    for cache in caches.all():
        cache.clear()
    forget_kept_rights()


def pytest_terminal_summary(terminalreporter):
    """The figures some tests measure, printed at the end of the run (from every xdist worker too):
    ``record_property("figures", line)`` (the backup round trip), and the access sweep's counts,
    one test per role, added up here."""
    properties = [
        (name, value)
        for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed")
        if report.when == "call"
        for name, value in getattr(report, "user_properties", ())
    ]
    lines = [value for name, value in properties if name == "figures"]
    sweep = [value for name, value in properties if name == "access sweep"]
    if sweep:
        urls, in_paths = max(s[1] for s in sweep), max(s[2] for s in sweep)
        lines.append(
            f"Access sweep: {len(sweep)} roles × {urls} URLs ({in_paths} with ids in the path, "
            f"{urls - in_paths} more with ids in the query string or searching for canaries) × GET/POST = "
            f"{sum(s[3] for s in sweep)} requests, {sum(s[4] for s in sweep)} leaks, "
            f"{sum(s[5] for s in sweep)} server errors."
        )
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)


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
    "test_content_registry.py",
    "test_search.py",
    "test_moderation_listing.py",
]


#: The tests closest to each mutated module, run first against its mutants (most die there).
MUTATION_FIRST = {
    "documents.filing": ["test_minutes_filing.py"],
    "documents.access": ["test_minutes_access.py", "test_access_slips.py"],
    "privacy.rules": ["test_access_slips.py", "test_search.py"],
    "privacy.admin_guards": ["test_title_leaks.py", "test_access_slips.py", "test_security_routes.py"],
    "privacy.wagtail_hooks": ["test_title_leaks.py"],
    "sitewide.page_cache": ["test_page_cache.py", "test_access_slips.py"],
    "sitewide.content_registry": ["test_content_registry.py", "test_page_cache.py"],
    "search.engine": ["test_search.py"],
    "workinggroups.models.tasks": ["test_workflow.py", "test_workflow_integrity.py"],
    "workinggroups.workflow": ["test_workflow_integrity.py", "test_workflow.py"],
    "workinggroups.finish": ["test_workflow_integrity.py", "test_workflow.py"],
}


def _mutation_rank():
    """File name → rank for the mutant under test (mutmut names it in MUTANT_UNDER_TEST)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    first = next((files for module, files in MUTATION_FIRST.items() if mutant.startswith(module + ".")), [])
    order = first + [name for name in MUTATION_ORDER if name not in first]
    return {name: index for index, name in enumerate(order)}


def pytest_configure(config):
    """``--dist loadgroup`` keeps an ``xdist_group``'s tests on one worker by adding ``@group`` to
    their node ids; pytest 9.2 broke that silently with pytest-xdist 3.8 (pytest-xdist#1386: every
    test is then dealt out alone, and the demo is loaded on both workers). Refuse to run rather than
    lose the grouping unnoticed."""
    from importlib.metadata import version

    xdist = tuple(int(part) for part in version("pytest-xdist").split(".")[:2])
    if (
        getattr(config.option, "dist", "no") == "loadgroup"
        and pytest.version_tuple >= (9, 2)
        and xdist <= (3, 8)
    ):
        raise pytest.UsageError(
            "pytest 9.2 with pytest-xdist 3.8 ignores xdist_group under --dist loadgroup "
            "(pytest-xdist#1386): install the pytest of requirements-dev.txt"
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # A test of a module that shares a world uses the test database, even if it names no ``db``
    # (the world's rows are built there, and pytest-django creates only the databases tests ask for).
    for item in items:
        if "shared_world" in item.fixturenames and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
    if not _under_mutmut():
        return
    rank = _mutation_rank()
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
