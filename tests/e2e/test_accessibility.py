"""axe-core on every member-facing page (no violation of any impact, minor included), and screenshots."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, member_pages, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = (1280, 375)


def describe(violations):
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) on {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def test_login_page_is_accessible(people):
    visitor = people("anonyme", inject_scripts=True)
    for width in WIDTHS:
        visitor.page.set_viewport_size({"width": width, "height": 900})
        visitor.go("/login/")
        violations = axe_violations(visitor.page)
        assert not violations, describe(violations)
        screenshot(visitor.page, f"login-{width}")


def test_member_pages_are_accessible_at_desktop_and_phone_widths(people):
    member = people("membre", inject_scripts=True).log_in()
    failures = {}
    for name, path in member_pages().items():
        for width in WIDTHS:
            member.page.set_viewport_size({"width": width, "height": 900})
            member.go(path)
            expect(member.page.locator("h1")).to_have_count(1)
            violations = axe_violations(member.page)
            if violations:
                failures[f"{name} at {width}px"] = describe(violations)
            screenshot(member.page, f"{name}-{width}")
            # Nothing wider than the screen: readable on a 375 px phone without sideways scrolling.
            overflow = member.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                failures[f"{name} at {width}px"] = f"the page is {overflow}px wider than the screen"
    assert not failures, "\n\n".join(f"{page}:\n{text}" for page, text in failures.items())


def test_moderation_dashboards(people):
    for username in ("animateur-ethique", "conseil"):
        reviewer = people(username).log_in_admin()
        expect(reviewer.page.get_by_text("Réunion de suivi – avril 2018").first).to_be_visible()
        screenshot(reviewer.page, f"admin-dashboard-{username}")


def test_the_accessibility_check_does_catch_violations(people):
    """Guard: axe is really loaded and run, so an empty result above means something."""
    visitor = people("anonyme", inject_scripts=True)
    visitor.go("/login/")
    visitor.page.set_content(
        '<html lang="fr"><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in axe_violations(visitor.page, impacts=("serious", "critical"))}
    assert {"image-alt", "label"} <= found
