"""Member pages print cleanly (issue 17, item 5): the print stylesheet that the browser gets hides the
header, search, forms and pagination, prints black on white, and shows where links lead."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from documents.library import ensure_library

pytestmark = pytest.mark.usefixtures("shared_world")


class _Page(HTMLParser):
    """The stylesheet links of a page and the classes and tags it uses."""

    def __init__(self):
        super().__init__()
        self.stylesheets, self.classes, self.tags = [], set(), set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.add(tag)
        self.classes.update((attributes.get("class") or "").split())
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes)


def parsed(html):
    page = _Page()
    page.feed(html)
    return page


def css_rules(css):
    """(selectors, declarations) of each rule of a stylesheet without nested blocks (print.css)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {
            name.strip(): value.strip()
            for name, _colon, value in (part.partition(":") for part in body.split(";"))
            if name.strip()
        }
        rules.append(([s.strip() for s in selectors.split(",")], declarations))
    return rules


def print_stylesheet(html):
    """The text of the stylesheet the page links for print, read where the static files are."""
    links = [link for link in parsed(html).stylesheets if link.get("media") == "print"]
    assert len(links) == 1, "one stylesheet for print"
    href = links[0]["href"]
    assert href.startswith(settings.STATIC_URL)
    path = finders.find(href.removeprefix(settings.STATIC_URL))
    assert path, f"{href} is not a static file"
    with open(path, encoding="utf-8") as css:
        return css.read()


@pytest.fixture
def pages(member, as_user, programme, monkeypatch):
    """Member pages as a member's browser gets them: the home page, the programme, the library
    (one document per page, so that it has pagination), and search results."""
    from .test_library_page import make_resource

    ensure_library()
    for n in range(2):
        make_resource(f"Guide {n}", filename=f"guide-{n}.pdf")
    monkeypatch.setattr("documents.listing.PER_PAGE", 1)
    client = as_user(member)
    return {
        url: client.get(url).content.decode()
        for url in ("/", programme.url, "/documents/", "/search/?q=guide")
    }


def test_every_member_page_links_the_print_stylesheet_for_print_only(pages):
    for url, html in pages.items():
        stylesheets = parsed(html).stylesheets
        assert [link.get("media") for link in stylesheets] == [None, "print"], url


def test_the_print_stylesheet_hides_the_header_search_forms_and_pagination_of_the_real_pages(pages):
    css = print_stylesheet(pages["/"])
    hidden = {
        selector
        for selectors, declarations in css_rules(css)
        if declarations.get("display", "").startswith("none")
        for selector in selectors
    }
    wanted = [".site-header", ".site-search", ".language-switcher", ".skip-link", ".pagination", ".filters"]
    for selector in [*wanted, "form", "button", ".breadcrumbs"]:
        assert selector in hidden, selector
    # The selectors name what the pages really have: a renamed class would fail here.
    seen_classes = set().union(*(parsed(html).classes for html in pages.values()))
    seen_tags = set().union(*(parsed(html).tags for html in pages.values()))
    for selector in wanted:
        assert selector[1:] in seen_classes, selector
    assert {"form", "button"} <= seen_tags


def test_the_print_stylesheet_prints_black_on_white_with_margins_and_the_links_addresses(pages):
    rules = css_rules(print_stylesheet(pages["/documents/"]))
    everything = next(declarations for selectors, declarations in rules if "*" in selectors)
    assert everything["color"].startswith("#000") and everything["background"].startswith("transparent")
    page_rule = next(declarations for selectors, declarations in rules if selectors == ["@page"])
    assert "margin" in page_rule
    links = {selector: declarations for selectors, declarations in rules for selector in selectors}
    for selector in ('main a[href^="http"]::after', 'main a[href^="/"]::after'):
        assert "attr(href)" in links[selector]["content"], selector
    assert any("break-inside" in declarations for selectors, declarations in rules if "h2" in selectors)
    assert any("break-inside" in declarations for selectors, declarations in rules if "li" in selectors)


def test_on_paper_a_table_stays_a_table(pages):
    """The screen stylesheet turns tables into cards on narrow screens; paper is narrow too."""
    screen = next(link["href"] for link in parsed(pages["/"]).stylesheets if link.get("media") is None)
    with open(finders.find(screen.removeprefix(settings.STATIC_URL)), encoding="utf-8") as css:
        text = css.read()
    cards = re.search(r"@media([^{]*)\{\s*\.table, \.table tbody", text)
    assert cards and "screen" in cards.group(1)
