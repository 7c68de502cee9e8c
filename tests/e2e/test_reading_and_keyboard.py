"""What a person on a phone, at 200 % zoom, or with a keyboard only meets (issue 15).

* Phones (375 px) and 200 % zoom (640 px): every cell, item and button is on screen, whole,
  without scrolling sideways: lists are cards, not tables cut off inside a scrolling box.
* The keyboard: Tab goes through a member page and the request form, every focus stop is on
  screen with a focus ring of at least 3:1 against what surrounds it, and nothing traps the focus.
* Link texts: on the listings, two links that say the same thing go to the same place.
"""

from itertools import pairwise

import pytest
from playwright.sync_api import expect

from documents.models import AccessRequest
from workinggroups.models import MeetingReportPage

from .conftest import member_pages, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: Elements that carry words a reader needs on screen.
READABLE = ", ".join(
    f"main {tag}" for tag in "td th li p a h1 h2 h3 dd dt button select label .status".split()
)

OFF_SCREEN = """(selector) => {
  const width = window.innerWidth, found = [];
  const hiddenAbove = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const box = node.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) return true;  // visually hidden (a table's head on a phone)
    }
    return false;
  };
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (hiddenAbove(el) || style.visibility === "hidden") continue;
    if (el.closest(".w-dropdown__content, [hidden]")) continue;  // a closed menu
    const name = `${el.tagName.toLowerCase()} "${(el.innerText || el.value || "").trim().slice(0, 40)}"`;
    if (box.right > width + 1 || box.left < -1) found.push(`${name} runs off the screen`);
    else if (["TD", "TH", "DD", "P", "LI"].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1
             && style.overflowX !== "visible") found.push(`${name} is cut off`);
  }
  return found.slice(0, 8);
}"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (text) => {
    const m = text && text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(",").map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const around = (node) => {
    for (; node && node.nodeType === 1; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const style = getComputedStyle(el), rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
    rings.push(parse(style.outlineColor));
  }
  for (const shadow of style.boxShadow.match(/rgba?\\([^)]+\\)/g) || []) rings.push(parse(shadow));
  const background = around(el.parentElement);
  const contrast = Math.max(0, ...rings.filter(Boolean).map((ring) => ratio(ring, background)));
  const box = el.getBoundingClientRect();
  return {
    name: `${el.tagName.toLowerCase()} "${
      (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40)}"`,
    key: el.outerHTML.slice(0, 200) + box.top,
    contrast,
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight
             && box.right > 0 && box.left < window.innerWidth,
  };
}"""

LINKS = """() => {
  const seen = {};
  for (const a of document.querySelectorAll("main a[href]")) {
    const box = a.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1 && !a.innerText.trim()) continue;
    const name = (a.getAttribute("aria-label") || a.innerText || "").replace(/\\s+/g, " ").trim();
    const target = new URL(a.href, location.href).href;
    (seen[name] = seen[name] || new Set()).add(target);
  }
  return Object.entries(seen).filter(([name, targets]) => name && targets.size > 1)
    .map(([name, targets]) => `${name}: ${[...targets].slice(0, 3).join(", ")}`);
}"""


def reading_pages():
    """The member pages, with the whole tracker (its widest table) and the person's own page."""
    return {
        **member_pages(),
        "tracker": "/groupes-de-travail-2017-2018/recommandations/",
        "my-account": "/mon-compte/",
    }


def test_at_phone_width_and_200_percent_zoom_every_word_is_on_screen(people):
    member = people("membre").log_in()
    # A pending and a granted request, so that "Mes demandes" has rows of both kinds.
    reports = MeetingReportPage.objects.live().filter(minutes__isnull=False).order_by("path")[:2]
    user = member_user()
    AccessRequest.objects.create(
        requester=user,
        working_group=reports[0].get_parent().specific,
        document=reports[0].minutes,
        reason="Pour la lettre des sociétaires.",
    )
    granted = AccessRequest.objects.create(
        requester=user,
        working_group=reports[1].get_parent().specific,
        document=reports[1].minutes,
        reason="Lecture.",
    )
    granted.grant(user)
    failures = {}
    for name, path in reading_pages().items():
        for width in (375, 640):
            member.page.set_viewport_size({"width": width, "height": 900})
            member.go(path)
            found = member.page.evaluate(OFF_SCREEN, READABLE)
            overflow = member.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                found.append(f"the page is {overflow}px wider than the screen")
            if found:
                failures[f"{name} at {width}px"] = found
            if width == 375:
                screenshot(member.page, f"phone-{name}-375")
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())


def member_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="membre")


def test_the_reviewers_screens_read_on_a_phone(people):
    facilitator = people("animateur-ethique").log_in_admin()
    failures = {}
    for name, path in (("dashboard", "/admin/"), ("queue", "/admin/moderation/")):
        for width in (375, 1280):
            facilitator.page.set_viewport_size({"width": width, "height": 900})
            facilitator.go(path)
            found = facilitator.page.evaluate(
                OFF_SCREEN,
                "main .moderation-rows td, main .moderation-rows a, "
                "main .moderation-filters select, main .moderation-filters button",
            )
            if found:
                failures[f"{name} at {width}px"] = found
            screenshot(facilitator.page, f"admin-{name}-{width}")
    expect(facilitator.page.get_by_role("link", name="Relire").first).to_be_visible()
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())


def tab_through(page, presses):
    """The focus stops met by pressing Tab ``presses`` times (or until the focus leaves the page)."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS)
        if stop is None:
            break
        stops.append(stop)
    return stops


def test_the_keyboard_reaches_everything_with_a_visible_focus_and_no_trap(people):
    member = people("membre").log_in()
    report = MeetingReportPage.objects.live().filter(minutes__isnull=False).order_by("path").first()
    member.go(report.url)
    stops = tab_through(member.page, 80)
    names = [stop["name"] for stop in stops]
    assert any("Demander l'accès" in name for name in names), names  # the request form is reached
    assert any(name.startswith("textarea") for name in names), names
    faint = [f"{stop['name']} ({stop['contrast']:.1f}:1)" for stop in stops if stop["contrast"] < 3]
    hidden = [stop["name"] for stop in stops if not stop["visible"]]
    trapped = [a["name"] for a, b in pairwise(stops) if a["key"] == b["key"]]
    assert not faint, f"focus rings under 3:1: {faint}"
    assert not hidden, f"focus stops off screen: {hidden}"
    assert not trapped, f"Tab stays on: {trapped}"
    # The focus leaves the last control: it is not held in the form or the footer.
    assert len({stop["key"] for stop in stops}) == len(stops) or len(stops) < 80
    # And in the request form itself, after a refused submission: the error summary has the focus.
    member.page.get_by_role("button", name="Demander l'accès").click()
    # Waits for the answer's page (reading the focus at once read the page being left, under load).
    expect(member.page.locator(".error-summary")).to_be_focused()
    screenshot(member.page, "request-form-with-errors-1280")


def test_the_keyboard_focus_is_visible_in_the_dark_header_too(people):
    member = people("membre").log_in()
    member.go("/")
    stops = tab_through(member.page, 6)  # skip link, site name, main menu: on the dark header
    assert stops and all(stop["contrast"] >= 3 for stop in stops), stops


def test_on_the_listings_two_links_that_say_the_same_go_to_the_same_place(people):
    member = people("membre").log_in()
    failures = {}
    for name, path in reading_pages().items():
        member.go(path)
        found = member.page.evaluate(LINKS)
        if found:
            failures[name] = found
    facilitator = people("animateur-ethique").log_in_admin()
    facilitator.go("/admin/moderation/")
    found = facilitator.page.evaluate(LINKS)
    if found:
        failures["moderation queue"] = found
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())


def test_screens_changed_for_reviewers_and_the_board(people):
    """Screenshots of the admin screens this issue changed, at desktop and phone widths."""
    board = people("conseil").log_in_admin()
    board.go("/admin/workinggroups/boarddecision/")
    board.page.locator("tr", has_text="Protéger les personnes qui signalent").get_by_role(
        "link"
    ).first.click()
    expect(board.page.get_by_text("Recommandation 9 :")).to_be_visible()
    for width in (1280, 375):
        board.page.set_viewport_size({"width": width, "height": 900})
        screenshot(board.page, f"admin-decision-form-{width}")
        board.go("/admin/workinggroups/boarddecision/")
        overflow = board.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the decisions listing is {overflow}px wider than a {width}px screen"
        screenshot(board.page, f"admin-decisions-{width}")
        board.page.go_back()
