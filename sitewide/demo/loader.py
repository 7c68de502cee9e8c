"""Build the 2017-2018 programme of the seed text: accounts, groups, reports, meetings (held and to
come), recommendations.

The content comes from the YAML files of ``sitewide/demo/data/`` (read and checked by
``data.py`` before anything is written); this module creates it through the real models.
Idempotent: every object is looked up by a natural key (username, slug under its parent)
and created only when missing, so a second run changes no counts.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from home.models import HomePage
from notifications.events import quiet
from sitewide.page_cache import one_generation
from workinggroups.choices import MeetingKind, MembershipRole
from workinggroups.models import (
    MeetingReportPage,
    ProgrammePage,
    RecommendationPage,
    RecommendationSource,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from workinggroups.roles import board_group, editors_group, ensure_roles, members_group

from .data import fill_account, load_data
from .documents import load_requests_and_downloads, load_resources, minutes_for_meeting
from .meetings import all_meetings, load_meetings, report_slug
from .moderation import load_pending_reports
from .notifications import announce_follow_up_notes


@dataclass
class DemoResult:
    created: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)

    def count(self, what):
        self.created[what] = self.created.get(what, 0) + 1


class DemoLoader:
    def __init__(self, password, data, today=None):
        self.data = data
        self.today = timezone.localdate() if today is None else today  # the meetings to come follow it
        self.password_hash = make_password(password)  # hashed once, not once per account
        self.result = DemoResult()
        self.User = get_user_model()

    @transaction.atomic
    def run(self):
        data = self.data
        ensure_roles()
        self.members, self.editors, self.board = members_group(), editors_group(), board_group()
        self.admin = next(self._user(a, superuser=True) for a in data.role_accounts if a.role == "admin")
        for account in data.role_accounts:
            user = self._user(account)
            self.result.accounts.append((account.username, account.purpose))
            if account.role == "editor":
                user.groups.add(self.editors)
            elif account.role == "board":
                user.groups.add(self.board)
        uploaders = {resource.uploaded_by for resource in data.resources}
        self.resources, created = load_resources(
            {user.username: user for user in self.User.objects.filter(username__in=uploaders)}, data.resources
        )
        for _ in range(created):
            self.result.count("ressources")
        home = HomePage.objects.get()
        if not home.intro:
            home.intro = data.home.intro
            home.save_revision(user=self.admin).publish(user=self.admin)
        programme = self._programme(home)
        groups = {
            group.slug: self._group(programme, group, number) for number, group in enumerate(data.groups, 1)
        }
        accounts = {user.username: user for user in self.User.objects.all()}
        for _ in range(load_pending_reports(accounts, data)):
            self.result.count("comptes rendus en relecture")
        load_meetings(data, accounts, groups, self.today, self.result.count)
        for _ in range(load_requests_and_downloads(accounts, data)):
            self.result.count("demandes d'accès")
        return self.result

    # Accounts

    def _user(self, account, superuser=False):
        user = self.User.objects.filter(username=account.username).first()
        if user is None:
            user = self.User(
                username=account.username,
                first_name=account.first_name,
                last_name=account.last_name,
                email=f"{account.username}@{self.data.email_domain}",
                password=self.password_hash,
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.save()
            self.result.count("comptes")
        user.groups.add(self.members)
        return user

    # Pages

    def _publish_under(self, parent, page):
        parent.add_child(instance=page)
        page.save_revision(user=self.admin, log_action=True).publish(user=self.admin)
        self.result.count(page._meta.verbose_name_plural)
        return page

    @staticmethod
    def _child(parent, model, slug):
        return model.objects.child_of(parent).filter(slug=slug).first()

    def _programme(self, home):
        data = self.data.programme
        programme = self._child(home, ProgrammePage, data.slug)
        if programme is not None:
            return programme
        programme = ProgrammePage(
            slug=data.slug,
            title=data.title,
            intro=data.intro,
            start_date=data.start_date,
            end_date=data.end_date,
            status=data.status,
            assembly_vote_date=data.assembly_vote_date,
            board_handover_date=data.board_handover_date,
            next_assembly_date=data.next_assembly_date,
            contact_email=data.contact_email,
            history=data.history,
            framework=data.framework,
            show_in_menus=True,
        )
        programme.resources = [
            (
                "resource",
                {
                    "title": resource.title,
                    "document": self.resources[resource.title],
                    "description": resource.description,
                },
            )
            for resource in self.data.resources
            if resource.on_programme
        ]
        programme.testimonials = [
            ("testimonial", {"quote": t.quote, "author": t.author, "profile": t.profile})
            for t in data.testimonials
        ]
        return self._publish_under(home, programme)

    def _group(self, programme, data, number):
        profiles = self.data.profiles
        facilitator = self._user(next(a for a in self.data.role_accounts if a.username == data.facilitator))
        liaison = self._user(fill_account(self.data.board_liaison, number=number))
        liaison.groups.add(self.board)
        members = [
            self._user(fill_account(self.data.member, group=data.slug, short=data.short, index=index))
            for index in range(1, data.member_count + 1)
        ]
        group = self._child(programme, WorkingGroupPage, data.slug)
        if group is None:
            group = WorkingGroupPage(
                title=data.title,
                slug=data.slug,
                mission=data.mission,
                stakes=data.stakes,
                methodology=data.methodology,
            )
            group.memberships = [
                WorkingGroupMembership(
                    user=facilitator, role=MembershipRole.FACILITATOR, profile=profiles.facilitator
                ),
                WorkingGroupMembership(
                    user=liaison, role=MembershipRole.BOARD_LIAISON, profile=profiles.board_liaison
                ),
                *[
                    WorkingGroupMembership(
                        user=member,
                        role=MembershipRole.MEMBER,
                        profile=profiles.members[index % len(profiles.members)],
                    )
                    for index, member in enumerate(members)
                ],
            ]
            self._publish_under(programme, group)
        reports = [
            self._meeting(
                group, meeting, attendees=[facilitator, liaison, *members], index=index, uploader=facilitator
            )
            for index, meeting in enumerate(all_meetings(data, self.data.monthly))
        ]
        # Where each recommendation came from: one of the group's hearings or visits in turn, and
        # the last monthly meeting, where the group validated its recommendations.
        heard = [report for report in reports if report.kind != MeetingKind.MONTHLY]
        last_meeting = [report for report in reports if report.kind == MeetingKind.MONTHLY][-1:]
        for index, recommendation in enumerate(data.recommendations):
            sources = ([heard[index % len(heard)]] if heard else []) + last_meeting
            self._recommendation(group, recommendation, sources)
        return group

    def _meeting(self, group, data, attendees, index, uploader):
        slug = report_slug(data)
        existing = self._child(group, MeetingReportPage, slug)
        if existing is not None:
            return existing
        report = MeetingReportPage(
            title=data.title,
            slug=slug,
            date=data.date,
            kind=data.kind,
            guests=data.guests,
            summary=f"<p>{data.summary}</p>",
            decisions=f"<p>{data.decisions}</p>",
            next_steps=f"<p>{data.next_steps}</p>",
        )
        # Not everyone comes to every meeting: a different few are missing each time.
        report.attendees = [user for position, user in enumerate(attendees) if (position + index) % 5 != 4]
        report.tags.add(*data.tags)
        report.minutes = minutes_for_meeting(group, data, uploader, self.data.minutes)
        self.result.count("procès-verbaux")
        self._publish_under(group, report)
        return report

    def _recommendation(self, group, data, sources):
        slug = f"recommandation-{data.number}"
        if self._child(group, RecommendationPage, slug) is not None:
            return
        recommendation = RecommendationPage(
            title=data.title, slug=slug, number=data.number, text=data.text, rationale=data.rationale
        )
        recommendation.tags.add(*data.tags)
        recommendation.sources = [RecommendationSource(report=report) for report in sources]
        self._publish_under(group, recommendation)


def load_demo(password, data=None, today=None):
    """Build the demo from ``data`` (the files of ``sitewide/demo/data/`` unless given), in one
    transaction, so under one new content generation (sitewide/page_cache.py). The meetings to come
    are those after ``today`` (the day it runs unless told)."""
    with one_generation():
        # The 2017-2018 story is history, not news to announce; the demo's meetings to come send
        # no invitation either.
        with quiet():
            result = DemoLoader(password, load_data() if data is None else data, today).run()
        for _ in range(announce_follow_up_notes()):
            result.count("notes de suivi annoncées")
        return result
