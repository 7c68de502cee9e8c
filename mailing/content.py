"""Which of this app's models change what members see (sitewide/content_registry.py): none."""

CHANGES_WHAT_MEMBERS_SEE = ()
CHANGES_NOTHING_MEMBERS_SEE = {
    "mailing.outgoingemail": "the outbox of emails, read by the worker and by operators, never on a page",
}
