"""Minutes never leave their group's restricted collection, whatever saves them (documents/filing.py).

Each route of issue 13 that once made a group's minutes readable by every member is replayed
here: the upload from a report's "Procès-verbal" tab, Documents → Add, the bulk "add to
collection" action, the edit form, and the model itself (save, update, bulk_update, bulk_create).
"""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Collection, ModelLogEntry

from documents.filing import RELEASE_ACTION, Filing, release
from documents.library import MINUTES, RESOURCES, collection_for_group
from documents.models import DocumentKind, LibraryDocument
from documents.pdf import minimal_pdf

from .factories import MeetingReportPageFactory, make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")

PDF = minimal_pdf("PV", ["Texte"])


@pytest.fixture
def resources(group_a):
    return Collection.objects.get(name=RESOURCES, depth=2)


@pytest.fixture
def minutes_parent(group_a):
    return Collection.objects.get(name=MINUTES, depth=2)


@pytest.fixture
def minutes(group_a):
    return make_minutes(group_a, title="PV confidentiel de l'éthique", filename="pv-ethique.pdf")


def modal_html(response):
    data = json.loads(response.content)
    return data.get("html") or data.get("htmlFragment") or ""


def assert_still_restricted(document, group, member, as_user):
    document.refresh_from_db()
    assert document.collection_id == collection_for_group(group).pk
    assert document.kind == DocumentKind.MINUTES
    assert as_user(member).get(document.url).status_code == 403


# 1. Upload from a report's "Procès-verbal" tab


def test_the_reports_minutes_tab_opens_the_groups_own_minutes_chooser(group_a, editor, as_user):
    client = as_user(editor)
    html = client.get(f"/admin/pages/add/workinggroups/meetingreportpage/{group_a.pk}/").content.decode()
    assert f"/admin/documents/minutes-chooser/?groupe={group_a.pk}" in html


def test_an_upload_from_the_minutes_tab_is_filed_as_the_groups_minutes_with_nothing_to_choose(
    group_a, editor, member, as_user
):
    client = as_user(editor)
    choose = client.get(f"/admin/documents/minutes-chooser/?groupe={group_a.pk}")
    form_html = modal_html(choose)
    assert 'name="document-chooser-upload-file"' in form_html
    for field in ("collection", "kind", "working_group"):
        assert f'name="document-chooser-upload-{field}"' not in form_html
    response = client.post(
        f"/admin/documents/minutes-chooser/create/?groupe={group_a.pk}",
        {
            "document-chooser-upload-title": "PV de la réunion de mars",
            "document-chooser-upload-file": SimpleUploadedFile("pv-mars.pdf", PDF),
            "document-chooser-upload-meeting_date": "2018-03-13",
            "document-chooser-upload-tags": "",
        },
    )
    assert json.loads(response.content)["step"] == "chosen", modal_html(response)[:800]
    # The report is never saved: the upload is an orphan, and still only the group's and the board's.
    document = LibraryDocument.objects.get(title="PV de la réunion de mars")
    assert document.collection_id == collection_for_group(group_a).pk
    assert document.kind == DocumentKind.MINUTES and document.working_group_id == group_a.pk
    assert as_user(member).get(document.url).status_code == 403
    assert "réunion de mars" not in as_user(member).get("/search/?q=mars").content.decode()
    assert as_user(group_a.people[0]).get(document.url).status_code == 200


def test_the_minutes_chooser_refuses_a_group_the_person_may_not_file_for(group_a, group_b, as_user):
    outsider = group_b.people[0]  # may add minutes to group B's collection only
    client = as_user(outsider)
    refused = client.get(f"/admin/documents/minutes-chooser/create/?groupe={group_a.pk}")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's "permission denied"
    for odd in ("²", "①", "-1", "12345678901234567890123", "x"):
        assert client.get(f"/admin/documents/minutes-chooser/?groupe={odd}").status_code == 404


def test_the_minutes_chooser_lists_only_that_groups_minutes_the_person_may_open(
    group_a, group_b, minutes, as_user
):
    other = make_minutes(group_b, title="PV des finances", filename="pv-fin.pdf")
    html = modal_html(
        as_user(group_a.people[0]).get(f"/admin/documents/minutes-chooser/?groupe={group_a.pk}")
    )
    assert "PV confidentiel de l&#x27;éthique" in html
    assert other.title not in html


def test_documents_add_starts_in_resources_and_never_offers_the_minutes_parent(
    editor, resources, minutes_parent, as_user
):
    html = as_user(editor).get("/admin/documents/add/").content.decode()
    select = re.search(r'<select name="collection".*?</select>', html, re.S).group()
    assert f'value="{resources.pk}" selected' in select
    assert f'value="{minutes_parent.pk}"' not in select


def test_a_document_posted_into_the_minutes_parent_is_refused(editor, minutes_parent, as_user):
    response = as_user(editor).post(
        "/admin/documents/add/",
        {
            "title": "Perdu",
            "collection": minutes_parent.pk,
            "kind": DocumentKind.RESOURCE,
            "file": SimpleUploadedFile("perdu.pdf", PDF),
        },
    )
    assert response.status_code == 200
    assert not LibraryDocument.objects.filter(title="Perdu").exists()


# 2. and 3. The bulk action and the edit form, as a member of the group


def test_the_bulk_add_to_collection_cannot_take_minutes_out(group_a, minutes, resources, member, as_user):
    client = as_user(group_a.people[0])
    url = f"/admin/bulk/documents/librarydocument/add_to_collection/?id={minutes.pk}"
    response = client.post(url, {"collection": resources.pk}, follow=True)
    assert "Rien n&#x27;a été déplacé" in response.content.decode()
    assert_still_restricted(minutes, group_a, member, as_user)


def test_the_edit_form_cannot_take_minutes_out(group_a, minutes, resources, member, as_user):
    client = as_user(group_a.people[0])
    page = client.get(f"/admin/documents/edit/{minutes.pk}/").content.decode()
    select = re.search(r'<select name="collection".*?</select>', page, re.S)
    assert select is None or f'value="{resources.pk}"' not in select.group()
    response = client.post(
        f"/admin/documents/edit/{minutes.pk}/",
        {"title": minutes.title, "collection": resources.pk, "kind": DocumentKind.RESOURCE, "tags": ""},
    )
    assert response.status_code == 200
    assert_still_restricted(minutes, group_a, member, as_user)


def test_moving_minutes_to_another_groups_collection_is_refused(group_a, group_b, minutes, member, as_user):
    minutes.collection = collection_for_group(group_b)
    with pytest.raises(ValidationError):
        minutes.save()
    assert_still_restricted(minutes, group_a, member, as_user)


# The model, whatever calls it


def test_save_refuses_minutes_in_an_open_collection(group_a, minutes, resources, member, as_user):
    minutes.collection = resources
    with pytest.raises(ValidationError) as refusal:
        minutes.save()
    assert "collection" in refusal.value.message_dict
    assert_still_restricted(minutes, group_a, member, as_user)


def test_save_refuses_a_restricted_resource_moving_to_an_open_collection(group_a, minutes, resources):
    minutes.kind = DocumentKind.PRESENTATION
    minutes.save()  # still restricted, another kind: allowed
    minutes.collection = resources
    with pytest.raises(ValidationError, match="Seul le Conseil"):
        minutes.save()


def test_queryset_update_refuses_and_changes_nothing(group_a, minutes, resources, member, as_user):
    open_doc = LibraryDocument.objects.create(
        title="Guide", collection=resources, file=ContentFile(PDF, name="guide.pdf")
    )
    with pytest.raises(ValidationError):
        LibraryDocument.objects.filter(pk__in=[minutes.pk, open_doc.pk]).update(collection=resources)
    with pytest.raises(ValidationError):
        LibraryDocument.objects.filter(pk=minutes.pk).update(
            kind=DocumentKind.MINUTES, collection_id=resources.pk
        )
    assert_still_restricted(minutes, group_a, member, as_user)


def test_bulk_update_and_bulk_create_obey_the_rule(group_a, minutes, resources):
    minutes.collection = resources
    with pytest.raises(ValidationError):
        LibraryDocument.objects.bulk_update([minutes], ["collection"])
    with pytest.raises(ValidationError):
        LibraryDocument.objects.bulk_create(
            [LibraryDocument(title="PV égaré", collection=resources, kind=DocumentKind.MINUTES, file="x.pdf")]
        )
    assert not LibraryDocument.objects.filter(title="PV égaré").exists()


def test_a_document_in_a_groups_collection_belongs_to_that_group(group_a, group_b):
    document = make_minutes(group_a, title="PV", filename="pv.pdf")
    document.working_group = group_b
    with pytest.raises(ValidationError, match="appartient à ce groupe"):
        document.save()
    unnamed = LibraryDocument(
        title="Annexe", collection=collection_for_group(group_a), kind=DocumentKind.REPORT, file="a.pdf"
    )
    unnamed.save()
    assert unnamed.working_group_id == group_a.pk


def test_the_minutes_parent_holds_no_document(group_a, minutes_parent):
    with pytest.raises(ValidationError, match="ne contient que les collections"):
        LibraryDocument(title="Nulle part", collection=minutes_parent, file="n.pdf").save()


# Only the board lifts a restriction, deliberately and in the log


def test_only_the_board_lifts_a_restriction_and_it_is_logged(
    group_a, minutes, resources, board_member, member, as_user
):
    unrelated = MeetingReportPageFactory(parent=group_a, title="Réunion sans PV")  # links no minutes
    unrelated.save_revision().publish()
    with pytest.raises(PermissionDenied) as refused:
        release(minutes, group_a.facilitator, resources, DocumentKind.REPORT, "Pour tous")
    assert str(refused.value) == "Seul le Conseil d'administration peut lever la restriction d'un document."
    for no_reason in ("  ", "", None):  # the reason is what the log keeps: there must be one
        with pytest.raises(ValidationError) as refused:
            release(minutes, board_member, resources, DocumentKind.REPORT, no_reason)
        assert refused.value.message_dict == {
            "reason": ["Indiquez pourquoi ce document devient lisible par plus de personnes."]
        }
    minutes.refresh_from_db()
    assert minutes.collection_id == collection_for_group(group_a).pk
    assert not ModelLogEntry.objects.filter(action=RELEASE_ACTION).exists()
    release(minutes, board_member, resources, DocumentKind.REPORT, "Décision du Conseil du 5 mai")
    minutes.refresh_from_db()
    assert minutes.collection_id == resources.pk and minutes.kind == DocumentKind.REPORT
    entry = ModelLogEntry.objects.get(action=RELEASE_ACTION, object_id=str(minutes.pk))
    assert entry.user == board_member
    assert entry.data == {
        "reason": "Décision du Conseil du 5 mai",
        "from_collection": collection_for_group(group_a).name,
        "to_collection": resources.name,
        "from_kind": DocumentKind.MINUTES,
        "to_kind": DocumentKind.REPORT,
    }
    assert as_user(member).get(minutes.url).status_code == 200


def test_the_release_screen_is_the_boards_only(group_a, minutes, resources, board_member, member, as_user):
    url = f"/admin/documents/release/{minutes.pk}/"
    for person in (group_a.facilitator, group_a.people[0]):
        refused = as_user(person).post(url, {"collection": resources.pk, "kind": "report", "reason": "x"})
        assert (
            refused.status_code == 302 and refused["Location"] == "/admin/"
        )  # Wagtail's "permission denied"
    assert_still_restricted(minutes, group_a, member, as_user)
    board = as_user(board_member)
    assert "Lever la restriction" in board.get(f"/admin/documents/edit/{minutes.pk}/").content.decode()
    response = board.post(url, {"collection": resources.pk, "kind": "report", "reason": "Publication votée"})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.collection_id == resources.pk


def test_a_documents_innermost_restriction_is_its_groups_and_an_open_collection_has_none(
    group_a, minutes, resources, board_member, as_user
):
    """The edit form keeps a restricted document under its restriction; an open one may go anywhere open."""
    group_collection = collection_for_group(group_a)
    assert Filing().cover(group_collection.pk).innermost_restricted_path() == group_collection.path
    assert Filing().cover(resources.pk).innermost_restricted_path() is None
    open_document = LibraryDocument.objects.create(
        title="Guide ouvert",
        collection=resources,
        kind=DocumentKind.RESOURCE,
        file=ContentFile(b"x", "g.txt"),
    )
    form = as_user(board_member).get(f"/admin/documents/edit/{open_document.pk}/").content.decode()
    assert "collection restreinte" not in form and f'value="{resources.pk}"' in form


def test_minutes_linked_from_a_report_cannot_be_released(group_a, minutes, resources, board_member):
    report = MeetingReportPageFactory(parent=group_a, minutes=minutes)
    report.save_revision().publish()
    with pytest.raises(ValidationError) as refused:
        release(minutes, board_member, resources, DocumentKind.REPORT, "Publication votée")
    assert refused.value.message_dict == {
        "collection": [
            "Ce document est le procès-verbal d'un compte rendu (publié, en brouillon ou en relecture) : "
            "retirez-le du compte rendu avant de lever sa restriction."
        ]
    }
    minutes.refresh_from_db()
    assert minutes.collection_id == collection_for_group(group_a).pk


# A report's minutes are in its group's collection


def test_a_report_cannot_link_minutes_of_another_group_or_an_open_document(group_a, group_b, resources):
    other = make_minutes(group_b, title="PV finances", filename="pv-fin.pdf")
    guide = LibraryDocument.objects.create(
        title="Guide", collection=resources, file=ContentFile(PDF, name="g.pdf")
    )
    for document in (other, guide):
        with pytest.raises(ValidationError) as refusal:
            MeetingReportPageFactory(parent=group_a, minutes=document)
        assert "minutes" in refusal.value.message_dict


def test_the_report_editor_says_so_on_the_minutes_field(group_a, group_b, editor, as_user):
    from .admin_forms import create_form_data

    other = make_minutes(group_b, title="PV finances", filename="pv-fin.pdf", uploader=editor)
    client = as_user(editor)
    from workinggroups.models import MeetingReportPage

    url, data = create_form_data(client, group_a, MeetingReportPage)
    data.update(
        {
            "title": "Réunion",
            "slug": "reunion",
            "date": "2018-03-13",
            "summary": '{"blocks": []}',
            "minutes": other.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "se range dans la collection des procès-verbaux de son" in response.content.decode()
    assert not MeetingReportPage.objects.filter(slug="reunion").exists()


def test_a_release_cannot_be_forged_by_setting_the_marker(group_a, minutes, resources):
    minutes.collection, minutes._released_by = resources, group_a.facilitator
    with pytest.raises(ValidationError, match="Seul le Conseil"):
        minutes.save()


def test_minutes_a_draft_report_links_cannot_be_released(group_a, minutes, resources, board_member):
    report = MeetingReportPageFactory(parent=group_a, title="Réunion")
    report.save_revision().publish()
    report.minutes = minutes
    report.save_revision()  # a draft links the minutes; the live page does not
    with pytest.raises(ValidationError, match="brouillon ou en relecture"):
        release(minutes, board_member, resources, DocumentKind.REPORT, "Publication votée")


def test_a_bulk_move_into_a_groups_collection_makes_them_that_groups(group_a, resources):
    guides = [
        LibraryDocument.objects.create(
            title=f"Guide {n}", collection=resources, file=ContentFile(PDF, name=f"g{n}.pdf")
        )
        for n in range(2)
    ]
    LibraryDocument.objects.filter(pk__in=[g.pk for g in guides]).update(
        collection=collection_for_group(group_a)
    )
    assert set(
        LibraryDocument.objects.filter(pk__in=[g.pk for g in guides]).values_list(
            "working_group_id", flat=True
        )
    ) == {group_a.pk}


# The minutes collections' restrictions and places are kept by the library, not the collection admin


def test_the_collection_admin_cannot_loosen_or_move_a_minutes_collection(
    group_a, superuser, resources, as_user
):
    from wagtail.models import CollectionViewRestriction

    collection = collection_for_group(group_a)
    client = as_user(superuser)
    refused = client.post(f"/admin/collections/{collection.pk}/privacy/", {"restriction_type": "none"})
    assert refused.status_code in (302, 403)
    assert CollectionViewRestriction.objects.get(collection=collection).restriction_type == "groups"
    sub = collection.add_child(instance=Collection(name="Annexes"))
    client.post(f"/admin/collections/{sub.pk}/", {"name": "Annexes", "parent": resources.pk})
    sub.refresh_from_db()
    assert sub.get_parent().pk == collection.pk
    renamed = client.post(f"/admin/collections/{sub.pk}/", {"name": "Annexes 2018", "parent": collection.pk})
    assert renamed.status_code == 302
    sub.refresh_from_db()
    assert sub.name == "Annexes 2018"
    # The parent "Procès-verbaux" and the archives keep the names the library knows them by.
    root = Collection.get_first_root_node()
    for name in (MINUTES, "Procès-verbaux archivés"):
        parent = Collection.objects.get(name=name, depth=2)
        refused = client.post(f"/admin/collections/{parent.pk}/", {"name": "Divers", "parent": root.pk})
        assert refused.status_code in (302, 403)
        parent.refresh_from_db()
        assert parent.name == name


# Minutes misfiled before the rule are filed again by a migration


def test_the_migration_refiles_minutes_misfiled_before_the_rule(
    group_a, resources, minutes_parent, member, as_user
):
    import importlib

    from django.apps import apps
    from django.db.models import QuerySet

    refile = importlib.import_module("documents.migrations.0005_refile_misplaced_minutes").refile
    in_parent = make_minutes(group_a, title="PV dans le parent", filename="p.pdf")
    in_resources = make_minutes(group_a, title="PV dans les ressources", filename="r.pdf")
    linked = LibraryDocument.objects.create(
        title="Annexe liée", collection=resources, file=ContentFile(PDF, name="l.pdf")
    )
    report = MeetingReportPageFactory(parent=group_a, title="Réunion")
    # As the old forms left them: written past the rule, the way the bug did.
    QuerySet.update(LibraryDocument.objects.filter(pk=in_parent.pk), collection=minutes_parent)
    QuerySet.update(LibraryDocument.objects.filter(pk=in_resources.pk), collection=resources)
    type(report).objects.filter(pk=report.pk).update(minutes=linked)
    assert as_user(member).get(in_resources.url).status_code == 200  # readable by everyone: the bug
    refile(apps, None)
    for document in (in_parent, in_resources, linked):
        document.refresh_from_db()
        assert document.collection_id == collection_for_group(group_a).pk, document.title
        assert document.working_group_id == group_a.pk
        assert as_user(member).get(document.url).status_code == 403


def test_minutes_the_live_report_links_cannot_be_released_when_a_draft_drops_them(
    group_a, minutes, resources, board_member
):
    report = MeetingReportPageFactory(parent=group_a, title="Réunion", minutes=minutes)
    report.save_revision().publish()
    report.minutes = None
    report.save_revision()  # the draft no longer links the minutes; the live page still does
    with pytest.raises(ValidationError, match="procès-verbal d'un compte rendu"):
        release(minutes, board_member, resources, DocumentKind.REPORT, "Publication votée")
    minutes.refresh_from_db()
    assert minutes.collection_id == collection_for_group(group_a).pk


# What the person is told, and on which field


def test_a_collection_that_no_longer_exists_is_refused_on_the_collection_field(group_a, minutes):
    gone = Collection.objects.get(name=RESOURCES, depth=2).add_child(instance=Collection(name="Éphémère"))
    document = LibraryDocument(title="Orphelin", collection=gone, file="o.pdf")
    gone.delete()
    with pytest.raises(ValidationError) as refusal:
        document.save()
    assert refusal.value.message_dict == {"collection": ["Cette collection n'existe pas."]}
    minutes.collection_id = gone.pk
    with pytest.raises(ValidationError) as refusal:
        minutes.save()
    assert refusal.value.message_dict == {"collection": ["Cette collection n'existe pas."]}


def test_a_misfiled_document_is_judged_in_three_queries_naming_the_group(
    group_a, group_b, django_assert_num_queries
):
    """The group's minutes collection is read with its group: a refusal names the group with no
    query of its own (the check runs for every document of a bulk action)."""
    from documents.filing import Filing

    document = make_minutes(group_a, title="PV", filename="pv.pdf")
    document.working_group_id = group_b.pk
    filing = Filing()
    with django_assert_num_queries(3):  # the collection, its minutes link and group, its restrictions
        problems = filing.problems(document)
    assert set(problems) == {"working_group", "collection"}
    assert f"« {group_a.title} »" in problems["working_group"]
    with django_assert_num_queries(0):  # the same collection again: nothing more to read
        filing.problems(document)


MINUTES_PARENT_HOLDS_NOTHING = (
    "La collection « Procès-verbaux » ne contient que les collections des groupes : "
    "choisissez celle du groupe de travail."
)
MINUTES_IN_THEIR_GROUPS_COLLECTION = (
    "Un procès-verbal se range dans la collection « Procès-verbaux » de son groupe de "
    "travail : c'est elle qui en réserve la lecture au groupe et au Conseil."
)
ONLY_THE_BOARD_LIFTS = (
    "Ce document est dans une collection restreinte : le déplacer ici le rendrait lisible "
    "par d'autres personnes. Seul le Conseil d'administration peut lever une restriction."
)


def belongs_to(group):
    return (
        f"Cette collection est celle des procès-verbaux du groupe « {group.title} » : "
        "un document qui s'y trouve appartient à ce groupe."
    )


def linked_from_a_report_of(group):
    return (
        f"Ce document est le procès-verbal d'un compte rendu du groupe « {group.title} » : "
        "il reste dans la collection des procès-verbaux de ce groupe."
    )


def refusal(document):
    with pytest.raises(ValidationError) as refused:
        document.save()
    return refused.value.message_dict


def test_each_refusal_names_the_field_to_fix_and_says_why(
    group_a, group_b, minutes, resources, minutes_parent
):
    assert refusal(LibraryDocument(title="Nulle part", collection=minutes_parent, file="n.pdf")) == {
        "collection": [MINUTES_PARENT_HOLDS_NOTHING]
    }
    stray = LibraryDocument(title="PV égaré", collection=resources, kind=DocumentKind.MINUTES, file="e.pdf")
    assert refusal(stray) == {"collection": [MINUTES_IN_THEIR_GROUPS_COLLECTION]}
    minutes.working_group = group_b
    assert refusal(minutes) == {
        "working_group": [belongs_to(group_a)],
        "collection": [MINUTES_IN_THEIR_GROUPS_COLLECTION],
    }
    minutes.refresh_from_db()
    minutes.kind = DocumentKind.PRESENTATION
    minutes.save()  # still in the group's restricted collection: allowed
    minutes.collection = resources
    assert refusal(minutes) == {"collection": [ONLY_THE_BOARD_LIFTS]}


def test_a_reports_minutes_stay_in_that_groups_collection_even_for_the_board(
    group_a, group_b, minutes, resources, board_member
):
    """The board lifts restrictions, but a document a report links as its minutes stays with the
    report's group: into an open collection, or another group's, it is refused on its collection."""
    report = MeetingReportPageFactory(parent=group_a, minutes=minutes)
    report.save_revision().publish()
    minutes.kind = DocumentKind.PRESENTATION
    minutes.save()
    for collection, group in ((resources, None), (collection_for_group(group_b), group_b)):
        moved = LibraryDocument.objects.get(pk=minutes.pk)
        moved.collection, moved.working_group, moved._released_by = collection, group, board_member
        assert refusal(moved) == {"collection": [linked_from_a_report_of(group_a)]}
    assert_still_restricted_as(minutes, group_a)


def assert_still_restricted_as(document, group):
    document.refresh_from_db()
    assert document.collection_id == collection_for_group(group).pk
