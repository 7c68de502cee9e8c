"""The page cache's content generation in the database (sitewide/generation.py)."""

import time

from django.db import migrations, models


def create_generation(apps, schema_editor):
    start = time.time_ns() // 1000  # above any value an earlier database used
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS sitewide_content_generation START WITH {start}")
    else:
        apps.get_model("sitewide", "ContentGeneration").objects.create(pk=1, value=start)


def drop_generation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS sitewide_content_generation")


class Migration(migrations.Migration):
    dependencies = [("sitewide", "0001_scale_data_run")]

    operations = [
        migrations.CreateModel(
            name="ContentGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_generation, drop_generation),
    ]
