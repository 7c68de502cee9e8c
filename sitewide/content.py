"""Which models of the libraries the project installs change what members see.

Read by sitewide/content_registry.py with the ``content.py`` of each app of the project. Wagtail's
page models need no line. Listing a model under CHANGES_NOTHING_MEMBERS_SEE means the page
cache keeps serving pages rendered before a change to it: say why no member page shows it.
"""

CHANGES_WHAT_MEMBERS_SEE = (
    # People and their rights: names on the pages, groups that open private pages and minutes.
    "auth.user",  # except a login's last_login (sitewide/page_cache.py)
    "auth.group",
    "auth.permission",
    # Where pages live, who may see them, and what they show.
    "wagtailcore.locale",
    "wagtailcore.site",
    "wagtailcore.pageviewrestriction",
    "wagtailcore.collection",
    "wagtailcore.collectionviewrestriction",
    "wagtailcore.grouppagepermission",
    "wagtailcore.groupcollectionpermission",
    "wagtailcore.groupsitepermission",
    "wagtaildocs.document",
    "wagtailimages.image",
    "wagtailimages.rendition",
    "wagtailembeds.embed",
    "wagtailredirects.redirect",
    "taggit.tag",
    "taggit.taggeditem",  # the library documents' tags
    # No member page shows these, but they change rarely (an administrator's setting, a login's
    # lockout expiry, the search index written with the object it indexes): a new generation
    # then costs little, and moving one to the other list is a choice of its own.
    "wagtailcore.workflow",
    "wagtailcore.workflowtask",
    "wagtailcore.workflowpage",
    "wagtailcore.workflowcontenttype",
    "wagtailcore.task",
    "wagtailcore.groupapprovaltask",
    "wagtailcore.apitoken",
    "wagtailcore.uploadedfile",
    "wagtailadmin.admin",
    "contenttypes.contenttype",
    "axes.accessattemptexpiration",
)

CHANGES_NOTHING_MEMBERS_SEE = {
    "sessions.session": "a person's session: written on most requests, shown on no page",
    "axes.accessattempt": "failed logins, for the lockout",
    "axes.accesslog": "the login log",
    "axes.accessfailurelog": "the failed-login log",
    "admin.logentry": "Django admin's log (the admin is not routed)",
    "wagtailcore.pagelogentry": "the page history, shown in the admin",
    "wagtailcore.modellogentry": "the history of other objects, shown in the admin",
    "wagtailcore.referenceindex": "Wagtail's usage index, for the admin",
    "wagtailcore.comment": "editors' comments on drafts, in the admin",
    "wagtailcore.commentreply": "replies to editors' comments, in the admin",
    "wagtailcore.pagesubscription": "who is notified of comments, in the admin",
    "wagtailcore.workflowstate": "a page's moderation: members read the published page only",
    "wagtailcore.taskstate": "a step of a page's moderation, in the admin",
    "wagtailcore.revision": "drafts: members read the published page, whose own save counts",
    "wagtailsearch.indexentry": "the search index, written with the page or document it indexes",
    "wagtailusers.userprofile": "an admin user's preferences",
    "wagtailadmin.editingsession": "who is editing a page now, refreshed while the admin is open",
    "sitewide.scaledatarun": "the scale generator's record of its runs, for benchmark databases",
    "sitewide.contentgeneration": "the page cache's generation itself (SQLite), raised by the others",
    "sitewide.scopegeneration": "the page cache's value of a group's pages, raised by the others",
    "wagtailadmin.formstate": "the editor's live preview, saved at each pause in typing: shown there only",
    "wagtailsearch.sqliteftsindexentry": (
        "the search index on SQLite, written with the page or document it indexes (whose own save counts)"
    ),
}

#: Declared above, but installed on SQLite only.
INSTALLED_ON_SOME_DATABASES = {"wagtailsearch.sqliteftsindexentry"}
