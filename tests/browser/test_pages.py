"""The pages in a real browser: sign in, find a case, read it, on a desktop and on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("KINTRACE_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot when KINTRACE_SCREENSHOTS names a folder (for review)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(browser: Browser, base: str, user: str, viewport: dict[str, int]) -> Page:
    page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/cases")
    expect(page).to_have_url(f"{base}/login?next=/cases")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/cases")
    assert errors == [], errors  # e.g. a CSP violation or a missing asset
    return page


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"] + 1, f"{page.url}: {width}px wide in {viewport['width']}px"


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_analyst_finds_a_case_and_reads_it(
    browser: Browser, live_server: str, size: str, viewport: dict[str, int]
) -> None:
    page = sign_in(browser, live_server, "analyst", viewport)
    rows = page.locator("[data-person]")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 20
    shot(page, f"cases-{size}")
    no_sideways_scroll(page)
    surname = rows.first.get_attribute("data-surname") or ""
    page.get_by_label("Search").fill(surname)
    page.get_by_label("Search").press("Enter")
    expect(page.locator("[data-person]").first).to_contain_text(surname)
    page.locator("[data-person] a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(surname)
    expect(page.get_by_text("What the authority says")).to_be_visible()
    expect(page.get_by_text("What the evidence supports")).to_be_visible()
    assert page.locator("[data-report]").count() >= 1
    shot(page, f"person-{size}")
    no_sideways_scroll(page)
    page.goto(f"{live_server}/worklist")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, f"worklist-{size}")
    no_sideways_scroll(page)
    page.goto(f"{live_server}/stats")
    shot(page, f"stats-{size}")
    no_sideways_scroll(page)
    page.close()


def test_a_relative_records_what_they_heard(browser: Browser, live_server: str) -> None:
    page = sign_in(browser, live_server, "relative", PHONE)
    rows = page.locator("[data-person]")
    expect(rows).to_have_count(1)
    rows.first.locator("a").first.click()
    before = page.locator("[data-report]").count()
    page.get_by_text("Add a report").click()
    page.get_by_label("What does it say?").select_option("captured_reported")
    page.get_by_label("Observed on").fill("2026-10-30")
    page.get_by_label("What was said").fill(
        "A man called from the other side: he is in a hospital."
    )
    page.get_by_role("button", name="Record report").click()
    expect(page.locator("[data-report]")).to_have_count(before + 1)
    expect(page.get_by_text("he is in a hospital")).to_be_visible()
    page.close()
