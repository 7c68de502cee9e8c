"""The page cache's second generation (``shared``) and the values of programmes' and working groups'
pages (sitewide/generation.py, sitewide/scopes.py)."""

import time

from django.db import migrations, models


def create_shared_generation(apps, schema_editor):
    start = time.time_ns() // 1000  # above any value an earlier database used
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS sitewide_shared_generation START WITH {start}")
    else:
        apps.get_model("sitewide", "ContentGeneration").objects.get_or_create(pk=2, defaults={"value": start})


def drop_shared_generation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS sitewide_shared_generation")
    else:
        apps.get_model("sitewide", "ContentGeneration").objects.filter(pk=2).delete()


class Migration(migrations.Migration):
    dependencies = [("sitewide", "0002_content_generation")]

    operations = [
        migrations.CreateModel(
            name="ScopeGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("page_id", models.BigIntegerField()),
                ("value", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["page_id", "-value"], name="scope_generation_latest")],
            },
        ),
        migrations.RunPython(create_shared_generation, drop_shared_generation),
    ]
