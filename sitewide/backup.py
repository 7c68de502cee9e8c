"""One-archive backups (manage.py backup) and their restore into an empty database (manage.py restore).

The archive (tar.gz) holds:
    database.sql      pg_dump of the whole database (PostgreSQL), or
    database.sqlite3  a consistent copy made with SQLite's backup API (SQLite);
    files/media/...   every file of the default storage (images);
    files/documents/… every file of the library's private storage (minutes…);
    manifest.json     when, from which database, the counts of the main records and the
                      SHA-256 of every file, checked again on restore.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone
from wagtail.models import Page, Revision

from documents.models import AccessRequest, DownloadLogEntry, LibraryDocument
from workinggroups.models import BoardDecision, BoardDecisionHistory, WorkingGroupMembership

from . import generation as content_generation

STORAGES_TO_SAVE = {"media": "default", "documents": "documents"}


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message says why."""


def record_counts():
    """The counts compared after a restore."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "documents": LibraryDocument.objects.count(),
        "memberships": WorkingGroupMembership.objects.count(),
        "decisions": BoardDecision.objects.count(),
        "decision history": BoardDecisionHistory.objects.count(),
        "access requests": AccessRequest.objects.count(),
        "download log": DownloadLogEntry.objects.count(),
    }


def _walk(storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _pg_env_and_args():
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, [*args, "--dbname", db["NAME"]]


def _dump_database(workdir):
    if connection.vendor == "postgresql":
        target = workdir / "database.sql"
        env, args = _pg_env_and_args()
        command = [
            shutil.which("pg_dump") or "pg_dump",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *args,
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - fixed program
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target.name
    if connection.vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return target.name
    raise BackupError(f"No backup method for the {connection.vendor} database.")


def create_backup(output_dir):
    """Write one archive into ``output_dir``; return (path, manifest)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"intranet-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_file = _dump_database(workdir)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "database_file": database_file,
            "counts": record_counts(),
            "files": {},
        }
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(workdir / database_file, arcname=database_file)
            for prefix, alias in STORAGES_TO_SAVE.items():
                storage = storages[alias]
                for name in _walk(storage):
                    with storage.open(name, "rb") as handle:
                        data = handle.read()
                    arcname = f"files/{prefix}/{name}"
                    manifest["files"][arcname] = hashlib.sha256(data).hexdigest()
                    info = tarfile.TarInfo(arcname)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
            payload = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return archive, manifest


def _database_is_empty():
    tables = set(connection.introspection.table_names())
    if "wagtailcore_page" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM wagtailcore_page")
        pages = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM auth_user")
        users = cursor.fetchone()[0]
    return pages <= 2 and users == 0  # a freshly migrated database: root and home page only


def _safe_members(tar):
    for member in tar.getmembers():
        path = Path(member.name)
        if member.issym() or member.islnk() or path.is_absolute() or ".." in path.parts:
            raise BackupError(f"Refusing a suspicious archive entry: {member.name!r}")
        yield member


def restore_backup(archive):
    """Load ``archive`` into this (empty) database and its storages; return the manifest and the checks."""
    if not _database_is_empty():
        raise BackupError("The database is not empty: restore only into a new, empty database.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        workdir = Path(tmp)
        members = list(_safe_members(tar))
        tar.extractall(workdir, members=members, filter="data")
        manifest = json.loads((workdir / "manifest.json").read_text())
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"This archive is from {manifest['database']}, this database is {connection.vendor}."
            )
        _load_database(workdir / manifest["database_file"])
        # The backup's generation is older than copies the shared cache may hold: start above them.
        content_generation.advance_past_now()
        mismatched = []
        for arcname, expected in manifest["files"].items():
            data = (workdir / arcname).read_bytes()
            if hashlib.sha256(data).hexdigest() != expected:
                mismatched.append(arcname)
                continue
            _prefix, alias_key, name = arcname.split("/", 2)
            storage = storages[STORAGES_TO_SAVE[alias_key]]
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, ContentFile(data))
    if mismatched:
        raise BackupError(f"{len(mismatched)} files do not match their recorded hash: {mismatched[:5]}")
    return manifest, {"counts": record_counts(), "files": len(manifest["files"])}


def _load_database(dump):
    if connection.vendor == "postgresql":
        connection.close()
        env, args = _pg_env_and_args()
        with connection.cursor() as cursor:  # start from a truly empty schema
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        connection.close()
        command = [
            shutil.which("psql") or "psql",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--file",
            str(dump),
            *args,
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - fixed program
        if result.returncode:
            raise BackupError(f"psql failed: {result.stderr.strip()[:2000]}")
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        return
    raise BackupError(f"No restore method for the {connection.vendor} database.")


def files_report(manifest):
    """The hash of every file in the storages now, for comparing with a manifest."""
    found = {}
    for prefix, alias in STORAGES_TO_SAVE.items():
        storage = storages[alias]
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                found[f"files/{prefix}/{name}"] = hashlib.sha256(handle.read()).hexdigest()
    return found
