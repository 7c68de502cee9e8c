"""Wagtail's background tasks run in the request, and a database failure in one fails the request.

Without a task queue, Wagtail's tasks (the reference index, the search index) run at once, inside
the transaction that enqueued them, through django-tasks' ``ImmediateBackend``, which records an
exception as a failed task and goes on. When the failure is the database's, the transaction is
already broken: Django then rolls it back at the end of the block *without an error*, and the
editor is told "saved" for something that was not (found by tests/test_documents_volume.py,
failing the connection at each statement of an upload). This backend raises that failure again,
so that the request fails as a whole and the person gets the "try again" page.
"""

from django.db import OperationalError
from django.db.transaction import TransactionManagementError
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResultStatus

from .database import CONNECTION_ERRORS

#: As django-tasks records them: the connection errors, and a transaction one of them broke.
DATABASE_FAILURES = {
    f"{error.__module__}.{error.__qualname__}" for error in (*CONNECTION_ERRORS, TransactionManagementError)
}


class DatabaseFailuresRaiseBackend(ImmediateBackend):
    def _execute_task(self, task_result):
        super()._execute_task(task_result)
        if task_result.status == TaskResultStatus.FAILED:
            error = task_result.errors[-1]
            if error.exception_class_path in DATABASE_FAILURES:
                raise OperationalError(
                    f"The task {task_result.task.name} lost the database: {error.traceback.splitlines()[-1]}"
                )
