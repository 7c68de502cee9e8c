"""An index on Wagtail's page table by depth and path, for the children of a page.

Wagtail finds a page's children by their depth and a range of tree paths; without an index on the
depth, every such query reads the whole page table (26,000 rows at full size, 5 to 10 ms), and the
main menu runs one on every page (docs/performance.md, "Rendered, without the cache"). Wagtail's own
migrations do not add it; the table is Wagtail's, so the index is created (and dropped) by name.
"""

from django.db import migrations

INDEX = "home_page_depth_path"


class Migration(migrations.Migration):
    dependencies = [("home", "0002_create_homepage"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (depth, path)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
