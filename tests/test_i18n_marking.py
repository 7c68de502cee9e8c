"""No user-facing sentence escapes translation.

Three checks, each able to fail on its own:

* every template of the project, tokenised by Django's own template lexer: any text outside
  ``{% translate %}`` / ``{% blocktranslate %}`` that a person would read (HTML text, and the
  ``title``, ``alt``, ``placeholder``, ``aria-label`` and button ``value`` attributes), and any
  quoted literal in a tag or a variable that is a phrase, fails;
* every Python module of the project: a string literal that reads as a phrase (two words, or a
  French accented letter) outside a gettext call fails, unless it is one of the few listed
  below with the reason it is not user-facing;
* rendered pages (``test_i18n.py``) are compared with the catalogues.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates"]
PROJECT_PACKAGES = ["intranet", "home", "workinggroups", "documents", "search", "notifications", "meetings"]

LETTERS = re.compile(r"[^\W\d_]{2,}")
PHRASE = re.compile(r"[^\W\d_]{2,}[\s'’][^\W\d_]|[À-ÿ]")
USER_FACING_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
#: Text that is the same in every language.
UNIVERSAL = {"PDF", "Wagtail", "FR", "NL", "EN", "Français", "Nederlands", "English"}
QUOTED = re.compile(r"""(?<![_\w])(["'])((?:(?!\1).)*)\1""")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (
                name in USER_FACING_ATTRIBUTES
                or (name == "value" and attributes.get("type") in {"submit", "button", "reset"})
            ):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


URL_PART = re.compile(r"\S*[?#=/_]\S*")


def _readable(text):
    """Words a person reads: not URL parts or query strings (``?status__exact=pending``)."""
    text = URL_PART.sub(" ", text).strip()
    return bool(LETTERS.search(text)) and text not in UNIVERSAL


def template_violations(path):
    """Unmarked text in one template, as ``(line, text)``."""
    source = path.read_text()
    violations = []
    inside_translation = 0
    inside_comment = 0
    inside_class_block = 0  # {% block body_class %}page-home{% endblock %}: CSS classes
    # Text between tags is checked as HTML; a tag's placeholder keeps attributes parseable.
    html_chunks = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in {"blocktranslate", "blocktrans"}:
                inside_translation += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                inside_translation -= 1
            elif name == "block" and token.contents.split()[-1].endswith("_class"):
                inside_class_block += 1
            elif name == "endblock" and inside_class_block:
                inside_class_block -= 1
            elif name == "comment":
                inside_comment += 1
            elif name == "endcomment":
                inside_comment -= 1
            if name not in {"translate", "trans", "blocktranslate", "blocktrans"} and not inside_comment:
                violations += _literal_violations(token)
            html_chunks.append((token.lineno, "X"))
        elif token.token_type == TokenType.VAR:
            if not inside_comment:
                violations += _literal_violations(token)
            html_chunks.append((token.lineno, "X"))
        elif token.token_type == TokenType.TEXT:
            if inside_translation or inside_comment or inside_class_block:
                html_chunks.append((token.lineno, "X"))
            else:
                html_chunks.append((token.lineno, token.contents))
    parser = _Text()
    if path.suffix == ".txt":
        parser.found = [text for _line, text in html_chunks]
    else:
        parser.feed("".join(text for _line, text in html_chunks))
        parser.close()
    for text in parser.found:
        for piece in text.split("X"):
            if _readable(piece):
                violations.append((_line_of(source, piece), piece.strip()))
    return violations


def _line_of(source, piece):
    index = source.find(piece.strip())
    return source.count("\n", 0, index) + 1 if index >= 0 else 0


def _literal_violations(token):
    found = []
    for match in QUOTED.finditer(token.contents):
        literal = match.group(2)
        before = token.contents[: match.start()]
        if before.endswith("_("):
            continue  # _("…") is marked
        if PHRASE.search(literal) and "/" not in literal and not literal.endswith((".html", ".txt")):
            found.append((token.lineno, literal))
    return found


def test_every_template_text_is_marked_for_translation():
    violations = {}
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                found = template_violations(path)
                if found:
                    violations[str(path.relative_to(ROOT))] = found
    assert violations == {}, "Unmarked text in templates (wrap it in {% translate %}):\n" + "\n".join(
        f"  {name}:{line}: {text!r}" for name, found in violations.items() for line, text in found
    )


def test_the_template_check_finds_unmarked_text(tmp_path):
    """The check itself: unmarked text, attributes and literals are found, marked text is not."""
    template = tmp_path / "sample.html"
    template.write_text(
        "{% load i18n %}<h1>{% translate 'Bonjour' %}</h1>\n"
        "<p>Texte oublié</p>\n"
        '<input placeholder="Rechercher…">\n'
        "{% blocktranslate %}Tout va bien{% endblocktranslate %}\n"
        '{{ value|default:"Aucune valeur" }}\n'
        "{# un commentaire #}<script>var x = 'code';</script>"
    )
    texts = [text for _line, text in template_violations(template)]
    assert texts == ["Aucune valeur", "Texte oublié", "Rechercher…"]


# Python


GETTEXT_CALLS = {
    "_",
    "_lazy",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
#: Calls whose text is for operators and developers (logs, SQL, command output), not for users.
OPERATOR_CALLS = {
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "critical",
    "execute",
    "RawSQL",
    "raw",
    "ImproperlyConfigured",
    "CommandError",
    "write",
    "ValueError",
    "TypeError",
    "RuntimeError",
    "AssertionError",
    "SuspiciousFileOperation",
    "NotImplementedError",
}
#: Modules that hold content or operator tools, not interface text: the demo content (French
#: content, like any page an editor writes), scale data, management commands, backups, settings,
#: and each app's content.py (why a model changes, or not, what members see: for maintainers).
NOT_INTERFACE = (
    "migrations",
    "content.py",
    "demo",
    "demo.py",
    "scale_data.py",
    "management",
    "backup.py",
    "settings",
    "gunicorn.conf.py",
)
#: Literals that read as phrases but are not interface text, each with its reason.
ALLOWED = {
    # Names of the workflow and its tasks: rows created by a migration, renamed in the admin
    # like any content; Wagtail shows them as data.
    "Publication des groupes de travail",
    "Relecture par l'animation du groupe",
    "Approbation du Conseil d'administration",
    "Moderators approval",  # the name of Wagtail's starter task, looked up to retire it
    # Collection names: data, shown as the minutes library's folders.
    "Procès-verbaux",
    "Procès-verbaux archivés",
    "Can choose document",  # looked up by Wagtail's own permission codename/name pair
    "button button-small",  # CSS classes
}


def _call_name(node):
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _markup_text(markup):
    """What a person reads in a piece of markup written in Python: its text and user-facing
    attributes (``{}`` are format_html's placeholders), as the templates' check reads them."""
    parser = _Text()
    parser.feed(markup.replace("{}", " "))
    parser.close()
    return [text for text in parser.found if PHRASE.search(text) and _readable(text)]


def python_violations(path):
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if not PHRASE.search(text) or text in ALLOWED or text.strip() in UNIVERSAL:
            continue
        if text.lstrip().startswith("<") and not _markup_text(text):
            continue  # markup for format_html: its tags and attributes, no text a person reads
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):
            continue  # a docstring
        ancestor, exempt = parent, False
        while ancestor is not None and not isinstance(ancestor, ast.FunctionDef | ast.ClassDef | ast.Module):
            if isinstance(ancestor, ast.Call) and _call_name(ancestor) in GETTEXT_CALLS | OPERATOR_CALLS:
                exempt = True
                break
            ancestor = parents.get(ancestor)
        if not exempt:
            found.append((node.lineno, text))
    return found


def _project_modules():
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not any(part in NOT_INTERFACE for part in relative.parts):
                yield path


def test_every_python_string_a_user_reads_is_marked_for_translation():
    violations = {
        str(path.relative_to(ROOT)): found
        for path in _project_modules()
        if (found := python_violations(path))
    }
    assert violations == {}, "Unmarked strings in Python (wrap them in gettext):\n" + "\n".join(
        f"  {name}:{line}: {text!r}" for name, found in violations.items() for line, text in found
    )


def test_the_python_check_finds_unmarked_text(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from django.utils.translation import gettext_lazy as _\n"
        '"""A docstring is not interface text."""\n'
        "class Form:\n"
        '    label = _("Mot de passe")\n'
        '    help_text = "Choisissez un mot de passe"\n'
        '    error = "Déjà pris"\n'
        '    slug = "mot-de-passe"\n'
        "def f(logger):\n"
        '    logger.warning("Something went wrong")\n'
        'ROW = \'<a href="{}" class="chart__row"><text x="0" y="{}">{}</text></a>\'\n'
        'LINK = \'<a href="{}" aria-label="Voir la liste">{}</a>\'\n'
        "CELL = '<td>Non renseigné</td>'\n"
    )
    # Markup counts only for its text and user-facing attributes: the chart's row is not flagged.
    assert sorted(text for _line, text in python_violations(module)) == [
        '<a href="{}" aria-label="Voir la liste">{}</a>',
        "<td>Non renseigné</td>",
        "Choisissez un mot de passe",
        "Déjà pris",
    ]
