"""The apps point one way, and no app imports itself in a circle (docs/architecture.md).

`make lint` runs import-linter's layers contract from pyproject.toml; these tests read the same
layers, check them with grimp (import-linter's graph library), prove the check fails on a wrong
import, and refuse a circle of imports between the modules of one app, lazy imports included.
"""

import copy
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
APPS = CONFIG["root_packages"]
LAYERS = [
    grimp.Layer(*(part.strip() for part in line.split("|")), independent=True)
    for line in CONFIG["contracts"][0]["layers"]
]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*APPS, include_external_packages=False)


def illegal(graph):
    return graph.find_illegal_dependencies_for_layers(layers=LAYERS)


def test_every_app_of_the_project_has_its_layer():
    project_apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"intranet"}
    assert project_apps == set(APPS)
    assert {module for layer in LAYERS for module in layer.module_tails} == set(APPS)


def test_the_apps_import_only_from_the_layers_below(graph):
    assert illegal(graph) == set()


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("privacy.rules", "documents.access"),  # the floor reaching up
        ("workinggroups.models.groups", "search.engine"),  # a middle app reaching up
        ("home.models", "search.views"),  # two apps of one layer
        ("privacy.rules", "languages.i18n"),  # two apps of the floor
    ],
)
def test_a_wrong_import_breaks_the_layers(graph, importer, imported):
    graph = copy.deepcopy(graph)
    graph.add_import(importer=importer, imported=imported)
    assert {(d.importer, d.imported) for d in illegal(graph)} == {
        (importer.split(".")[0], imported.split(".")[0])
    }


def circles(graph, app):
    """The sets of modules of ``app`` that import each other in a circle (Tarjan's components)."""
    modules = sorted(m for m in graph.modules if m == app or m.startswith(app + "."))
    edges = {
        m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in modules) for m in modules
    }
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1 or module in edges[module]:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


@pytest.mark.parametrize("app", APPS)
def test_no_circle_of_imports_inside_an_app(graph, app):
    assert circles(graph, app) == []


def test_the_circle_check_finds_a_circle(graph):
    graph = copy.deepcopy(graph)
    graph.add_import(importer="workinggroups.choices", imported="workinggroups.models.groups")
    assert circles(graph, "workinggroups") != []


def imports_inside_functions(source):
    """(line, first line of its function) of each import written inside a function's body."""
    import ast

    found = []

    def walk(node, function=None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                walk(child, child)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function is not None:
                found.append((child.lineno, function.lineno))
            else:
                walk(child, function)

    walk(ast.parse(source))
    return found


def unexplained_imports(source):
    """Imports inside functions with no comment between the function's line and theirs: an import
    that must wait for run time says why (the app registry, Wagtail's hook order, an optional tool)."""
    lines = source.splitlines()
    return [
        line
        for line, start in imports_inside_functions(source)
        if not any(text.strip().startswith("#") for text in lines[start - 1 : line - 1])
    ]


def test_an_import_inside_a_function_says_why():
    unexplained = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # a migration imports inside its functions by design (historical models)
            lines = unexplained_imports(path.read_text())
            if lines:
                unexplained[str(path.relative_to(ROOT))] = lines
    assert unexplained == {}


def test_the_import_check_finds_an_unexplained_import():
    explained = "def ready(self):\n    # After the app registry is ready.\n    from . import signals\n"
    assert unexplained_imports(explained) == []
    assert unexplained_imports("def f():\n    from django.urls import path\n    return path\n") == [2]
    assert unexplained_imports("import os\n\nclass A:\n    def f(self):\n        import json\n") == [5]
