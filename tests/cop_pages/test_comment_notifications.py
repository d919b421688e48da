"""Comment emails: who is told about what, once, in their language, and how they turn it off."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks import default_task_backend
from wagtail.users.models import UserProfile

from cop_pages.comment_notifications import notify_hidden, notify_new_comment, notify_report
from cop_pages.comments import moderate, post_comment, report_comment
from cop_pages.models import CommentState, MembershipRole, MutedNotification, NotificationKind
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory
from tests.reading import indonesian

pytestmark = pytest.mark.django_db


def prefer_english(user) -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def email_to(user):
    (message,) = [message for message in mail.outbox if message.to == [user.email]]
    return message


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


@pytest.fixture
def owner(db):
    return UserFactory(username="sari", first_name="Sari", last_name="Wulandari")


@pytest.fixture
def contributor(db):
    return UserFactory(username="budi", first_name="Budi", last_name="Santoso")


@pytest.fixture
def practice(community, owner, contributor):
    practice = PracticePageFactory(parent=community, title="Swalayan peminjaman", owner=owner)
    practice.contributors.add(contributor)
    practice.save()
    return practice


@pytest.fixture
def author(db):
    return UserFactory(username="dewi", first_name="Dewi", last_name="Lestari")


@pytest.fixture
def facilitator(community):
    return MembershipFactory(
        community=community, role=MembershipRole.FACILITATOR, user=UserFactory(username="fasil")
    ).user


# Who is told.


def test_a_new_comment_tells_the_owner_and_the_contributors_never_its_author(
    committed, practice, owner, contributor, author
):
    comment = committed(post_comment, author, practice, "Kami mencobanya di cabang timur.")

    assert recipients() == sorted([owner.email, contributor.email])
    message = email_to(owner)
    assert "Swalayan peminjaman" in message.subject
    assert "Kami mencobanya di cabang timur." in message.body
    assert f"{practice.url}#komentar-{comment.pk}" in message.body
    assert message.body.count("http://") == 2  # the comment and the preferences page, both absolute


def test_the_content_owner_is_told_too(committed, practice, author):
    keeper = UserFactory(username="rina")
    practice.content_owner = keeper
    practice.save()

    committed(post_comment, author, practice, "Bagus sekali.")

    assert keeper.email in recipients()


def test_the_owner_is_not_told_about_their_own_comment(committed, practice, owner, contributor):
    committed(post_comment, owner, practice, "Catatan tambahan dari saya.")

    assert recipients() == [contributor.email]


def test_a_reply_tells_the_parent_comments_author(committed, practice, owner, author):
    practice.contributors.clear()
    practice.save()
    prefer_english(author)
    parent = committed(post_comment, author, practice, "Ada yang pernah mencoba?")
    mail.outbox.clear()
    replier = UserFactory(username="eko", first_name="Eko", last_name="Prasetyo")

    reply = committed(post_comment, replier, practice, "Sudah, hasilnya bagus.", parent=parent)

    assert recipients() == sorted([author.email, owner.email])
    message = email_to(author)
    assert message.subject == "[Pusat Belajar] Eko Prasetyo replied to your comment on “Swalayan peminjaman”"
    assert "Sudah, hasilnya bagus." in message.body
    assert f"#komentar-{reply.pk}" in message.body


def test_a_reply_to_ones_own_comment_tells_nobody_but_the_owners(
    committed, practice, owner, contributor, author
):
    parent = committed(post_comment, author, practice, "Pertanyaan.")
    mail.outbox.clear()

    committed(post_comment, author, practice, "Jawaban saya sendiri.", parent=parent)

    assert recipients() == sorted([owner.email, contributor.email])


def test_a_mention_tells_the_mentioned_user(committed, practice, author):
    mentioned = UserFactory(username="tono.w")

    committed(post_comment, author, practice, "Mungkin @tono.w tahu jawabannya.")

    assert mentioned.email in recipients()
    assert "Mungkin @tono.w tahu jawabannya." in email_to(mentioned).body


def test_one_email_per_person_the_mention_wins(committed, practice, owner, contributor, author):
    parent = committed(post_comment, owner, practice, "Silakan bertanya.")
    mail.outbox.clear()
    english_texts = {}
    for user in (owner, contributor):
        prefer_english(user)

    committed(post_comment, author, practice, "@sari dan @budi: terima kasih!", parent=parent)

    assert recipients() == sorted([owner.email, contributor.email])  # one each
    for user in (owner, contributor):
        english_texts[user] = email_to(user).subject
    # Sari is the parent's author and the page's owner, Budi a contributor: both mentioned.
    assert "mentioned you" in english_texts[owner]
    assert "mentioned you" in english_texts[contributor]


def test_a_reply_wins_over_a_new_comment(committed, practice, owner, contributor, author):
    prefer_english(owner)
    parent = committed(post_comment, owner, practice, "Silakan bertanya.")
    mail.outbox.clear()

    committed(post_comment, author, practice, "Terima kasih.", parent=parent)

    assert recipients() == sorted([owner.email, contributor.email])
    assert "replied to your comment" in email_to(owner).subject


def test_inactive_users_and_users_without_email_are_skipped(committed, practice, owner, contributor, author):
    owner.is_active = False
    owner.save()
    contributor.email = ""
    contributor.save()

    committed(post_comment, author, practice, "Halo semua.")

    assert mail.outbox == []


def test_a_comment_waiting_for_approval_tells_nobody_until_approved(
    committed, community, practice, owner, contributor, author, facilitator
):
    community.comments_need_approval = True
    community.save()

    comment = committed(post_comment, author, practice, "Menunggu dulu.")
    assert comment.state == CommentState.WAITING
    assert mail.outbox == []

    committed(moderate, facilitator, [comment], "approve")
    assert recipients() == sorted([owner.email, contributor.email])


def test_a_comment_hidden_before_the_task_runs_tells_nobody(practice, author, facilitator):
    comment = post_comment(author, practice, "Segera disembunyikan.")  # the after-commit task never ran
    comment.state = CommentState.HIDDEN
    comment.save()

    assert notify_new_comment.call(comment.pk) == 0
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_with_a_worker_backend_the_request_only_enqueues(committed, practice, owner, author):
    comment = committed(post_comment, author, practice, "Dikirim oleh pekerja latar.")

    assert mail.outbox == []
    queued = [
        result for result in default_task_backend.results if result.task.func == notify_new_comment.func
    ]
    assert [result.args for result in queued] == [[comment.pk]]


# Private CoPs.


def test_nobody_outside_a_private_cop_is_told(committed, home, author):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    outsider_owner = UserFactory(username="luar")
    member_contributor = MembershipFactory(community=private).user
    MembershipFactory(community=private, user=author)
    outsider_mentioned = UserFactory(username="tamu")
    practice = PracticePageFactory(parent=private, title="Praktik tertutup", owner=outsider_owner)
    practice.contributors.add(member_contributor)
    practice.save()

    committed(post_comment, author, practice, "Untuk anggota saja, @tamu.")

    assert recipients() == [member_contributor.email]
    assert outsider_owner.email not in recipients()
    assert outsider_mentioned.email not in recipients()


# Reports and hiding.


def test_a_report_tells_the_cops_facilitators_not_the_team(
    committed, practice, author, facilitator, learning_center_member
):
    comment = committed(post_comment, author, practice, "Komentar yang bermasalah.")
    mail.outbox.clear()
    reporter = UserFactory(username="pelapor")

    committed(report_comment, reporter, comment, "Menyinggung rekan kerja.")

    assert recipients() == [facilitator.email]
    message = email_to(facilitator)
    assert "Menyinggung rekan kerja." in message.body
    assert "Komentar yang bermasalah." in message.body
    assert f"#komentar-{comment.pk}" in message.body


def test_a_report_in_a_cop_without_facilitator_tells_the_learning_center_team(
    committed, practice, author, learning_center_member
):
    comment = committed(post_comment, author, practice, "Komentar yang bermasalah.")
    mail.outbox.clear()

    committed(report_comment, UserFactory(username="pelapor"), comment, "Spam.")

    assert recipients() == [learning_center_member.email]


def test_the_reporter_is_not_told_about_their_own_report(committed, practice, author, facilitator):
    comment = committed(post_comment, author, practice, "Komentar.")
    mail.outbox.clear()

    committed(report_comment, facilitator, comment, "Saya sendiri melaporkannya.")

    assert mail.outbox == []


def test_a_resolved_report_tells_nobody(practice, author, facilitator):
    comment = post_comment(author, practice, "Komentar.")
    report = report_comment(UserFactory(username="pelapor"), comment, "Spam.")
    moderate(facilitator, [comment], "hide", "Spam.")

    assert notify_report.call(report.pk) == 0


def test_a_hidden_comment_tells_its_author_why(committed, practice, author, facilitator):
    comment = committed(post_comment, author, practice, "Komentar <b>tebal</b> yang kasar.")
    mail.outbox.clear()

    committed(moderate, facilitator, [comment], "hide", "Bahasa tidak sopan <script>.")

    message = email_to(author)
    assert recipients() == [author.email]
    assert "Bahasa tidak sopan <script>." in message.body
    html = html_of(message)
    assert "Bahasa tidak sopan &lt;script&gt;." in html
    assert "Komentar &lt;b&gt;tebal&lt;/b&gt; yang kasar." in html
    assert "<script>" not in html
    assert reverse("notification_preferences") not in message.body  # it cannot be turned off


def test_the_hidden_email_cannot_be_muted(committed, practice, author, facilitator):
    for kind in NotificationKind.values:
        MutedNotification.objects.create(user=author, kind=kind)
    comment = committed(post_comment, author, practice, "Komentar.")
    mail.outbox.clear()

    committed(moderate, facilitator, [comment], "hide", "Di luar topik.")

    assert recipients() == [author.email]


def test_a_comment_restored_before_the_task_runs_sends_no_hiding_email(practice, author, facilitator):
    comment = post_comment(author, practice, "Komentar.")
    moderate(facilitator, [comment], "hide", "Di luar topik.")
    moderate(facilitator, [comment], "restore")

    assert notify_hidden.call(comment.pk) == 0


# Muting.


@pytest.mark.parametrize(
    "kind", [NotificationKind.NEW_COMMENT, NotificationKind.REPLY, NotificationKind.MENTION]
)
def test_each_comment_kind_can_be_muted(committed, practice, owner, contributor, author, kind):
    practice.contributors.clear()
    practice.save()
    parent = committed(post_comment, contributor, practice, "Awal diskusi.")
    target = {
        NotificationKind.NEW_COMMENT: owner,
        NotificationKind.REPLY: contributor,
        NotificationKind.MENTION: UserFactory(username="tono"),
    }[kind]
    MutedNotification.objects.create(user=target, kind=kind)
    mail.outbox.clear()

    if kind == NotificationKind.REPLY:
        committed(post_comment, author, practice, "Balasan.", parent=parent)
    elif kind == NotificationKind.MENTION:
        committed(post_comment, author, practice, "Halo @tono.")
    else:
        committed(post_comment, author, practice, "Komentar baru.")

    assert target.email not in recipients()


def test_a_muted_mention_falls_back_to_the_next_kind(committed, practice, owner, contributor, author):
    prefer_english(owner)
    MutedNotification.objects.create(user=owner, kind=NotificationKind.MENTION)

    committed(post_comment, author, practice, "Halo @sari.")

    assert "commented on" in email_to(owner).subject


def test_reports_can_be_muted(committed, practice, author, facilitator):
    MutedNotification.objects.create(user=facilitator, kind=NotificationKind.REPORT)
    comment = committed(post_comment, author, practice, "Komentar.")
    mail.outbox.clear()

    committed(report_comment, UserFactory(username="pelapor"), comment, "Spam.")

    assert mail.outbox == []


# Language.


def test_each_recipient_reads_the_email_in_their_language(committed, practice, owner, contributor, author):
    prefer_english(contributor)

    committed(post_comment, author, practice, "Menarik!")

    in_indonesian, in_english = email_to(owner), email_to(contributor)
    assert in_indonesian.body.startswith(indonesian("Hello %(name)s,") % {"name": "Sari Wulandari"})
    assert 'lang="id"' in html_of(in_indonesian)
    assert in_english.body.startswith("Hello Budi Santoso,")
    assert in_english.subject == "[Pusat Belajar] Dewi Lestari commented on “Swalayan peminjaman”"
    assert 'lang="en"' in html_of(in_english)
    assert "/en/akun/notifikasi/" in in_english.body
    assert "/en/akun/notifikasi/" not in in_indonesian.body
    assert "/akun/notifikasi/" in in_indonesian.body


# The preferences page.


def test_the_preferences_page_shows_the_current_choice(staff_client, staff):
    MutedNotification.objects.create(user=staff, kind=NotificationKind.REPLY)

    response = staff_client.get(reverse("notification_preferences"))

    assert response.status_code == 200
    assert sorted(response.context["form"].initial["enabled"]) == sorted(
        [NotificationKind.NEW_COMMENT, NotificationKind.MENTION, NotificationKind.REPORT]
    )
    html = response.content.decode()
    assert html.count('type="checkbox"') == 4
    assert html.count("checked") == 3
    assert 'value="reply"' in html


def test_saving_the_preferences_writes_the_muted_kinds(staff_client, staff):
    MutedNotification.objects.create(user=staff, kind=NotificationKind.REPLY)
    url = reverse("notification_preferences")

    response = staff_client.post(
        url, {"enabled": [NotificationKind.REPLY, NotificationKind.MENTION]}, follow=True
    )

    assert response.redirect_chain == [(url, 302)]
    assert set(MutedNotification.objects.filter(user=staff).values_list("kind", flat=True)) == {
        NotificationKind.NEW_COMMENT,
        NotificationKind.REPORT,
    }
    assert [str(message) for message in response.context["messages"]] == [
        indonesian("Your email notification settings are saved.")
    ]

    staff_client.post(url, {"enabled": NotificationKind.values})
    assert not MutedNotification.objects.filter(user=staff).exists()

    staff_client.post(url, {})
    assert MutedNotification.objects.filter(user=staff).count() == 4


def test_the_preferences_page_is_linked_from_the_header(staff_client, home):
    response = staff_client.get(home.url)

    assert f'href="{reverse("notification_preferences")}"' in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    url = reverse("notification_preferences")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.post(url, {}).status_code == 302
