"""Which models change what members see: each app says so, and the page cache listens to those only.

Each app of the project declares its models in a ``content.py`` holding two names:

* ``CHANGES_WHAT_MEMBERS_SEE``: labels of the models whose rows (saved, deleted, or linked
  through a many-to-many field) can change a page a member reads;
* ``CHANGES_NOTHING_MEMBERS_SEE``: ``{label: why}`` for the models that no member page shows
  (logs, sessions, admin bookkeeping);
* optionally ``SHOWN_ON``: ``{label: function}`` for the models whose rows are shown only on the
  pages of one programme or working group (and the pages that aggregate every group: the home
  page, search, the lists): the function takes a row and gives the ids of the pages it is shown on
  besides its own page, or None when it may be shown anywhere. A change to such a row keeps the
  other groups' pages cached (sitewide/scopes.py); any other change renders every page again;
* optionally ``INSTALLED_ON_SOME_DATABASES``: labels of models declared above that only some
  databases install (Wagtail's SQLite full-text table), so that their absence is no mistake.

``sitewide/content.py`` declares the models of the libraries the project installs (Wagtail,
taggit, Django's auth and sessions, axes). Two rules need no declaration: every Wagtail page
model (``wagtail.models.get_page_models()``) changes what members see, and a many-to-many table
that Django creates goes with the model that declares the field.

``tests/test_content_registry.py`` fails, naming the model, when an installed model is in neither
list. Until it is classified, a change to it is treated as a change members see: a new page
cache generation, never a stale page.
"""

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule
from wagtail.models import get_page_models

DECLARATIONS_MODULE = "content"


@dataclass
class Declarations:
    """What the apps declare: model label → the apps that declared it, for each list."""

    changes: dict = field(default_factory=dict)
    changes_nothing: dict = field(default_factory=dict)
    some_databases: set = field(default_factory=set)
    shown_on: dict = field(default_factory=dict)


def _project_apps():
    base = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and "site-packages" not in Path(config.path).parts  # a virtualenv inside the project holds libraries
    ]


def declarations():
    """The declarations of every ``content.py`` of the project's apps."""
    found = Declarations()
    for config in _project_apps():
        if not module_has_submodule(config.module, DECLARATIONS_MODULE):
            continue
        module = import_module(f"{config.name}.{DECLARATIONS_MODULE}")
        for label in getattr(module, "CHANGES_WHAT_MEMBERS_SEE", ()):
            found.changes.setdefault(label, []).append(config.label)
        for label in getattr(module, "CHANGES_NOTHING_MEMBERS_SEE", {}):
            found.changes_nothing.setdefault(label, []).append(config.label)
        found.some_databases.update(getattr(module, "INSTALLED_ON_SOME_DATABASES", ()))
        found.shown_on.update(getattr(module, "SHOWN_ON", {}))
    return found


def installed_models():
    """Every installed model, Django's many-to-many tables included."""
    return apps.get_models(include_auto_created=True)


def _owner(model):
    # A many-to-many table Django creates names, in _meta.auto_created, the model that declares the field.
    return model._meta.auto_created or model


def classify(model, declared, page_models):
    """True when changes to ``model`` change what members see, False when not, None when undeclared."""
    model = _owner(model)
    label = model._meta.label_lower
    if model in page_models or label in declared.changes:
        return True
    if label in declared.changes_nothing:
        return False
    return None


def models_that_change_what_members_see(models=None, declared=None):
    """The models whose changes start a new page cache generation: those declared so, the page
    models, their many-to-many tables, and (until someone classifies them) the undeclared ones."""
    models = installed_models() if models is None else models
    declared = declarations() if declared is None else declared
    page_models = set(get_page_models())
    return [model for model in models if classify(model, declared, page_models) is not False]


def problems(models=None, declared=None):
    """What is wrong with the declarations, one sentence each; empty when every model is classified once."""
    models = installed_models() if models is None else models
    declared = declarations() if declared is None else declared
    page_models = set(get_page_models())
    labels = {model._meta.label_lower for model in models}
    found = []
    for model in models:
        if not model._meta.auto_created and classify(model, declared, page_models) is None:
            found.append(
                f"{model._meta.label_lower} is in neither CHANGES_WHAT_MEMBERS_SEE nor "
                f"CHANGES_NOTHING_MEMBERS_SEE: declare it in the content.py of its app "
                f"(sitewide/content.py for a library's model)."
            )
    for label, by in sorted({**declared.changes, **declared.changes_nothing}.items()):
        if label not in labels and label not in declared.some_databases:
            found.append(f"{label}, declared by {', '.join(by)}, is not an installed model.")
    for label in sorted(set(declared.changes) & set(declared.changes_nothing)):
        found.append(f"{label} is declared both as changing what members see and as not.")
    for label, by in sorted({**declared.changes, **declared.changes_nothing}.items()):
        if len(by) > 1:
            found.append(f"{label} is declared more than once ({', '.join(by)}).")
    page_labels = {model._meta.label_lower for model in page_models}
    for label in sorted(set(declared.shown_on) - set(declared.changes) - page_labels):
        found.append(f"{label} says where it is shown (SHOWN_ON) but not that it changes what members see.")
    for model in page_models:
        if model._meta.label_lower in declared.changes_nothing:
            found.append(f"{model._meta.label_lower} is a page: members see every page model's changes.")
    return found
