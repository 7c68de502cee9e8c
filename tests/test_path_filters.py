"""``privacy.rules.under_any``: "the path starts with one of these", as one IN a length of path."""

import pytest
from wagtail.models import Collection

from privacy.rules import under_any

pytestmark = pytest.mark.django_db


def test_it_finds_what_lies_under_any_of_the_paths_whatever_their_lengths():
    root = Collection.get_first_root_node()
    a = root.add_child(name="A")
    a1 = a.add_child(name="A1")
    a11 = a1.add_child(name="A11")
    b = root.add_child(name="B")
    b1 = b.add_child(name="B1")
    c = root.add_child(name="C")

    def found(paths):
        return set(Collection.objects.filter(under_any("path", paths)).values_list("name", flat=True))

    assert found([a1.path]) == {"A1", "A11"}
    assert found([a11.path, b.path]) == {"A11", "B", "B1"}  # two lengths of path
    assert found([c.path, b1.path, a.path]) == {"A", "A1", "A11", "B1", "C"}
    assert found([]) == set()
    everything_else = set(
        Collection.objects.exclude(under_any("path", [a.path])).values_list("name", flat=True)
    )
    assert everything_else == {"Root", "B", "B1", "C"}
