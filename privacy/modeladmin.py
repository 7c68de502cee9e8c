"""What every wagtail-modeladmin screen of the intranet shares: a history that checks permissions, and
CSV exports that a spreadsheet never runs as formulas."""

from django.contrib.admin import RelatedFieldListFilter, RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.views import IndexView

from privacy.ids import parse_id
from privacy.spreadsheets import neutralise_formula


class RelatedFilterWithoutEmpty(RelatedFieldListFilter):
    """A filter on a foreign key without the "-" choice Django adds for a nullable one: the empty
    value only happens for a deleted group or programme, and "-" says nothing to the board."""

    @property
    def include_empty_choice(self):
        return False


class OnlyListedRelated(RelatedOnlyFieldListFilter):
    """The same, offering only the values of the rows the listing shows to this person (its
    ``get_queryset``): a facilitator's filter names their groups, never the others."""

    @property
    def include_empty_choice(self):
        return False


def with_context(label, context):
    """A button's visible word, and for screen readers what it acts on."""
    return format_html('{}<span class="w-sr-only"> – {}</span>', label, context)


class ContextualButtonHelper(ButtonHelper):
    """Row buttons that say whose row they act on: "Modifier", "Accorder" on every row of a listing
    are the same link text for different targets (WCAG 2.4.4). Each button's text keeps its visible
    word and adds, for screen readers, what ``button_context(obj)`` says about the row."""

    def button_context(self, obj):
        return str(obj)

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        context = self.button_context(obj)
        for button in buttons:
            button["label"] = with_context(button["label"], context)
            button["title"] = f"{button['title']} – {context}"
        return buttons


class SafeExportIndexView(IndexView):
    """The listing, whose CSV export neutralises formulas (the XLSX export already does, in Wagtail)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise_formula(value) if export_format == self.FORMAT_CSV else value


class PermissionCheckedHistoryMixin:
    """wagtail-modeladmin's history view checks no permission at all, and titles the page with the
    object (an access request names its document): only those who may inspect or edit the object
    see its history. Every ModelAdmin of the project uses this."""

    def history_view(self, request, instance_pk):
        instance = self.model._default_manager.filter(pk=parse_id(instance_pk)).first()
        helper = self.permission_helper
        if instance is None or not (
            helper.user_can_inspect_obj(request.user, instance)
            or helper.user_can_edit_obj(request.user, instance)
        ):
            raise PermissionDenied
        return super().history_view(request, instance_pk)


class IntranetModelAdminMixin(PermissionCheckedHistoryMixin):
    """Put first in the bases of every ModelAdmin of the project."""

    index_view_class = SafeExportIndexView
