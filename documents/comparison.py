"""Page revisions compared side by side name a restricted document by its meeting date, not its title.

The comparison is shown to everyone who may see a page's revisions, editors who may not open a
group's minutes among them (docs/admin-and-moderation.md, "The minutes library"); it has no
person to ask, so it never shows the title of a document under a restriction. Registered for
every page field that points to a document (documents/apps.py).
"""

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.admin.compare import ForeignObjectComparison, TextDiff

from languages.formats import human_date

from .access import is_restricted


def label(document):
    if not is_restricted(document):
        return document.title
    if document.meeting_date:
        return _("Procès-verbal de la réunion du %(date)s") % {"date": human_date(document.meeting_date)}
    return _("Procès-verbal du groupe (réservé au groupe et au Conseil)")


class LibraryDocumentComparison(ForeignObjectComparison):
    def htmldiff(self):
        obj_a, obj_b = self.get_objects()
        if obj_a is None and obj_b is None:
            return super().htmldiff()  # Wagtail's own "None"
        if obj_a == obj_b:
            return escape(label(obj_a))
        changes = []
        if obj_a:
            changes.append(("deletion", label(obj_a)))
        if obj_b:
            changes.append(("addition", label(obj_b)))
        return TextDiff(changes).to_html()
