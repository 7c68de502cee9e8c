"""What an uploaded file must be before it is stored: a clean name, an allowed type, its real type."""

import os
import unicodedata

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

#: What each allowed extension must really contain (by its first bytes).
EXPECTED_MIME = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "odt": {"application/vnd.oasis.opendocument.text"},
    "ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    "odp": {"application/vnd.oasis.opendocument.presentation"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"},
}
TEXT_EXTENSIONS = {"txt", "csv"}
#: Markup that a browser would run if it ever rendered the file: never in a text upload.
MARKUP_SIGNS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe", b"<object")
SNIFF_BYTES = 8192


class UploadRefused(ValueError):
    """The file is refused; the message says why, for the person uploading it."""


def clean_upload_name(name, max_stem=150):
    """A safe base name: no folders, no control or direction characters, a lowercase extension.

    Stored files keep ``max_stem`` characters before the extension (room for the storage's suffix);
    a name given back to a person (``max_stem=None``) is kept whole."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .")[:max_stem] or "document"
    return f"{stem}.{extension.lower()}" if extension else stem


def check_upload(uploaded_file):
    """Raise UploadRefused unless the file's extension is allowed and its content matches it."""
    name = clean_upload_name(uploaded_file.name)
    extension = os.path.splitext(name)[1][1:].lower()
    allowed = [ext.lower() for ext in settings.WAGTAILDOCS_EXTENSIONS]
    if extension not in allowed:
        raise UploadRefused(
            _("Le type de fichier « .%(extension)s » n'est pas accepté. Types acceptés : %(allowed)s.")
            % {"extension": extension or "?", "allowed": ", ".join(allowed)}
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    if not head:
        raise UploadRefused(_("Le fichier est vide."))
    if extension in TEXT_EXTENSIONS:
        _check_text(head, extension)
        return
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if detected not in EXPECTED_MIME.get(extension, set()):
        raise UploadRefused(
            _(
                "Le contenu de ce fichier ne correspond pas à son extension « .%(extension)s » "
                "(contenu détecté : %(detected)s). Enregistrez-le dans le bon format puis réessayez."
            )
            % {"extension": extension, "detected": detected or _("inconnu")}
        )


def _check_text(head, extension):
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError as error:
            raise UploadRefused(
                _("Ce fichier .%(extension)s n'est pas du texte.") % {"extension": extension}
            ) from error
    lowered = text.lower().encode("utf-8", "ignore")
    if b"\x00" in head or any(sign in lowered for sign in MARKUP_SIGNS):
        raise UploadRefused(
            _("Ce fichier .%(extension)s contient du HTML ou du SVG : il est refusé.")
            % {"extension": extension}
        )
