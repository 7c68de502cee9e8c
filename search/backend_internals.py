"""The one place where search leans on an internal of Wagtail's search backend.

Everything else in ``search/`` uses the documented API: ``queryset.search(...)`` and
``annotate_score(...)`` (https://docs.wagtail.org/en/stable/topics/search/searching.html).
"""

from django.db.models import QuerySet


def every_match(results, score_field):
    """Every match of a database-backend search, as a plain unsliced queryset scored in ``score_field``.

    Which internal: ``get_queryset()`` of the results classes of Wagtail's database backends
    (``wagtail.search.backends.database``, which Wagtail 8 takes from django-modelsearch's
    ``modelsearch.backends.database``: ``PostgresSearchResults``, ``SQLiteSearchResults``,
    ``MySQLSearchResults`` and the fallback's ``DatabaseSearchResults``). It is the queryset
    those classes evaluate when the results are iterated; it is not part of the documented API.

    Why: the documented results give model instances, a slice at a time, or a count. The search
    page needs, for *every* match the person may open (thousands at the scale of the bench), a
    few columns (id, type, tree path, group, score) to count the facets and to merge pages and
    documents best first; loading each match as an object costs several times more. No public
    API gives the match as a queryset.

    What breaks on an upgrade: if the method is renamed or removed, or no longer returns the
    whole match as a queryset with the score annotated, ``tests/test_search_internals.py``
    fails (it compares this function with the documented search on the same queries). A
    backend that is not a database (Elasticsearch) has no such queryset: the error says so.
    """
    scored = results.annotate_score(score_field)
    get_queryset = getattr(scored, "get_queryset", None)
    if get_queryset is None:
        raise TypeError(
            f"{type(results).__name__} has no get_queryset(): the intranet's search needs one of "
            "Wagtail's database search backends (search/backend_internals.py)."
        )
    queryset = get_queryset()
    if not isinstance(queryset, QuerySet) or queryset.query.is_sliced:
        raise TypeError(f"{type(results).__name__}.get_queryset() no longer gives the whole match.")
    return queryset
