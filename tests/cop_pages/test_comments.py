"""The staff discussion through HTTP: every rule of the issue, as a reader meets it."""

import datetime
import json
import re
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from cop_pages.comments import post_comment
from cop_pages.models import Comment, CommentReport, CommentState, CommentVersion, Reaction
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)
from tests.reading import indonesian, text_of

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC)


def page_text(response) -> str:
    return text_of(response.content.decode())


def discussion_of(response) -> str:
    """The HTML of the Diskusi section."""
    html = response.content.decode()
    match = re.search(r'<section class="section discussion".*?</section>', html, re.S)
    assert match, "no discussion section"
    return match.group(0)


def comment_html(response, comment: Comment) -> str:
    match = re.search(
        rf'<article class="comment[^"]*" id="komentar-{comment.pk}">.*?</article>',
        response.content.decode(),
        re.S,
    )
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(0)


def field_error(response, field_id: str) -> str:
    match = re.search(
        rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', response.content.decode(), re.S
    )
    assert match, f"no error next to {field_id}"
    return unescape(match.group(1))


def textarea_text(response, field_id: str) -> str:
    match = re.search(rf'<textarea id="{field_id}"[^>]*>\n(.*?)</textarea>', response.content.decode(), re.S)
    assert match, f"no textarea {field_id}"
    return unescape(match.group(1))


def post_url(page) -> str:
    return f"/komentar/halaman/{page.pk}/kirim/"


def page_helpful_url(page) -> str:
    return f"/komentar/halaman/{page.pk}/bermanfaat/"


def comment_url(comment: Comment, action: str) -> str:
    return f"/komentar/{comment.pk}/{action}/"


COMMENT_ACTIONS = ("balas", "sunting", "hapus", "laporkan", "bermanfaat")


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="layanan-sirkulasi")


@pytest.fixture
def practice(community):
    return PracticePageFactory(parent=community, title="Swalayan peminjaman", slug="swalayan")


@pytest.fixture
def colleague(db):
    return UserFactory(username="budi", first_name="Budi", last_name="Santoso")


def login(client, user):
    client.force_login(user)
    return client


# Posting and replying --------------------------------------------------------


def test_staff_posts_a_comment_and_comes_back_to_it(staff_client, staff, practice):
    response = staff_client.post(post_url(practice), {"body": "Kami juga memakai kios mandiri."})

    comment = Comment.objects.get()
    assert comment.author == staff and comment.page_id == practice.pk
    assert comment.state == CommentState.VISIBLE
    assert response.status_code == 302
    assert response["Location"] == f"{practice.url}#komentar-{comment.pk}"
    page = staff_client.get(response["Location"])
    assert indonesian("Your comment is posted.") in page_text(page)
    shown = comment_html(page, comment)
    assert "Kami juga memakai kios mandiri." in text_of(shown)
    assert f'<time datetime="{timezone.localtime(comment.created_at):%Y-%m-%dT%H:%M:%S%z}">' in shown
    assert staff.get_full_name() in text_of(shown)


@pytest.mark.parametrize("page_type", ["practice", "meeting", "community"])
def test_every_discussion_page_type_takes_comments(staff_client, community, page_type):
    page = {
        "practice": lambda: PracticePageFactory(parent=community),
        "meeting": lambda: MeetingPageFactory(parent=community),
        "community": lambda: community,
    }[page_type]()

    assert 'id="komentar-baru"' in staff_client.get(page.url).content.decode()
    staff_client.post(post_url(page), {"body": "Catatan yang berguna."})

    assert Comment.objects.get().page_id == page.pk
    assert "Catatan yang berguna." in text_of(discussion_of(staff_client.get(page.url)))


def test_replies_stay_one_level_deep(client, staff, colleague, practice):
    first = post_comment(staff, practice, "Pertanyaan awal")
    login(client, colleague)
    client.post(comment_url(first, "balas"), {"body": "Balasan pertama"})
    reply = Comment.objects.get(body="Balasan pertama")
    login(client, staff)
    client.post(comment_url(reply, "balas"), {"body": "Balasan atas balasan"})

    second_reply = Comment.objects.get(body="Balasan atas balasan")
    assert reply.parent == first and second_reply.parent == first
    html = discussion_of(client.get(practice.url))
    replies = re.search(r'<ol class="comment-list comment-list--replies".*?</ol>', html, re.S).group(0)
    assert "Balasan pertama" in replies and "Balasan atas balasan" in replies
    # The answer to a reply says whom it answers.
    with translation.override("id"):
        answer = gettext("in answer to %(name)s") % {"name": colleague.get_full_name()}
    assert answer in text_of(replies)
    # One reply form per thread, under the top-level comment only.
    assert f'action="{comment_url(first, "balas")}"' in html
    assert f'action="{comment_url(reply, "balas")}"' not in html


def test_the_thread_is_oldest_first_with_the_count(staff_client, staff, colleague, practice):
    with time_machine.travel(START, tick=False):
        older = post_comment(colleague, practice, "Komentar lama")
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        post_comment(staff, practice, "Balasan", parent=older)
        post_comment(staff, practice, "Komentar baru")

    html = text_of(discussion_of(staff_client.get(practice.url)))

    assert html.index("Komentar lama") < html.index("Balasan") < html.index("Komentar baru")
    with translation.override("id"):
        assert translation.ngettext("%(counter)s comment", "%(counter)s comments", 3) % {"counter": 3} in html


# Editing ---------------------------------------------------------------------


def test_the_author_edits_within_15_minutes_and_earlier_text_is_kept(client, staff, practice):
    login(client, staff)
    with time_machine.travel(START, tick=False):
        comment = post_comment(staff, practice, "Teks pertama")
    with time_machine.travel(START + datetime.timedelta(minutes=14), tick=False):
        assert 'id="sunting-' in comment_html(client.get(practice.url), comment)
        response = client.post(comment_url(comment, "sunting"), {"body": "Teks yang diperbaiki"})

        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.body == "Teks yang diperbaiki"
        assert list(CommentVersion.objects.values_list("body", flat=True)) == ["Teks pertama"]
        shown = text_of(comment_html(client.get(practice.url), comment))
    assert "Teks yang diperbaiki" in shown
    assert f"({indonesian('edited')})" in shown


def test_after_15_minutes_the_edit_is_refused_and_the_text_comes_back(client, staff, practice):
    login(client, staff)
    with time_machine.travel(START, tick=False):
        comment = post_comment(staff, practice, "Teks pertama")
    with time_machine.travel(START + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert 'id="sunting-' not in comment_html(client.get(practice.url), comment)
        response = client.post(comment_url(comment, "sunting"), {"body": "Terlambat diperbaiki"})

    assert response.status_code == 200
    assert field_error(response, f"sunting-{comment.pk}") == indonesian(
        "A comment can be edited for 15 minutes after posting."
    )
    assert textarea_text(response, f"sunting-{comment.pk}") == "Terlambat diperbaiki"
    comment.refresh_from_db()
    assert comment.body == "Teks pertama" and comment.edited_at is None


def test_only_the_author_edits_or_deletes(client, staff, colleague, practice):
    comment = post_comment(staff, practice, "Milik staf")
    login(client, colleague)

    assert 'id="sunting-' not in comment_html(client.get(practice.url), comment)
    edited = client.post(comment_url(comment, "sunting"), {"body": "Diubah orang lain"})
    deleted = client.post(comment_url(comment, "hapus"), follow=True)

    assert indonesian("Only its author can edit a comment.") in page_text(edited)
    assert indonesian("Only its author can delete a comment.") in page_text(deleted)
    comment.refresh_from_db()
    assert comment.body == "Milik staf" and comment.deleted_at is None


# Deleting --------------------------------------------------------------------


def test_a_deleted_comment_leaves_a_placeholder_and_its_replies(client, staff, colleague, practice):
    comment = post_comment(staff, practice, "Akan dihapus")
    post_comment(colleague, practice, "Balasan tetap terbaca", parent=comment)
    login(client, staff)

    response = client.post(comment_url(comment, "hapus"))

    assert response.status_code == 302
    assert response["Location"] == f"{practice.url}#komentar-{comment.pk}"
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    page = client.get(practice.url)
    placeholder = text_of(comment_html(page, comment))
    assert placeholder == indonesian("comment deleted")
    assert "Akan dihapus" not in page_text(page)
    assert "Balasan tetap terbaca" in text_of(discussion_of(page))


# Bermanfaat ------------------------------------------------------------------


def helpful_button(html: str, action: str) -> str:
    match = re.search(
        rf'<form class="helpful" method="post" action="{re.escape(action)}".*?</form>', html, re.S
    )
    assert match, f"no helpful button for {action}"
    return match.group(0)


def test_the_page_helpful_toggle(staff_client, colleague, practice):
    Reaction.objects.create(user=colleague, page=practice)
    action = page_helpful_url(practice)

    response = staff_client.post(action)

    assert response.status_code == 302
    assert response["Location"] == f"{practice.url}#bermanfaat"
    button = helpful_button(staff_client.get(practice.url).content.decode(), action)
    assert 'aria-pressed="true"' in button and "(2)" in text_of(button).replace(" ", "")
    staff_client.post(action)
    button = helpful_button(staff_client.get(practice.url).content.decode(), action)
    assert 'aria-pressed="false"' in button and "(1)" in text_of(button).replace(" ", "")
    assert Reaction.objects.filter(page=practice).count() == 1


def test_the_comment_helpful_toggle(staff_client, staff, colleague, practice):
    comment = post_comment(colleague, practice, "Sangat membantu")
    action = comment_url(comment, "bermanfaat")

    response = staff_client.post(action)

    assert response["Location"] == f"{practice.url}#komentar-{comment.pk}"
    button = helpful_button(staff_client.get(practice.url).content.decode(), action)
    assert 'aria-pressed="true"' in button and "(1)" in text_of(button).replace(" ", "")
    answer = staff_client.post(action, headers={"Accept": "application/json"})
    assert json.loads(answer.content) == {"pressed": False, "count": 0}
    assert not Reaction.objects.filter(comment=comment).exists()


# Reporting -------------------------------------------------------------------


def test_a_comment_is_reported_with_a_reason(staff_client, staff, colleague, practice):
    comment = post_comment(colleague, practice, "Komentar bermasalah")

    response = staff_client.post(comment_url(comment, "laporkan"), {"reason": "Berisi data pribadi"})

    assert response["Location"] == f"{practice.url}#komentar-{comment.pk}"
    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, staff, "Berisi data pribadi")
    assert indonesian("Thank you. The moderators of this CoP will look at the comment.") in page_text(
        staff_client.get(practice.url)
    )


def test_a_report_without_a_reason_is_refused_next_to_its_field(staff_client, colleague, practice):
    comment = post_comment(colleague, practice, "Komentar bermasalah")

    response = staff_client.post(comment_url(comment, "laporkan"), {"reason": "   "})

    assert response.status_code == 200
    assert field_error(response, f"laporkan-{comment.pk}") == indonesian("Say why you report this comment.")
    assert re.search(
        r'<details class="comment-tool" open>\s*<summary>[^<]*</summary>\s*<form[^>]*laporkan',
        response.content.decode(),
    )
    assert not CommentReport.objects.exists()


# Pre-moderation and hidden comments -----------------------------------------


def test_with_pre_moderation_only_the_author_sees_a_waiting_comment(client, staff, colleague, home):
    community = CommunityPageFactory(title="CoP Dimoderasi", comments_need_approval=True)
    practice = PracticePageFactory(parent=community)
    login(client, staff)

    response = client.post(post_url(practice), {"body": "Menunggu persetujuan"}, follow=True)

    comment = Comment.objects.get()
    assert comment.state == CommentState.WAITING
    assert indonesian("Your comment is sent. It appears once a moderator approves it.") in page_text(response)
    shown = text_of(comment_html(response, comment))
    assert "Menunggu persetujuan" in shown and indonesian("awaiting moderation") in shown
    login(client, colleague)
    other = client.get(practice.url)
    assert "Menunggu persetujuan" not in page_text(other)
    assert f'id="komentar-{comment.pk}"' not in other.content.decode()
    # Nor can anyone else reach it by its URLs.
    assert client.post(comment_url(comment, "laporkan"), {"reason": "x"}).status_code == 404


def test_a_hidden_comment_is_shown_to_nobody(client, staff, colleague, practice, learning_center_member):
    comment = post_comment(colleague, practice, "Disembunyikan moderator")
    post_comment(staff, practice, "Balasan di utas tersembunyi", parent=comment)
    Comment.objects.filter(pk=comment.pk).update(state=CommentState.HIDDEN, moderation_reason="Data pribadi")

    for user in (staff, colleague, learning_center_member):
        html = login(client, user).get(practice.url).content.decode()
        assert "Disembunyikan moderator" not in html
        assert "Balasan di utas tersembunyi" not in html
        assert client.post(comment_url(comment, "bermanfaat")).status_code == 404


# Comments turned off ---------------------------------------------------------


def test_with_comments_off_there_is_no_form_and_a_post_is_refused(staff_client, community):
    practice = PracticePageFactory(parent=community, comments_enabled=False)

    page = staff_client.get(practice.url)
    response = staff_client.post(post_url(practice), {"body": "Tetap mencoba"})

    assert 'id="komentar-baru"' not in page.content.decode()
    assert indonesian("Comments are turned off on this page.") in page_text(page)
    assert response.status_code == 200
    assert indonesian("Comments are turned off on this page.") in page_text(response)
    assert not Comment.objects.exists()


# Limits: the message comes next to the field with the text kept -------------


def test_an_empty_comment_is_refused_next_to_the_field(staff_client, practice):
    response = staff_client.post(post_url(practice), {"body": "  \n  "})

    assert response.status_code == 200
    assert field_error(response, "komentar-isi") == indonesian("Write something before sending.")
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Comment.objects.exists()


def test_a_5001_character_comment_is_refused_and_the_text_kept(staff_client, practice):
    body = "panjang " * 625 + "x"
    assert len(body) == 5_001

    response = staff_client.post(post_url(practice), {"body": body})

    assert response.status_code == 200
    with translation.override("id"):
        expected = gettext("A comment can be at most %(limit)s characters; this one has %(length)s.") % {
            "limit": "5.000",
            "length": "5.001",
        }
    assert field_error(response, "komentar-isi") == expected
    assert textarea_text(response, "komentar-isi") == body
    assert not Comment.objects.exists()


def test_a_5000_character_comment_is_accepted(staff_client, practice):
    staff_client.post(post_url(practice), {"body": "a" * 5_000})
    assert len(Comment.objects.get().body) == 5_000


def test_the_sixth_comment_in_a_minute_is_refused_and_the_text_kept(staff_client, practice):
    with time_machine.travel(START, tick=False):
        for number in range(5):
            assert staff_client.post(post_url(practice), {"body": f"Komentar {number}"}).status_code == 302
        response = staff_client.post(post_url(practice), {"body": "Yang keenam"})

    assert response.status_code == 200
    with translation.override("id"):
        expected = gettext(
            "You have posted %(count)s comments in the last minute; wait a moment and send it again."
        ) % {"count": 5}
    assert field_error(response, "komentar-isi") == expected
    assert textarea_text(response, "komentar-isi") == "Yang keenam"
    assert Comment.objects.count() == 5
    with time_machine.travel(START + datetime.timedelta(minutes=1, seconds=1), tick=False):
        assert staff_client.post(post_url(practice), {"body": "Yang keenam"}).status_code == 302


def test_a_refused_reply_comes_back_open_with_its_text(staff_client, colleague, practice):
    comment = post_comment(colleague, practice, "Pertanyaan")

    response = staff_client.post(comment_url(comment, "balas"), {"body": ""})

    assert field_error(response, f"balas-{comment.pk}") == indonesian("Write something before sending.")
    assert re.search(r'<details class="comment-tool comment-tool--reply" open>', response.content.decode())


# Methods, CSRF and private CoPs ---------------------------------------------


def test_only_post_changes_anything(staff_client, staff, practice):
    comment = post_comment(staff, practice, "Tetap")

    for url in [post_url(practice), page_helpful_url(practice)] + [
        comment_url(comment, action) for action in COMMENT_ACTIONS
    ]:
        assert staff_client.get(url).status_code == 405, url
        assert staff_client.put(url).status_code == 405, url
    comment.refresh_from_db()
    assert comment.deleted_at is None and Comment.objects.count() == 1 and not Reaction.objects.exists()


def test_every_form_needs_the_csrf_token(staff, practice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    assert client.post(post_url(practice), {"body": "Tanpa token"}).status_code == 403
    comment = post_comment(staff, practice, "Sudah ada")
    html = client.get(practice.url).content.decode()
    forms = re.findall(r'<form [^>]*method="post" action="/komentar/.*?</form>', html, re.S)
    assert len(forms) == 6  # the page's helpful button, the comment's own, edit, delete, reply, new comment
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form) for form in forms]
    assert all(tokens)
    token = tokens[0].group(1)
    assert client.post(comment_url(comment, "bermanfaat"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert (
        client.post(post_url(practice), {"body": "Dengan token", "csrfmiddlewaretoken": token}).status_code
        == 302
    )
    assert Comment.objects.filter(body="Dengan token").exists()


def test_an_outsider_gets_404_from_every_url_of_a_private_cop(client, staff, home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    practice = PracticePageFactory(parent=private, title="Praktik tertutup")
    member = MembershipFactory(community=private).user
    comment = post_comment(member, practice, "Rahasia divisi")
    post_comment(member, private, "Di halaman CoP")
    login(client, staff)

    for page in (practice, private):
        for url in (post_url(page), page_helpful_url(page)):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"body": "Mengintip"}).status_code == 404, url
    for action in COMMENT_ACTIONS:
        url = comment_url(comment, action)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "Mengintip", "reason": "x"}).status_code == 404, url
    assert Comment.objects.count() == 2 and not Reaction.objects.exists()
    assert not CommentReport.objects.exists()
    # The member, though, reaches it.
    login(client, member)
    assert client.post(comment_url(comment, "bermanfaat")).status_code == 302


def test_an_outsider_home_shows_no_count_of_a_private_cop(client, staff, home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    practice = PracticePageFactory(parent=private, title="Praktik tertutup")
    member = MembershipFactory(community=private).user
    for number in range(3):
        post_comment(member, practice, f"Rahasia {number}")
    open_practice = PracticePageFactory(
        parent=CommunityPageFactory(title="CoP Terbuka"), title="Praktik terbuka"
    )
    post_comment(staff, open_practice, "Terbuka untuk semua")

    outsider = login(client, staff).get(home.url)
    insider = login(client, member).get(home.url)

    assert outsider.context["comment_total"] == 1
    assert [c.body for c in outsider.context["latest_discussions"]] == ["Terbuka untuk semua"]
    assert "Rahasia" not in page_text(outsider) and "Praktik tertutup" not in page_text(outsider)
    assert insider.context["comment_total"] == 4
    assert "Praktik tertutup" in page_text(insider)


def test_a_draft_page_takes_no_comment(staff_client, community):
    practice = PracticePageFactory(parent=community, live=False)

    assert staff_client.post(post_url(practice), {"body": "Draf"}).status_code == 404
    assert not Comment.objects.exists()


def test_an_unknown_comment_or_page_is_404(staff_client, home):
    assert staff_client.post("/komentar/halaman/999999/kirim/", {"body": "x"}).status_code == 404
    assert staff_client.post("/komentar/999999/balas/", {"body": "x"}).status_code == 404
    # Pusat Belajar itself has no discussion.
    assert staff_client.post(page_helpful_url(home)).status_code == 404
    assert staff_client.post(post_url(home), {"body": "x"}).status_code == 404
    assert not Reaction.objects.exists()


# Counts and latest discussions -------------------------------------------------


def test_the_community_page_counts_and_lists_its_latest_discussions(staff_client, staff, community):
    practice = PracticePageFactory(parent=community, title="Swalayan peminjaman")
    meeting = MeetingPageFactory(parent=community, title="Pertemuan Maret")
    with time_machine.travel(START, tick=False):
        for number in range(4):
            post_comment(staff, practice, f"Tentang praktik {number}")
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        post_comment(staff, meeting, "Tentang pertemuan")
        deleted = post_comment(staff, meeting, "Dihapus")
    Comment.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    other = PracticePageFactory(parent=CommunityPageFactory(title="CoP Lain"))
    post_comment(staff, other, "Di CoP lain")

    response = staff_client.get(community.url)

    assert response.context["community_comment_total"] == 5
    latest = response.context["community_discussions"]
    assert [c.body for c in latest] == ["Tentang pertemuan"] + [f"Tentang praktik {n}" for n in (3, 2, 1, 0)]
    assert latest[0].page_comment_count == 1 and latest[1].page_comment_count == 4
    html = response.content.decode()
    assert f'href="{meeting.url}#komentar-' in html


def test_the_home_page_lists_the_five_newest_discussions(staff_client, staff, community):
    practice = PracticePageFactory(parent=community, title="Swalayan peminjaman")
    for minute in range(7):
        with time_machine.travel(START + datetime.timedelta(minutes=minute), tick=False):
            post_comment(staff, practice, f"Komentar {minute}")

    response = staff_client.get(community.get_parent().url)

    assert [c.body for c in response.context["latest_discussions"]] == [
        f"Komentar {n}" for n in (6, 5, 4, 3, 2)
    ]
    assert response.context["comment_total"] == 7
    assert "Swalayan peminjaman" in page_text(response)
