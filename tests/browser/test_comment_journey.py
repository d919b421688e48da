"""Staff discuss a practice; a colleague reports a comment; the CoP's facilitator hides it.

Three people, each in a browser of their own: Putri (``pembaca``, staff
outside the CoP) who comments, Budi (``rekan``, a member of CoP Layanan
Sirkulasi, who opened the discussion before the journey starts) who reports
her comment, and Dewi (``fasilitator``, its facilitator, so its moderator)
who hides it from the admin's "Moderasi komentar" queue. One of Putri's
comments is hostile input: it must show as text and run nothing, for her
and for Budi. The site is Indonesian; the admin's labels are looked up as
in ``review_steps``.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect
from wagtail.models import ModelLogEntry

from cop_pages.models import Comment, CommentReport, CommentState, Reaction

from .comment_steps import (
    COMMENT_HELPFUL,
    PAGE_HELPFUL,
    assert_discussion_holds_no_markup_from,
    assert_no_script_ran,
    comment,
    comment_count,
    discussion,
    expect_helpful,
    helpful_button,
    mark_helpful,
    reply_to,
    report,
    thread,
    write_comment,
)
from .conftest import COLLEAGUE_COMMENT
from .review_steps import (
    ADMIN_LANGUAGE,
    admin_text,
    log_in_to_admin,
    mail_to,
    photograph_admin,
)
from .steps import log_in, record_step

OWN_COMMENT = "Kami memasang kios serupa di perpustakaan cabang; panduan bergambar sangat membantu pemustaka."
REPLY = "Belum, tetapi jadwal ujian memang waktu yang tepat untuk mencobanya."
SCRIPT_TAG = "<script>window.__pwned=1</script>"
HOSTILE = (
    f'{SCRIPT_TAG}<img src=x onerror="window.__pwned=1">\n'
    'Buka javascript:window.__pwned=1 atau <a href="javascript:window.__pwned=1">tautan ini</a>'
)
REPORT_REASON = "Komentar ini berisi kode HTML, bukan pengalaman tentang kios swalayan."
HIDE_REASON = "Disembunyikan karena berisi kode, bukan diskusi. Silakan tulis ulang pengalaman Anda."


def admin_step(page: Page, name: str) -> None:
    photograph_admin(page, f"comments-{name}")


def admin_plural(singular: str, plural: str, count: int, **values: str) -> str:
    """Like ``admin_text``, for a message whose wording depends on ``count``."""
    with translation.override(ADMIN_LANGUAGE):
        return ngettext(singular, plural, count) % {"count": count, **values}


def open_practice(page: Page, url: str, title: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


@pytest.mark.browser
def test_staff_discuss_a_practice_and_a_moderator_hides_a_reported_comment(
    learning_content, reader, colleague_comment, page: Page, second_page: Page, third_page: Page
):
    practice = learning_content.practice
    users = get_user_model().objects
    colleague, moderator = users.get(username="rekan"), users.get(username="fasilitator")
    author_page, colleague_page, moderator_page = page, second_page, third_page
    mail.outbox.clear()

    # Putri logs in and opens the practice; Budi has started its discussion.
    page = author_page
    page.goto("/akun/masuk/")
    log_in(page, reader.username)
    expect(page).to_have_url(re.compile(r"/$"))
    open_practice(page, practice.url, practice.title)
    expect(comment(page, COLLEAGUE_COMMENT)).to_be_visible()
    expect(comment_count(page)).to_have_text("1 komentar")
    record_step(page, "comments-01-practice-discussion")

    # She posts a comment of her own through the form, then answers Budi.
    write_comment(page, OWN_COMMENT)
    own = Comment.objects.get(author=reader, body=OWN_COMMENT)
    expect(page).to_have_url(re.compile(rf"#komentar-{own.pk}$"))
    expect(comment(page, OWN_COMMENT)).to_be_visible()
    reply_to(page, COLLEAGUE_COMMENT, REPLY)
    reply = Comment.objects.get(author=reader, body=REPLY)
    assert (reply.parent, reply.state) == (colleague_comment, CommentState.VISIBLE)
    replies = thread(page, COLLEAGUE_COMMENT).get_by_role("list", name="Balasan", exact=True)
    expect(replies.get_by_role("article").filter(has_text=REPLY)).to_be_visible()
    expect(comment_count(page)).to_have_text("3 komentar")
    record_step(page, "comments-02-commented-and-replied")

    # Budi is told of the reply by email.
    (replied,) = [
        message
        for message in mail_to(colleague.email)
        if admin_text(
            "%(author)s replied to your comment on “%(page)s”",
            author=reader.get_full_name(),
            page=practice.title,
        )
        in message.subject
    ]
    assert REPLY in replied.body

    # She marks the page and Budi's comment "Bermanfaat": each count goes from 0 to 1.
    page_helpful = helpful_button(discussion(page), PAGE_HELPFUL)
    expect_helpful(page_helpful, pressed=False, count=0)
    mark_helpful(page_helpful, count_after=1)
    colleagues_helpful = helpful_button(comment(page, COLLEAGUE_COMMENT), COMMENT_HELPFUL)
    expect_helpful(colleagues_helpful, pressed=False, count=0)
    mark_helpful(colleagues_helpful, count_after=1)
    assert Reaction.objects.filter(user=reader, page=practice).count() == 1
    assert Reaction.objects.filter(user=reader, comment=colleague_comment).count() == 1
    record_step(page, "comments-03-marked-helpful")

    # She also posts hostile input: after the page loads again it shows as text and nothing ran.
    write_comment(page, HOSTILE)
    hostile = Comment.objects.get(author=reader, body=HOSTILE)
    assert_no_script_ran(page)
    assert_discussion_holds_no_markup_from(page)
    hostile_comment = comment(page, SCRIPT_TAG)
    expect(hostile_comment.locator(".comment__body")).to_have_text(HOSTILE.replace("\n", ""))
    assert hostile_comment.locator(".comment__body").inner_text() == HOSTILE
    # The marks survived the reload: the server counts them for her.
    expect_helpful(helpful_button(discussion(page), PAGE_HELPFUL), pressed=True, count=1)
    expect_helpful(helpful_button(comment(page, COLLEAGUE_COMMENT), COMMENT_HELPFUL), pressed=True, count=1)
    record_step(page, "comments-04-hostile-input-as-text")
    mail.outbox.clear()

    # Budi, in his own browser, sees the same harmless text and reports the comment.
    page = colleague_page
    page.goto("/akun/masuk/")
    log_in(page, colleague.username)
    expect(page).to_have_url(re.compile(r"/$"))
    open_practice(page, practice.url, practice.title)
    assert_no_script_ran(page)
    assert_discussion_holds_no_markup_from(page)
    expect(comment(page, SCRIPT_TAG).locator(".comment__body")).to_have_text(HOSTILE.replace("\n", ""))
    expect(comment_count(page)).to_have_text("4 komentar")
    report(page, SCRIPT_TAG, REPORT_REASON)
    assert_no_script_ran(page)
    record_step(page, "comments-05-colleague-reported")
    (open_report,) = CommentReport.objects.filter(comment=hostile)
    assert (open_report.reporter, open_report.reason, open_report.resolved_at) == (
        colleague,
        REPORT_REASON,
        None,
    )

    # Dewi, the CoP's facilitator, is told of the report by email.
    (reported,) = mail_to(moderator.email)
    assert admin_text("A comment on “%(page)s” was reported", page=practice.title) in reported.subject
    assert REPORT_REASON in reported.body
    mail.outbox.clear()

    # She opens the moderation queue from the admin menu: it lands on "Perlu ditangani".
    page = moderator_page
    log_in_to_admin(page, moderator.username)
    main_menu = page.get_by_role("navigation", name=admin_text("Main menu"), exact=True)
    queue_link = main_menu.get_by_role(
        "link", name=re.compile(rf"^{re.escape(admin_text('Comment moderation'))}")
    )
    expect(queue_link).to_have_accessible_name(
        admin_plural(
            "%(label)s: %(count)s comment needs attention",
            "%(label)s: %(count)s comments need attention",
            1,
            label=admin_text("Comment moderation"),
        )
    )
    queue_link.click()
    expect(page).to_have_url(re.compile(r"/admin/comment-moderation/\?state=attention$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(admin_text("Comment moderation"))
    rows = page.locator("#listing-results tbody").get_by_role("row")
    expect(rows).to_have_count(1)
    admin_step(page, "06-moderator-queue")

    # She narrows it to reported comments in the filter drawer.
    page.get_by_role("button", name=admin_text("Show filters")).click()
    # A filter's button reads its label and how many of its values are chosen ("Status 1").
    state_filter = re.compile(rf"^{re.escape(admin_text('State'))}(\s+\d+)?$")
    page.get_by_role("button", name=state_filter).click()
    expect(page.get_by_role("radio", name=admin_text("Needs attention"), exact=True)).to_be_checked()
    page.get_by_role("radio", name=admin_text("Reported"), exact=True).check()
    expect(page).to_have_url(re.compile(r"state=reported"))
    page.keyboard.press("Escape")
    row = rows.filter(has_text=SCRIPT_TAG)
    expect(rows).to_have_count(1)
    expect(row).to_contain_text(reader.get_full_name())
    expect(row).to_contain_text(admin_text("Reported"))
    expect(row).to_contain_text(REPORT_REASON)
    admin_step(page, "07-moderator-filters-reported")

    # She selects Putri's comment and hides it, giving the reason on the confirmation page.
    row.get_by_role("checkbox").check()
    page.get_by_role("link", name=admin_text("Hide the selected comments"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(admin_text("Hide"))
    expect(page.locator(f'[data-comments-to-moderate] [data-comment-id="{hostile.pk}"]')).to_be_visible()
    page.get_by_role("textbox", name=re.compile(rf"^{re.escape(admin_text('Reason'))}")).fill(HIDE_REASON)
    admin_step(page, "08-moderator-gives-reason")
    page.get_by_role("button", name=admin_text("Yes, hide"), exact=True).click()
    expect(
        page.get_by_role("status").filter(
            has_text=admin_plural("%(count)d comment hidden.", "%(count)d comments hidden.", 1)
        )
    ).to_be_visible()
    expect(rows).to_have_count(0)
    # Nothing needs her any more: the menu's count is gone.
    expect(queue_link).to_have_accessible_name(admin_text("Comment moderation"))
    admin_step(page, "09-moderator-hid-comment")
    hostile.refresh_from_db()
    assert (hostile.state, hostile.moderation_reason) == (CommentState.HIDDEN, HIDE_REASON)
    open_report.refresh_from_db()
    assert open_report.resolved_at is not None
    (logged,) = ModelLogEntry.objects.for_instance(hostile)
    assert (logged.action, logged.user, logged.data["reason"]) == (
        "cop_pages.comment.hide",
        moderator,
        HIDE_REASON,
    )

    # Putri, and only she, is told why by email.
    assert [message.to for message in mail.outbox] == [[reader.email]]
    (hidden,) = mail.outbox
    assert admin_text("Your comment on “%(page)s” was hidden", page=practice.title) in hidden.subject
    assert HIDE_REASON in hidden.body
    assert admin_text("Reason given by the moderator:") in hidden.body
    html = next(content for content, kind in hidden.alternatives if kind == "text/html")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html

    # Budi reloads the practice: Putri's hidden comment is gone, the rest of the discussion stays.
    page = colleague_page
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(practice.title)
    expect(discussion(page).get_by_text("window.__pwned")).to_have_count(0)
    expect(page.locator(f"#komentar-{hostile.pk}")).to_have_count(0)
    expect(comment(page, OWN_COMMENT)).to_be_visible()
    expect(comment(page, REPLY)).to_be_visible()
    expect(comment_count(page)).to_have_text("3 komentar")
    assert_no_script_ran(page)
    record_step(page, "comments-10-hidden-comment-gone")
