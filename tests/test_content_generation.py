"""The page cache's content generation never goes backwards: not after a change, not after a
restore from an old backup, not after the database is created again (sitewide/generation.py)."""

import importlib
import time

import pytest
from django.apps import apps as django_apps
from django.db import connection

from sitewide import generation
from sitewide.models import ContentGeneration, ScopeGeneration


class SchemaEditor:
    """What the migration's functions use of a schema editor (SQLite's cannot open inside a test)."""

    connection = connection

    @staticmethod
    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def set_back_to(value):
    """As a restore of a backup made when the generation was ``value``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s)", [generation.SEQUENCE, value])
    else:
        ContentGeneration.objects.update_or_create(pk=generation.ROW, defaults={"value": value})


def test_each_change_raises_it(db):
    before = generation.current()
    generation.advance()
    assert generation.current() > before


def test_it_starts_above_any_value_an_earlier_database_used(db):
    # Microseconds since the epoch when the database was created: more than any counter before.
    assert generation.current() > 1_700_000_000 * 1_000_000


def test_after_a_restore_it_starts_above_the_time_of_the_restore(db):
    generation.advance()
    used_before_the_restore = generation.current()
    set_back_to(42)
    assert generation.current() == 42  # what the restored database holds
    restored_at = time.time_ns() // 1000
    assert generation.advance_past_now() >= restored_at
    assert generation.current() > used_before_the_restore


def test_a_database_created_again_starts_above_the_old_values(db):
    """The migration's start (a sequence or a row) after the generation was lost."""
    generation.advance()
    used = generation.current()
    migration = importlib.import_module("sitewide.migrations.0002_content_generation")
    editor = SchemaEditor()
    migration.drop_generation(django_apps, editor)
    ContentGeneration.objects.all().delete()
    migration.create_generation(django_apps, editor)
    assert generation.current() > used


def test_a_bulk_load_raises_it_once_at_its_end_and_again_once_committed(
    db, django_capture_on_commit_callbacks
):
    """The demo's load saves thousands of rows in one transaction: one generation for the block, not
    two statements a row, and still a new one once the rows can be read (sitewide/page_cache.py)."""
    from sitewide.page_cache import one_generation
    from tests.factories import UserFactory

    from .conftest import make_group_a, make_programme

    home = django_apps.get_model("home", "HomePage").objects.first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        before = generation.current()
        with one_generation():
            group = make_group_a(make_programme(home))
            UserFactory(username="in-the-block")
            assert generation.current() == before  # nothing per row
        after_block = generation.current()
    assert after_block > before and generation.current() > after_block  # at the end, then at commit
    assert len(callbacks) == 1 and group.pk


@pytest.mark.django_db
def test_a_scopes_value_only_grows_and_older_rows_are_deleted_once_committed():
    before = generation.read(41)[2]
    generation.advance_scopes({41, 42})
    first = generation.read(41)[2]
    generation.advance_scopes({41}, prune=True)
    second = generation.read(41)[2]
    assert before < first < second
    assert list(ScopeGeneration.objects.filter(page_id=41).values_list("value", flat=True)) == [second]
    assert generation.read(42)[2] == first  # another scope keeps its value
    assert generation.read(None)[2] is None
