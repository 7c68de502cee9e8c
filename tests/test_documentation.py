"""The documentation holds together: README.md is the entry, docs/ holds the rest.

Every relative link of README.md and docs/ leads to a file of the repository (and a `#anchor` to a
heading that makes it, the way GitHub makes anchors), every document in docs/ is linked from
README.md, and no tracked text file cites a Markdown path that is not in the repository. Each
check is also run on a small made-up repository with the faults it must find.
No database: these read files only.
"""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent

#: Markdown names cited on purpose that are not files of this repository, and why. Empty today;
#: a name of another project's file (cited as such) would go here, with its reason.
EXTERNAL_NAMES: dict[str, str] = {}

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
INLINE_CODE = re.compile(r"`[^`]*`")
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+")
CITED_MARKDOWN = re.compile(r"[\w./-]+\.md\b")


def markdown_documents(root):
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def prose_lines(path):
    """The lines of a Markdown file outside fenced code blocks."""
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            inside = not inside
        elif not inside:
            yield line


def github_anchor(heading):
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path):
    """Every anchor of a Markdown file; a repeated heading gets -1, -2, … as on GitHub."""
    found, seen = set(), {}
    for line in prose_lines(path):
        match = HEADING.match(line)
        if match:
            anchor = github_anchor(match[1])
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def links(path):
    """The link targets of a Markdown file, code left out."""
    for line in prose_lines(path):
        reference = REFERENCE_LINK.match(line)
        if reference:
            yield reference[1]
        yield from INLINE_LINK.findall(INLINE_CODE.sub("", line))


def resolve(root, document, target):
    """(the file a relative link leads to, its anchor), or None for an external address."""
    if URL_SCHEME.match(target):
        return None
    path, _, anchor = target.partition("#")
    path = unquote(path)
    if not path:
        return document, anchor
    base = root if path.startswith("/") else document.parent
    return (base / path.lstrip("/")).resolve(), anchor


def link_problems(root):
    problems = []
    for document in markdown_documents(root):
        name = document.relative_to(root)
        for target in links(document):
            resolved = resolve(root, document, target)
            if resolved is None:
                continue
            path, anchor = resolved
            if not path.is_relative_to(root.resolve()):
                problems.append(f"{name}: link {target!r} leads out of the repository")
            elif not path.exists():
                problems.append(f"{name}: link {target!r} leads to no file")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                where = path.relative_to(root.resolve())
                problems.append(f"{name}: link {target!r}: no heading of {where} gives #{anchor}")
    return problems


def unlinked_documents(root):
    readme = root / "README.md"
    linked = {resolved[0] for target in links(readme) if (resolved := resolve(root, readme, target))}
    return [
        str(path.relative_to(root))
        for path in sorted((root / "docs").rglob("*"))
        if path.is_file() and path.resolve() not in linked
    ]


def tracked_text_files(root):
    git = shutil.which("git")
    assert git, "git is needed to list the repository's files (git ls-files)"
    listed = subprocess.run(
        [git, "ls-files", "-z"], cwd=root, capture_output=True, check=True, text=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        path = root / name
        if path.suffix == ".mo" or not path.is_file():
            continue
        content = path.read_bytes()
        if b"\0" not in content:  # binary files hold NUL bytes; text files do not
            yield path, content.decode("utf-8", errors="replace")


def in_repository(root, path):
    path = path.resolve()
    return path.is_file() and path.is_relative_to(root.resolve())


def citation_problems(root, files):
    """Cited `*.md` paths found neither beside the citing file nor from the repository's root."""
    problems = []
    for path, text in files:
        for number, line in enumerate(text.splitlines(), start=1):
            for cited in CITED_MARKDOWN.findall(URL.sub("", line)):
                if cited in EXTERNAL_NAMES:
                    continue
                if not any(in_repository(root, base / cited) for base in (path.parent, root)):
                    problems.append(
                        f"{path.relative_to(root)}:{number}: cites {cited!r}, which is not in the repository"
                    )
    return problems


def test_every_relative_link_of_the_documentation_leads_to_a_file_and_a_heading():
    problems = link_problems(ROOT)
    assert not problems, "\n".join(problems)


def test_every_document_in_docs_is_linked_from_the_readme():
    unlinked = unlinked_documents(ROOT)
    assert not unlinked, "not linked from README.md: " + ", ".join(unlinked)


def test_no_file_of_the_repository_cites_a_markdown_path_that_is_not_in_it():
    files = list(tracked_text_files(ROOT))
    assert any(path.name == "README.md" for path, _text in files)  # git listed the repository
    problems = citation_problems(ROOT, files)
    assert not problems, "\n".join(problems)


def test_github_anchors():
    assert github_anchor("The board's decisions") == "the-boards-decisions"
    assert github_anchor("The minutes library (for facilitators and the board)") == (
        "the-minutes-library-for-facilitators-and-the-board"
    )
    assert github_anchor("`make test`, and [the entry](README.md)") == "make-test-and-the-entry"
    assert github_anchor("Sécurité et fiabilité") == "sécurité-et-fiabilité"


# The made-up repository below uses the names of real files (README.md, docs/architecture.md,
# docs/security.md), written as paths from the root, for what it gets right, and builds the names
# it gets wrong at run time: this file is itself one of the files the citation check reads.
MISSING = "nowhere" + ".md"
OUTSIDE = "../shared/" + "DESIGN" + ".md"  # a file beside the repository, not in it


def made_up_repository(tmp_path):
    """A README and two documents with one fault of each kind, and what is right beside them."""
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    outside = (root / OUTSIDE).resolve()
    outside.parent.mkdir()
    outside.write_text("# Design\n")
    (root / "README.md").write_text(
        "# Entry\n\n[layers](docs/architecture.md), [a heading](docs/architecture.md#how-it-works),\n"
        f"[no such heading](docs/architecture.md#what-it-costs), [gone]({MISSING}),\n"
        f"[out]({OUTSIDE}), [site](https://example.org/{MISSING}), [here](#entry)\n\n"
        f"```\n[in code]({MISSING})\n```\n"
    )
    (root / "docs/architecture.md").write_text("# Layers\n\n## How it works\n\n[Back](../README.md#entry)\n")
    (root / "docs/security.md").write_text("# Forgotten by the README\n")
    return root


def test_the_link_check_names_the_file_and_each_broken_link(tmp_path):
    root = made_up_repository(tmp_path)
    assert link_problems(root) == [
        "README.md: link 'docs/architecture.md#what-it-costs': no heading of docs/architecture.md "
        "gives #what-it-costs",
        f"README.md: link {MISSING!r} leads to no file",
        f"README.md: link {OUTSIDE!r} leads out of the repository",
    ]


def test_the_docs_check_names_a_document_the_readme_does_not_link(tmp_path):
    root = made_up_repository(tmp_path)
    assert unlinked_documents(root) == ["docs/security.md"]


def test_the_citation_check_names_the_file_line_and_missing_path(tmp_path):
    root = made_up_repository(tmp_path)
    (root / "app").mkdir()
    code = root / "app" / "views.py"
    code.write_text(
        f'"""See docs/architecture.md and ../README.md."""\n# then {MISSING}, or at https://example.org/{MISSING}\n'
        f"# and {OUTSIDE}, which is beside the repository\n"
    )
    document = root / "docs/architecture.md"
    problems = citation_problems(root, [(code, code.read_text()), (document, document.read_text())])
    assert problems == [
        f"app/views.py:2: cites {MISSING!r}, which is not in the repository",
        f"app/views.py:3: cites {OUTSIDE!r}, which is not in the repository",
    ]
