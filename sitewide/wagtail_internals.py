"""Writing pages, revisions and moderation states in bulk: the only place that knows how Wagtail stores them.

Wagtail's public API writes one page at a time (``add_child``, ``save_revision``,
``workflow.start``), with several queries, a log entry and signals each. That is right for
editors and far too slow for the scale data generator (``sitewide/scale_data.py``), which writes
tens of thousands of pages. The functions here write the same rows in bulk, each leaning on one
piece of Wagtail's or django-treebeard's storage that is not a public API. Each docstring says
which piece, why, and what an upgrade could break; ``tests/test_wagtail_internals.py`` pins each
one against the public API (a page added in bulk is indistinguishable from one added with
``add_child``, a bulk workflow state from one started with ``workflow.start``), so an upgrade that
changes the storage fails there, not in a benchmark database.

Measured on SQLite with the test settings (2 shared cores, December 2026, two runs): 200 meeting
reports under one group, 55-60 pages/s with ``add_child`` and 1,700-2,700 pages/s with
``bulk_add_children`` (30 to 45 times faster); 100 drafts put in moderation, 25 pages/s with
``save_revision`` and ``workflow.start`` and 500-580 pages/s with ``bulk_save_revisions`` and
``bulk_submit_for_moderation`` (about 20 times faster). At these rates the default scale's
25,000 pages take about 8 minutes one by one and about 12 s in bulk.

Deliberately not done, as with every bulk insert: no signals (no search indexing, no
notification emails, no reference index rows) and no log entries; the generator builds the
search index afterwards.
"""

from django.db import connection
from django.utils import timezone
from wagtail.models import Locale, Page, Revision, TaskState, WorkflowState

BATCH = 2000


def child_paths(parent, count):
    """The tree paths of the next ``count`` children of ``parent``, the ones ``add_child`` would give.

    Relies on django-treebeard's materialized path encoding: each level is one step of
    ``Page.steplen`` characters, the child's position written in base ``len(Page.alphabet)``
    with the digits of ``Page.alphabet``, left-padded with its first digit, and a new child goes
    one position after the last child. ``steplen`` and ``alphabet`` are documented attributes of
    ``MP_Node`` and the docs describe the fixed-width encoded steps; the helper that computes a
    path (``MP_Node._get_path``) is private, so the encoding is written here from the documented
    attributes rather than by calling it. treebeard has no public way to compute a path without
    saving a node (``load_bulk(bulk_create=True)`` refuses multi-table models such as every
    Wagtail page type, and adds the first level with ``add_child``).

    An upgrade could break: a new encoding (another padding, separators, a position scheme
    with gaps) or Wagtail changing ``Page.steplen``/``alphabet``; pages would then land where
    ``add_child`` would not put them. Tested against ``add_child``, past one digit of the alphabet.
    """
    alphabet, steplen = Page.alphabet, Page.steplen
    last = parent.get_last_child()
    position = 0
    if last is not None:
        for digit in last.path[-steplen:]:
            position = position * len(alphabet) + alphabet.index(digit)
    paths = []
    for step in range(position + 1, position + count + 1):
        digits = ""
        while step:
            step, rest = divmod(step, len(alphabet))
            digits = alphabet[rest] + digits
        if len(digits) > steplen:
            raise ValueError(f"More than {len(alphabet) ** steplen - 1} children under {parent.path}")
        paths.append(parent.path + digits.rjust(steplen, alphabet[0]))
    return paths


def insert_page_rows(pages):
    """Insert unsaved pages of any page types, their tree fields already set, in two queries a batch.

    Relies on Wagtail pages being Django multi-table inheritance: one ``wagtailcore_page`` row
    holding every ``Page`` field, and one row in the page type's own table keyed by
    ``page_ptr_id`` holding the type's own fields. Django's ``bulk_create`` refuses
    multi-table models, so the base rows go through ``Page.objects.bulk_create`` and the type's
    rows through one raw ``INSERT`` (``executemany``) built from the model's documented ``_meta``
    API. Inserting the same pages one by one with ``save()`` runs the page's whole save path
    (validation, signals, search indexing): the difference is most of the factor given above.

    An upgrade could break: Wagtail storing page fields elsewhere (another parent table, a
    field moved to a related model), a page type's fields needing ``save()`` to be filled
    (a value computed there), or Django changing how it lays out multi-table models. Tested:
    the pages read back through ``.specific`` with every field of their type.
    """
    base_fields = [
        f for f in Page._meta.get_fields() if f.concrete and not f.many_to_many and not f.primary_key
    ]
    by_model = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        own_fields = [
            f for f in model._meta.get_fields(include_parents=False) if f.concrete and not f.many_to_many
        ]
        # Names come from the model's own metadata, values are parameters: nothing from outside.
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in own_fields)
        marks = ", ".join(["%s"] * len(own_fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(group), BATCH):
            chunk = group[start : start + BATCH]
            bases = [Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in chunk]
            Page.objects.bulk_create(bases)
            for page, base in zip(chunk, bases, strict=True):
                page.id = page.page_ptr_id = base.pk
                page._state.adding = False
                page._state.db = base._state.db
            rows = [
                [f.get_db_prep_save(f.pre_save(page, True), connection) for f in own_fields] for page in chunk
            ]
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)


def bulk_add_children(parent, pages):
    """Add unsaved ``pages`` as the last children of ``parent``, in order, as ``add_child`` would.

    Public API around the two internals above: the URL path from ``Page.set_url_path``, the
    parent's child count from treebeard's documented ``fix_tree`` (which recounts the children
    of the nodes under ``parent``), ``parent.numchild`` refreshed as ``add_child`` does. As
    ``Page.full_clean`` would, an empty draft title becomes the title and a missing locale the
    default one; the rest of validation is not run: the caller gives slugs unique among siblings.
    """
    locale = None
    for page, path in zip(pages, child_paths(parent, len(pages)), strict=True):
        page.path = path
        page.depth = parent.depth + 1
        page.numchild = 0
        page.set_url_path(parent)
        page.draft_title = page.draft_title or page.title
        if page.locale_id is None:
            locale = locale or Locale.get_default()
            page.locale = locale
    insert_page_rows(pages)
    Page.fix_tree(parent=parent)
    parent.refresh_from_db(fields=["numchild"])
    return pages


def _tied_to(page):
    """How revisions and workflow states point at a page: its content type, its base content type
    and its id as text (Wagtail's generic relation for revisions and moderation)."""
    return {
        "content_type": page.get_content_type(),
        "base_content_type": page.get_base_content_type(),
        "object_id": str(page.pk),
    }


def bulk_save_revisions(pages, users):
    """A draft revision of each page by the matching user, as ``page.save_revision(user=user)`` makes.

    Relies on how a revision is tied to its page: ``content_type`` the page's type,
    ``base_content_type`` Wagtail's ``Page``, ``object_id`` the page id as text, the content
    from ``serializable_data()``, and the page's ``latest_revision``,
    ``latest_revision_created_at``, ``draft_title`` and ``has_unpublished_changes`` set to match.
    ``save_revision`` validates and saves the page, then the revision, page by page.

    An upgrade could break: another link between revisions and pages (Wagtail moved from
    ``PageRevision`` to the generic ``Revision`` in 4.0), a new field that ``save_revision``
    fills and the admin reads. Tested against ``save_revision``: ``latest_revision``,
    ``revisions``, the draft's content and the page's status are the same.
    """
    created_at = timezone.now()
    revisions = [
        Revision(
            **_tied_to(page),
            user=user,
            content=page.serializable_data(),
            object_str=str(page),
            created_at=created_at,
        )
        for page, user in zip(pages, users, strict=True)
    ]
    Revision.objects.bulk_create(revisions, batch_size=BATCH)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        page.latest_revision_created_at = revision.created_at
        page.draft_title = page.title
        page.has_unpublished_changes = True
    fields = ["latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes"]
    Page.objects.bulk_update(pages, fields, batch_size=BATCH)
    return revisions


def bulk_submit_for_moderation(workflow, pages, revisions, requested_by, approvals):
    """Put each page in ``workflow`` as ``workflow.start(page, user)`` then each approval would.

    ``approvals[i]`` lists who approved the first tasks of the workflow for ``pages[i]`` (empty:
    the page waits at the first task); the page then waits at the next task. Relies on how
    Wagtail links the moderation rows: a ``WorkflowState`` in progress tied to the page like a
    revision (base content type and id as text), one plain ``TaskState`` per task reached (on the page's
    latest revision; a task whose ``get_task_state_class()`` is a subclass is refused), the approved ones with
    their ``finished_at`` and ``finished_by``, and the workflow state's ``current_task_state``
    the one in progress. ``workflow.start`` and ``approve`` run page by page with a log entry,
    signals and an email to the reviewers each.

    An upgrade could break: a new field or row that ``workflow.start`` creates and the
    moderation screens read (as ``current_task_state`` once was), another link to the page,
    another meaning of the statuses. Tested against ``workflow.start`` and ``approve``:
    ``workflow_in_progress``, the current task, ``WorkflowState.objects.active()``, the task
    states a reviewer can act on, the site's moderation listing, and approving a bulk page
    with Wagtail's own API carries it to the next task.
    """
    tasks = [task.specific for task in workflow.tasks]
    for task in tasks:
        if task.get_task_state_class() is not TaskState:  # a subclass is another table: not bulk-insertable
            raise ValueError(f"{type(task).__name__} keeps its own task states: start it with workflow.start")
    now = timezone.now()
    states = [
        WorkflowState(
            **_tied_to(page),
            workflow=workflow,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by=user,
        )
        for page, user in zip(pages, requested_by, strict=True)
    ]
    WorkflowState.objects.bulk_create(states, batch_size=BATCH)
    task_states, currents = [], []
    for state, revision, approvers in zip(states, revisions, approvals, strict=True):
        for task, approver in zip(tasks, approvers, strict=False):
            task_states.append(
                TaskState(
                    workflow_state=state,
                    revision=revision,
                    task=task,
                    status=TaskState.STATUS_APPROVED,
                    finished_at=now,
                    finished_by=approver,
                )
            )
        current = TaskState(workflow_state=state, revision=revision, task=tasks[len(approvers)])
        task_states.append(current)
        currents.append(current)
    TaskState.objects.bulk_create(task_states, batch_size=BATCH)
    for state, current in zip(states, currents, strict=True):
        state.current_task_state = current
    WorkflowState.objects.bulk_update(states, ["current_task_state"], batch_size=BATCH)
    return states
