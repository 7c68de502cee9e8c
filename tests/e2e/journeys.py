"""Steps of the journeys, as people click and type them in the browser."""

import re

from documents.pdf import minimal_pdf

REPORT_TITLE = "Réunion d'avril 2018 avec le Conseil"
MINUTES_PDF = minimal_pdf("Procès-verbal – avril 2018", ["Présents : le groupe et deux invités."])
MINUTES_TITLE = "PV de la réunion d'avril 2018"


def open_group_in_explorer(page, group_title):
    page.goto(page.url.split("/admin/")[0] + "/admin/pages/")
    page.get_by_role("link", name=re.compile("Explorer les sous-pages de.*" + re.escape(group_title))).click()


def editor_drafts_report_with_minutes(person, group_title="Le comité éthique", title=REPORT_TITLE):
    """In the admin: a new meeting report with a summary, a tag and its minutes PDF, submitted."""
    page = person.page
    open_group_in_explorer(page, group_title)
    page.get_by_role("link", name="Ajouter une sous-page").click()
    page.get_by_text("Compte rendu de réunion", exact=True).click()
    page.fill("#id_title", title)
    page.fill("#id_date", "2018-04-10")
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("Le groupe a relu sa charte éthique avec le Conseil.")
    page.get_by_label("Mots-clés").first.click()
    page.keyboard.type("charte")
    page.keyboard.press("Enter")
    page.get_by_role("tab", name="Procès-verbal").click()
    page.get_by_role("button", name="Choisir ou envoyer le procès-verbal").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="Envoyer le procès-verbal").click()
    modal.locator("input[type=file]").set_input_files(
        {"name": "pv-avril-2018.pdf", "mimeType": "application/pdf", "buffer": MINUTES_PDF}
    )
    modal.locator("input[name$=title]").fill(MINUTES_TITLE)
    modal.locator("input[name$=meeting_date]").fill("2018-04-10")
    # No collection nor kind to pick: the upload is filed in the group's restricted collection.
    assert modal.locator("select[name$=collection]").count() == 0
    modal.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.get_by_text(MINUTES_TITLE, exact=True).wait_for()
    submit_for_moderation(page)


def submit_for_moderation(page):
    page.get_by_role("button", name="Plus d'actions").click()
    # "Soumettre à …" the first time, "Resoumettre à …" after changes were requested.
    page.get_by_role(
        "button", name=re.compile(r"^(Soumettre à Publication des groupes|Resoumettre à)")
    ).click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/(edit/)?$"))


def dashboard_row(page, title):
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    return page.locator("tr", has_text=title)


def act_from_dashboard(page, title, action, comment=None):
    """Approve or request changes from the dashboard's "awaiting your review" list."""
    row = dashboard_row(page, title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name=action, exact=True).click()
    if comment is not None:
        modal = page.locator(".modal-dialog")
        modal.locator("textarea").fill(comment)
        modal.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
