"""Minutes filed where every member could read them, before the filing rule (documents/filing.py).

Before the rule, the upload forms offered the unrestricted parent "Procès-verbaux" and an open
collection for minutes. Each such document goes back under a restriction:

* linked as a meeting report's minutes: into the minutes collection of that report's group;
* of kind "minutes", or in the parent "Procès-verbaux": into its own group's minutes collection;
* with no group to go to: into the board's archives ("Procès-verbaux archivés").

Written with the historical models (their plain manager has no filing check: this is the repair
the check needs). Each move is printed, so that whoever migrates sees what changed.
"""

from django.db import migrations

STEPLEN = 4
MINUTES, ARCHIVES = "Procès-verbaux", "Procès-verbaux archivés"


def refile(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    LibraryDocument = apps.get_model("documents", "LibraryDocument")
    MinutesCollection = apps.get_model("documents", "MinutesCollection")
    MeetingReportPage = apps.get_model("workinggroups", "MeetingReportPage")
    WorkingGroupPage = apps.get_model("workinggroups", "WorkingGroupPage")

    parent = Collection.objects.filter(depth=2, name=MINUTES).first()
    archives = Collection.objects.filter(depth=2, name=ARCHIVES).first()
    links = {
        link.working_group_id: link.collection
        for link in MinutesCollection.objects.filter(archived=False, working_group__isnull=False).select_related(
            "collection"
        )
    }
    groups_by_path = dict(WorkingGroupPage.objects.values_list("path", "pk"))
    report_group = {
        minutes_id: groups_by_path.get(path[:-STEPLEN])
        for minutes_id, path in MeetingReportPage.objects.exclude(minutes=None).values_list("minutes_id", "path")
    }
    for document in LibraryDocument.objects.select_related("collection"):
        linked_group = report_group.get(document.pk)
        group_id = linked_group or document.working_group_id
        own = links.get(group_id)
        path = document.collection.path
        in_own = own is not None and path.startswith(own.path)
        in_archives = archives is not None and path.startswith(archives.path)
        misfiled = (
            (parent is not None and document.collection_id == parent.pk)
            or (document.kind == "minutes" and not (in_own or in_archives))
            or (linked_group is not None and not in_own)
        )
        if not misfiled:
            continue
        target = own or archives
        if target is None:
            print(f"  document {document.pk}: misfiled, and no group collection nor archives to move it to")
            continue
        LibraryDocument.objects.filter(pk=document.pk).update(
            collection=target, working_group_id=group_id if own else document.working_group_id
        )
        print(f"  document {document.pk}: moved from collection {document.collection_id} to {target.pk}")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_download_log_out_of_reference_index"),
        ("workinggroups", "0002_moderation_and_board_decisions"),
    ]

    operations = [migrations.RunPython(refile, migrations.RunPython.noop)]
