"""Where a page sits in the programme → working group → report/recommendation tree.

The pages point down the tree by import (a programme lists its groups, a group its reports and
recommendations). A page that needs one of its parents names the parent's model by its label,
the way ``parent_page_types`` does, through Django's app registry: that keeps imports one-way,
with no circle between the page modules.
"""

from django.apps import apps


def ancestor_of_type(page, model_label):
    """The nearest ancestor of ``page`` of the model ``model_label`` ("app.Model"), or None: one query."""
    model = apps.get_model(model_label)
    return model.objects.ancestor_of(page).order_by("-depth").first()
