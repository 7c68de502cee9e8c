"""Which of this app's models change what members see (sitewide/content_registry.py): none is part of
a cached page. What is personal (the unread count, follow buttons, "new" marks) is filled into each
response by sitewide/personal.py, never stored in the page cache."""

CHANGES_WHAT_MEMBERS_SEE = ()
CHANGES_NOTHING_MEMBERS_SEE = {
    "notifications.follow": "whom a person follows: filled into each response, never cached",
    "notifications.event": "what happened, shown only on personal pages (notifications, feeds, emails)",
    "notifications.notification": "a person's notifications: personal pages and counts, never cached",
    "notifications.preference": "how a person wants to hear about each kind of event",
    "notifications.delivery": "which email went to whom for which event or digest period",
    "notifications.feedtoken": "a person's secret feed address",
    "notifications.visit": 'when a person was last here, for the "new" marks',
}
