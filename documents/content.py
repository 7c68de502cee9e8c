"""Which of this app's models change what members see (sitewide/content_registry.py)."""

CHANGES_WHAT_MEMBERS_SEE = (
    "documents.librarydocument",  # the documents listed and linked from the pages, and found by search
    "documents.minutescollection",  # which group's minutes a collection holds: who may download them
    "documents.accessrequest",  # a granted or pending request changes a report's download link
)

CHANGES_NOTHING_MEMBERS_SEE = {
    "documents.downloadlogentry": "the download log (who, what, when), read by the board in the admin",
}
