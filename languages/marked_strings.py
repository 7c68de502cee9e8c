"""The strings the code marks for translation, found by reading it (not through makemessages).

A module may import Django's translation functions under any name (``gettext_lazy as _lazy``);
xgettext only knows the usual names, and strings marked with another one were silently left out
of the catalogues. This module reads each Python file of the project, finds the names under which
it imports a translation function, and the string literals passed to them. ``manage.py
makemessages`` gives xgettext those names as keywords (``keywords()``), and ``manage.py
catalogues --check`` fails on a marked string that a catalogue lacks (``marked_strings()``).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

#: Django's translation functions, by the xgettext keyword form their arguments take.
SINGULAR = {"gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy", "ugettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy", "ungettext", "ungettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}
TRANSLATION_MODULES = {"django.utils.translation"}


@dataclass(frozen=True)
class Marked:
    msgctxt: str | None
    msgid: str
    where: str


def aliases(tree):
    """{name used in the module: Django's function} for the translation functions it imports."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in TRANSLATION_MODULES:
            for name in node.names:
                if name.name in SINGULAR | PLURAL | CONTEXT | CONTEXT_PLURAL:
                    found[name.asname or name.name] = name.name
    return found


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def strings_in(source, where=""):
    """The strings ``source`` marks for translation, whatever name it gives the functions."""
    tree = ast.parse(source)
    names = aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
            continue
        function, args = names[node.func.id], node.args
        place = f"{where}:{node.lineno}"
        if function in SINGULAR | PLURAL and args and _literal(args[0]) is not None:
            found.append(Marked(None, _literal(args[0]), place))
        elif function in CONTEXT | CONTEXT_PLURAL and len(args) > 1 and _literal(args[1]) is not None:
            found.append(Marked(_literal(args[0]), _literal(args[1]), place))
    return found


#: Top-level folders that hold no interface string of the intranet.
NOT_THE_INTRANET = {"tests", "bench", "mutants", "node_modules"}


def project_packages(root=None):
    """The project's own packages: the top-level folders of the repository with an ``__init__.py``."""
    root = Path(root or settings.BASE_DIR)
    return sorted(
        path.name
        for path in root.iterdir()
        if (path / "__init__.py").exists()
        and path.name not in NOT_THE_INTRANET
        and not path.name.startswith(".")
    )


def python_files(root, apps):
    for app in apps:
        for path in sorted((Path(root) / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def marked_strings(root, apps):
    """Every string the project's Python code marks, with where it is marked."""
    found = []
    for path in python_files(root, apps):
        found += strings_in(path.read_text(), str(path.relative_to(root)))
    return found


def keywords(root, apps):
    """xgettext keywords for the names the code gives Django's translation functions."""
    forms = {}
    for path in python_files(root, apps):
        for name, function in aliases(ast.parse(path.read_text())).items():
            if function in SINGULAR:
                forms[name] = name
            elif function in PLURAL:
                forms[name] = f"{name}:1,2"
            elif function in CONTEXT:
                forms[name] = f"{name}:1c,2"
            else:
                forms[name] = f"{name}:1c,2,3"
    return sorted(forms.values())


def missing_from(catalogue_ids, root=None, apps=None):
    """Strings marked in the code (``Marked``) with no entry among ``catalogue_ids`` ((msgctxt, msgid))."""
    root = root or settings.BASE_DIR
    return [
        marked
        for marked in marked_strings(root, apps or project_packages(root))
        if (marked.msgctxt, marked.msgid) not in catalogue_ids
    ]
