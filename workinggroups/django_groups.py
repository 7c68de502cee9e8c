"""The Django groups of the intranet (the board, the members, the editors) and the permissions
they are given, created on first use. roles.py decides who belongs where; the workflow names the
board as its second step."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType


def _permission(app_label, model, codename):
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ")},
    )
    return permission


def admin_access_permission():
    return _permission("wagtailadmin", "admin", "access_admin")


def page_permission(codename):
    return _permission("wagtailcore", "page", codename)


def board_group():
    return Group.objects.get_or_create(name=settings.BOARD_GROUP_NAME)[0]


def members_group():
    return Group.objects.get_or_create(name=settings.MEMBERS_GROUP_NAME)[0]


def editors_group():
    return Group.objects.get_or_create(name=settings.EDITORS_GROUP_NAME)[0]
