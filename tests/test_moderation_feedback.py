"""After each decision the reviewer reads what happened and what comes next; an author sent back
to the editor reads who asked for which changes (workinggroups/moderation_feedback.py)."""

import html

import pytest
from django.contrib.messages import get_messages

from .admin_forms import edit_form_data, post_edit
from .workflow_helpers import current_task_state, draft_report_in_admin, submit_for_moderation

pytestmark = pytest.mark.usefixtures("shared_world")

TITLE = "Compte rendu de la réunion de mars"


def said(response):
    return [str(message.message) for message in get_messages(response.wsgi_request)]


def decide(client, page, action, comment=""):
    """A decision from the dashboard, as its buttons send it, then the page it leads to."""
    state = current_task_state(page)
    url = f"/admin/pages/workflow/action/{page.pk}/{action}/{state.pk}/?next=/admin/"
    return client.post(url, {"comment": comment}, follow=True)


def test_each_decision_from_the_dashboard_says_what_happened_and_what_comes_next(
    group_a, editor, board_member, as_user
):
    page = draft_report_in_admin(as_user(editor), group_a, title=TITLE)
    response = decide(as_user(group_a.facilitator), page, "approve")
    assert said(response) == [
        f"Approuvé : « {TITLE} » attend maintenant l'étape « Approbation du Conseil d'administration »."
    ]
    assert html.escape(said(response)[0], quote=True) in response.content.decode()  # shown on the dashboard
    response = decide(as_user(board_member), page, "approve")
    assert said(response) == [f"Approuvé : « {TITLE} » est publiée."]


def test_a_request_for_changes_names_the_author_it_goes_back_to(group_a, editor, as_user):
    editor.first_name, editor.last_name = "Éva", "Éditrice"
    editor.save()
    page = draft_report_in_admin(as_user(editor), group_a, title=TITLE)
    response = decide(as_user(group_a.facilitator), page, "reject", comment="Ajouter les présents.")
    assert said(response) == [
        f"Modifications demandées à Éva Éditrice : « {TITLE} » lui revient avec votre commentaire."
    ]


def test_a_decision_in_the_editor_replaces_wagtails_vague_confirmation(group_a, editor, as_user):
    page = draft_report_in_admin(as_user(editor), group_a, title=TITLE)
    client = as_user(group_a.facilitator)
    data = edit_form_data(client, page)
    data["action-workflow-action"] = "1"
    data["workflow-action-name"] = "approve"
    response = client.post(f"/admin/pages/{page.pk}/edit/", data, follow=True)
    messages = said(response)
    assert messages == [
        f"Approuvé : « {TITLE} » attend maintenant l'étape « Approbation du Conseil d'administration »."
    ]
    assert not any("mise à jour" in message for message in messages)


def test_the_author_sees_the_request_for_changes_in_the_editor_until_resubmitting(group_a, editor, as_user):
    group_a.facilitator.first_name, group_a.facilitator.last_name = "Ana", "Animatrice"
    group_a.facilitator.save()
    page = draft_report_in_admin(as_user(editor), group_a, title=TITLE)
    decide(as_user(group_a.facilitator), page, "reject", comment="Ajouter la liste des présents.")
    author = as_user(editor)
    editor_page = author.get(f"/admin/pages/{page.pk}/edit/")
    banner = [m for m in said(editor_page) if m.startswith("Modifications demandées par")]
    assert len(banner) == 1
    assert "Ana Animatrice" in banner[0] and "« Ajouter la liste des présents. »" in banner[0]
    assert "Ajouter la liste des présents." in editor_page.content.decode()
    assert submit_for_moderation(author, page).status_code == 302
    again = author.get(f"/admin/pages/{page.pk}/edit/")
    assert not [m for m in said(again) if m.startswith("Modifications demandées par")]


def test_the_comment_in_the_banner_is_escaped(group_a, editor, as_user):
    page = draft_report_in_admin(as_user(editor), group_a, title=TITLE)
    decide(as_user(group_a.facilitator), page, "reject", comment="<script>alert(1)</script>")
    text = as_user(editor).get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_saving_a_draft_keeps_its_own_confirmation(group_a, editor, as_user):
    page = draft_report_in_admin(as_user(editor), group_a, title=TITLE, submit=False)
    client = as_user(editor)
    response = post_edit(client, page, edit_form_data(client, page), None)
    assert response.status_code == 302
    assert any(TITLE in message for message in said(client.get(response["Location"])))
