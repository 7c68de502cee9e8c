"""Read and check the demo content: the YAML files of ``sitewide/demo/data/``.

The files hold the content (French text, dates, who does what); the other modules of this
package hold the behaviour (creating it through the real models and workflow). ``load_data``
reads every file with ``yaml.safe_load``, checks it against ``SCHEMA`` and the files against
each other, and returns the content as attributes (``data.programme.title``,
``data.groups[0].recommendations[0].number``), all before the database is touched. A missing or
wrong key stops the demo with a ``DemoDataError`` naming the file and the key, e.g.
``groups.yaml, at groups > item 2 > recommendations > item 3: missing key 'title'``.

Conventions of the files (each file's comments repeat those that concern it):
- statuses, kinds and profiles are the values stored in the database (``closed``, ``hearing``);
- dates are ISO dates (2017-09-12); moments are date and time (2018-04-10 19:00:00) in the site's
  time zone or, where ``WHEN`` allows it, relative to the loading: ``now - 3 days - 1 hour``;
- in HTML fields, spaces and line breaks between two block tags (``</p> <p>``, ``<li>``) are
  dropped, so that each paragraph or list item can start a line of its own.
"""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import yaml

from documents.models import AccessRequest, DocumentKind
from meetings.choices import Response
from workinggroups.choices import (
    AssemblyOutcome,
    BoardPosition,
    FollowUp,
    MeetingKind,
    ProgrammeStatus,
    StakeholderProfile,
)

DATA_DIR = Path(__file__).resolve().with_name("data")

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_BLOCK_TAG = r"</?(?:p|ul|ol|li|h2|h3)>"
_BETWEEN_BLOCK_TAGS = re.compile(rf"({_BLOCK_TAG})\s+(?={_BLOCK_TAG})")
_RELATIVE = re.compile(r"now((?:\s*[+-]\s*\d+\s*(?:days?|hours?))*)")
_RELATIVE_TERM = re.compile(r"([+-])\s*(\d+)\s*(day|hour)")


class DemoDataError(ValueError):
    """A demo data file is missing, unreadable, or has a missing or wrong key."""


class Where:
    """A place in a data file, for the error messages."""

    def __init__(self, file, path=()):
        self.file, self.path = file, path

    def __truediv__(self, key):
        return Where(self.file, (*self.path, str(key)))

    def error(self, problem):
        raise DemoDataError(f"{self.file}, at {' > '.join(self.path) or 'top level'}: {problem}")


def _shown(value):
    return "nothing" if value is None else repr(value)


# The kinds of value: each checks one value and returns it, maybe converted.


def TEXT(value, where):
    if not isinstance(value, str) or not value.strip():
        where.error(f"expected a text, found {_shown(value)}")
    return value


def HTML(value, where):
    return _BETWEEN_BLOCK_TAGS.sub(r"\1", TEXT(value, where).strip())


def LINES(value, where):
    """Text kept line by line (a block after ``|-``), or nothing."""
    return "" if value in (None, "") else TEXT(value, where).strip()


def INTEGER(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        where.error(f"expected a whole number from 1, found {_shown(value)}")
    return value


def BOOLEAN(value, where):
    if not isinstance(value, bool):
        where.error(f"expected true or false, found {_shown(value)}")
    return value


def DATE(value, where):
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        where.error(f"expected an ISO date such as 2018-03-22, found {_shown(value)}")
    return value


def MOMENT(value, where):
    if not isinstance(value, datetime.datetime):
        where.error(f"expected a date and time such as 2018-04-10 19:00:00, found {_shown(value)}")
    return value


def WHEN(value, where):
    """A moment (a datetime), or one relative to the loading (a timedelta from now)."""
    if isinstance(value, datetime.datetime):
        return value
    match = _RELATIVE.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        where.error(
            "expected a date and time such as 2018-04-02 09:00:00, or a moment relative to the "
            f"loading such as 'now - 3 days - 1 hour', found {_shown(value)}"
        )
    delta = datetime.timedelta()
    for sign, amount, unit in _RELATIVE_TERM.findall(match[1]):
        step = datetime.timedelta(**{f"{unit}s": int(amount)})
        delta = delta + step if sign == "+" else delta - step
    return delta


def MONTH(value, where):
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(value))
    if not match or not 1 <= int(match[2]) <= 12:
        where.error(f"expected a month such as 2017-09, found {_shown(value)}")
    return int(match[1]), int(match[2])


def WEEK(value, where):
    if INTEGER(value, where) > 4:
        where.error(f"expected a week of the month from 1 to 4, found {value}")
    return value


def HOURS(value, where):
    """A meeting's hours, ``18:30-20:30`` (quoted or not), as a (start, end) pair of times."""
    match = (
        re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*", value)
        if isinstance(value, str)
        else None
    )
    try:
        start, end = (
            (datetime.time(int(match[i]), int(match[i + 1])) for i in (1, 3)) if match else (None, None)
        )
    except ValueError:
        start = end = None
    if start is None or end <= start:
        where.error(f"expected hours such as 18:30-20:30, the end after the start, found {_shown(value)}")
    return start, end


def HTTPS(value, where):
    if not re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", TEXT(value, where)):
        where.error(f"expected an address starting with https://, found {_shown(value)}")
    return value


def AGENDA(value, where):
    """An agenda: a list of 3 to 5 points."""
    points = check(value, [TEXT], where)
    if not 3 <= len(points) <= 5:
        where.error(f"expected 3 to 5 points, found {len(points)}")
    return points


def one_of(values):
    values = list(values)

    def check(value, where):
        if value not in values:
            where.error(f"expected one of {', '.join(values)}, found {_shown(value)}")
        return value

    return check


def WEEKDAY(value, where):
    """A weekday's English name, as its number (Monday is 0)."""
    return WEEKDAYS.index(one_of(WEEKDAYS)(value, where))


class Optional:
    def __init__(self, schema, default):
        self.schema, self.default = schema, default


TAGS = [TEXT]
PROFILE = one_of(StakeholderProfile.values)
MEETING = {
    "date": DATE,
    "kind": one_of(MeetingKind.values),
    "title": TEXT,
    "guests": Optional(LINES, ""),
    "summary": TEXT,
    "decisions": TEXT,
    "next_steps": TEXT,
    "tags": TAGS,
    "hours": HOURS,
    "place": TEXT,  # the name of a place of meetings.yaml
    "video_link": Optional(HTTPS, ""),
    "agenda": AGENDA,
}
ACCOUNT = {"username": TEXT, "first_name": TEXT, "last_name": TEXT}
#: The positions the board took in the demo (after "received" and "under analysis").
TAKEN_POSITIONS = [
    p.value for p in BoardPosition if p not in {BoardPosition.RECEIVED, BoardPosition.UNDER_ANALYSIS}
]
#: The formats of the demo's own files (documents/pdf.py, odp.py).
RESOURCE_FORMATS = ("pdf", "odp")


def RESOURCE_FILE(value, where):
    """A file name ending in one of RESOURCE_FORMATS."""
    if TEXT(value, where).rpartition(".")[2] not in RESOURCE_FORMATS or "/" in value:
        where.error(
            f"expected a file name ending in .{' or .'.join(RESOURCE_FORMATS)}, found {_shown(value)}"
        )
    return value


#: What each file holds: a dict is a mapping with these keys (and no others), a one-item list a
#: list of such items, a function a value of that kind.
SCHEMA = {
    "programme.yaml": {
        "home": {"intro": HTML},
        "programme": {
            "title": TEXT,
            "slug": TEXT,
            "status": one_of(ProgrammeStatus.values),
            "start_date": DATE,
            "end_date": DATE,
            "assembly_vote_date": DATE,
            "board_handover_date": DATE,
            "next_assembly_date": DATE,
            "contact_email": TEXT,
            "intro": TEXT,
            "history": HTML,
            "framework": HTML,
            "testimonials": [{"quote": TEXT, "author": TEXT, "profile": PROFILE}],
        },
    },
    "accounts.yaml": {
        "email_domain": TEXT,
        "role_accounts": [
            {
                **ACCOUNT,
                "role": one_of(["member", "editor", "facilitator", "board", "admin"]),
                "purpose": TEXT,
            }
        ],
        "board_liaison": ACCOUNT,
        "member": ACCOUNT,
    },
    "groups.yaml": {
        "profiles": {"facilitator": PROFILE, "board_liaison": PROFILE, "members": [PROFILE]},
        "groups": [
            {
                "slug": TEXT,
                "title": TEXT,
                "short": TEXT,
                "focus": TEXT,
                "facilitator": TEXT,
                "member_count": INTEGER,
                "monthly_meeting": {
                    "weekday": WEEKDAY,
                    "week": WEEK,
                    "hours": HOURS,
                    "place": TEXT,  # the name of a place of meetings.yaml
                    "video_link": Optional(HTTPS, ""),
                },
                "tags": TAGS,
                "mission": TEXT,
                "stakes": HTML,
                "methodology": HTML,
                "extra_meetings": [MEETING],
                "recommendations": [
                    {"number": INTEGER, "title": TEXT, "text": HTML, "rationale": HTML, "tags": TAGS}
                ],
            }
        ],
    },
    "meetings.yaml": {
        "places": [{"name": TEXT, "address": LINES}],
        "monthly": [
            {
                "month": MONTH,
                "title": TEXT,
                "agenda": AGENDA,
                "summary": TEXT,
                "decisions": TEXT,
                "next_steps": TEXT,
                "tags": TAGS,
            }
        ],
        "upcoming": {
            "count": INTEGER,
            "title": TEXT,
            "agendas": [AGENDA],
            "moved": {"position": INTEGER, "hours": HOURS},
            "cancelled": {"position": INTEGER},
            "answers": [{"member": INTEGER, "response": one_of(Response.values)}],
            "hearing": {
                "group": TEXT,
                "weeks_ahead": INTEGER,
                "weekday": WEEKDAY,
                "hours": HOURS,
                "place": TEXT,
                "video_link": Optional(HTTPS, ""),
                "title": TEXT,
                "guests": Optional(LINES, ""),
                "agenda": AGENDA,
            },
        },
    },
    "moderation.yaml": {
        "author": TEXT,
        "board_member": TEXT,
        "follow_up_report": {
            "kind": one_of(MeetingKind.values),
            "agenda": AGENDA,
            "summary": TEXT,
            "decisions": TEXT,
            "tags": TAGS,
        },
        "pending_reports": [
            {
                "group": TEXT,
                "title": TEXT,
                "date": DATE,
                "outcome": one_of(["facilitator", "board", "changes"]),
                "comment": Optional(TEXT, ""),
            }
        ],
        "decisions": {
            "handed_over_at": MOMENT,
            "analysed_at": MOMENT,
            "decided_at": MOMENT,
            "assembly_at": MOMENT,
            "notes": {
                **dict.fromkeys(TAKEN_POSITIONS, TEXT),
                BoardPosition.UNDER_ANALYSIS.value: TEXT,
                "assembly": TEXT,
            },
            "recommendations": [
                {
                    "number": INTEGER,
                    "position": one_of(TAKEN_POSITIONS),
                    "amended_text": Optional(TEXT, ""),
                    "reasoning": Optional(TEXT, ""),
                    "merged_into": Optional(INTEGER, None),
                    "assembly": Optional(one_of(AssemblyOutcome.values), AssemblyOutcome.PENDING.value),
                    "assembly_note": Optional(TEXT, ""),
                    "votes": Optional([INTEGER], ()),
                    "follow_up": Optional(
                        [
                            {
                                "at": MOMENT,
                                "status": one_of(FollowUp.values),
                                "progress": Optional(INTEGER, None),
                                "note": Optional(TEXT, ""),
                            }
                        ],
                        (),
                    ),
                }
            ],
        },
    },
    "library.yaml": {
        "minutes": {"title": TEXT, "lines": [TEXT]},
        "access_requests": [
            {
                "requester": TEXT,
                "group": TEXT,
                "first_minutes_only": Optional(BOOLEAN, False),
                "reason": TEXT,
                "status": one_of(AccessRequest.Status.values),
                "created_at": WHEN,
                "decided_by": Optional(TEXT, None),
                "decided_at": Optional(WHEN, None),
                "expires_at": Optional(WHEN, None),
                "decision_note": Optional(TEXT, ""),
            }
        ],
        "downloads": [{"user": TEXT, "group": TEXT, "at": WHEN}],
        "resources": [
            {
                "title": TEXT,
                "file": RESOURCE_FILE,
                "kind": one_of(kind for kind in DocumentKind.values if kind != DocumentKind.MINUTES),
                "added": DATE,
                "uploaded_by": TEXT,
                "on_programme": Optional(BOOLEAN, False),
                "description": Optional(TEXT, ""),
                "lines": [TEXT],
            }
        ],
    },
}


def check(value, schema, where):
    """``value`` as ``schema`` describes it; mappings become namespaces, lists tuples."""
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            where.error(f"expected the keys {', '.join(schema)}, found {_shown(value)}")
        unknown = [key for key in value if key not in schema]
        if unknown:
            where.error(f"unknown key '{unknown[0]}' (expected: {', '.join(schema)})")
        checked = {}
        for key, item in schema.items():
            optional = isinstance(item, Optional)
            if key not in value and not optional:
                where.error(f"missing key '{key}'")
            checked[key] = (
                item.default
                if key not in value
                else check(value[key], item.schema if optional else item, where / key)
            )
        return SimpleNamespace(**checked)
    if isinstance(schema, list):
        if not isinstance(value, list):
            where.error(f"expected a list, found {_shown(value)}")
        return tuple(check(item, schema[0], where / f"item {index}") for index, item in enumerate(value, 1))
    return schema(value, where)


def read(directory, name):
    path = Path(directory) / name
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError(f"{name}: file not found in {directory}") from None
    except yaml.YAMLError as error:
        raise DemoDataError(f"{name}: not valid YAML: {error}") from None
    return check(content, SCHEMA[name], Where(name))


def fill(text, where, **values):
    """``text`` with its {placeholders} filled in from ``values``."""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as error:
        where.error(f"unknown or broken placeholder ({error}); known: {', '.join(values) or 'none'}")


def fill_account(pattern, where=None, **values):
    """An account pattern of accounts.yaml (``board_liaison``, ``member``) for one group."""
    where = where or Where("accounts.yaml")
    return SimpleNamespace(**{key: fill(text, where / key, **values) for key, text in vars(pattern).items()})


#: The placeholders of the minutes' title and lines (library.yaml).
MINUTES_PLACEHOLDERS = ("title", "date", "group", "summary", "decisions", "next_steps")


def check_together(data):
    """What no single value says: names used in one file exist in another, numbers follow."""
    at = {name: Where(name) for name in SCHEMA}
    usernames = [account.username for account in data.role_accounts]
    for index, username in enumerate(usernames, 1):
        if username in usernames[: index - 1]:
            (at["accounts.yaml"] / "role_accounts" / f"item {index}").error(f"'{username}' is listed twice")
    if [account.role for account in data.role_accounts].count("admin") != 1:
        (at["accounts.yaml"] / "role_accounts").error("expected exactly one account with role admin")
    facilitators = {account.username for account in data.role_accounts if account.role == "facilitator"}
    if not data.groups:
        (at["groups.yaml"] / "groups").error("expected at least one group")
    if not data.profiles.members:
        (at["groups.yaml"] / "profiles" / "members").error("expected at least one profile")
    number, slugs = 0, []
    for index, group in enumerate(data.groups, 1):
        where = at["groups.yaml"] / "groups" / f"item {index}"
        if group.slug in slugs:
            (where / "slug").error(f"'{group.slug}' is the slug of another group")
        slugs.append(group.slug)
        if group.facilitator not in facilitators:
            (where / "facilitator").error(f"'{group.facilitator}' is no facilitator of accounts.yaml")
        usernames.append(
            fill_account(data.board_liaison, at["accounts.yaml"] / "board_liaison", number=index).username
        )
        for member in range(1, group.member_count + 1):
            values = {"group": group.slug, "short": group.short, "index": member}
            usernames.append(fill_account(data.member, at["accounts.yaml"] / "member", **values).username)
        for position, recommendation in enumerate(group.recommendations, 1):
            number += 1
            if recommendation.number != number:
                (where / "recommendations" / f"item {position}" / "number").error(
                    f"expected {number}: recommendations are numbered 1, 2, 3... in the order of "
                    "this file, across the groups"
                )
    for index, meeting in enumerate(data.monthly, 1):
        here = at["meetings.yaml"] / "monthly" / f"item {index}"
        fill(meeting.summary, here / "summary", focus="")
        for point, text in enumerate(meeting.agenda, 1):
            fill(text, here / "agenda" / f"item {point}", focus="")
    follow_up = at["moderation.yaml"] / "follow_up_report"
    fill(data.follow_up_report.summary, follow_up / "summary", focus="")
    for point, text in enumerate(data.follow_up_report.agenda, 1):
        fill(text, follow_up / "agenda" / f"item {point}", focus="")
    check_meetings(data, at, slugs)
    minutes = at["library.yaml"] / "minutes"
    for index, text in enumerate((data.minutes.title, *data.minutes.lines)):
        fill(
            text,
            minutes / "title" if index == 0 else minutes / "lines" / f"item {index}",
            **dict.fromkeys(MINUTES_PLACEHOLDERS, ""),
        )
    for key in ("author", "board_member"):
        if getattr(data, key) not in usernames:
            (at["moderation.yaml"] / key).error(f"'{getattr(data, key)}' is no account of accounts.yaml")
    for index, report in enumerate(data.pending_reports, 1):
        one_of(slugs)(report.group, at["moderation.yaml"] / "pending_reports" / f"item {index}" / "group")
    where = at["moderation.yaml"] / "decisions" / "recommendations"
    numbers = [item.number for item in data.decisions.recommendations]
    if sorted(numbers) != list(range(1, number + 1)):
        where.error(f"every recommendation, 1 to {number}, needs exactly one item")
    for index, item in enumerate(data.decisions.recommendations, 1):
        if item.votes and len(item.votes) != 3:
            (where / f"item {index}" / "votes").error("expected [for, against, abstaining]")
        if (item.position == BoardPosition.MERGED) != (item.merged_into is not None):
            (where / f"item {index}" / "merged_into").error(
                "a merged recommendation, and only it, names its target"
            )
    for kind, items, keys in [
        ("access_requests", data.access_requests, ("requester", "decided_by")),
        ("downloads", data.downloads, ("user",)),
    ]:
        for index, item in enumerate(items, 1):
            here = at["library.yaml"] / kind / f"item {index}"
            one_of(slugs)(item.group, here / "group")
            for key in keys:
                if getattr(item, key) is not None and getattr(item, key) not in usernames:
                    (here / key).error(f"'{getattr(item, key)}' is no account of accounts.yaml")
            if (
                kind == "access_requests"
                and item.status != "pending"
                and None in (item.decided_by, item.decided_at)
            ):
                here.error(f"a {item.status} request needs decided_by and decided_at")
    titles = []
    for index, resource in enumerate(data.resources, 1):
        here = at["library.yaml"] / "resources" / f"item {index}"
        if resource.uploaded_by not in {account.username for account in data.role_accounts}:
            (here / "uploaded_by").error(f"'{resource.uploaded_by}' is no role account of accounts.yaml")
        if resource.title in titles:
            (here / "title").error(f"'{resource.title}' is the title of another resource")
        titles.append(resource.title)


def check_meetings(data, at, slugs):
    """The meetings' places are named in meetings.yaml; the upcoming meetings can be made for every group."""
    names = []
    for index, place in enumerate(data.places, 1):
        if place.name in names:
            (at["meetings.yaml"] / "places" / f"item {index}" / "name").error(
                f"'{place.name}' is the name of another place"
            )
        names.append(place.name)
    known_place = one_of(names)
    upcoming = at["meetings.yaml"] / "upcoming"
    for index, group in enumerate(data.groups, 1):
        where = at["groups.yaml"] / "groups" / f"item {index}"
        known_place(group.monthly_meeting.place, where / "monthly_meeting" / "place")
        for position, meeting in enumerate(group.extra_meetings, 1):
            known_place(meeting.place, where / "extra_meetings" / f"item {position}" / "place")
        if group.monthly_meeting.hours == data.upcoming.moved.hours:
            (upcoming / "moved" / "hours").error(
                f"the usual hours of the group '{group.slug}': a moved meeting needs other hours"
            )
        for position, answer in enumerate(data.upcoming.answers, 1):
            if answer.member > group.member_count:
                (upcoming / "answers" / f"item {position}" / "member").error(
                    f"the group '{group.slug}' has {group.member_count} members"
                )
    known_place(data.upcoming.hearing.place, upcoming / "hearing" / "place")
    one_of(slugs)(data.upcoming.hearing.group, upcoming / "hearing" / "group")
    count, moved, cancelled = data.upcoming.count, data.upcoming.moved, data.upcoming.cancelled
    if count < 3:
        (upcoming / "count").error(f"expected at least 3 upcoming meetings a group, found {count}")
    for key, item in (("moved", moved), ("cancelled", cancelled)):
        if item.position > count:
            (upcoming / key / "position").error(f"expected a position from 1 to count ({count})")
    if moved.position == cancelled.position:
        (upcoming / "cancelled" / "position").error("the moved meeting cannot be the cancelled one")
    members = [answer.member for answer in data.upcoming.answers]
    if len(set(members)) != len(members):
        (upcoming / "answers").error("a member answers once")
    fill(data.upcoming.title, upcoming / "title", month="")
    for index, agenda in enumerate(data.upcoming.agendas, 1):
        for point, text in enumerate(agenda, 1):
            fill(text, upcoming / "agendas" / f"item {index}" / f"item {point}", focus="")
    if not data.upcoming.agendas:
        (upcoming / "agendas").error("expected at least one agenda")


def load_data(directory=None):
    """Every file of the demo content (in ``DATA_DIR`` unless told), read and checked."""
    directory = DATA_DIR if directory is None else directory
    data = SimpleNamespace()
    for name in SCHEMA:
        vars(data).update(vars(read(directory, name)))
    check_together(data)
    return data
