"""Admin views of the library that Wagtail does not have: the board lifting a document's restriction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from privacy.ids import parse_id

from .filing import is_board, release
from .forms import ReleaseForm
from .models import LibraryDocument


def release_view(request, document_id):
    """The board moves a restricted document to a more open collection, saying why (documents/filing.py)."""
    if not is_board(request.user):
        raise PermissionDenied
    document = get_object_or_404(
        LibraryDocument.objects.select_related("collection"), pk=parse_id(str(document_id))
    )
    form = ReleaseForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            release(
                document,
                request.user,
                form.cleaned_data["collection"],
                form.cleaned_data["kind"],
                form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("La restriction est levée : « %(title)s » est maintenant dans « %(collection)s ».")
                % {"title": document.title, "collection": form.cleaned_data["collection"].name},
            )
            return redirect("wagtaildocs:edit", document.pk)
    return TemplateResponse(
        request,
        "documents/admin/release.html",
        {"document": document, "form": form, "title": _("Lever la restriction d'un document")},
        status=400 if request.method == "POST" else 200,
    )
