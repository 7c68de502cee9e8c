"""Canonical dump of what ``load_demo`` builds (not a test): to prove a refactoring changes nothing.

    .venv/bin/python bench/demo_snapshot.py /tmp/demo-before.txt
    # ...change the demo loader or its data...
    .venv/bin/python bench/demo_snapshot.py /tmp/demo-after.txt
    diff /tmp/demo-before.txt /tmp/demo-after.txt && echo identical

Migrates a fresh SQLite database in a temporary folder (media and minutes there too), runs
``load_demo`` with the development settings, then writes every row of every model, sorted by
model and primary key, with its fields serialized. Values that change from run to run are
normalized: moments close to now become "now" or "now-<hours>h", password hashes become
whether the demo password checks, random UUIDs (translation keys, block ids) become "<uuid4>",
and Wagtail's revision content is dumped with the same rules. The string hash seed is fixed,
since taggit creates a page's new tags in the order of a set.
"""

import datetime
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RANDOM_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
#: Rows that depend on the run, not on the demo content.
SKIPPED_MODELS = {"sessions.session", "admin.logentry", "contenttypes.contenttype", "auth.permission"}


def normalize(value, now):
    if isinstance(value, dict):
        return {key: normalize(item, now) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(item, now) for item in value]
    if isinstance(value, str) and RANDOM_UUID.match(value):
        return "<uuid4>"  # translation keys, StreamField block ids
    if isinstance(value, str) and ISO_MOMENT.match(value):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return normalize(json.loads(value), now)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        if value.year < 2024:
            return value.isoformat()
        hours = round((now - value).total_seconds() / 3600)
        return "now" if hours == 0 else f"now{-hours:+d}h"
    return value


def main(out):
    if os.environ.get("PYTHONHASHSEED") != "0":
        # taggit adds a page's tags from a set: their ids follow the string hash order.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 - this same script again
    workdir = Path(tempfile.mkdtemp(prefix="demo-snapshot-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DOCUMENTS_ROOT"] = str(workdir / "documents")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.pop("DEMO_PASSWORD", None)

    import django

    django.setup()
    from io import StringIO

    from django.apps import apps
    from django.contrib.auth.hashers import check_password
    from django.core import serializers
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=StringIO())
    now = timezone.now()
    lines = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        if label in SKIPPED_MODELS or model._meta.proxy:
            continue
        rows = serializers.serialize("python", model._default_manager.order_by("pk"))
        for row in rows:
            fields = row["fields"]
            if "password" in fields and label.endswith("user"):
                fields["password"] = f"demo password: {check_password('demo', fields['password'])}"
            lines.append(
                json.dumps([label, row["pk"], normalize(fields, now)], ensure_ascii=False, default=str)
            )
    Path(out).write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} rows written to {out} (database in {workdir})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "demo-snapshot.txt")
