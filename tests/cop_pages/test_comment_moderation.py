"""The staff-comment moderation queue in the Wagtail admin ("Moderasi komentar").

Everything goes through the real admin views and Wagtail's bulk action URLs:
who sees which comments, the filters (CoP, state, date), approve / hide with
a reason / restore in bulk through ``cop_pages.comments.moderate``, the
moderation history with its labels, the menu badge, and a list page whose
number of queries does not grow with its rows.
"""

import datetime
import json
import re
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from cop_pages.comment_moderation import LIST_PER_PAGE, moderatable_comments, moderation_summary
from cop_pages.comments import edit_comment, post_comment, report_comment
from cop_pages.models import Comment, CommentReport, CommentState, CommentVersion, MembershipRole
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory
from tests.reading import indonesian

pytestmark = pytest.mark.django_db

INDEX = "/admin/comment-moderation/"
RESULTS = f"{INDEX}results/"
JAKARTA = ZoneInfo("Asia/Jakarta")


def action_url(action: str, *comments, next_url: str = INDEX) -> str:
    query = [("id", comment.pk) for comment in comments] + [("next", next_url)]
    return f"/admin/bulk/cop_pages/comment/{action}/?{urlencode(query)}"


def listed(client, url: str = INDEX, **filters) -> list[int]:
    response = client.get(url, filters)
    assert response.status_code == 200
    return [comment.pk for comment in response.context["object_list"]]


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def state_of(comment: Comment) -> str:
    comment.refresh_from_db()
    return comment.state


class World:
    """Two CoPs (A needs approval), a practice in each, every role, and an author per comment."""

    def __init__(self, learning_center_member, administrator, staff):
        self.cop_a = CommunityPageFactory(title="CoP Layanan Sirkulasi", comments_need_approval=True)
        self.cop_b = CommunityPageFactory(title="CoP Pengadaan Koleksi")
        self.practice_a = PracticePageFactory(parent=self.cop_a, title="Swalayan peminjaman")
        self.practice_b = PracticePageFactory(parent=self.cop_b, title="Pengadaan lewat katalog")
        self.moderator_a = self.member("fasilitator.a", self.cop_a, MembershipRole.FACILITATOR)
        self.moderator_b = self.member("fasilitator.b", self.cop_b, MembershipRole.FACILITATOR)
        self.contributor_a = self.member("kontributor.a", self.cop_a, MembershipRole.MEMBER)
        self.team = learning_center_member
        self.administrator = administrator
        self.staff = staff
        self.authors = 0

    @staticmethod
    def member(username, community, role):
        user = UserFactory(username=username)
        MembershipFactory(user=user, community=community, role=role)
        return user

    def author(self):
        self.authors += 1
        return UserFactory(username=f"penulis{self.authors}")

    def comment(self, page, body="Terima kasih, sangat membantu.", state=CommentState.VISIBLE, **fields):
        community = self.cop_a if page.path.startswith(self.cop_a.path) else self.cop_b
        return Comment.objects.create(
            page=page, community=community, author=self.author(), body=body, state=state, **fields
        )

    def report(self, comment, reason="Menyinggung rekan kerja."):
        return report_comment(self.author(), comment, reason)


@pytest.fixture
def world(home, learning_center_member, administrator, staff):
    return World(learning_center_member, administrator, staff)


# Who sees what ---------------------------------------------------------------


def test_each_role_sees_exactly_the_comments_it_moderates(client, world):
    in_a = [world.comment(world.practice_a, state=state) for state in CommentState.values]
    in_b = [world.comment(world.practice_b, state=state) for state in CommentState.values]
    deleted = world.comment(world.practice_a, deleted_at=timezone.now())

    expected = {
        world.moderator_a: in_a,
        world.moderator_b: in_b,
        world.team: in_a + in_b,
        world.administrator: in_a + in_b,
    }
    for user, comments in expected.items():
        client.force_login(user)
        assert sorted(listed(client)) == sorted(c.pk for c in comments), user.username
        assert deleted.pk not in listed(client)
        # The detail view opens for their own, and is "not found" for the others'.
        for comment in in_a + in_b:
            status = client.get(f"{INDEX}{comment.pk}/").status_code
            assert status == (200 if comment in comments else 404), (user.username, comment.pk)


def test_contributors_are_sent_back_and_staff_without_the_admin_are_sent_to_log_in(client, world):
    comment = world.comment(world.practice_a, state=CommentState.WAITING)

    client.force_login(world.contributor_a)
    assert client.get("/admin/").status_code == 200
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(f"{INDEX}{comment.pk}/").status_code == 404
    response = client.post(action_url("approve", comment))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"

    client.force_login(world.staff)
    for url in (INDEX, f"{INDEX}{comment.pk}/", action_url("approve", comment)):
        response = client.post(url) if "bulk" in url else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")

    assert state_of(comment) == CommentState.WAITING
    assert not ModelLogEntry.objects.filter(action__startswith="cop_pages.comment.").exists()


def test_a_moderator_of_b_cannot_act_on_a_even_with_crafted_ids(client, world):
    waiting_a = world.comment(world.practice_a, state=CommentState.WAITING)
    visible_a = world.comment(world.practice_a)
    hidden_a = world.comment(world.practice_a, state=CommentState.HIDDEN, moderation_reason="Iklan.")
    waiting_b = world.comment(world.practice_b, state=CommentState.WAITING)
    client.force_login(world.moderator_b)

    assert client.get(action_url("hide", visible_a)).status_code == 404
    for action, comment in (("approve", waiting_a), ("hide", visible_a), ("restore", hidden_a)):
        response = client.post(action_url(action, comment), {"reason": "Melanggar norma."})
        assert response.status_code == 404
    # One foreign id among their own refuses the whole request.
    response = client.post(action_url("approve", waiting_b, waiting_a))
    assert response.status_code == 404
    # Nor does "select all" or a malformed id reach anything.
    assert client.post(f"/admin/bulk/cop_pages/comment/approve/?id=all&next={INDEX}").status_code == 404
    assert client.post(f"/admin/bulk/cop_pages/comment/approve/?id=x{waiting_a.pk}").status_code == 404
    assert client.post("/admin/bulk/cop_pages/comment/approve/").status_code == 404

    assert [state_of(c) for c in (waiting_a, visible_a, hidden_a, waiting_b)] == [
        CommentState.WAITING,
        CommentState.VISIBLE,
        CommentState.HIDDEN,
        CommentState.WAITING,
    ]
    assert not ModelLogEntry.objects.filter(action__startswith="cop_pages.comment.").exists()
    # And filtering by CoP A's id shows nothing of A: the filter only offers their own CoPs.
    assert listed(client, community=world.cop_a.pk) == [waiting_b.pk]


def test_the_scope_is_the_same_for_the_code_as_for_the_pages(world):
    in_a = world.comment(world.practice_a)
    in_b = world.comment(world.practice_b)
    assert list(moderatable_comments(world.moderator_a)) == [in_a]
    assert list(moderatable_comments(world.moderator_b)) == [in_b]
    assert set(moderatable_comments(world.team)) == {in_a, in_b}
    assert not moderatable_comments(world.contributor_a).exists()
    assert not moderatable_comments(world.staff).exists()


# The rows --------------------------------------------------------------------


def test_a_row_shows_page_author_excerpt_state_reports_and_earlier_versions(client, world):
    older = world.comment(world.practice_a, created_at=timezone.now() - datetime.timedelta(days=2))
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> Halo'
    comment = post_comment(world.author(), world.practice_b, "Versi pertama")
    edit_comment(comment.author, comment, "Versi kedua")
    edit_comment(comment.author, comment, hostile)
    world.report(comment, "Berisi <b>tautan</b> aneh.")
    world.report(comment, "Spam.")

    client.force_login(world.team)
    response = client.get(INDEX)
    html = response.content.decode()
    assert listed(client) == [comment.pk, older.pk]  # newest first

    row = re.search(
        rf'<tr>\s*<td class="bulk-action-checkbox-cell">\s*<input[^>]*data-object-id="{comment.pk}".*?</tr>',
        html,
        re.S,
    ).group(0)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in row
    assert f'href="{world.practice_b.url}"' in row
    assert "Pengadaan lewat katalog" in row and "CoP Pengadaan Koleksi" in row
    assert comment.author.get_full_name() in row
    assert 'data-comment-state="reported"' in row
    assert "Berisi &lt;b&gt;tautan&lt;/b&gt; aneh." in row and "Spam." in row
    assert 'data-comment-versions="2"' in row
    assert f'href="{INDEX}{comment.pk}/#versions"' in row
    # Its "More" menu offers what applies to a reported comment: hide it, or restore it (closing the reports).
    for action, offered in (("approve", False), ("hide", True), ("restore", True)):
        assert (f"/admin/bulk/cop_pages/comment/{action}/?id={comment.pk}&amp;" in row) is offered, action

    detail = client.get(f"{INDEX}{comment.pk}/").content.decode()
    assert f"/admin/bulk/cop_pages/comment/hide/?id={comment.pk}&amp;" in detail
    versions = re.findall(r"<li data-comment-version.*?</li>", detail, re.S)
    assert len(versions) == 2
    assert "Versi kedua" in versions[0] and "Versi pertama" in versions[1]
    assert "&lt;script&gt;" in detail and "<script>alert" not in detail
    assert len(re.findall(r"<tr data-comment-report>", detail)) == 2


# Filters ---------------------------------------------------------------------


def test_the_state_filter_tells_reported_comments_from_visible_ones(client, world):
    waiting = world.comment(world.practice_a, state=CommentState.WAITING)
    hidden = world.comment(world.practice_a, state=CommentState.HIDDEN, moderation_reason="Iklan.")
    reported = world.comment(world.practice_a)
    world.report(reported)
    settled = world.comment(world.practice_a)  # reported once, the report since resolved
    CommentReport.objects.filter(pk=world.report(settled).pk).update(resolved_at=timezone.now())
    visible = world.comment(world.practice_a)

    client.force_login(world.moderator_a)
    for url in (INDEX, RESULTS):
        assert listed(client, url, state="reported") == [reported.pk]
        assert listed(client, url, state="waiting") == [waiting.pk]
        assert listed(client, url, state="hidden") == [hidden.pk]
        assert sorted(listed(client, url, state="visible")) == sorted([settled.pk, visible.pk])
        assert sorted(listed(client, url, state="attention")) == sorted([waiting.pk, reported.pk])
        assert len(listed(client, url)) == 5


def test_the_date_filter_takes_whole_local_days(client, world):
    def posted(year, month, day, hour, minute):
        return world.comment(
            world.practice_a, created_at=datetime.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)
        )

    before = posted(2026, 3, 9, 23, 59)
    first = posted(2026, 3, 10, 0, 0)
    last = posted(2026, 3, 12, 23, 59)
    after = posted(2026, 3, 13, 0, 1)

    client.force_login(world.moderator_a)
    window = {"created_at_from": "2026-03-10", "created_at_to": "2026-03-12"}
    assert listed(client, **window) == [last.pk, first.pk]
    assert listed(client, created_at_from="2026-03-13") == [after.pk]
    assert listed(client, created_at_to="2026-03-09") == [before.pk]


def test_the_team_filters_by_cop(client, world):
    in_a = world.comment(world.practice_a)
    in_b = world.comment(world.practice_b)
    client.force_login(world.team)
    assert listed(client, community=world.cop_a.pk) == [in_a.pk]
    assert listed(client, community=world.cop_b.pk) == [in_b.pk]


def test_moderators_search_the_text_and_the_author(client, world):
    about_shelves = world.comment(world.practice_a, body="Rak buku perlu dilabeli ulang.")
    world.comment(world.practice_a, body="Jadwal piket minggu depan.")
    world.comment(world.practice_b, body="Rak buku di gudang B.")
    client.force_login(world.moderator_a)
    assert listed(client, q="rak buku") == [about_shelves.pk]
    assert listed(client, q=about_shelves.author.username) == [about_shelves.pk]


# Actions ---------------------------------------------------------------------


def test_bulk_approve_makes_waiting_comments_visible(client, world):
    waiting = [post_comment(world.author(), world.practice_a, f"Usul ke-{n}") for n in range(3)]
    assert {c.state for c in waiting} == {CommentState.WAITING}
    already = world.comment(world.practice_a)
    client.force_login(world.moderator_a)

    confirm = client.get(action_url("approve", *waiting, already))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert re.findall(r"data-comments-to-moderate>(.*?)</ul>", html, re.S)[0].count("<li") == 3
    assert f'data-comment-id="{already.pk}"' in re.search(
        r"data-comments-skipped>.*?</ul>", html, re.S
    ).group(0)

    response = client.post(action_url("approve", *waiting, already, next_url=f"{INDEX}?state=waiting"))
    assert response.status_code == 302
    assert response["Location"] == f"{INDEX}?state=waiting"
    assert {state_of(c) for c in waiting + [already]} == {CommentState.VISIBLE}
    with translation.override("id"):
        expected = ngettext("%(count)d comment approved.", "%(count)d comments approved.", 3) % {"count": 3}
    assert messages_of(response) == [expected]
    entries = ModelLogEntry.objects.filter(action="cop_pages.comment.approve")
    assert sorted(int(e.object_id) for e in entries) == sorted(c.pk for c in waiting)
    assert {e.user for e in entries} == {world.moderator_a}


def test_hiding_needs_a_reason(client, world):
    comment = world.comment(world.practice_a)
    client.force_login(world.moderator_a)
    for reason in ("", "   "):
        response = client.post(action_url("hide", comment), {"reason": reason})
        assert response.status_code == 200
        assert (
            indonesian("Say why the comment is hidden: its author will read it.") in response.content.decode()
        )
    assert state_of(comment) == CommentState.VISIBLE
    assert not ModelLogEntry.objects.filter(action__startswith="cop_pages.comment.").exists()


def test_hide_then_restore_with_the_history_in_the_admin(client, world):
    comment = world.comment(world.practice_b, body="Beli saja dari toko saya!")
    world.report(comment, "Iklan.")
    client.force_login(world.moderator_b)

    response = client.post(action_url("hide", comment), {"reason": "Promosi dagang tidak sesuai norma CoP."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert comment.moderation_reason == "Promosi dagang tidak sesuai norma CoP."
    assert not comment.reports.filter(resolved_at=None).exists()
    assert listed(client, state="hidden") == [comment.pk]

    # Hiding again changes nothing: the confirmation says so and offers only "Go back".
    again = client.get(action_url("hide", comment)).content.decode()
    assert "data-comments-to-moderate" not in again and "data-comments-skipped" in again

    response = client.post(action_url("restore", comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.VISIBLE
    assert comment.moderation_reason == ""

    hide, restore = ModelLogEntry.objects.filter(object_id=str(comment.pk)).order_by("timestamp", "pk")
    assert (hide.action, hide.user, hide.data["reason"]) == (
        "cop_pages.comment.hide",
        world.moderator_b,
        "Promosi dagang tidak sesuai norma CoP.",
    )
    assert (restore.action, restore.user) == ("cop_pages.comment.restore", world.moderator_b)

    with translation.override("id"):
        hidden_message = gettext("%(action)s. Reason: %(reason)s") % {
            "action": gettext("Comment hidden"),
            "reason": "Promosi dagang tidak sesuai norma CoP.",
        }
        restored_message = gettext("Comment restored")
    detail = client.get(f"{INDEX}{comment.pk}/").content.decode()
    history = re.findall(
        r'<tr data-moderation-log="([^"]+)">\s*<td>(.*?)</td>\s*<td>(.*?)</td>', detail, re.S
    )
    assert history == [
        ("cop_pages.comment.restore", restored_message, world.moderator_b.get_full_name()),
        ("cop_pages.comment.hide", hidden_message, world.moderator_b.get_full_name()),
    ]


def test_restore_closes_the_reports_on_a_visible_comment(client, world):
    comment = world.comment(world.practice_a)
    world.report(comment)
    client.force_login(world.moderator_a)
    assert listed(client, state="reported") == [comment.pk]
    assert client.post(action_url("restore", comment)).status_code == 302
    assert listed(client, state="reported") == []
    assert state_of(comment) == CommentState.VISIBLE


def test_the_log_actions_have_labels_in_the_admins_history(client, world):
    comment = world.comment(world.practice_a)
    client.force_login(world.administrator)
    client.post(action_url("hide", comment), {"reason": "Data pribadi peminjam."})

    with translation.override("en"):
        assert log_action_registry.get_action_label("cop_pages.comment.approve") == "Comment approved"
        assert log_action_registry.get_action_label("cop_pages.comment.hide") == "Comment hidden"
        assert log_action_registry.get_action_label("cop_pages.comment.restore") == "Comment restored"
        entry = ModelLogEntry.objects.get(action="cop_pages.comment.hide")
        assert entry.message == "Comment hidden. Reason: Data pribadi peminjam."
        assert entry.comment == "Data pribadi peminjam."
        assert entry.user == world.administrator

    # Wagtail's site history report shows it, with the label, linked to the detail view.
    report = client.get("/admin/reports/site-history/").content.decode()
    assert indonesian("Comment hidden") in report
    assert f"{INDEX}{comment.pk}/" in report


# The menu --------------------------------------------------------------------


def sidebar_props(client) -> str:
    html = client.get("/admin/").content.decode()
    return re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    ).group(1)


def moderation_menu_item(client) -> dict | None:
    """The "Comment moderation" item of the admin menu, as the sidebar receives it."""

    def walk(node):
        if isinstance(node, dict):
            args = node.get("_args")
            if (
                node.get("_type") == "wagtail.sidebar.LinkMenuItem"
                and args[0]["name"] == "comment-moderation"
            ):
                return args[0]
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            return None
        for child in children:
            if found := walk(child):
                return found
        return None

    return walk(json.loads(sidebar_props(client)))


def test_the_menu_counts_what_waits_in_one_query(client, world, django_assert_num_queries):
    for _ in range(2):
        world.comment(world.practice_a, state=CommentState.WAITING)
    world.report(world.comment(world.practice_a))
    world.comment(world.practice_a, state=CommentState.WAITING, deleted_at=timezone.now())
    world.comment(world.practice_a, state=CommentState.HIDDEN)
    world.comment(world.practice_b, state=CommentState.WAITING)
    quiet_cop = CommunityPageFactory(title="CoP Tenang")
    quiet = World.member("fasilitator.tenang", quiet_cop, MembershipRole.FACILITATOR)

    expected = {
        world.moderator_a: (True, 3),
        world.moderator_b: (True, 1),
        world.team: (True, 4),
        world.administrator: (True, 4),
        quiet: (True, 0),
        world.contributor_a: (False, 0),
    }
    for user, summary in expected.items():
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            assert moderation_summary(fresh) == summary, user.username

    for user, (_moderates, waiting) in expected.items():
        client.force_login(user)
        item = moderation_menu_item(client)
        if user == world.contributor_a:
            assert item is None
            continue
        assert item["label"] == indonesian("Comment moderation")
        if waiting:
            assert item["attrs"]["data-comment-moderation-waiting"] == str(waiting)
            assert item["url"] == f"{INDEX}?state=attention"
        else:
            assert "data-comment-moderation-waiting" not in item["attrs"]
            assert item["url"] == INDEX


# Queries ---------------------------------------------------------------------


def fill_queue(world, count: int) -> None:
    authors = [world.author() for _ in range(5)]
    pages = [world.practice_a, PracticePageFactory(parent=world.cop_a)]
    comments = Comment.objects.bulk_create(
        Comment(
            page=pages[n % 2],
            community=world.cop_a,
            author=authors[n % 5],
            body=f"Komentar nomor {n}\nbaris kedua",
            state=[CommentState.VISIBLE, CommentState.WAITING, CommentState.HIDDEN][n % 3],
            created_at=timezone.now() - datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )
    CommentReport.objects.bulk_create(
        CommentReport(comment=comment, reporter=reporter, reason=f"Alasan {comment.pk}")
        for comment in comments[::2]
        for reporter in authors[:2]
    )
    CommentVersion.objects.bulk_create(
        CommentVersion(comment=comment, body="Teks lama", written_at=comment.created_at)
        for comment in comments[::3]
    )


def test_the_list_page_costs_the_same_number_of_queries_for_10_and_200_comments(client, world):
    users = {"moderator": world.moderator_a, "team": world.team, "administrator": world.administrator}

    def queries_per_user(expected_rows) -> dict[str, int]:
        counts = {}
        for name, user in users.items():
            client.force_login(user)
            client.get(INDEX)  # Warm-up: the process-wide caches (content types, site roots).
            with CaptureQueriesContext(connection) as queries:
                response = client.get(INDEX)
            assert response.status_code == 200
            assert response.content.decode().count("data-bulk-action-checkbox ") == expected_rows
            counts[name] = len(queries)
        return counts

    fill_queue(world, 10)
    small = queries_per_user(10)
    Comment.objects.all().delete()
    fill_queue(world, 200)
    large = queries_per_user(LIST_PER_PAGE)
    assert large == small
