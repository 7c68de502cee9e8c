"""An index on Wagtail's page table by URL path, for routing a request in one query.

The home page routes a request by the URL paths of the pages on the way (home/routing.py) rather than
level by level; without an index that query would read the whole page table. The table is
Wagtail's, so the index is created (and dropped) by name, as in 0003. A b-tree entry holds at most
some 2,700 bytes of URL path: far beyond this tree's five levels of slugs.
"""

from django.db import migrations

INDEX = "home_page_url_path"


class Migration(migrations.Migration):
    dependencies = [("home", "0003_page_children_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (url_path)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
