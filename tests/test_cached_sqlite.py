"""The tests' migrated SQLite database is reused only while nothing that migrate reads has changed."""

from tests.cached_sqlite import base


def test_the_fingerprint_changes_with_the_projects_code_and_migrations(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "ROOT", tmp_path)
    monkeypatch.setattr(base, "PROJECT_APPS", ("workinggroups",))
    migration = tmp_path / "workinggroups" / "migrations" / "0001_initial.py"
    migration.parent.mkdir(parents=True)
    migration.write_text("operations = []\n")
    (tmp_path / "workinggroups" / "roles.py").write_text("GROUPS = ['Membres']\n")
    first = base.fingerprint()
    assert base.fingerprint() == first
    (tmp_path / "workinggroups" / "roles.py").write_text("GROUPS = ['Membres', 'Éditeurs']\n")
    second = base.fingerprint()
    assert second != first
    migration.write_text("operations = ['changed']\n")
    assert base.fingerprint() not in (first, second)


def test_the_installed_apps_migrations_are_part_of_it(monkeypatch):
    """Wagtail's own migrations decide the database too: a library upgrade migrates again."""
    read = []
    original = base.Path.read_bytes
    monkeypatch.setattr(base.Path, "read_bytes", lambda path: read.append(path) or original(path))
    base.fingerprint()
    assert any("wagtail/migrations/" in path.as_posix() for path in read)
    assert any(path.as_posix().endswith("workinggroups/roles.py") for path in read)
