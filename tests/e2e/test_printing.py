"""A member page on paper (issue 17, item 5): Chromium's print emulation applies print.css."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HIDDEN_ON_PAPER = [
    ".site-header",
    ".site-search",
    ".language-switcher",
    "form.filters",
    ".pagination",
    ".skip-link",
]


def shown(page, selector):
    """Whether the first element ``selector`` names takes room on the page (None when there is none)."""
    return page.evaluate(
        "(s) => { const el = document.querySelector(s); if (!el) return null;"
        " const box = el.getBoundingClientRect(); return getComputedStyle(el).display !== 'none'"
        " && box.width > 0 && box.height > 0; }",
        selector,
    )


def test_a_member_page_prints_without_header_search_or_forms_and_with_the_links_addresses(people):
    member = people("membre").log_in()
    page = member.go("/documents/?page=1")
    assert shown(page, ".site-header") and shown(page, "form.filters")
    page.emulate_media(media="print")
    for selector in HIDDEN_ON_PAPER:
        assert shown(page, selector) in (False, None), selector
    assert shown(page, "main h1") and shown(page, "main table")
    after = page.evaluate("() => getComputedStyle(document.querySelector('main td a'), '::after').content")
    assert "/documents/" in after
    colour = page.evaluate("() => getComputedStyle(document.querySelector('main h1')).color")
    assert colour == "rgb(0, 0, 0)"
