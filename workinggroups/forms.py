"""Admin page forms: the rules an editor must be told about before anything is saved."""

from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm

from .choices import MembershipRole
from .people import person_sort_key


def _kept_rows(formset):
    """(user, role) of the inline rows that will be kept: filled in and not marked for deletion.

    Read from each form's instance, because the formset's own duplicate check
    removes ``cleaned_data`` from the second of two identical rows.
    """
    formset.is_valid()  # runs the formset's own cleaning once; the result is cached
    rows = []
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # an empty extra row
        if form.instance.user_id is None:
            continue  # a row with its own field error, shown next to it
        rows.append((form.instance.user, form.instance.role))
    return rows


class WorkingGroupPageForm(WagtailAdminPageForm):
    """Refuses a group whose memberships break the programme's rules, with one clear message each."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("memberships")
        if formset is None:
            return cleaned_data
        rows = _kept_rows(formset)

        for user, count in Counter(user for user, _role in rows).items():
            if count > 1:
                self.add_error(
                    None,
                    _("%(person)s figure %(count)d fois dans le groupe : une personne n'a qu'un rôle.")
                    % {"person": _display(user), "count": count},
                )

        roles = Counter(role for _user, role in rows)
        max_size = cleaned_data.get("max_size") or settings.WORKING_GROUP_DEFAULT_MAX_SIZE
        if roles[MembershipRole.MEMBER] > max_size:
            self.add_error(
                None,
                _(
                    "Le groupe compte %(count)d membres pour un maximum de %(max)d : retirez-en "
                    "ou augmentez le nombre maximum."
                )
                % {"count": roles[MembershipRole.MEMBER], "max": max_size},
            )
        if roles[MembershipRole.FACILITATOR] == 0:
            self.add_error(None, _("Le groupe doit avoir au moins un·e animateur·rice."))
        liaisons = [user for user, role in rows if role == MembershipRole.BOARD_LIAISON]
        if len(liaisons) != 1:
            self.add_error(
                None,
                ngettext(
                    "Le groupe doit avoir exactement un membre du Conseil d'administration ; "
                    "il en a %(count)d.",
                    "Le groupe doit avoir exactement un membre du Conseil d'administration ; "
                    "il en a %(count)d.",
                    len(liaisons),
                )
                % {"count": len(liaisons)},
            )
        board_ids = set(
            get_user_model()
            .objects.filter(pk__in=[u.pk for u in liaisons], groups__name=settings.BOARD_GROUP_NAME)
            .values_list("pk", flat=True)
        )
        for user in liaisons:
            if user.pk not in board_ids:
                self.add_error(
                    None,
                    _(
                        "%(person)s n'est pas membre du groupe « %(board)s » et ne peut donc pas "
                        "représenter le Conseil d'administration dans ce groupe."
                    )
                    % {"person": _display(user), "board": settings.BOARD_GROUP_NAME},
                )
        return cleaned_data


class PeopleInNaturalOrder(ModelChoiceIterator):
    """People as they are read: "Membre 2" before "Membre 10" (the database sorts "1" before "2")."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for user in sorted(self.queryset, key=person_sort_key):
            yield self.choice(user)


class MeetingReportPageForm(WagtailAdminPageForm):
    """Offers as attendees only the members of the report's own working group.

    Other apps adapt the form to the group through the ``construct_meeting_report_form`` hook
    (the library: the minutes field uploads into the group's restricted collection).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        group = self.parent_page.specific if self.parent_page is not None else None
        self.instance._intended_group = group
        if group is not None:
            for hook in hooks.get_hooks("construct_meeting_report_form"):
                hook(self, group)
        field = self.fields.get("attendees")
        if field is None:
            return
        # Members of the group, plus anyone already recorded as present who has
        # since left it: editing an old report must not drop them silently.
        in_group = Q(working_group_memberships__page_id=getattr(self.parent_page, "pk", None))
        if self.instance.pk:
            in_group |= Q(pk__in=[user.pk for user in self.instance.attendees.all()])
        field.iterator = PeopleInNaturalOrder  # before the queryset, which hands it to the widget
        field.queryset = get_user_model().objects.filter(in_group).distinct()
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        field.help_text = _("Seuls les membres du groupe de travail sont proposés.")


class RecommendationPageForm(WagtailAdminPageForm):
    """A recommendation's number is unique in its programme (groups number in one series)."""

    def clean(self):
        cleaned_data = super().clean()
        number = cleaned_data.get("number")
        group = self.parent_page
        if number is None or group is None:
            return cleaned_data
        programme = group.get_parent()
        clash = (
            type(self.instance)
            .objects.descendant_of(programme)
            .filter(number=number)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash is not None:
            self.add_error(
                "number",
                _("Le numéro %(number)d est déjà pris dans ce programme par « %(title)s ».")
                % {"number": number, "title": clash.title},
            )
        return cleaned_data


def _display(user):
    return user.get_full_name() or user.get_username()
