"""The download log is left out of Wagtail's reference index (``wagtail_reference_index_ignore``):
remove the rows that earlier downloads wrote there, which made every download show up as a
"usage" of the document and cost three more queries each."""

from django.db import migrations


def forget_download_references(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    content_type = ContentType.objects.filter(app_label="documents", model="downloadlogentry").first()
    if content_type is not None:
        ReferenceIndex.objects.filter(content_type=content_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_minutes_library"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forget_download_references, migrations.RunPython.noop)]
