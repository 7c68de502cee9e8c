"""Factories for the intranet's people and pages (factory_boy and wagtail-factories)."""

import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from workinggroups.choices import MembershipRole
from workinggroups.models import (
    MeetingReportPage,
    ProgrammePage,
    RecommendationPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from workinggroups.roles import board_group, members_group

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne-{n}")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Test"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def member(self, create, extracted, **kwargs):
        """Every account is a member of the cooperative unless ``member=False``."""
        if create and extracted is not False:
            self.groups.add(members_group())


class BoardMemberFactory(UserFactory):
    @factory.post_generation
    def board(self, create, extracted, **kwargs):
        if create:
            self.groups.add(board_group())


class StaffFactory(UserFactory):
    """Staff of the cooperative who may open the Wagtail admin, in no group and not a superuser:
    ``is_staff`` and admin access grant nothing else (a "superuser" check must never widen to them)."""

    is_staff = True

    @factory.post_generation
    def admin_access(self, create, extracted, **kwargs):
        if create:
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
            )


class ProgrammePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProgrammePage

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    start_date = datetime.date(2017, 9, 1)
    end_date = datetime.date(2018, 3, 31)


class WorkingGroupPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = WorkingGroupPage

    title = factory.Sequence(lambda n: f"Groupe {n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    mission = "Proposer des recommandations."


class MeetingReportPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = MeetingReportPage

    title = factory.Sequence(lambda n: f"Réunion {n}")
    slug = factory.Sequence(lambda n: f"reunion-{n}")
    date = factory.Sequence(lambda n: datetime.date(2017, 9, 1) + datetime.timedelta(days=n))
    summary = "<p>Le groupe a avancé.</p>"


class RecommendationPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = RecommendationPage

    title = factory.Sequence(lambda n: f"Recommandation {n}")
    slug = factory.Sequence(lambda n: f"recommandation-{n}")
    number = factory.Sequence(lambda n: n + 1)
    text = "<p>Faire mieux.</p>"


def add_membership(group, user, role=MembershipRole.MEMBER, profile="user"):
    return WorkingGroupMembership.objects.create(page=group, user=user, role=role, profile=profile)


def make_working_group(programme, members=3, **kwargs):
    """A published group with a facilitator, a board liaison and ``members`` members."""
    group = WorkingGroupPageFactory(parent=programme, **kwargs)
    facilitator = UserFactory(username=f"animateur-{group.slug}")
    liaison = BoardMemberFactory(username=f"conseil-{group.slug}")
    add_membership(group, facilitator, MembershipRole.FACILITATOR, "staff")
    add_membership(group, liaison, MembershipRole.BOARD_LIAISON, "user")
    people = [UserFactory(username=f"membre-{group.slug}-{n}") for n in range(1, members + 1)]
    for person in people:
        add_membership(group, person)
    group.refresh_from_db()
    group.facilitator, group.liaison, group.people = facilitator, liaison, people
    return group


def make_private_group(programme, title="Groupe confidentiel", slug="confidentiel"):
    """A group whose pages only its people and the board may open (a page view restriction)."""
    from wagtail.models import PageViewRestriction

    group = make_working_group(programme, members=1, title=title, slug=slug)
    restriction = PageViewRestriction.objects.create(page=group, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([group.django_group, board_group()])
    return group


def publish_recommendation(group, number, title, text="<p>Le texte du groupe.</p>"):
    """A recommendation published under ``group``, and the board's record of it (created on publishing)."""
    from workinggroups.models import BoardDecision

    page = RecommendationPageFactory(parent=group, number=number, title=title, text=text, live=False)
    page.save_revision().publish()
    return BoardDecision.objects.get(recommendation=page)


def make_minutes(
    group, title="PV de la réunion de lancement", filename="pv-lancement.pdf", uploader=None, **kwargs
):
    """A small real PDF of minutes, in the group's restricted collection."""
    from django.core.files.base import ContentFile

    from documents.library import collection_for_group
    from documents.models import DocumentKind, LibraryDocument
    from documents.pdf import minimal_pdf

    document = LibraryDocument(
        title=title,
        collection=collection_for_group(group),
        working_group=group,
        kind=DocumentKind.MINUTES,
        uploaded_by_user=uploader or group.facilitator,
        **kwargs,
    )
    document.file.save(filename, ContentFile(minimal_pdf(title, ["Présents : tout le groupe."])), save=False)
    document._set_document_file_metadata()
    document.save()
    return document
