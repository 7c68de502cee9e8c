"""Each page model says what its search result shows under the title (workinggroups/search_text.py)."""

import pytest
from wagtail.models import Page, get_page_models

from search.engine import result_date, result_text

from .factories import (
    MeetingReportPageFactory,
    ProgrammePageFactory,
    RecommendationPageFactory,
    WorkingGroupPageFactory,
)
from .test_search import publish, results

pytestmark = pytest.mark.usefixtures("shared_world")

PROJECT_APPS = {
    "home",
    "workinggroups",
    "documents",
    "search",
    "sitewide",
    "accounts",
    "languages",
    "privacy",
}
PROJECT_PAGE_MODELS = [model for model in get_page_models() if model._meta.app_label in PROJECT_APPS]


@pytest.mark.parametrize("model", PROJECT_PAGE_MODELS, ids=lambda model: model._meta.label)
def test_every_page_type_of_the_project_says_its_result_text_from_its_own_fields(model):
    assert callable(getattr(model, "search_result_text", None)), model._meta.label
    assert model.search_result_fields, model._meta.label
    for name in model.search_result_fields:
        model._meta.get_field(name)  # raises FieldDoesNotExist for a renamed or misspelt field
    if model.search_result_date_field:
        assert model._meta.get_field(model.search_result_date_field).get_internal_type() == "DateField"


def test_each_result_shows_the_text_its_page_type_gives(home, member, as_user):
    programme = publish(
        ProgrammePageFactory(
            parent=home,
            title="Programme ornithologie",
            intro="Chapeau du programme.",
            history="<p>Historique <b>voté</b>.</p>",
            live=False,
        )
    )
    group = publish(
        WorkingGroupPageFactory(
            parent=programme,
            title="Groupe ornithologie",
            mission="Mission du groupe.",
            stakes="<p>Enjeux du groupe.</p>",
            live=False,
        )
    )
    publish(
        MeetingReportPageFactory(
            parent=group,
            title="Réunion ornithologie",
            date="2018-03-13",
            search_description="Réunion de septembre.",
            summary="<p>Résumé de la réunion.</p>",
            decisions="<p>Décisions prises.</p>",
            next_steps="<p>Prochaines étapes.</p>",
            live=False,
        )
    )
    publish(
        RecommendationPageFactory(
            parent=group,
            title="Recommandation ornithologie",
            text="<p>Texte de la recommandation.</p>",
            rationale="<p>Justification écrite.</p>",
            live=False,
        )
    )
    html = results(as_user(member), q="ornithologie")
    assert html.count("<time") == 1  # the report's date; the other page types name none
    assert '<time datetime="2018-03-13">' in html
    for excerpt in (
        "Chapeau du programme. Historique voté.",
        "Mission du groupe. Enjeux du groupe.",
        "Réunion de septembre. Résumé de la réunion. Décisions prises. Prochaines étapes.",
        "Texte de la recommandation. Justification écrite.",
    ):
        assert f'<p class="search-result__excerpt">{excerpt}</p>' in html, excerpt


def test_the_home_page_gives_its_introduction(home):
    home.intro = "<p>Bienvenue sur l'intranet.</p>"
    assert result_text(home) == "Bienvenue sur l'intranet."


def test_a_page_type_that_says_nothing_shows_its_search_description(home):
    page = home.add_child(instance=Page(title="Page sans modèle", search_description="Ce que dit la page."))
    assert not hasattr(page, "search_result_text")
    assert result_text(page) == "Ce que dit la page."
    assert result_date(page) is None
    assert result_text(Page(title="Sans description")) == ""
