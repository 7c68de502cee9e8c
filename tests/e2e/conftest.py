"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1.

Run them with ``make test-browser`` (CI does, after the unit tests). They need
/usr/bin/chromium (Debian package ``chromium``) and axe-core from the npm registry
(``node_modules/axe-core``); both are installed by .ci/run and ``make test-browser``.
Nothing here ever downloads a browser.
"""

import os
import re
import sqlite3
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from meetings.models import Meeting
from workinggroups.models import MeetingReportPage, RecommendationPage

# Playwright's synchronous API keeps an event loop in the test thread; the Django ORM calls
# made by fixtures and assertions are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "demo"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


class DemoSnapshot:
    """The test database with the demo loaded, kept once per session and put back before each test.

    Loading the demo builds some 200 pages with their revisions and workflow states: about 11 s, which
    every browser test paid again after the previous one had emptied the database. The first test loads
    it; the database is then copied (PostgreSQL: a template database; SQLite in memory: its backup API),
    and each later test starts from that copy, as if it had loaded the demo itself, in well under a
    second. The caches are emptied before every test (``fresh_cache``), so no page kept from an earlier
    test can be served against the restored generations."""

    def __init__(self, connection):
        self.connection = connection
        self.taken = False
        self.memory = None  # SQLite: the in-memory copy
        settings = connection.settings_dict
        self.name = settings["NAME"]
        self.template = f"{self.name}_demo"

    def _postgres(self):
        # psycopg2 directly: a database cannot be copied or replaced from a connection to itself.
        import psycopg2  # only on PostgreSQL runs

        settings = self.connection.settings_dict
        admin = psycopg2.connect(
            dbname="postgres",
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        )
        admin.autocommit = True
        return admin

    def _sql(self, *statements):
        connections.close_all()
        with closing(self._postgres()) as admin, admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def load(self):
        if not self.taken:
            call_command("load_demo", "--force", stdout=StringIO())
            if self.connection.vendor != "postgresql":
                self.memory = sqlite3.connect(":memory:", check_same_thread=False)
            self._copy(into_snapshot=True)
            self.taken = True
        else:
            self._copy(into_snapshot=False)

    def _copy(self, into_snapshot):
        """The test database into the snapshot, or the snapshot back over the test database."""
        if self.connection.vendor == "postgresql":
            source, target = (self.name, self.template) if into_snapshot else (self.template, self.name)
            self._sql(
                f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)',
                f'CREATE DATABASE "{target}" TEMPLATE "{source}"',
            )
        else:
            self.connection.ensure_connection()
            live = self.connection.connection
            source, target = (live, self.memory) if into_snapshot else (self.memory, live)
            source.backup(target)

    def drop(self):
        if self.taken and self.connection.vendor == "postgresql":
            self._sql(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        if self.memory is not None:
            self.memory.close()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup):
    snapshot = DemoSnapshot(connections["default"])
    yield snapshot
    snapshot.drop()


@pytest.fixture
def site(live_server, settings, demo_snapshot):
    """The intranet with its demo content, served on 127.0.0.1."""
    settings.DEBUG = False
    demo_snapshot.load()
    return live_server.url


class Person:
    """One person at one browser tab: logs in and moves around as they would."""

    def __init__(self, page, base_url, username):
        self.page, self.base_url, self.username = page, base_url, username

    def go(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def log_in(self):
        page = self.go("/login/")
        page.get_by_label("Identifiant").fill(self.username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(re.escape(self.base_url) + r"/$"))
        return self

    def log_in_admin(self):
        page = self.go("/admin/login/")
        page.fill("#id_username", self.username)
        page.fill("#id_password", PASSWORD)
        page.locator("button[type=submit]").click()
        page.wait_for_url(self.base_url + "/admin/")
        return self


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def people(request, browser, site):
    """``people("editeur")`` gives that person their own browser context, logged out."""
    opened = []

    def open_as(username, inject_scripts=False):
        # inject_scripts: the accessibility tests add axe-core to the page, which the intranet's own
        # Content-Security-Policy rightly forbids; only those tests lift it, in their own browser.
        context = browser.new_context(
            locale="fr-FR",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            bypass_csp=inject_scripts,
        )
        context.set_default_timeout(15_000)
        person = Person(context.new_page(), site, username)
        opened.append((context, person))
        return person

    yield open_as
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for context, person in opened:
        if failed:  # what each person saw when the test failed, for the one reading the CI log
            folder = ROOT / "artifacts" / "test-results" / request.node.name
            folder.mkdir(parents=True, exist_ok=True)
            person.page.screenshot(path=str(folder / f"{person.username}.png"), full_page=True)
        context.close()


def axe_violations(page, impacts=("minor", "moderate", "serious", "critical")):
    """Run axe-core (from the npm registry) in the page; return the violations of those impacts
    (every impact unless told otherwise)."""
    if not AXE.exists():
        pytest.fail(
            f"{AXE} is missing: run `make test-browser` (it installs axe-core from the npm registry)."
        )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def member_pages():
    """The pages members read, by name: the accessibility and the reading tests walk the same ones."""
    report = MeetingReportPage.objects.live().filter(minutes__isnull=False).order_by("path").first()
    recommendation = RecommendationPage.objects.live().order_by("number").first()
    meeting = Meeting.objects.filter(start__gte=timezone.now()).exclude(agenda="").order_by("start").first()
    return {
        "home": "/",
        "programme": "/groupes-de-travail-2017-2018/",
        "group": "/groupes-de-travail-2017-2018/ethique/",
        "report": report.url,
        "recommendation": recommendation.url,
        "tracker": "/groupes-de-travail-2017-2018/recommandations/?groupe=ethique",
        "reports": "/groupes-de-travail-2017-2018/comptes-rendus/",
        "search": "/search/?q=charte+éthique",
        "my-requests": "/documents/acces/mes-demandes/",
        "library": "/documents/",
        "notifications": "/notifications/",
        "notification-choices": "/notifications/choix/",
        "calendar": "/reunions/",
        "meeting": f"/reunions/{meeting.pk}/",
    }
