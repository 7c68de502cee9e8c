"""Fill the database to the cooperative's scale, fast and deterministically (manage.py generate_scale_data).

Few objects with rules of their own (programmes, working groups: their Django groups,
permissions, minutes collections, workflow assignment) go through the normal API so that
every signal runs. Everything numerous is bulk-inserted: accounts, memberships, pages
(base and child rows, with correct tree paths), tags, documents and their small real
files, board decisions and history, pages waiting in moderation (revisions, workflow and
task states), access requests and the download log. The search index is then built.

The bulk writes that must know how Wagtail stores pages, revisions and moderation states are
in ``sitewide/wagtail_internals.py``, each behind one tested function.

The work is done in stages (``STAGES``), each in its own transaction with its entry in the
run's record (``ScaleDataRun``): a second run with the same seed and sizes skips the stages
done, a run stopped half-way resumes at the stage that failed, and a run with another seed or
other sizes on a database that holds scale data is refused. Each stage draws from its own
random generator, seeded from the seed and the stage's name, so that a resumed run writes the
same data as a run in one go.
"""

import datetime
import hashlib
import random
import time
import uuid
from dataclasses import asdict, dataclass
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Locale, Site, Workflow

from documents.library import collection_for_group
from documents.models import AccessRequest, DocumentKind, DownloadLogEntry, LibraryDocument
from documents.pdf import minimal_pdf
from meetings.choices import Response, Status
from meetings.models import Answer, Meeting
from workinggroups.choices import (
    AssemblyOutcome,
    BoardPosition,
    Fact,
    FollowUp,
    MembershipRole,
    StakeholderProfile,
)
from workinggroups.models import (
    BoardDecision,
    BoardDecisionHistory,
    MeetingReportPage,
    MeetingReportPageTag,
    ProgrammePage,
    RecommendationPage,
    RecommendationPageTag,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from workinggroups.roles import board_group, editors_group, members_group
from workinggroups.workflow import WORKFLOW_NAME

from .models import ScaleDataRun
from .wagtail_internals import bulk_add_children, bulk_save_revisions, bulk_submit_for_moderation

BATCH = 2000
BASE_DATE = datetime.date(2019, 1, 7)
#: Each group's monthly meetings still to come (not a size of its own: they follow the groups).
MEETINGS_AHEAD = 4
WORDS = (
    "éthique",
    "charte",
    "gouvernance",
    "transparence",
    "représentation",
    "partenaires",
    "utilisateurs",
    "outils",
    "numériques",
    "formation",
    "finances",
    "budget",
    "comptes",
    "sociétaires",
    "assemblée",
    "conseil",
    "recommandation",
    "audit",
    "données",
    "participation",
    "coopérative",
    "mutualisation",
    "solidarité",
    "feuille",
    "route",
    "accessibilité",
    "consultation",
    "indicateurs",
    "investissement",
    "réserve",
    "antenne",
    "délégation",
    "mandat",
    "expertise",
    "juridique",
)
STOPWORDS = (
    "le la les des du de et en un une pour avec sur dans par au aux est sont qui que ce se ne pas".split()
)
SYLLABLES = (
    "ba be bi bo bu ca co cu da de di do fa fe fi fo ga go la le li lo lu ma me mi mo mu na ne ni no "
    "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi"
).split()


def vocabulary(size=5000):
    """Words in order of frequency: French stop words, made-up words, the theme's words, rarer made-up words.

    Drawn with Zipf's law, a theme word such as "charte" lands in a few percent of pages, as in real
    minutes, rather than in every other page.
    """
    generator = random.Random(1789)
    made_up = []
    seen = set(WORDS) | set(STOPWORDS)
    while len(made_up) < size:
        word = "".join(generator.choice(SYLLABLES) for _ in range(generator.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            made_up.append(word)
    return [*STOPWORDS, *made_up[:50], *WORDS, *made_up[50:]]


VOCABULARY = vocabulary()
ZIPF_WEIGHTS = list(accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))

TAGS = [
    "éthique",
    "gouvernance",
    "transparence",
    "formation",
    "finances",
    "outils numériques",
    "participation",
]


@dataclass
class Sizes:
    users: int = 35_000
    programmes: int = 20
    groups: int = 200
    members_per_group: int = 12
    reports: int = 20_000
    recommendations: int = 5_000
    documents: int = 40_000
    pending: int = 1_000
    requests: int = 10_000
    downloads: int = 200_000


#: In order; each but the search index commits with its entry in the run's record.
STAGES = (
    "accounts",
    "groups",
    "pages",
    "decisions",
    "documents",
    "moderation",
    "requests",
    "meetings",
    "index",
)
DATA_STAGES = STAGES[:-1]
USERNAME_PREFIX = "scale-user-"


class ScaleDataConflict(Exception):
    """The database holds scale data that this run cannot add to; the message says why."""


def refresh_statistics(vacuum=False):
    """PostgreSQL's planner statistics, after bulk inserts: stale, it picks nested loops over 20,000 rows.

    ``vacuum``: at the end, the dead rows left behind are cleared as well, as autovacuum would in time.
    Building the search index leaves two dead rows for each of its 66,000 live ones; until they are
    cleared, every search reads the dead rows too, and a benchmark measures whichever moment autovacuum
    picks. VACUUM cannot run in a transaction (a test's): there, only the statistics are refreshed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum and not connection.in_atomic_block else "ANALYZE")


class ScaleData:
    def __init__(self, sizes, password, seed=2017, out=print):
        self.sizes = sizes
        self.seed = seed
        self.random = random.Random(seed)
        self.out = out
        self.User = get_user_model()
        self.now = timezone.now()
        self.password = password
        self._members = None

    def sentence(self, words=10):
        return " ".join(self.random.choices(VOCABULARY, cum_weights=ZIPF_WEIGHTS, k=words)).capitalize() + "."

    # The run and its record

    def record(self):
        """This database's run record: the one to continue, or a new one; refused if it is another run's."""
        sizes = asdict(self.sizes)
        run = ScaleDataRun.objects.order_by("pk").first()
        if run is None:
            if self.User.objects.filter(username=f"{USERNAME_PREFIX}00000").exists():
                raise ScaleDataConflict(
                    "This database holds scale data generated before runs were recorded: "
                    "generate into an empty database."
                )
            return ScaleDataRun.objects.create(seed=self.seed, sizes=sizes)
        if run.seed != self.seed or run.sizes != sizes:
            asked = {name: value for name, value in sizes.items() if run.sizes.get(name) != value}
            held = {name: run.sizes.get(name) for name in asked}
            raise ScaleDataConflict(
                f"This database already holds the scale data of seed {run.seed}{_sizes_text(held)}, "
                f"started {run.started_at:%Y-%m-%d %H:%M}; asked for seed {self.seed}{_sizes_text(asked)}. "
                "One database holds one data set: generate into an empty database, or run again with "
                f"seed {run.seed} and the same sizes to finish or check it."
            )
        if run.finished_at is None:
            done = ", ".join(run.completed_stages) or "none"
            self.out(f"  resuming the run started {run.started_at:%Y-%m-%d %H:%M} (stages done: {done})")
        return run

    def run(self, build_index=True):
        record = self.record()
        for stage in STAGES:
            if stage == "index" and not build_index:
                continue
            if stage in record.completed_stages:
                self.out(f"  {stage}: done already, skipped")
                continue
            self.random = random.Random(f"{self.seed}-{stage}")
            started = time.monotonic()
            try:
                if stage == "index":  # rebuilt whole each time: nothing to roll back
                    self.index()
                    self._complete(record, stage)
                else:
                    with transaction.atomic():
                        getattr(self, stage)()
                        self._complete(record, stage)
            except BaseException:
                self.out(
                    f"  {stage}: stopped. The stages done are kept and recorded; run the same command "
                    "again (same seed and sizes) to resume at this stage."
                )
                raise
            self.out(f"  {stage} done in {time.monotonic() - started:.0f} s")
        return record

    def _complete(self, record, stage):
        record.completed_stages = [*record.completed_stages, stage]
        if record.finished_at is None and set(DATA_STAGES) <= set(record.completed_stages):
            record.finished_at = timezone.now()
        record.save(update_fields=["completed_stages", "finished_at"])

    # What earlier stages wrote, as later stages (of this run or of a resumed one) need it

    def members(self):
        if self._members is None:
            self._members = list(
                self.User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("username")
            )
        return self._members

    def roles(self):
        """(board members, editors, everyone else) among the generated accounts."""
        users = self.members()
        board = users[: max(2, self.sizes.groups // 10)]
        editors = users[len(board) : len(board) + 20]
        return board, editors, users[len(board) + 20 :]

    def home(self):
        return Site.objects.get(is_default_site=True).root_page.specific

    def working_groups(self):
        """The generated working groups, in the order they were made."""
        slugs = [f"programme-{2000 + p}" for p in range(self.sizes.programmes)]
        groups = []
        for programme in ProgrammePage.objects.child_of(self.home()).filter(slug__in=slugs).order_by("path"):
            groups += WorkingGroupPage.objects.child_of(programme).order_by("path")
        return groups

    def board_user(self):
        return self.User.objects.filter(groups__name=settings.BOARD_GROUP_NAME).order_by("pk").first()

    def facilitators(self, groups):
        """{group id: its facilitator} (a user object with only its id)."""
        rows = WorkingGroupMembership.objects.filter(role=MembershipRole.FACILITATOR, page__in=groups)
        return {page_id: self.User(pk=user_id) for page_id, user_id in rows.values_list("page_id", "user_id")}

    # Accounts

    def accounts(self):
        password = make_password(self.password)
        self.User.objects.bulk_create(
            [
                self.User(
                    username=f"{USERNAME_PREFIX}{n:05d}",
                    first_name="Membre",
                    last_name=f"n° {n}",
                    email=f"{USERNAME_PREFIX}{n:05d}@example.org",
                    password=password,
                )
                for n in range(self.sizes.users)
            ],
            batch_size=BATCH,
        )
        users = self.members()
        members = members_group()
        through = self.User.groups.through
        through.objects.bulk_create(
            [through(user_id=user.pk, group_id=members.pk) for user in users],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        self.out(f"  {len(users)} member accounts")

    # Programmes and groups: through the normal API, so that roles, collections and workflow follow

    def groups(self):
        home = self.home()
        board_members, editors, pool = self.roles()
        through = self.User.groups.through
        board = board_group()
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=board.pk) for u in board_members], ignore_conflicts=True
        )
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=editors_group().pk) for u in editors], ignore_conflicts=True
        )
        count = 0
        per_programme = max(1, self.sizes.groups // max(1, self.sizes.programmes))
        for p in range(self.sizes.programmes):
            programme = ProgrammePage(
                title=f"Groupes de travail {2000 + p}-{2001 + p}",
                slug=f"programme-{2000 + p}",
                start_date=datetime.date(2000 + p, 9, 1),
                end_date=datetime.date(2001 + p, 3, 31),
                status="closed",
                intro=self.sentence(20),
            )
            home.add_child(instance=programme)
            programme.save_revision().publish()
            for _ in range(per_programme):
                if count >= self.sizes.groups:
                    break
                index = count
                people = [
                    pool[(index * self.sizes.members_per_group + k) % len(pool)]
                    for k in range(self.sizes.members_per_group)
                ]
                group = WorkingGroupPage(
                    title=f"Groupe {index:03d} · {self.random.choice(WORDS)}",
                    slug=f"groupe-{index:03d}",
                    mission=self.sentence(14),
                    max_size=self.sizes.members_per_group,
                )
                group.memberships = [
                    WorkingGroupMembership(user=people[0], role=MembershipRole.FACILITATOR, profile="staff"),
                    WorkingGroupMembership(
                        user=board_members[index % len(board_members)],
                        role=MembershipRole.BOARD_LIAISON,
                        profile="user",
                    ),
                    *[
                        WorkingGroupMembership(
                            user=person,
                            role=MembershipRole.MEMBER,
                            profile=self.random.choice(list(StakeholderProfile)),
                        )
                        for person in people[1 : self.sizes.members_per_group - 1]
                    ],
                ]
                programme.add_child(instance=group)
                group.save_revision().publish()
                count += 1
        self.out(f"  {self.sizes.programmes} programmes, {count} working groups")

    # Pages in bulk

    def new_pages(self, model, parent, count, start, fields_for, live=True):
        """``count`` unsaved pages of ``model`` for ``parent``, for ``bulk_add_children`` to place."""
        locale = Locale.get_default()
        pages = []
        for n in range(count):
            slug = f"{model._meta.model_name}-{parent.pk}-{start + n + 1}"
            title, extra = fields_for(n)
            pages.append(
                model(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    locale=locale,
                    translation_key=uuid.UUID(int=self.random.getrandbits(128)),
                    live=live,
                    has_unpublished_changes=not live,
                    first_published_at=self.now if live else None,
                    last_published_at=self.now if live else None,
                    **extra,
                )
            )
        return pages

    def pages(self):
        groups = self.working_groups()
        per_group_reports = self.sizes.reports // len(groups)
        per_group_recos = self.sizes.recommendations // len(groups)
        tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in TAGS]
        report_tag_rows, reco_tag_rows = [], []
        number = 1
        report_count = reco_count = 0
        for group in groups:
            reports = self.new_pages(
                MeetingReportPage,
                group,
                per_group_reports,
                0,
                lambda n: (
                    f"Réunion {n + 1} – {self.random.choice(WORDS)} et {self.random.choice(WORDS)}",
                    {
                        "date": BASE_DATE + datetime.timedelta(days=14 * n),
                        "kind": self.random.choice(["monthly", "monthly", "hearing", "visit"]),
                        "summary": f"<p>{self.sentence(30)}</p>",
                        "decisions": f"<p>{self.sentence(12)}</p>",
                        "next_steps": f"<p>{self.sentence(8)}</p>",
                        "guests": "",
                    },
                ),
            )
            recos = list(range(number, number + per_group_recos))
            number += per_group_recos
            recommendations = self.new_pages(
                RecommendationPage,
                group,
                per_group_recos,
                per_group_reports,
                lambda n, numbers=recos: (
                    f"Recommandation {numbers[n]} : {self.random.choice(WORDS)} {self.random.choice(WORDS)}",
                    {
                        "number": numbers[n],
                        "text": f"<p>{self.sentence(25)}</p>",
                        "rationale": f"<p>{self.sentence(12)}</p>",
                    },
                ),
            )
            bulk_add_children(group, [*reports, *recommendations])
            report_tag_rows += [
                MeetingReportPageTag(content_object_id=p.pk, tag=self.random.choice(tags)) for p in reports
            ]
            reco_tag_rows += [
                RecommendationPageTag(content_object_id=p.pk, tag=self.random.choice(tags))
                for p in recommendations
            ]
            report_count += len(reports)
            reco_count += len(recommendations)
        MeetingReportPageTag.objects.bulk_create(report_tag_rows, batch_size=BATCH)
        RecommendationPageTag.objects.bulk_create(reco_tag_rows, batch_size=BATCH)
        self.out(f"  {report_count} meeting reports, {reco_count} recommendations")

    # Board decisions and their history

    def decisions(self):
        """Each recommendation's three facts, at random but always a story the model would accept:
        only a presentable position reaches the assembly, only an adopted one has a follow-up."""
        board_user = self.board_user()
        P, A, F = BoardPosition, AssemblyOutcome, FollowUp
        positions = [p for p in P if p != P.MERGED]  # merges need a target; the demo has them
        decisions, stories = [], []
        for group in self.working_groups():
            programme_id = group.get_parent().pk
            recommendations = RecommendationPage.objects.child_of(group).order_by("path")
            for recommendation_id in recommendations.values_list("pk", flat=True):
                position = self.random.choice(positions)
                outcome = (
                    self.random.choice(list(A))
                    if position in {P.ADOPTED, P.AMENDED, P.REJECTED}
                    else A.PENDING
                )
                follow_up = (
                    self.random.choice(list(F)) if outcome in {A.ADOPTED, A.AMENDED} else F.NOT_STARTED
                )
                progress = {F.NOT_STARTED: 0, F.DONE: 100}.get(follow_up, self.random.randrange(5, 96, 5))
                decisions.append(
                    BoardDecision(
                        recommendation_id=recommendation_id,
                        working_group_id=group.pk,
                        programme_id=programme_id,
                        position=position,
                        reasoning=self.sentence(10),
                        amended_text=self.sentence(12) if position == P.AMENDED else "",
                        assembly_outcome=outcome,
                        assembly_date=datetime.date(2019, 6, 18) if outcome != A.PENDING else None,
                        assembly_note="Amendée en séance." if outcome == A.AMENDED else "",
                        follow_up=follow_up,
                        progress=progress,
                        updated_by=board_user,
                    )
                )
                steps = [
                    (Fact.POSITION, P.RECEIVED, P.UNDER_ANALYSIS),
                    (Fact.POSITION, P.UNDER_ANALYSIS, position),
                ]
                if outcome != A.PENDING:
                    steps.append((Fact.ASSEMBLY, A.PENDING, outcome))
                if follow_up != F.NOT_STARTED:
                    steps.append((Fact.FOLLOW_UP, F.NOT_STARTED, follow_up))
                stories.append(steps)
        BoardDecision.objects.bulk_create(decisions, batch_size=BATCH)
        history = []
        for decision, steps in zip(decisions, stories, strict=True):
            for step, (fact, before, after) in enumerate(steps):
                if before != after:
                    history.append(
                        BoardDecisionHistory(
                            decision_id=decision.pk,
                            fact=fact,
                            changed_by=board_user,
                            from_status=before,
                            to_status=after,
                            note=self.sentence(6),
                            progress=decision.progress if fact == Fact.FOLLOW_UP else None,
                            changed_at=timezone.make_aware(datetime.datetime(2019, 4 + step, 10, 19, 0)),
                        )
                    )
        BoardDecisionHistory.objects.bulk_create(history, batch_size=BATCH)
        self.out(f"  {len(decisions)} board decisions, {len(history)} history rows")

    # Documents, with small real files

    def documents(self):
        groups = self.working_groups()
        uploader_by_group = self.facilitators(groups)
        storage = storages["documents"]
        per_group = self.sizes.documents // len(groups)
        rows = []
        for group in groups:
            collection = collection_for_group(group)
            for n in range(per_group):
                title = f"PV {group.slug} n° {n + 1} – {self.random.choice(WORDS)}"
                content = minimal_pdf(title, [self.sentence(8)])
                name = storage.save(f"documents/scale-{group.slug}-{n + 1}.pdf", ContentFile(content))
                rows.append(
                    LibraryDocument(
                        title=title,
                        file=name,
                        collection=collection,
                        working_group=group,
                        kind=DocumentKind.MINUTES,
                        meeting_date=BASE_DATE + datetime.timedelta(days=14 * n),
                        uploaded_by_user=uploader_by_group[group.pk],
                        file_size=len(content),
                        file_hash=hashlib.sha1(content, usedforsecurity=False).hexdigest(),
                    )
                )
        LibraryDocument.objects.bulk_create(rows, batch_size=BATCH)
        self.out(f"  {len(rows)} documents")

    # Pages waiting in moderation

    def moderation(self):
        if not self.sizes.pending:
            return
        groups = self.working_groups()
        facilitators = self.facilitators(groups)
        _board, editors, _pool = self.roles()
        per_group = max(1, self.sizes.pending // len(groups))
        drafts, approvals = [], []
        for group in groups:
            if len(drafts) >= self.sizes.pending:
                break
            pages = self.new_pages(
                MeetingReportPage,
                group,
                min(per_group, self.sizes.pending - len(drafts)),
                group.get_children().count(),
                lambda n: (
                    f"Brouillon {n + 1} – {self.random.choice(WORDS)}",
                    {
                        "date": BASE_DATE,
                        "kind": "monthly",
                        "summary": f"<p>{self.sentence(20)}</p>",
                        "decisions": "",
                        "next_steps": "",
                        "guests": "",
                    },
                ),
                live=False,
            )
            bulk_add_children(group, pages)
            for page in pages:
                # Half already approved by the group's facilitator, now with the board.
                approvals.append([facilitators[group.pk]] if len(drafts) % 2 else [])
                drafts.append(page)
        authors = [editors[i % len(editors)] for i in range(len(drafts))]
        revisions = bulk_save_revisions(drafts, authors)
        workflow = Workflow.objects.get(name=WORKFLOW_NAME)
        bulk_submit_for_moderation(workflow, drafts, revisions, authors, approvals)
        self.out(f"  {len(drafts)} pages waiting in moderation")

    # Access requests and the download log

    def requests(self):
        users = self.members()
        documents = list(
            LibraryDocument.objects.filter(working_group__in=self.working_groups()).order_by("pk")
        )
        board_user = self.board_user()
        rows, seen = [], set()
        statuses = ["pending", "granted", "refused", "expired", "withdrawn"]
        while len(rows) < self.sizes.requests and documents:
            user = self.random.choice(users)
            document = self.random.choice(documents)
            status = self.random.choice(statuses)
            if status == "pending":
                if (user.pk, document.pk) in seen:
                    continue
                seen.add((user.pk, document.pk))
            rows.append(
                AccessRequest(
                    requester=user,
                    working_group_id=document.working_group_id,
                    document=document,
                    reason=self.sentence(10),
                    status=status,
                    decided_by=None if status in ("pending", "withdrawn") else board_user,
                    expires_at=self.now + datetime.timedelta(days=30) if status == "granted" else None,
                )
            )
        AccessRequest.objects.bulk_create(rows, batch_size=BATCH)
        log, written = [], 0
        for n in range(self.sizes.downloads if documents else 0):
            document = documents[n % len(documents)]
            log.append(
                DownloadLogEntry(
                    user=users[(n * 7) % len(users)],
                    document=document,
                    document_title=document.title,
                    working_group_id=document.working_group_id,
                    downloaded_at=self.now - datetime.timedelta(minutes=n),
                )
            )
            if len(log) == 10 * BATCH:
                written += len(DownloadLogEntry.objects.bulk_create(log, batch_size=BATCH))
                log = []
        written += len(DownloadLogEntry.objects.bulk_create(log, batch_size=BATCH))
        self.out(f"  {len(rows)} access requests, {written} download log rows")

    # Meetings: the held meeting of every report, and each group's next ones with their answers

    def meetings(self):
        """Bulk-inserted, as the other numerous rows: no invitation is written (Meeting.save would)."""
        groups = self.working_groups()
        rows = []
        for group in groups:
            for report in MeetingReportPage.objects.child_of(group).only("pk", "title", "date", "kind"):
                start = _brussels(report.date, 19)
                rows.append(
                    Meeting(
                        group_id=group.pk,
                        kind=report.kind,
                        title=report.title,
                        start=start,
                        end=start + datetime.timedelta(hours=2),
                        place=f"Salle {self.random.randint(1, 9)}",
                        agenda=self.sentence(8),
                        status=Status.HELD,
                        report_id=report.pk,
                    )
                )
            first = timezone.localdate(self.now) + datetime.timedelta(days=self.random.randint(1, 20))
            for n in range(MEETINGS_AHEAD):
                start = _brussels(first + datetime.timedelta(days=28 * n), 18 + self.random.randint(0, 2))
                rows.append(
                    Meeting(
                        group_id=group.pk,
                        kind="monthly",
                        title=f"Réunion mensuelle {n + 1}",
                        start=start,
                        end=start + datetime.timedelta(hours=2),
                        place=f"Salle {self.random.randint(1, 9)}",
                        agenda="\n".join(self.sentence(5) for _ in range(3)),
                    )
                )
        Meeting.objects.bulk_create(rows, batch_size=BATCH)
        people = {}
        for page_id, user_id in WorkingGroupMembership.objects.filter(page__in=groups).values_list(
            "page_id", "user_id"
        ):
            people.setdefault(page_id, []).append(user_id)
        answers = [
            Answer(meeting_id=meeting.pk, user_id=user_id, response=self.random.choice(list(Response)))
            for meeting in Meeting.objects.filter(group__in=groups, status=Status.PLANNED).order_by("pk")
            for user_id in people.get(meeting.group_id, [])
            if self.random.random() < 0.6
        ]
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        self.out(f"  {len(rows)} meetings ({MEETINGS_AHEAD} to come a group), {len(answers)} answers")

    # The search index

    def index(self):
        refresh_statistics()
        call_command("update_index", verbosity=0)
        self.out("  search index built")


def _brussels(day, hour):
    """``hour`` o'clock on ``day`` in the cooperative's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _sizes_text(sizes):
    return "".join(f", {name}={value}" for name, value in sizes.items())
