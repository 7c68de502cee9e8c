"""The one place where search leans on an internal of Wagtail's search backend.

Everything else in ``search/`` uses the documented API: ``queryset.search(...)`` and
``annotate_score(...)`` (https://docs.wagtail.org/en/stable/topics/search/searching.html).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry


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


def best_entries(models, words, limit):
    """The ``limit`` best entries of Wagtail's PostgreSQL search index for ``words`` (all
    required) among the objects of ``models``, as ``[(object id, score)]``, best first; ``None``
    on a database other than PostgreSQL (the caller ranks through the documented API).

    Which internals: the index table (``wagtail.search.models.IndexEntry``: ``title`` and
    ``body`` tsvectors, ``title_norm``), the weights of its lexemes
    (``modelsearch.backends.database.postgres.weights.get_sql_weights``) and the score the
    backend orders by, ``ts_rank(title) * title_norm + ts_rank(body)``, written again here.

    Why: the documented search joins every match to its object (a text cast of each id, every
    page read) before ranking; for a broad word (20,000 reports) that join and the ranking cost
    more than the rest of the page. Ranked on the index table alone, through the GIN index on
    the expression searched (search/migrations/0002), only the best ``limit`` are sent.

    What breaks on an upgrade: if the table, its columns, the weights or the score change,
    ``tests/test_search_internals.py`` fails (it compares these scores with the documented
    search's on PostgreSQL).
    """
    if connection.vendor != "postgresql":
        return None
    # The PostgreSQL backend's own module: imported only where that backend is the one in use.
    from modelsearch.backends.database.postgres.weights import get_sql_weights

    content_types = [content_type.pk for content_type in ContentType.objects.get_for_models(*models).values()]
    weights = get_sql_weights()
    config = get_search_backend().config or "simple"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.object_id::integer, ts_rank(%s::float4[], e.title, q.query) * e.title_norm
                   + ts_rank(%s::float4[], e.body, q.query) AS score
            FROM {IndexEntry._meta.db_table} e, plainto_tsquery(%s::regconfig, %s) AS q(query)
            WHERE e.content_type_id = ANY(%s) AND (e.title || e.body) @@ q.query
            ORDER BY score DESC, 1 DESC
            LIMIT %s
            """,  # noqa: S608 - the table name is the model's, every value a parameter
            [weights, weights, config, " ".join(words), content_types, limit],
        )
        return cursor.fetchall()
