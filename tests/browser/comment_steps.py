"""What people do in a page's staff discussion, in the words the site shows them (Indonesian).

The discussion is the region "Diskusi" at the foot of a practice, meeting
or CoP page; each comment is an ``article`` in it, found by its text as a
reader finds it. The "Bermanfaat" buttons are told apart by their titles.
"""

import re

from playwright.sync_api import Locator, Page, expect

PAGE_HELPFUL = "Halaman ini bermanfaat bagi saya"
COMMENT_HELPFUL = "Komentar ini bermanfaat bagi saya"
POSTED = "Komentar Anda telah dikirim."
REPORTED = "Terima kasih. Moderator CoP ini akan memeriksa komentar tersebut."


def discussion(page: Page) -> Locator:
    return page.get_by_role("region", name="Diskusi", exact=True)


def comment(page: Page, text: str) -> Locator:
    """The comment (its ``article``) whose text contains ``text``."""
    return discussion(page).get_by_role("article").filter(has_text=text)


def thread(page: Page, text: str) -> Locator:
    """The thread a top-level comment opens: the comment, its replies and its reply form."""
    opening = page.get_by_role("article").filter(has_text=text)
    return discussion(page).get_by_role("listitem").filter(has=opening)


def site_message(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def comment_count(page: Page) -> Locator:
    return discussion(page).get_by_text(re.compile(r"^\d+ komentar$"))


def write_comment(page: Page, text: str) -> None:
    """Fill "Komentar Anda" at the foot of the discussion and send it (a full page load)."""
    form = discussion(page)
    form.get_by_label("Komentar Anda", exact=True).fill(text)
    form.get_by_role("button", name="Kirim komentar", exact=True).click()
    expect(site_message(page, POSTED)).to_be_visible()


def reply_to(page: Page, text_of_comment: str, reply: str) -> None:
    answered = thread(page, text_of_comment)
    answered.get_by_text("Balas", exact=True).click()
    answered.get_by_label("Balasan Anda", exact=True).fill(reply)
    answered.get_by_role("button", name="Kirim balasan", exact=True).click()
    expect(site_message(page, POSTED)).to_be_visible()


def report(page: Page, text_of_comment: str, reason: str) -> None:
    reported = comment(page, text_of_comment)
    reported.get_by_text("Laporkan", exact=True).click()
    reported.get_by_label("Mengapa moderator perlu memeriksa komentar ini?", exact=True).fill(reason)
    reported.get_by_role("button", name="Kirim laporan", exact=True).click()
    expect(site_message(page, REPORTED)).to_be_visible()


def helpful_button(scope: Locator | Page, title: str) -> Locator:
    return scope.get_by_title(title, exact=True).and_(scope.get_by_role("button"))


def expect_helpful(button: Locator, *, pressed: bool, count: int) -> None:
    """The button's state as a screen reader hears it: pressed or not, and the count."""
    expect(button).to_have_attribute("aria-pressed", "true" if pressed else "false")
    expect(button).to_have_accessible_name(re.compile(rf"^Bermanfaat\s*\(\s*{count}\s*\)$"))


def mark_helpful(button: Locator, *, count_after: int) -> None:
    """Press an unpressed "Bermanfaat" button; the page's script updates it in place."""
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect_helpful(button, pressed=True, count=count_after)


def assert_no_script_ran(page: Page) -> None:
    """Nothing a comment said ran: the hostile comment sets ``window.__pwned`` if it does."""
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None, f"a comment's script ran on {page.url}"


def assert_discussion_holds_no_markup_from(page: Page) -> None:
    """No element a comment could have smuggled in exists in the discussion."""
    section = discussion(page)
    expect(section.locator("script")).to_have_count(0)
    expect(section.locator("img")).to_have_count(0)
    expect(section.locator("[onerror]")).to_have_count(0)
    expect(section.locator('a[href^="javascript:" i]')).to_have_count(0)
