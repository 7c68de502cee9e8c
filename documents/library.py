"""The library's collections, their restrictions and permissions, kept in code and applied idempotently.

    Racine
    ├── Ressources                    open to every member; editors, the board and groups upload
    ├── Procès-verbaux                (no document of its own)
    │   └── <group> (<programme>)     restricted to the group's Django group and the board
    └── Procès-verbaux archivés       restricted to the board: minutes of deleted groups

Each working group's minutes collection is created when the group is, renamed with it,
and archived (never deleted) with it.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, CollectionViewRestriction, GroupCollectionPermission

from .filing import MINUTES, minutes_link_for  # noqa: F401 - minutes_link_for: re-exported
from .models import LibraryDocument, MinutesCollection

RESOURCES = "Ressources"
ARCHIVES = "Procès-verbaux archivés"


def _document_permission(codename):
    content_type = ContentType.objects.get_for_model(LibraryDocument)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
    )
    return permission


def _grant(group, collection, *actions):
    for action in actions:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_document_permission(f"{action}_document")
        )


def _child(parent, name):
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(instance=Collection(name=name))


def restrict(collection, groups):
    """Exactly one restriction on ``collection``: to ``groups`` (repaired if anyone changed it)."""
    restrictions = list(CollectionViewRestriction.objects.filter(collection=collection))
    restriction = restrictions[0] if restrictions else None
    for extra in restrictions[1:]:
        extra.delete()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    elif restriction.restriction_type != CollectionViewRestriction.GROUPS:
        restriction.restriction_type = CollectionViewRestriction.GROUPS
        restriction.password = ""
        restriction.save()
    restriction.groups.set([group for group in groups if group is not None])
    return restriction


def ensure_library():
    """The fixed collections and who may upload where. Returns (resources, minutes, archives)."""
    board = Group.objects.get_or_create(name=settings.BOARD_GROUP_NAME)[0]
    editors = Group.objects.get_or_create(name=settings.EDITORS_GROUP_NAME)[0]
    root = Collection.get_first_root_node()
    resources, minutes, archives = _child(root, RESOURCES), _child(root, MINUTES), _child(root, ARCHIVES)
    restrict(archives, [board])
    _grant(board, resources, "add", "change", "choose")
    _grant(editors, resources, "add", "change", "choose")
    _grant(board, minutes, "add", "change", "choose")
    _grant(board, archives, "change", "choose")
    # Editors upload minutes and link them from reports, but read them only if they belong to the group.
    _grant(editors, minutes, "add", "choose")
    return resources, minutes, archives


def minutes_collection_name(group_page):
    programme = group_page.get_parent()
    return f"{group_page.title} ({programme.title})"[:255] if programme else group_page.title


@transaction.atomic
def ensure_group_minutes(group_page, django_group):
    """The group's minutes collection exists, carries its name, opens to its members and the board only."""
    resources, minutes, _archives = ensure_library()
    board = Group.objects.get(name=settings.BOARD_GROUP_NAME)
    link = MinutesCollection.objects.filter(working_group=group_page).select_related("collection").first()
    name = minutes_collection_name(group_page)
    if link is None:
        collection = minutes.add_child(instance=Collection(name=name))
        link = MinutesCollection.objects.create(working_group=group_page, collection=collection)
    elif link.collection.name != name:
        link.collection.name = name
        link.collection.save(update_fields=["name"])
    restrict(link.collection, [django_group, board])
    _grant(django_group, link.collection, "add", "change", "choose")
    _grant(django_group, resources, "add", "choose")
    return link.collection


@transaction.atomic
def archive_group_minutes(group_page_id):
    """The group is gone: its minutes move to the board-only archive, with nothing deleted."""
    link = (
        MinutesCollection.objects.filter(working_group_id=group_page_id).select_related("collection").first()
    )
    if link is None:
        return
    _resources, _minutes, archives = ensure_library()
    board = Group.objects.get(name=settings.BOARD_GROUP_NAME)
    collection = link.collection
    collection.move(archives, pos="sorted-child")
    collection.refresh_from_db()
    restrict(collection, [board])
    GroupCollectionPermission.objects.filter(collection=collection).exclude(group=board).delete()
    link.archived = True
    link.save(update_fields=["archived"])


def minutes_parents():
    """The parent "Procès-verbaux" collection(s): they hold no document of their own (filing.py)."""
    return list(Collection.objects.filter(depth=2, name=MINUTES))


def library_managed_paths():
    """Tree paths of "Procès-verbaux" and the archives: everything under them is kept by this module."""
    return list(
        Collection.objects.filter(depth=2, name__in=[MINUTES, ARCHIVES]).values_list("path", flat=True)
    )


def archives_path():
    archives = Collection.objects.filter(depth=2, name=ARCHIVES).values_list("path", flat=True).first()
    return archives or "-"  # no archives yet: a path no collection has


def collection_for_group(group_page):
    link = MinutesCollection.objects.filter(working_group=group_page).select_related("collection").first()
    return link.collection if link else None


def minutes_collection_problem(group_page, document):
    """Why ``document`` cannot be the minutes of a report of ``group_page`` (a message), or None."""
    collection = collection_for_group(group_page)
    if collection is None:
        return _("Ce groupe de travail n'a pas encore de collection de procès-verbaux.")
    document_path = (
        Collection.objects.filter(pk=document.collection_id).values_list("path", flat=True).first()
    )
    if document_path is None or not document_path.startswith(collection.path):
        return _(
            "Le procès-verbal d'un compte rendu se range dans la collection des procès-verbaux de son "
            "groupe de travail. Envoyez-le depuis cet onglet : il y sera rangé."
        )
    return None
