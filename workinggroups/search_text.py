"""What a search result shows under a page's title: each page model says it (docs/architecture.md).

The search page (``search/``) names no field of the pages it lists: it asks the page for
``search_result_text()`` and ``search_result_date()``. A page model mixes ``SearchResultText`` in
and lists, in ``search_result_fields``, its own fields that make up that text, and names in
``search_result_date_field`` the date a result shows; a page model that says nothing (one of
Wagtail's, or a new one) shows its search description and no date.
"""

from django.utils.html import strip_tags


class SearchResultText:
    """The search description, then the listed fields' text without markup, in that order."""

    #: Names of the page's own text or rich-text fields that a search result shows.
    search_result_fields = ()
    #: The name of the page's own date field that a search result shows, if any.
    search_result_date_field = None

    def search_result_date(self):
        return getattr(self, self.search_result_date_field) if self.search_result_date_field else None

    def search_result_text(self):
        parts = [self.search_description]
        for name in self.search_result_fields:
            value = getattr(self, name)
            if value:
                parts.append(strip_tags(str(value)))
        return " ".join(part for part in parts if part)
