"""manage.py backup, then manage.py restore into a new, empty database: everything comes back."""

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection

from sitewide.backup import BackupError, create_backup, record_counts, restore_backup

ROOT = Path(__file__).resolve().parent.parent


def empty_storage(storage, folder=""):
    """Tests share in-memory storages: start the round trip from an empty one."""
    folders, files = storage.listdir(folder)
    for name in files:
        storage.delete(f"{folder}/{name}" if folder else name)
    for name in folders:
        empty_storage(storage, f"{folder}/{name}" if folder else name)


def restore_target(tmp_path):
    """A new, empty database of the same kind as the one under test, as a DATABASE_URL."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    import psycopg2

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored"
    server = {
        k: v
        for k, v in {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}.items()
        if v
    }
    admin = psycopg2.connect(dbname="postgres", password=settings.get("PASSWORD") or None, **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def manage(*args, database_url, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
        "DATABASE_URL": database_url,
        "DOCUMENTS_ROOT": str(tmp_path / "restored-documents"),
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "LOG_LEVEL": "ERROR",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.slow
def test_round_trip_keeps_every_record_and_file(tmp_path, settings, record_property):
    settings.DEBUG = True
    for alias in ("default", "documents"):
        empty_storage(storages[alias])
    call_command("load_demo", stdout=StringIO())
    before = record_counts()
    archive, manifest = create_backup(tmp_path / "backups")
    assert manifest["counts"] == before and len(manifest["files"]) == 41  # 37 minutes, 4 resources

    target = restore_target(tmp_path)
    restored = manage("restore", str(archive), database_url=target, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stderr[-3000:]
    report = json.loads(restored.stdout.strip().splitlines()[-1])
    assert report["restored"]["counts"] == before
    assert report["restored"]["files"] == len(manifest["files"])

    # Every file is back, byte for byte.
    restored_files = {}
    for path in (tmp_path / "restored-documents").rglob("*"):
        if path.is_file():
            relative = path.relative_to(tmp_path / "restored-documents").as_posix()
            restored_files[f"files/documents/{relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    assert restored_files == manifest["files"]

    tree = manage("fixtree", database_url=target, tmp_path=tmp_path)
    assert tree.returncode == 0 and tree.stdout.count("No problems found") == 2, tree.stdout + tree.stderr
    record_property(
        "figures",
        f"Backup round trip: {json.dumps(before, ensure_ascii=False)}, "
        f"{len(restored_files)} files, hashes equal.",
    )

    again = manage("restore", str(archive), database_url=target, tmp_path=tmp_path)
    assert again.returncode != 0 and "not empty" in again.stderr  # never over existing content


@pytest.mark.django_db
def test_restore_refuses_a_database_with_content(tmp_path, settings, group_a):
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(tmp_path / "none.tar.gz")


def test_restore_refuses_a_tampered_archive(tmp_path):
    import io
    import tarfile

    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../../etc/passwd")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    result = manage(
        "restore", str(archive), database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path=tmp_path
    )
    assert result.returncode != 0 and "suspicious" in result.stderr
