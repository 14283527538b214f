"""A photo with a report, its thumbnail on the case page, and who looked, in a real browser."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from browser.test_pages import PHONE, no_sideways_scroll, shot, sign_in

pytestmark = pytest.mark.browser


def test_a_relative_sends_a_photo_and_sees_who_looked(browser: Browser, live_server: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (30, 120, 200)).save(out, format="JPEG")
    page = sign_in(browser, live_server, "relative", PHONE)
    page.locator("[data-person]").first.locator("a").first.click()
    page.get_by_text("Add a report").click()
    form = page.locator('form[action$="/reports"]')
    form.get_by_label("What does it say?").select_option("captured_reported")
    form.get_by_label("Observed on").fill("2026-10-30")
    form.get_by_label("What was said").fill("A photo from the hospital.")
    form.get_by_label("Photos, documents, screenshots, audio or video").set_input_files(
        files=[{"name": "hospital.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}]
    )
    form.get_by_role("button", name="Record report").click()
    thumbnail = page.locator('img[src$="/thumbnail"]').last
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 320  # loaded, small
    no_sideways_scroll(page)
    shot(page, "attachments-person-phone")
    page.get_by_role("link", name="Who looked at this case").click()
    expect(page.locator("[data-case-views] tbody tr").first).to_contain_text("you")
    no_sideways_scroll(page)
    shot(page, "case-views-phone")
    page.close()
