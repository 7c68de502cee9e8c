from django import template

from ..access import access_for, openable_documents, user_can_open
from ..forms import AccessRequestForm, pending_duplicate
from ..library import collection_for_group
from ..models import DocumentKind, LibraryDocument

register = template.Library()


@register.inclusion_tag("documents/includes/minutes_box.html", takes_context=True)
def minutes_box(context, document, group):
    """A meeting report's minutes: a download link, or "available on request" with the request form."""
    request = context["request"]
    can_open = document is not None and user_can_open(request.user, document)
    pending = None
    if document is not None and not can_open and group is not None:
        pending = pending_duplicate(request.user, group, document)
    return {
        "request": request,
        "document": document,
        "group": group,
        "can_open": can_open,
        "pending": pending,
        "form": AccessRequestForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("documents/includes/group_minutes.html", takes_context=True)
def group_minutes(context, group):
    """The group's minutes, listed for those who may read them, otherwise offered on request."""
    request = context["request"]
    collection = collection_for_group(group)
    access = access_for(request.user)
    can_open = collection is not None and access.path_is_open(collection.path)
    documents = []
    if collection is not None and (can_open or access.granted_ids):
        in_collection = LibraryDocument.objects.filter(
            collection__path__startswith=collection.path, kind=DocumentKind.MINUTES
        ).order_by("meeting_date", "title")
        # A closed collection closes everything below it: only documents granted one by one open there.
        documents = list(
            openable_documents(request.user, in_collection)
            if can_open
            else in_collection.filter(id__in=access.granted_ids)
        )
    return {
        "request": request,
        "group": group,
        "can_open": can_open,
        "documents": documents,
        "has_collection": collection is not None,
        "pending": None if can_open else pending_duplicate(request.user, group, None),
        "form": AccessRequestForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def can_open(document, user):
    return document is not None and user_can_open(user, document)
