"""SQLite for the tests, with the migrated test database kept between runs.

Every test process used to run the 200-odd migrations (Wagtail's, mostly) into its in-memory
database: about 8 s of CPU per pytest-xdist worker, on every run, for a single test too. This
backend migrates once, keeps a copy of the migrated database (and, when a run needs it, its
serialisation for ``serialized_rollback``) in ``.pytest_cache/``, and loads that copy into the
in-memory database of later runs with SQLite's backup API.

The copy is named by a fingerprint of everything that decides what ``migrate`` writes: every
installed app's migration files, the project's own code (its ``post_migrate`` receivers create the
role groups and the workflow), the installed apps' order and the versions of the libraries. Change
any of them and the next run migrates again, the way it always did. Only the tests' in-memory
SQLite database uses it (``intranet/settings/test.py``); PostgreSQL runs (CI) migrate as usual.
"""

import fcntl
import hashlib
import sqlite3
import sys
from contextlib import closing
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.backends.sqlite3 import base, creation

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".pytest_cache" / "migrated-sqlite"
#: The project's apps: their code runs during migrate (post_migrate receivers, data migrations).
PROJECT_APPS = (
    "intranet",
    "sitewide",
    "home",
    "search",
    "documents",
    "workinggroups",
    "accounts",
    "languages",
    "privacy",
)
LIBRARIES = ("django", "wagtail", "wagtail-modeladmin", "django-taggit", "django-axes")


def fingerprint():
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for library in LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    digest.update(repr(settings.INSTALLED_APPS).encode())
    files = set()
    for app in apps.get_app_configs():
        files.update(Path(app.path, "migrations").glob("*.py"))
    for app in PROJECT_APPS:
        files.update((ROOT / app).rglob("*.py"))
    for path in sorted(files):
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb or not self.is_in_memory_db(self._get_test_db_name()):
            return super().create_test_db(verbosity, autoclobber, serialize, keepdb)
        CACHE.mkdir(parents=True, exist_ok=True)
        copy = CACHE / f"{fingerprint()}.sqlite3"
        serialised = copy.with_suffix(".json")
        # One process migrates; the others (pytest-xdist's workers) wait for its copy.
        with open(CACHE / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not copy.exists():
                name = super().create_test_db(verbosity, autoclobber, serialize, keepdb)
                self._keep(copy, serialised if serialize else None)
                return name
        name = self._get_test_db_name()
        self._create_test_db(verbosity, autoclobber, keepdb)
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        with closing(sqlite3.connect(copy)) as source:
            source.backup(self.connection.connection)
        if serialize:
            if serialised.exists():
                self.connection._test_serialized_contents = serialised.read_text()
            else:
                self.connection._test_serialized_contents = self.serialize_db_to_string()
                self._write(serialised, self.connection._test_serialized_contents)
        return name

    def _keep(self, copy, serialised):
        for old in CACHE.glob("*.sqlite3"):  # one fingerprint at a time
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
        partial = copy.with_suffix(".partial")
        with closing(sqlite3.connect(partial)) as target:
            self.connection.connection.backup(target)
        partial.rename(copy)
        if serialised is not None:
            self._write(serialised, self.connection._test_serialized_contents)

    @staticmethod
    def _write(path, text):
        partial = path.with_suffix(".partial")
        partial.write_text(text)
        partial.rename(path)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
