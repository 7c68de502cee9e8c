"""What people met in the admin's own screens: avatars, filters, the sidebar, the stylesheet."""

import json
import re

import pytest
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

from .factories import RecommendationPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")


def test_no_avatar_is_fetched_from_gravatar(board_member):
    """The content security policy refuses Gravatar (avatars were broken images), and no address
    is sent to a third party: Wagtail's own default avatar, from the intranet's static files."""
    board_member.email = "conseil@example.org"
    url = avatar_url(board_member, size=50)
    assert url.startswith("/static/") and "gravatar" not in url


def test_the_board_decisions_filters_offer_no_meaningless_dash(group_a, board_member, as_user):
    RecommendationPageFactory(parent=group_a, number=3, live=False).save_revision().publish()
    html = as_user(board_member).get("/admin/workinggroups/boarddecision/").content.decode()
    assert "isnull=True" not in html
    assert not re.search(r"<a[^>]*>\s*-\s*</a>", html)
    assert group_a.title in html  # the group filter is still there


def sidebar_labels(html):
    """The labels of the admin's sidebar menu, from the JSON Wagtail draws it from."""
    data = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    return [json.loads(f'"{label}"') for label in re.findall(r'"label": "([^"]*)"', data)]


def test_the_intranets_sidebar_labels_fit_without_being_cut(board_member, as_user):
    labels = sidebar_labels(as_user(board_member).get("/admin/").content.decode())
    ours = ["Pages à relire", "Décisions du Conseil", "Demandes d'accès", "Téléchargements"]
    assert set(ours) <= set(labels), labels
    assert all(len(label) <= 20 for label in ours)
    assert "Journal des téléchargements" not in labels and "Demandes d'accès aux PV" not in labels


def test_the_intranets_admin_stylesheet_is_loaded(board_member, as_user):
    html = as_user(board_member).get("/admin/moderation/").content.decode()
    assert 'href="/static/intranet/admin.css"' in html
    css = as_user(board_member).get("/static/intranet/admin.css")
    assert css.status_code == 200 and b"white-space: nowrap" in b"".join(css.streaming_content)


def test_the_queue_names_each_action_for_its_page(group_a, editor, as_user):
    from .workflow_helpers import draft_report_in_admin

    draft_report_in_admin(as_user(editor), group_a, title="Réunion de suivi – avril 2018")
    html = as_user(group_a.facilitator).get("/admin/moderation/").content.decode()
    assert 'Relire<span class="w-sr-only"> « Réunion de suivi – avril 2018 »</span>' in html
    assert "(nouvel onglet)" in html


def test_row_buttons_say_whose_row_they_act_on(group_a, member, board_member, as_user):
    """ "Accorder", "Refuser", "Modifier" repeat on every row: each names its row for screen readers."""
    from documents.models import AccessRequest

    from .factories import make_minutes

    member.first_name, member.last_name = "Léa", "Lectrice"
    member.save()
    AccessRequest.objects.create(
        requester=member, working_group=group_a, document=make_minutes(group_a), reason="Lire."
    )
    requests = as_user(board_member).get("/admin/documents/accessrequest/").content.decode()
    for action in ("Accorder", "Refuser"):
        assert f'{action}<span class="w-sr-only"> – la demande de Léa Lectrice</span>' in requests
    RecommendationPageFactory(parent=group_a, number=9, live=False).save_revision().publish()
    decisions = as_user(board_member).get("/admin/workinggroups/boarddecision/").content.decode()
    assert 'Modifier<span class="w-sr-only"> – recommandation 9</span>' in decisions
