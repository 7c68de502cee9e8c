"""Build the 2017-2018 programme of the seed text: accounts, groups, meetings, recommendations.

Idempotent: every object is looked up by a natural key (username, slug under its parent)
and created only when missing, so a second run changes no counts.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from home.models import HomePage
from sitewide.demo.documents import load_requests_and_downloads, minutes_for_meeting
from workinggroups.choices import MembershipRole
from workinggroups.models import (
    MeetingReportPage,
    ProgrammePage,
    RecommendationPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from workinggroups.roles import board_group, editors_group, ensure_roles, members_group

from .groups import GROUPS, PROFILE_CYCLE, all_meetings
from .moderation import load_pending_reports
from .programme import HOME_INTRO, PROGRAMME

DEMO_EMAIL_DOMAIN = "example.org"

#: The role accounts, as (username, first name, last name, what the account is for).
ROLE_ACCOUNTS = [
    ("membre", "Sociétaire", "de démonstration", "membre : lit l'intranet, demande l'accès aux PV"),
    ("editeur", "Éditeur·rice", "de démonstration", "éditeur : rédige comptes rendus et recommandations"),
    *[
        (
            f"animateur-{group['slug']}",
            "Animateur·rice",
            group["short"],
            f"animateur·rice du groupe « {group['title']} »",
        )
        for group in GROUPS
    ],
    (
        "conseil",
        "Administrateur·rice",
        "du Conseil",
        "Conseil d'administration : approbation finale, décisions",
    ),
    ("admin", "Administration", "technique", "superutilisateur"),
]


@dataclass
class DemoResult:
    created: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)

    def count(self, what):
        self.created[what] = self.created.get(what, 0) + 1


class DemoLoader:
    def __init__(self, password):
        self.password_hash = make_password(password)  # hashed once, not once per account
        self.result = DemoResult()
        self.User = get_user_model()

    @transaction.atomic
    def run(self):
        ensure_roles()
        self.members, self.editors, self.board = members_group(), editors_group(), board_group()
        self.admin = self._user("admin", "Administration", "technique", superuser=True)
        for username, first_name, last_name, purpose in ROLE_ACCOUNTS:
            user = self._user(username, first_name, last_name)
            self.result.accounts.append((username, purpose))
            if username == "editeur":
                user.groups.add(self.editors)
            elif username == "conseil":
                user.groups.add(self.board)
        home = HomePage.objects.get()
        if not home.intro:
            home.intro = HOME_INTRO
            home.save_revision(user=self.admin).publish(user=self.admin)
        programme = self._programme(home)
        for number, group in enumerate(GROUPS, start=1):
            self._group(programme, group, number)
        accounts = {user.username: user for user in self.User.objects.all()}
        for _ in range(load_pending_reports(accounts)):
            self.result.count("comptes rendus en relecture")
        for _ in range(load_requests_and_downloads(accounts)):
            self.result.count("demandes d'accès")
        return self.result

    # Accounts

    def _user(self, username, first_name, last_name, superuser=False):
        user = self.User.objects.filter(username=username).first()
        if user is None:
            user = self.User(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
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
        data = PROGRAMME
        programme = self._child(home, ProgrammePage, data["slug"])
        if programme is not None:
            return programme
        fields = {key: value for key, value in data.items() if key != "testimonials"}
        programme = ProgrammePage(**fields, show_in_menus=True)
        programme.testimonials = [("testimonial", testimonial) for testimonial in data["testimonials"]]
        return self._publish_under(home, programme)

    def _group(self, programme, data, number):
        facilitator = self._user(f"animateur-{data['slug']}", "Animateur·rice", data["short"])
        liaison = self._user(f"conseil-{number}", "Administrateur·rice", str(number))
        liaison.groups.add(self.board)
        members = [
            self._user(f"membre-{data['slug']}-{index}", "Membre", f"{data['short']} {index}")
            for index in range(1, data["member_count"] + 1)
        ]
        group = self._child(programme, WorkingGroupPage, data["slug"])
        if group is None:
            group = WorkingGroupPage(
                title=data["title"],
                slug=data["slug"],
                mission=data["mission"],
                stakes=data["stakes"],
                methodology=data["methodology"],
            )
            group.memberships = [
                WorkingGroupMembership(user=facilitator, role=MembershipRole.FACILITATOR, profile="staff"),
                WorkingGroupMembership(user=liaison, role=MembershipRole.BOARD_LIAISON, profile="user"),
                *[
                    WorkingGroupMembership(
                        user=member,
                        role=MembershipRole.MEMBER,
                        profile=PROFILE_CYCLE[index % len(PROFILE_CYCLE)],
                    )
                    for index, member in enumerate(members)
                ],
            ]
            self._publish_under(programme, group)
        for index, meeting in enumerate(all_meetings(data)):
            self._meeting(
                group, meeting, attendees=[facilitator, liaison, *members], index=index, uploader=facilitator
            )
        first_number = 1 + sum(len(g["recommendations"]) for g in GROUPS[: number - 1])
        for offset, recommendation in enumerate(data["recommendations"]):
            self._recommendation(group, first_number + offset, *recommendation)

    def _meeting(self, group, data, attendees, index, uploader):
        slug = slugify(f"{data['date'].isoformat()}-{data['title']}")[:80]
        if self._child(group, MeetingReportPage, slug) is not None:
            return
        report = MeetingReportPage(
            title=data["title"],
            slug=slug,
            date=data["date"],
            kind=data["kind"],
            guests=data["guests"],
            summary=f"<p>{data['summary']}</p>",
            decisions=f"<p>{data['decisions']}</p>",
            next_steps=f"<p>{data['next_steps']}</p>",
        )
        # Not everyone comes to every meeting: a different few are missing each time.
        report.attendees = [user for position, user in enumerate(attendees) if (position + index) % 5 != 4]
        report.tags.add(*data["tags"])
        report.minutes = minutes_for_meeting(group, data, uploader)
        self.result.count("procès-verbaux")
        self._publish_under(group, report)

    def _recommendation(self, group, number, title, text, rationale, tags):
        slug = f"recommandation-{number}"
        if self._child(group, RecommendationPage, slug) is not None:
            return
        recommendation = RecommendationPage(
            title=title, slug=slug, number=number, text=text, rationale=rationale
        )
        recommendation.tags.add(*tags)
        self._publish_under(group, recommendation)


def load_demo(password):
    return DemoLoader(password).run()
