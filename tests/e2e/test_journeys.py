"""Every role's journey, clicked and typed in a real browser (Debian's Chromium)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from workinggroups.models import MeetingReportPage

from .journeys import (
    REPORT_TITLE,
    act_from_dashboard,
    dashboard_row,
    editor_drafts_report_with_minutes,
    submit_for_moderation,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_editor_drafts_a_report_with_tag_summary_and_minutes_and_submits_it(people):
    editor = people("editeur").log_in_admin()
    mail.outbox.clear()
    editor_drafts_report_with_minutes(editor)
    expect(
        editor.page.get_by_text(f"Page « {REPORT_TITLE} » créée et soumise pour modération.")
    ).to_be_visible()
    expect(editor.page.locator("tr", has_text=REPORT_TITLE)).to_contain_text(
        "En cours de modération", ignore_case=True
    )
    report = MeetingReportPage.objects.get(title=REPORT_TITLE)
    assert not report.live
    assert report.minutes is not None and report.minutes.working_group.slug == "ethique"
    assert [m.to for m in mail.outbox] == [["animateur-ethique@example.org"]]


def test_facilitator_requests_changes_editor_fixes_and_facilitator_approves(people):
    editor = people("editeur").log_in_admin()
    editor_drafts_report_with_minutes(editor)
    facilitator = people("animateur-ethique").log_in_admin()
    expect(dashboard_row(facilitator.page, REPORT_TITLE)).to_be_visible()
    # Open the review, then ask for changes with a comment.
    row = dashboard_row(facilitator.page, REPORT_TITLE)
    row.get_by_role("link", name=REPORT_TITLE).click()
    expect(facilitator.page.locator("#id_title")).to_have_value(REPORT_TITLE)
    act_from_dashboard(
        facilitator.page, REPORT_TITLE, "Demander des modifications", comment="Ajoutez la liste des présents."
    )

    # The editor sees the comment on the page, fixes it and submits again.
    page = editor.page
    editor.go("/admin/pages/")
    page.get_by_role("link", name=re.compile("Explorer les sous-pages de.*Le comité éthique")).click()
    page.get_by_role("link", name=REPORT_TITLE).click()
    # At the top of the editor, without looking for it: who asked, and what.
    expect(
        page.get_by_text(re.compile(r"Modifications demandées par .* « Ajoutez la liste des présents. »"))
    ).to_be_visible()
    page.get_by_role("button", name="Afficher/masquer le statut").click()
    page.get_by_text("Voir les détails").click()
    expect(page.get_by_text("Ajoutez la liste des présents.").locator("visible=true").first).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="Participants").click()
    page.get_by_role("textbox", name="Invités et experts").fill(
        "Présidente du comité d'éthique d'une mutuelle"
    )
    submit_for_moderation(page)

    act_from_dashboard(facilitator.page, REPORT_TITLE, "Approuver")
    expect(
        facilitator.page.get_by_text(f"Approuvé : « {REPORT_TITLE} » attend maintenant l'étape")
    ).to_be_visible()
    report = MeetingReportPage.objects.get(title=REPORT_TITLE)
    state = report.current_workflow_task_state
    assert state.task.name == "Approbation du Conseil d'administration"
    assert "mutuelle" in report.get_latest_revision_as_object().guests


def test_another_groups_facilitator_does_not_see_it(people):
    editor = people("editeur").log_in_admin()
    editor_drafts_report_with_minutes(editor)
    other = people("animateur-finances").log_in_admin()
    other.go("/admin/")
    expect(other.page.get_by_text(REPORT_TITLE)).to_have_count(0)
    own = people("animateur-ethique").log_in_admin()
    expect(dashboard_row(own.page, REPORT_TITLE)).to_be_visible()


def test_board_approves_from_the_dashboard_and_the_page_is_live(people):
    editor = people("editeur").log_in_admin()
    editor_drafts_report_with_minutes(editor)
    act_from_dashboard(people("animateur-ethique").log_in_admin().page, REPORT_TITLE, "Approuver")
    board = people("conseil").log_in_admin()
    act_from_dashboard(board.page, REPORT_TITLE, "Approuver")
    expect(board.page.get_by_text(f"Approuvé : « {REPORT_TITLE} » est publiée.")).to_be_visible()
    report = MeetingReportPage.objects.get(title=REPORT_TITLE)
    assert report.live
    member = people("membre").log_in()
    member.go(report.url)
    expect(member.page.get_by_role("heading", level=1)).to_have_text(REPORT_TITLE)


def test_member_finds_a_report_asks_for_the_minutes_and_downloads_them_once_granted(people):
    member = people("membre").log_in()
    page = member.page
    # From the home page's latest reports...
    latest = page.get_by_role("region", name="Derniers comptes rendus").locator("li").first
    title = latest.get_by_role("link").evaluate("link => link.firstChild.textContent").strip()
    group = latest.locator(".meta").inner_text().split(" · ")[0]
    latest.get_by_role("link").click()
    report_url = page.url
    # ...and again by search, narrowed to its group.
    page.get_by_label("Rechercher dans l'intranet").first.fill(title.split("–")[-1].strip())
    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("complementary", name="Filtrer les résultats").get_by_role(
        "link", name=re.compile(re.escape(group))
    ).click()
    page.locator(".search-result").first.get_by_role("link").click()
    expect(page).to_have_url(report_url)

    expect(page.get_by_text("Procès-verbal disponible sur demande.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Télécharger le procès-verbal"))).to_have_count(0)
    page.get_by_label("Pourquoi souhaitez-vous lire ces procès-verbaux ?").fill(
        "Je prépare un article pour la lettre des sociétaires."
    )
    page.get_by_role("button", name="Demander l'accès").click()
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()

    report = MeetingReportPage.objects.get(url_path__endswith=report_url.split("/", 3)[-1])
    facilitator = people(f"animateur-{report.get_parent().slug}").log_in_admin()
    facilitator.page.get_by_role("link", name="Demandes d'accès", exact=True).click()
    row = facilitator.page.locator("tr", has_text="(membre)").filter(has_text=report.minutes.title)
    row.get_by_role("link", name="Accorder").click()
    expect(facilitator.page.get_by_label("Durée de l'accès (jours)")).to_have_value("30")
    facilitator.page.get_by_role("button", name="Accorder l'accès").click()
    expect(facilitator.page.get_by_text("Accès accordé")).to_be_visible()

    # "Mes demandes d'accès" leads to the minutes now, and to their report.
    member.go("/documents/acces/mes-demandes/")
    expect(page.get_by_role("link", name=f"Voir le compte rendu « {report.title} »")).to_be_visible()
    page.goto(report_url)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger le procès-verbal")).click()
    with open(download.value.path(), "rb") as downloaded, report.minutes.open_file() as stored:
        data = downloaded.read()
        assert data == stored.read()
    assert data.startswith(b"%PDF-")


def test_board_amends_then_records_the_assembly_and_a_member_reads_the_diff_and_the_pdf(people):
    """Issue 17's journey: the board amends a recommendation it had deferred and records its position,
    then the general assembly's outcome; a member sees what the board changed, finds it in the tracker
    and downloads the assembly's document, which holds the amended text."""
    amended_text = "Les membres du comité suivent une formation à la médiation dans leur première année."
    board = people("conseil").log_in_admin()
    page = board.page
    page.get_by_role("link", name="Décisions du Conseil").click()
    # Recommendation 8 was deferred by the board in the demo content.
    row = page.locator("tr", has_text="Former les membres du comité à la médiation")
    row.get_by_role("link").first.click()
    page.locator("#id_position").select_option(label="adoptée avec amendement")
    page.locator("#id_amended_text").fill(amended_text)
    page.locator("#id_reasoning").fill("Le budget 2019 prévoit la formation : le Conseil fixe un délai.")
    page.locator("#id_position_note").fill("Séance du Conseil de septembre.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(re.compile("Enregistré : la recommandation 8")).first).to_be_visible()

    page.locator("tr", has_text="Former les membres du comité à la médiation").get_by_role(
        "link"
    ).first.click()
    page.locator("#id_assembly_outcome").select_option(label="adoptée par l'assemblée")
    page.locator("#id_assembly_date").fill("2018-06-19")
    page.locator("#id_votes_for").fill("380")
    page.locator("#id_votes_against").fill("12")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text(re.compile("assemblée générale : « adoptée par l.assemblée »")).first
    ).to_be_visible()

    member = people("membre").log_in()
    reader = member.page
    member.go("/groupes-de-travail-2017-2018/recommandations/")
    reader.get_by_label("Assemblée générale").select_option(label="Adoptée par l'assemblée")
    reader.get_by_label("Groupe de travail").select_option(label="Le comité éthique")
    reader.get_by_role("button", name="Filtrer").click()
    reader.locator("tr", has_text="Former les membres du comité à la médiation").get_by_role(
        "link"
    ).first.click()
    expect(
        reader.get_by_role("heading", name="Ce que le Conseil a changé dans le texte du groupe")
    ).to_be_visible()
    expect(reader.locator(".comparison ins").first).to_be_visible()
    expect(reader.locator(".comparison del").first).to_be_visible()
    expect(reader.locator(".decision", has_text="Assemblée générale")).to_contain_text("380")

    member.go("/groupes-de-travail-2017-2018/recommandations/")
    with reader.expect_download() as download:
        reader.get_by_role("link", name="Le document de l'assemblée générale (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Recommandation n° 8 · Former les membres du comité à la médiation" in text
    assert amended_text in text and "Adoptée par l'assemblée · 19 juin 2018 · pour 380, contre 12" in text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/groupes-de-travail-2017-2018/ethique/",
        "/search/?q=charte",
        "/documents/1/pv.pdf",
        "/nimporte/quoi/",
    ],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(people, path):
    visitor = people("anonyme")
    visitor.go(path)
    expect(visitor.page).to_have_url(re.compile(r"/login/\?next="))
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Connexion à l'intranet")


def test_a_member_switches_to_dutch_and_keeps_it_on_another_device(people):
    member = people("membre").log_in()
    member.go("/groupes-de-travail-2017-2018/ethique/")
    member.page.get_by_role("button", name="Nederlands").click()
    expect(member.page).to_have_url(re.compile(r"/groupes-de-travail-2017-2018/ethique/$"))
    expect(member.page.locator("html")).to_have_attribute("lang", "nl")
    expect(member.page.get_by_role("button", name="Zoeken", exact=True)).to_be_visible()
    expect(member.page.get_by_role("button", name="Nederlands")).to_have_attribute("aria-current", "true")
    # Another browser, French by its settings: after login the member's choice wins.
    elsewhere = people("membre").log_in()
    expect(elsewhere.page.locator("html")).to_have_attribute("lang", "nl")
    expect(elsewhere.page.get_by_role("button", name="Afmelden")).to_be_visible()


def test_a_facilitators_choice_of_english_follows_them_into_the_admin(people):
    facilitator = people("animateur-ethique").log_in()
    facilitator.page.get_by_role("button", name="English").click()
    expect(facilitator.page.get_by_role("button", name="Log out")).to_be_visible()
    facilitator.go("/admin/")
    expect(facilitator.page.locator("html")).to_have_attribute("lang", "en")
    expect(facilitator.page.get_by_role("link", name="Pages to review").first).to_be_visible()
