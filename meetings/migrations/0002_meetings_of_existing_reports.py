"""A meeting for every report written before meetings existed: held, on the report's day (its hours
were never recorded: ``time_known`` is False, calendars show a whole day), linked to the report."""

import datetime
import uuid
import zoneinfo

from django.db import migrations

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def meetings_for_reports(apps, schema_editor):
    Report = apps.get_model("workinggroups", "MeetingReportPage")
    Group = apps.get_model("workinggroups", "WorkingGroupPage")
    Meeting = apps.get_model("meetings", "Meeting")
    steplen = 4  # treebeard's path: four characters a level
    groups = {group.path: group for group in Group.objects.all()}
    linked = set(Meeting.objects.exclude(report=None).values_list("report_id", flat=True))
    made = []
    for report in Report.objects.exclude(pk__in=linked).order_by("path"):
        group = groups.get(report.path[:-steplen])
        if group is None:
            continue  # a report outside a group is refused by the page tree; nothing to attach it to
        start = datetime.datetime.combine(report.date, datetime.time(0, 0), tzinfo=BRUSSELS)
        made.append(
            Meeting(
                uid=uuid.uuid4(),
                group=group,
                kind=report.kind,
                title=report.title,
                start=start,
                end=start + datetime.timedelta(days=1),
                time_known=False,
                guests=report.guests,
                status="held",
                report=report,
            )
        )
    Meeting.objects.bulk_create(made, batch_size=500)


def forget_them(apps, schema_editor):
    apps.get_model("meetings", "Meeting").objects.filter(time_known=False).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings")]

    operations = [migrations.RunPython(meetings_for_reports, forget_them)]
