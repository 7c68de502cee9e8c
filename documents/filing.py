"""Where a library document may be filed: the rule that keeps minutes in their group's restricted collection.

The rule is checked by the model (``LibraryDocument.save``, and its queryset's ``update``,
``bulk_update`` and ``bulk_create``), so every route that files a document obeys it: the
admin's edit form, the single, multiple and chooser uploaders, bulk actions, the demo loader,
a shell. Forms only show the same messages earlier.

1. The parent "Procès-verbaux" collection holds no document: it is not restricted itself,
   only each group's collection below it is.
2. A document in (or below) a group's minutes collection belongs to that group.
3. A document of kind "minutes" lives in (or below) its own group's minutes collection, or
   in the board's archive of a deleted group's minutes.
4. A document linked as a meeting report's minutes lives in (or below) the minutes
   collection of the report's group.
5. A document never leaves a restriction: its new collection must be under every view
   restriction that covered the old one. Only the board (or a superuser) takes a document
   out of restriction, with ``release()``: a deliberate act, with its reason, in the log.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Collection, CollectionViewRestriction, Revision

from workinggroups.models import MeetingReportPage, WorkingGroupPage
from workinggroups.people import is_board
from workinggroups.tree import at_paths

from .choices import DocumentKind

#: The fields whose change can move a document in or out of a restriction.
FILING_FIELDS = frozenset({"collection", "collection_id", "kind", "working_group", "working_group_id"})
RELEASE_ACTION = "documents.release"
#: The parent collection of every group's minutes collection.
MINUTES = "Procès-verbaux"


def minutes_collection_model():
    """The MinutesCollection model. The rule is checked by the models' save (models.py imports this
    module), so it names the model by its label through Django's app registry, as a ForeignKey
    does, rather than importing models.py back."""
    return apps.get_model("documents", "MinutesCollection")


def minutes_link_for(collection):
    """The MinutesCollection that ``collection`` is (or is inside), if any: one query."""
    if collection is None:
        return None
    return (
        minutes_collection_model()
        .objects.filter(collection__path__in=covering_paths(collection.path))
        .select_related("working_group")  # its title names the group in a refusal
        .order_by("-collection__depth")
        .first()
    )


def covering_paths(path):
    """``path`` and the tree paths of each of its ancestors (tree paths grow by Collection.steplen)."""
    step = Collection.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


class Cover:
    """What covers one collection: the group minutes collection it is in (if any), the view
    restrictions over it, and whether it is the parent "Procès-verbaux" itself."""

    def __init__(self, collection):
        self.link = minutes_link_for(collection)
        self.restrictions = dict(
            CollectionViewRestriction.objects.filter(collection__path__in=covering_paths(collection.path))
            .order_by("collection__depth")
            .values_list("pk", "collection__path")
        )
        self.is_minutes_parent = collection.depth == 2 and collection.name == MINUTES

    def innermost_restricted_path(self):
        """The deepest restricted collection at or above this one (its subtree keeps every restriction)."""
        return list(self.restrictions.values())[-1] if self.restrictions else None


class Filing:
    """The facts about collections that the rule needs, looked up once per collection.

    One instance checks many documents (a bulk action, the scale generator's 40,000 rows)
    with a few queries per distinct collection, not per document.
    """

    def __init__(self):
        self._covers = {}

    def cover(self, collection_id):
        if collection_id not in self._covers:
            collection = Collection.objects.filter(pk=collection_id).first()
            if collection is None:
                raise ValidationError({"collection": _("Cette collection n'existe pas.")})
            self._covers[collection_id] = Cover(collection)
        return self._covers[collection_id]

    def problems(self, document, previous_collection_id=None, released_by=None):
        """What is wrong with filing ``document`` where it is now, as {field: message}; empty if nothing.

        A document in a group's collection with no group is given that group (the only fill-in).
        """
        errors = {}
        cover = self.cover(document.collection_id)
        link = cover.link
        if cover.is_minutes_parent:
            errors["collection"] = _(
                "La collection « Procès-verbaux » ne contient que les collections des groupes : "
                "choisissez celle du groupe de travail."
            )
            return errors
        if link is not None and not link.archived:
            if document.working_group_id is None:
                document.working_group_id = link.working_group_id  # in a group's collection: that group's
            elif link.working_group_id != document.working_group_id:
                errors["working_group"] = _(
                    "Cette collection est celle des procès-verbaux du groupe « %(group)s » : "
                    "un document qui s'y trouve appartient à ce groupe."
                ) % {"group": link.working_group.title if link.working_group else "?"}
        if document.kind == DocumentKind.MINUTES:
            in_own_collection = link is not None and (
                link.archived or link.working_group_id == document.working_group_id
            )
            if not in_own_collection:
                errors["collection"] = _(
                    "Un procès-verbal se range dans la collection « Procès-verbaux » de son groupe de "
                    "travail : c'est elle qui en réserve la lecture au groupe et au Conseil."
                )
        if document.pk and "collection" not in errors:
            for group_link, group_title in reports_linking(document):
                if group_link is None or link is None or link.pk != group_link:
                    errors["collection"] = _(
                        "Ce document est le procès-verbal d'un compte rendu du groupe « %(group)s » : "
                        "il reste dans la collection des procès-verbaux de ce groupe."
                    ) % {"group": group_title}
                    break
        if previous_collection_id is not None and previous_collection_id != document.collection_id:
            left = self.cover(previous_collection_id).restrictions.keys() - cover.restrictions.keys()
            if left and not is_board(released_by):
                errors["collection"] = _(
                    "Ce document est dans une collection restreinte : le déplacer ici le rendrait lisible "
                    "par d'autres personnes. Seul le Conseil d'administration peut lever une restriction."
                )
        return errors

    def check(self, document, previous_collection_id=None, released_by=None):
        errors = self.problems(document, previous_collection_id, released_by)
        if errors:
            raise ValidationError(errors)


def reports_linking(document, drafts=False):
    """(minutes collection id of the report's group, group title) for each report whose minutes are
    ``document`` in its live row, and with ``drafts`` also in its latest revision (a draft, or one
    in review: a scan of the reports' revisions, for the rare release, not for every save)."""
    MinutesCollection = minutes_collection_model()
    linking = Q(minutes_id=document.pk)
    if drafts:
        revisions = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(MeetingReportPage), content__minutes=document.pk
        )
        linking |= Q(latest_revision__in=revisions)
    reports = MeetingReportPage.objects.filter(linking)
    paths = list(reports.values_list("path", flat=True))
    if not paths:
        return []
    parents = {path[: -WorkingGroupPage.steplen] for path in paths}
    groups = {
        path: (pk, title)
        for path, pk, title in at_paths(WorkingGroupPage, parents).values_list("path", "pk", "title")
    }
    links = dict(
        MinutesCollection.objects.filter(
            working_group_id__in=[pk for pk, _title in groups.values()], archived=False
        ).values_list("working_group_id", "pk")
    )
    linked = []
    for path in paths:
        group_id, title = groups.get(path[: -WorkingGroupPage.steplen], (None, "?"))
        linked.append((links.get(group_id), title))
    return linked


def release(document, user, collection, kind, reason):
    """The board takes ``document`` out of its restriction into ``collection``, with ``reason``, logged.

    Raises PermissionDenied for anyone but the board, and ValidationError when the new filing
    breaks another rule (a report still links it as its minutes, kind "minutes" in an open collection).
    """
    # A block rather than @transaction.atomic, so that mutation testing can change this function.
    with transaction.atomic():
        if not is_board(user):
            raise PermissionDenied(
                _("Seul le Conseil d'administration peut lever la restriction d'un document.")
            )
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(
                {"reason": _("Indiquez pourquoi ce document devient lisible par plus de personnes.")}
            )
        document = type(document).objects.select_for_update().get(pk=document.pk)
        if reports_linking(document, drafts=True):
            raise ValidationError(
                {
                    "collection": _(
                        "Ce document est le procès-verbal d'un compte rendu (publié, en brouillon ou en "
                        "relecture) : retirez-le du compte rendu avant de lever sa restriction."
                    )
                }
            )
        before = {"collection": document.collection.name, "kind": document.kind}
        document.collection, document.kind = collection, kind
        document._released_by = user
        document.save()
        log(
            instance=document,
            action=RELEASE_ACTION,
            user=user,
            data={
                "reason": reason,
                "from_collection": before["collection"],
                "to_collection": collection.name,
                "from_kind": before["kind"],
                "to_kind": kind,
            },
        )
        return document
