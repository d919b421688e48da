"""A member documents a practice, the CoP's facilitator reviews it, and everyone can read it.

Three people, each in a browser of their own: Budi (``rekan``, a member of
CoP Layanan Sirkulasi, so a contributor), Dewi (``fasilitator``, its
facilitator, so a moderator) and Putri (``pembaca``, staff outside the
CoP). Wagtail's admin is used in Indonesian, its default here; see
``review_steps`` for how its labels are looked up.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from wagtail.models import WorkflowState

from cop_pages.models import PracticePage
from cop_pages.review_workflow import moderator_task_name, workflow_name

from .review_steps import (
    admin_message,
    admin_text,
    choose_page_action,
    editor_section,
    exactly,
    explore_from_sidebar,
    field_label,
    fill_rich_text,
    log_in_to_admin,
    mail_to,
    model_label,
    photograph_admin,
)
from .steps import log_in, record_step

DOCUMENTED_ON = timezone.localdate() - datetime.timedelta(days=3)
TITLE = "Antrean bernomor di meja sirkulasi"
SUMMARY = "Pemustaka mengambil nomor antrean sehingga meja sirkulasi tidak lagi penuh sesak."
PRACTICE = "Mesin nomor antrean dipasang di pintu masuk; petugas memanggil nomor berikutnya."
REASON = "Tolong tambahkan hasilnya: berapa lama pemustaka menunggu sekarang?"
RESULTS = "Waktu tunggu rata-rata turun dari 12 menjadi 4 menit."


def admin_step(page: Page, name: str) -> None:
    photograph_admin(page, f"review-{name}")


def workflow_status(practice: PracticePage) -> str:
    return WorkflowState.objects.for_instance(practice).latest("created_at").status


def on_dashboard(page: Page, panel: str) -> Locator:
    """The practice's link in one of the admin dashboard's workflow panels."""
    if not page.url.endswith("/admin/"):
        page.goto("/admin/")
    link = page.get_by_role("region", name=admin_text(panel)).get_by_role("link", name=TITLE, exact=True)
    expect(link).to_be_visible()
    return link


def title_field(page: Page) -> Locator:
    return page.get_by_role("textbox", name=exactly(field_label(PracticePage, "title")))


def open_in_editor(link: Locator) -> None:
    link.click()
    expect(title_field(link.page)).to_have_value(TITLE)


@pytest.mark.browser
def test_a_practice_is_reviewed_then_published(
    learning_content, reader, page: Page, second_page: Page, third_page: Page, settings
):
    # Wagtail 8 autosaves a new page half a second after typing stops; on a busy
    # machine that save races the submission below. The journey is about review.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    community = learning_content.community
    users = get_user_model().objects
    contributor, moderator = users.get(username="rekan"), users.get(username="fasilitator")
    contributor_page, moderator_page, reader_page = page, second_page, third_page

    # Budi logs in through our login page and finds his CoP in the admin's page explorer.
    page = contributor_page
    log_in_to_admin(page, contributor.username)
    admin_step(page, "01-contributor-dashboard")
    explore_from_sidebar(page, community)
    expect(page.get_by_role("heading", level=1)).to_contain_text(community.title)
    admin_step(page, "02-contributor-explores-cop")

    # He adds a good practice under it and fills in its sections.
    page.get_by_role("link", name=admin_text("Add child page")).click()
    page.get_by_role("link", name=model_label(PracticePage), exact=True).click()
    title_field(page).fill(TITLE)
    documented_on = editor_section(page, PracticePage, "documented_on").get_by_role("textbox")
    documented_on.fill(DOCUMENTED_ON.isoformat())
    documented_on.press("Escape")
    fill_rich_text(page, PracticePage, "summary", SUMMARY)
    fill_rich_text(page, PracticePage, "practice", PRACTICE)
    title_field(page).scroll_into_view_if_needed()
    admin_step(page, "03-contributor-writes")

    choose_page_action(
        page, admin_text("Submit to %(workflow_name)s", workflow_name=workflow_name(community))
    )
    expect(
        admin_message(page, "Page '%(page_title)s' created and submitted for moderation.", page_title=TITLE)
    ).to_be_visible()
    admin_step(page, "04-contributor-submitted")
    practice = PracticePage.objects.get(title=TITLE)
    assert practice.get_parent().pk == community.pk
    assert (practice.live, practice.owner, practice.documented_on) == (False, contributor, DOCUMENTED_ON)
    assert workflow_status(practice) == WorkflowState.STATUS_IN_PROGRESS

    # Dewi, the CoP's facilitator, is told by email.
    assert {address for message in mail.outbox for address in message.to} == {moderator.email}
    (submitted,) = mail_to(moderator.email)
    assert TITLE in submitted.subject
    assert f"/admin/pages/{practice.pk}/edit/" in submitted.body
    mail.outbox.clear()

    # She opens it from "awaiting your review" and requests changes, saying why.
    page = moderator_page
    log_in_to_admin(page, moderator.username)
    awaiting = on_dashboard(page, "Awaiting your review")
    admin_step(page, "05-moderator-dashboard")
    open_in_editor(awaiting)
    admin_step(page, "06-moderator-reviews")
    choose_page_action(page, admin_text("Request changes"))
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name=admin_text("Comment")).fill(REASON)
    admin_step(page, "07-moderator-requests-changes")
    dialog.get_by_role("button", name=admin_text("Request changes"), exact=True).click()
    expect(admin_message(page, "Page '%(page_title)s' has been updated.", page_title=TITLE)).to_be_visible()
    admin_step(page, "08-moderator-requested-changes")
    assert workflow_status(practice) == WorkflowState.STATUS_NEEDS_CHANGES

    # Budi gets her reason by email, adds the results and resubmits.
    (rejected,) = mail_to(contributor.email)
    assert TITLE in rejected.subject
    assert REASON in rejected.body
    mail.outbox.clear()
    page = contributor_page
    in_workflow = on_dashboard(page, "Your pages and snippets in a workflow")
    admin_step(page, "09-contributor-dashboard")
    open_in_editor(in_workflow)
    fill_rich_text(page, PracticePage, "results", RESULTS)
    admin_step(page, "10-contributor-revises")
    choose_page_action(
        page, admin_text("Resubmit to %(task_name)s", task_name=moderator_task_name(community))
    )
    expect(
        admin_message(page, "Page '%(page_title)s' has been submitted for moderation.", page_title=TITLE)
    ).to_be_visible()
    admin_step(page, "11-contributor-resubmitted")
    assert workflow_status(practice) == WorkflowState.STATUS_IN_PROGRESS
    (resubmitted,) = mail_to(moderator.email)
    assert TITLE in resubmitted.subject
    mail.outbox.clear()

    # Dewi approves: no other task applies to an ordinary practice, so it is published.
    page = moderator_page
    open_in_editor(on_dashboard(page, "Awaiting your review"))
    expect(page.get_by_text(RESULTS)).to_be_visible()
    admin_step(page, "12-moderator-reviews-again")
    choose_page_action(page, admin_text("Approve"))
    expect(admin_message(page, "Page '%(page_title)s' has been updated.", page_title=TITLE)).to_be_visible()
    admin_step(page, "13-moderator-approved")
    practice.refresh_from_db()
    assert practice.live
    assert workflow_status(practice) == WorkflowState.STATUS_APPROVED
    assert RESULTS in practice.results
    (approved,) = mail_to(contributor.email)
    assert TITLE in approved.subject
    assert practice.url in approved.body

    # Putri, staff outside the CoP, finds it on Pusat Belajar's home and on the CoP.
    page = reader_page
    page.goto("/akun/masuk/")
    log_in(page, reader.username)
    expect(page).to_have_url(re.compile(r"/$"))
    latest = page.get_by_role("region", name="Praktik terbaru")
    expect(latest.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    record_step(page, "review-14-home-lists-practice")
    communities = page.get_by_role("region", name="Komunitas praktik")
    communities.get_by_role("link", name=community.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(community.title)
    latest = page.get_by_role("region", name="Praktik terbaru")
    expect(latest.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    record_step(page, "review-15-community-lists-practice")
    latest.get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(practice.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    for text in (SUMMARY, PRACTICE, RESULTS):
        expect(page.get_by_text(text)).to_be_visible()
    record_step(page, "review-16-practice-live")
