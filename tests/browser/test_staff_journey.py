"""A member of staff logs in, joins a CoP and reads one of its practices in English."""

import re

import pytest
from playwright.sync_api import Page, expect

from cop_pages.models import Membership

from .steps import log_in, overflowing_boxes, record_step

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_staff_join_a_cop_and_read_a_practice_in_english(learning_content, reader, page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/$"))
    record_step(page, "01-login")

    log_in(page, reader.username)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pusat Belajar")
    for community in learning_content.public_communities:
        expect(page.get_by_role("link", name=community.title, exact=True)).to_be_visible()
    expect(page.get_by_text(learning_content.private_community.title)).to_have_count(0)
    record_step(page, "02-home")

    page.get_by_role("link", name="CoP Layanan Sirkulasi", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CoP Layanan Sirkulasi")
    record_step(page, "03-community")

    page.get_by_role("button", name="Gabung").click()
    expect(page.get_by_role("status")).to_contain_text("Anda sekarang anggota CoP Layanan Sirkulasi.")
    expect(page.get_by_role("button", name="Gabung")).to_have_count(0)
    assert Membership.objects.filter(user=reader, community=learning_content.community).exists()
    record_step(page, "04-community-joined")

    page.get_by_role("link", name="Swalayan peminjaman", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Swalayan peminjaman")
    record_step(page, "05-practice")

    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(learning_content.english_practice.url) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Self-service loans")
    expect(page.get_by_text("Library members borrow at a self-service kiosk.")).to_be_visible()
    record_step(page, "06-practice-english")


@pytest.mark.browser
def test_pusat_belajar_fits_a_phone(learning_content, logged_in_page: Page):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("link", name="CoP Layanan Sirkulasi", exact=True)).to_be_visible()
    record_step(page, "07-home-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "page scrolls sideways"
    assert overflowing_boxes(page) == []
