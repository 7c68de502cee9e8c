"""Fill the database to the cooperative's scale, fast and deterministically (manage.py generate_scale_data).

Few objects with rules of their own (programmes, working groups: their Django groups,
permissions, minutes collections, workflow assignment) go through the normal API so that
every signal runs. Everything numerous is bulk-inserted: accounts, memberships, pages
(base and child rows, with correct tree paths), tags, documents and their small real
files, board decisions and history, pages waiting in moderation (revisions, workflow and
task states), access requests and the download log. The search index is then built.
"""

import datetime
import hashlib
import random
import uuid
from dataclasses import dataclass
from itertools import accumulate, pairwise

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Revision, TaskState, WorkflowState

from documents.library import collection_for_group
from documents.models import AccessRequest, DocumentKind, DownloadLogEntry, LibraryDocument
from documents.pdf import minimal_pdf
from workinggroups.choices import MembershipRole, StakeholderProfile
from workinggroups.models import (
    BoardDecision,
    BoardDecisionHistory,
    DecisionStatus,
    FacilitatorApprovalTask,
    MeetingReportPage,
    MeetingReportPageTag,
    ProgrammePage,
    RecommendationPage,
    RecommendationPageTag,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from workinggroups.roles import board_group, editors_group, members_group
from workinggroups.workflow import BOARD_TASK_NAME, FACILITATOR_TASK_NAME, WORKFLOW_NAME

BATCH = 2000
BASE_DATE = datetime.date(2019, 1, 7)
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


class ScaleData:
    def __init__(self, sizes, password, seed=2017, out=print):
        self.sizes = sizes
        self.random = random.Random(seed)
        self.out = out
        self.User = get_user_model()
        self.now = timezone.now()
        self.password = password

    def sentence(self, words=10):
        return " ".join(self.random.choices(VOCABULARY, cum_weights=ZIPF_WEIGHTS, k=words)).capitalize() + "."

    # Accounts

    def users(self):
        password = make_password(self.password)
        prefix = "scale-user-"
        existing = self.User.objects.filter(username__startswith=prefix).count()
        new = [
            self.User(
                username=f"{prefix}{n:05d}",
                first_name="Membre",
                last_name=f"n° {n}",
                email=f"{prefix}{n:05d}@example.org",
                password=password,
            )
            for n in range(existing, self.sizes.users)
        ]
        self.User.objects.bulk_create(new, batch_size=BATCH)
        users = list(self.User.objects.filter(username__startswith=prefix).order_by("username"))
        members = members_group()
        through = self.User.groups.through
        through.objects.bulk_create(
            [through(user_id=user.pk, group_id=members.pk) for user in users],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        self.out(f"  {len(users)} member accounts")
        return users

    # Programmes and groups: through the normal API, so that roles, collections and workflow follow

    def programmes_and_groups(self, users):
        home = Page.objects.get(depth=2).specific
        board = board_group()
        board_members = users[: max(2, self.sizes.groups // 10)]
        through = self.User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=board.pk) for u in board_members], ignore_conflicts=True
        )
        editors = users[len(board_members) : len(board_members) + 20]
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=editors_group().pk) for u in editors], ignore_conflicts=True
        )
        pool = users[len(board_members) + 20 :]
        groups = []
        per_programme = max(1, self.sizes.groups // max(1, self.sizes.programmes))
        for p in range(self.sizes.programmes):
            slug = f"programme-{2000 + p}"
            programme = ProgrammePage.objects.child_of(home).filter(slug=slug).first()
            if programme is None:
                programme = ProgrammePage(
                    title=f"Groupes de travail {2000 + p}-{2001 + p}",
                    slug=slug,
                    start_date=datetime.date(2000 + p, 9, 1),
                    end_date=datetime.date(2001 + p, 3, 31),
                    status="closed",
                    intro=self.sentence(20),
                )
                home.add_child(instance=programme)
                programme.save_revision().publish()
            for _ in range(per_programme):
                if len(groups) >= self.sizes.groups:
                    break
                index = len(groups)
                group_slug = f"groupe-{index:03d}"
                group = WorkingGroupPage.objects.child_of(programme).filter(slug=group_slug).first()
                if group is None:
                    people = [
                        pool[(index * self.sizes.members_per_group + k) % len(pool)]
                        for k in range(self.sizes.members_per_group)
                    ]
                    group = WorkingGroupPage(
                        title=f"Groupe {index:03d} · {self.random.choice(WORDS)}",
                        slug=group_slug,
                        mission=self.sentence(14),
                        max_size=self.sizes.members_per_group,
                    )
                    group.memberships = [
                        WorkingGroupMembership(
                            user=people[0], role=MembershipRole.FACILITATOR, profile="staff"
                        ),
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
                groups.append(group)
        self.out(f"  {self.sizes.programmes} programmes, {len(groups)} working groups")
        return groups, editors

    # Pages in bulk

    def _page_rows(self, model, parent, count, start_index, fields_for, live=True):
        """``count`` unsaved pages of ``model`` under ``parent``, with tree paths after its children."""
        content_type = ContentType.objects.get_for_model(model)
        locale = Locale.get_default()
        pages = []
        for n in range(count):
            step = start_index + n + 1
            slug = f"{model._meta.model_name}-{parent.pk}-{step}"
            title, extra = fields_for(n)
            page = model(
                path=Page._get_path(parent.path, parent.depth + 1, step),
                depth=parent.depth + 1,
                numchild=0,
                title=title,
                draft_title=title,
                slug=slug,
                url_path=f"{parent.url_path}{slug}/",
                content_type=content_type,
                locale=locale,
                translation_key=uuid.UUID(int=self.random.getrandbits(128)),
                live=live,
                has_unpublished_changes=not live,
                first_published_at=self.now if live else None,
                last_published_at=self.now if live else None,
                **extra,
            )
            pages.append(page)
        return pages

    def _insert_pages(self, model, pages):
        """Insert base Page rows in bulk, then the child table's rows in bulk (executemany)."""
        base_fields = [f for f in Page._meta.concrete_fields if f.attname != "id"]
        for start in range(0, len(pages), BATCH):
            chunk = pages[start : start + BATCH]
            bases = [Page(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p in chunk]
            Page.objects.bulk_create(bases)
            for page, base in zip(chunk, bases, strict=True):
                page.pk = page.page_ptr_id = base.pk
            child_fields = list(model._meta.local_concrete_fields)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in child_fields)
            marks = ", ".join(["%s"] * len(child_fields))
            # Names come from the model's own metadata, values are parameters: nothing from outside.
            table = connection.ops.quote_name(model._meta.db_table)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            rows = [
                [f.get_db_prep_save(f.pre_save(page, True), connection) for f in child_fields]
                for page in chunk
            ]
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)

    def _fix_numchild(self, parents):
        for parent in parents:
            Page.objects.filter(pk=parent.pk).update(
                numchild=Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).count()
            )

    def reports_and_recommendations(self, groups, users):
        per_group_reports = self.sizes.reports // len(groups)
        per_group_recos = self.sizes.recommendations // len(groups)
        report_tag_rows, reco_tag_rows = [], []
        from taggit.models import Tag

        tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in TAGS]
        number = 1
        all_reports, all_recos = [], []
        for group in groups:
            existing = (
                MeetingReportPage.objects.child_of(group).count()
                + RecommendationPage.objects.child_of(group).count()
            )
            if existing:
                continue
            reports = self._page_rows(
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
            recommendations = self._page_rows(
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
            self._insert_pages(MeetingReportPage, reports)
            self._insert_pages(RecommendationPage, recommendations)
            report_tag_rows += [
                MeetingReportPageTag(content_object_id=p.pk, tag=self.random.choice(tags)) for p in reports
            ]
            reco_tag_rows += [
                RecommendationPageTag(content_object_id=p.pk, tag=self.random.choice(tags))
                for p in recommendations
            ]
            all_reports += reports
            all_recos += recommendations
        MeetingReportPageTag.objects.bulk_create(report_tag_rows, batch_size=BATCH)
        RecommendationPageTag.objects.bulk_create(reco_tag_rows, batch_size=BATCH)
        self._fix_numchild(groups)
        self.out(f"  {len(all_reports)} meeting reports, {len(all_recos)} recommendations")
        return all_reports, all_recos

    # Board decisions and their history

    def decisions(self, recommendations, groups, board_user):
        group_by_path = {g.path: g for g in groups}
        path_len = groups[0].depth * Page.steplen if groups else 0
        statuses = list(DecisionStatus)
        decisions = []
        for page in recommendations:
            group = group_by_path[page.path[:path_len]]
            decisions.append(
                BoardDecision(
                    recommendation_id=page.pk,
                    working_group_id=group.pk,
                    status=self.random.choice(statuses),
                    reasoning=self.sentence(10),
                    amended_text=self.sentence(12),
                    assembly_date=datetime.date(2019, 6, 18),
                    assembly_outcome="Approuvée par l'assemblée générale.",
                    updated_by=board_user,
                )
            )
        programmes = {g.pk: g.get_parent().pk for g in groups}
        for decision in decisions:
            decision.programme_id = programmes[decision.working_group_id]
            decision.position = (
                decision.status
                if decision.status in {"adopted", "amended", "deferred", "rejected"}
                else "adopted"
            )
        BoardDecision.objects.bulk_create(decisions, batch_size=BATCH)
        history = []
        for decision in decisions:
            path = [DecisionStatus.RECEIVED, DecisionStatus.UNDER_ANALYSIS, decision.status]
            for step, (before, after) in enumerate(pairwise(path)):
                if before != after:
                    history.append(
                        BoardDecisionHistory(
                            decision_id=decision.pk,
                            changed_by=board_user,
                            from_status=before,
                            to_status=after,
                            note=self.sentence(6),
                            changed_at=timezone.make_aware(datetime.datetime(2019, 4 + step, 10, 19, 0)),
                        )
                    )
        BoardDecisionHistory.objects.bulk_create(history, batch_size=BATCH)
        self.out(f"  {len(decisions)} board decisions, {len(history)} history rows")

    # Documents, with small real files

    def documents(self, groups, uploader_by_group):
        storage = storages["documents"]
        per_group = self.sizes.documents // len(groups)
        rows = []
        for group in groups:
            collection = collection_for_group(group)
            for n in range(per_group):
                title = f"PV {group.slug} n° {n + 1} – {self.random.choice(WORDS)}"
                content = minimal_pdf(title, [self.sentence(8)])
                name = storage.save(f"documents/scale-{group.slug}-{n + 1}.pdf", _content(content))
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
        return rows

    # Pages waiting in moderation

    def pending(self, groups, editors):
        from wagtail.models import Workflow

        workflow = Workflow.objects.get(name=WORKFLOW_NAME)
        facilitator_task = FacilitatorApprovalTask.objects.get(name=FACILITATOR_TASK_NAME)
        board_task = workflow.tasks.get(name=BOARD_TASK_NAME)
        page_type = ContentType.objects.get_for_model(Page)
        state_type = ContentType.objects.get_for_model(TaskState)
        report_type = ContentType.objects.get_for_model(MeetingReportPage)
        per_group = max(1, self.sizes.pending // len(groups))
        drafts = []
        for group in groups:
            if len(drafts) >= self.sizes.pending:
                break
            start = Page.objects.filter(path__startswith=group.path, depth=group.depth + 1).count()
            drafts += self._page_rows(
                MeetingReportPage,
                group,
                min(per_group, self.sizes.pending - len(drafts)),
                start,
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
        self._insert_pages(MeetingReportPage, drafts)
        self._fix_numchild(groups)
        revisions = [
            Revision(
                content_type=report_type,
                base_content_type=page_type,
                object_id=str(page.pk),
                user=editors[i % len(editors)],
                content=page.serializable_data(),
                object_str=page.title,
                created_at=self.now,
            )
            for i, page in enumerate(drafts)
        ]
        Revision.objects.bulk_create(revisions, batch_size=BATCH)
        for page, revision in zip(drafts, revisions, strict=True):
            page.latest_revision_id = revision.pk
            page.latest_revision_created_at = revision.created_at
        Page.objects.bulk_update(drafts, ["latest_revision", "latest_revision_created_at"], batch_size=BATCH)
        states = [
            WorkflowState(
                content_type=report_type,
                base_content_type=page_type,
                object_id=str(page.pk),
                workflow=workflow,
                status=WorkflowState.STATUS_IN_PROGRESS,
                requested_by=revision.user,
            )
            for page, revision in zip(drafts, revisions, strict=True)
        ]
        WorkflowState.objects.bulk_create(states, batch_size=BATCH)
        task_states = []
        currents = []
        for n, (state, revision) in enumerate(zip(states, revisions, strict=True)):
            if n % 2:  # half already approved by the facilitators, now with the board
                task_states.append(
                    TaskState(
                        workflow_state=state,
                        revision=revision,
                        task=facilitator_task,
                        status="approved",
                        content_type=state_type,
                    )
                )
                current = TaskState(
                    workflow_state=state, revision=revision, task=board_task, content_type=state_type
                )
            else:
                current = TaskState(
                    workflow_state=state, revision=revision, task=facilitator_task, content_type=state_type
                )
            task_states.append(current)
            currents.append(current)
        TaskState.objects.bulk_create(task_states, batch_size=BATCH)
        for state, current in zip(states, currents, strict=True):
            state.current_task_state = current
        WorkflowState.objects.bulk_update(states, ["current_task_state"], batch_size=BATCH)
        self.out(f"  {len(drafts)} pages waiting in moderation")

    # Access requests and the download log

    def requests_and_downloads(self, users, documents, board_user):
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
        log = []
        for n in range(self.sizes.downloads):
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
                DownloadLogEntry.objects.bulk_create(log, batch_size=BATCH)
                log = []
        DownloadLogEntry.objects.bulk_create(log, batch_size=BATCH)
        self.out(f"  {len(rows)} access requests, {self.sizes.downloads} download log rows")

    def run(self):
        with transaction.atomic():
            users = self.users()
            groups, editors = self.programmes_and_groups(users)
            board_user = self.User.objects.filter(groups__name=settings.BOARD_GROUP_NAME).first()
            _reports, recommendations = self.reports_and_recommendations(groups, users)
            if recommendations:
                self.decisions(recommendations, groups, board_user)
            facilitators = dict(
                WorkingGroupMembership.objects.filter(
                    role=MembershipRole.FACILITATOR, page__in=groups
                ).values_list("page_id", "user_id")
            )
            uploader_by_group = {pk: self.User(pk=user_id) for pk, user_id in facilitators.items()}
            documents = (
                self.documents(groups, uploader_by_group)
                if not LibraryDocument.objects.filter(title__startswith="PV groupe-").exists()
                else list(LibraryDocument.objects.filter(title__startswith="PV groupe-"))
            )
            if (
                self.sizes.pending
                and not MeetingReportPage.objects.filter(title__startswith="Brouillon ").exists()
            ):
                self.pending(groups, editors)
            if not AccessRequest.objects.filter(requester__username__startswith="scale-user-").exists():
                self.requests_and_downloads(users, documents, board_user)


def _content(data):
    from django.core.files.base import ContentFile

    return ContentFile(data)
