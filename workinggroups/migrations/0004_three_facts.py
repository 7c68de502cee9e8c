"""The board's position, the general assembly's outcome and the follow-up become three facts, each
with its own history (issue 17). Before, one status ran from "received" to "implemented" and folded
the three together.

Forward: what was "presented to the general assembly" becomes the assembly's outcome: "rejected"
where the board's position was a rejection (the assembly took note of it), "adopted" otherwise; the
free text of the outcome is kept as the assembly's note. What was "implemented" is also a follow-up
"done"; the old rules let an adopted recommendation be implemented without being presented, and
such a one is recorded as adopted by the assembly with no date (the follow-up exists only for what
the assembly adopted). History rows move to the fact they were about.

Backward (to undo a deployment): the single status again, from the three facts. A merge, which did
not exist before, becomes "under analysis"; the follow-up's notes and percentages, which had no
place, are dropped, as are corrections of the assembly's outcome (the first decision is kept).
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

AFTER_THE_ASSEMBLY = {"presented", "implemented"}


def outcome_for(position):
    return "rejected" if position == "rejected" else "adopted"


def split_the_facts(apps, schema_editor):
    BoardDecision = apps.get_model("workinggroups", "BoardDecision")
    History = apps.get_model("workinggroups", "BoardDecisionHistory")
    for decision in BoardDecision.objects.filter(position__in=AFTER_THE_ASSEMBLY):
        old = decision.position
        decision.position = decision.position_before_presenting or "adopted"
        decision.assembly_outcome = outcome_for(decision.position)
        if old == "implemented":
            decision.follow_up, decision.progress = "done", 100
        decision.save()
        History.objects.filter(decision=decision, to_status="presented").update(
            fact="assembly", from_status="pending", to_status=decision.assembly_outcome
        )
        History.objects.filter(decision=decision, to_status="implemented").update(
            fact="follow_up", from_status="not_started", to_status="done", progress=100
        )


def fold_the_facts(apps, schema_editor):
    BoardDecision = apps.get_model("workinggroups", "BoardDecision")
    History = apps.get_model("workinggroups", "BoardDecisionHistory")
    History.objects.filter(fact="position").filter(to_status="merged").update(to_status="under_analysis")
    History.objects.filter(fact="position").filter(from_status="merged").update(from_status="under_analysis")
    for decision in BoardDecision.objects.all():
        if decision.position == "merged":
            decision.position = "under_analysis"
        if decision.assembly_outcome != "pending":
            decision.position_before_presenting = decision.position
            decision.position = "implemented" if decision.follow_up == "done" else "presented"
        decision.save()
        assembly = list(History.objects.filter(decision=decision, fact="assembly").order_by("changed_at", "pk"))
        for later in assembly[1:]:
            later.delete()
        if assembly:
            assembly[0].from_status = decision.position_before_presenting or "adopted"
            assembly[0].to_status = "presented"
            assembly[0].save()
        follow_up = History.objects.filter(decision=decision, fact="follow_up")
        done = follow_up.filter(to_status="done").order_by("-changed_at", "-pk").first()
        follow_up.exclude(pk=getattr(done, "pk", None)).delete()
        if done is not None:
            History.objects.filter(pk=done.pk).update(from_status="presented", to_status="implemented")


class Migration(migrations.Migration):
    dependencies = [("workinggroups", "0003_recommendation_sources")]

    operations = [
        migrations.RenameField("boarddecision", "assembly_outcome", "assembly_note"),
        migrations.RenameField("boarddecision", "position", "position_before_presenting"),
        migrations.RenameField("boarddecision", "status", "position"),
        migrations.AddField(
            model_name="boarddecision",
            name="assembly_outcome",
            field=models.CharField(default="pending", max_length=20),
        ),
        migrations.AddField(
            model_name="boarddecision",
            name="follow_up",
            field=models.CharField(default="not_started", max_length=20),
        ),
        migrations.AddField(
            model_name="boarddecision",
            name="progress",
            field=models.PositiveSmallIntegerField(
                default=0, validators=[django.core.validators.MaxValueValidator(100)]
            ),
        ),
        migrations.AddField(
            model_name="boarddecisionhistory",
            name="fact",
            field=models.CharField(default="position", max_length=20),
        ),
        migrations.AddField(
            model_name="boarddecisionhistory",
            name="progress",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(split_the_facts, fold_the_facts),
        migrations.RemoveField("boarddecision", "position_before_presenting"),
        migrations.CreateModel(
            name="FollowUpRecord",
            fields=[],
            options={
                "verbose_name": "suivi d'une recommandation",
                "verbose_name_plural": "suivi des recommandations",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("workinggroups.boarddecision",),
        ),
        migrations.AlterModelOptions(
            name="boarddecisionhistory",
            options={
                "ordering": ["changed_at", "pk"],
                "verbose_name": "changement",
                "verbose_name_plural": "historique des décisions",
            },
        ),
        migrations.AddField(
            model_name="boarddecision",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                help_text="La recommandation qui reprend celle-ci, quand le Conseil les fusionne.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_from",
                to="workinggroups.recommendationpage",
                verbose_name="fusionnée dans",
            ),
        ),
        migrations.AddField(
            model_name="boarddecision",
            name="votes_abstaining",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="abstentions"),
        ),
        migrations.AddField(
            model_name="boarddecision",
            name="votes_against",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="voix contre"),
        ),
        migrations.AddField(
            model_name="boarddecision",
            name="votes_for",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="voix pour"),
        ),
        migrations.AlterField(
            model_name="boarddecision",
            name="assembly_note",
            field=models.TextField(
                blank=True,
                help_text="Obligatoire quand l'assemblée l'a amendée en séance : le texte qu'elle a voté.",
                verbose_name="ce que l'assemblée a dit ou changé",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecision",
            name="assembly_outcome",
            field=models.CharField(
                choices=[
                    ("pending", "pas encore présentée"),
                    ("adopted", "adoptée par l'assemblée"),
                    ("amended_in_session", "amendée en séance"),
                    ("rejected", "rejetée par l'assemblée"),
                ],
                default="pending",
                max_length=20,
                verbose_name="décision de l'assemblée générale",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecision",
            name="follow_up",
            field=models.CharField(
                choices=[
                    ("not_started", "pas commencée"),
                    ("in_progress", "en cours"),
                    ("done", "réalisée"),
                    ("abandoned", "abandonnée"),
                ],
                default="not_started",
                max_length=20,
                verbose_name="suivi",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecision",
            name="position",
            field=models.CharField(
                choices=[
                    ("received", "reçue par le Conseil"),
                    ("under_analysis", "en cours d'analyse"),
                    ("adopted", "adoptée telle quelle"),
                    ("amended", "adoptée avec amendement"),
                    ("merged", "fusionnée dans une autre"),
                    ("deferred", "reportée"),
                    ("rejected", "rejetée"),
                ],
                default="received",
                max_length=20,
                verbose_name="position du Conseil",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecision",
            name="progress",
            field=models.PositiveSmallIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="avancement (%)",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecision",
            name="reasoning",
            field=models.TextField(
                blank=True,
                help_text="Obligatoire quand la recommandation est amendée, fusionnée, reportée ou rejetée.",
                verbose_name="motivation du Conseil",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecisionhistory",
            name="fact",
            field=models.CharField(
                choices=[
                    ("position", "position du Conseil"),
                    ("assembly", "assemblée générale"),
                    ("follow_up", "suivi"),
                ],
                default="position",
                max_length=20,
                verbose_name="point",
            ),
        ),
        migrations.AlterField(
            model_name="boarddecisionhistory",
            name="from_status",
            field=models.CharField(max_length=20, verbose_name="de"),
        ),
        migrations.AlterField(
            model_name="boarddecisionhistory",
            name="progress",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="avancement (%)"),
        ),
        migrations.AlterField(
            model_name="boarddecisionhistory",
            name="to_status",
            field=models.CharField(max_length=20, verbose_name="à"),
        ),
        migrations.AddConstraint(
            model_name="boarddecision",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress__lte", 100)), name="decision_progress_at_most_100"
            ),
        ),
        migrations.AddConstraint(
            model_name="boarddecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("merged_into__isnull", False), ("position", "merged")),
                    models.Q(models.Q(("position", "merged"), _negated=True), ("merged_into__isnull", True)),
                    _connector="OR",
                ),
                name="decision_merged_names_its_target",
            ),
        ),
    ]
