"""Rules of cop_pages.comments that no form reaches: direct callers get them too."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cop_pages.comments import (
    CommentError,
    edit_comment,
    mentioned_users,
    moderate,
    moderated_communities,
    post_comment,
    report_comment,
)
from cop_pages.models import CommentState, MembershipRole
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


@pytest.fixture
def practice(community):
    return PracticePageFactory(parent=community)


def test_a_reply_to_a_reply_joins_the_thread_and_remembers_whom_it_answers(practice):
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    root = post_comment(first, practice, "Pertanyaan awal")
    reply = post_comment(second, practice, "Jawaban", parent=root)
    answer = post_comment(third, practice, "Tanggapan atas jawaban", parent=reply)
    assert (answer.parent, answer.replied_to) == (root, reply)


def test_nobody_replies_into_a_hidden_thread(practice):
    author, other = UserFactory(), UserFactory()
    root = post_comment(author, practice, "Awal")
    reply = post_comment(other, practice, "Balasan", parent=root)
    root.state = CommentState.HIDDEN
    root.save()
    with pytest.raises(CommentError):
        post_comment(author, practice, "Lagi", parent=reply)


def test_a_hidden_comment_can_no_longer_be_edited(practice):
    author = UserFactory()
    comment = post_comment(author, practice, "Teks")
    comment.state = CommentState.HIDDEN
    comment.save()
    with pytest.raises(CommentError):
        edit_comment(author, comment, "Teks baru")


def test_nobody_reports_their_own_or_a_deleted_comment(practice):
    author, reader = UserFactory(), UserFactory()
    comment = post_comment(author, practice, "Teks")
    with pytest.raises(CommentError):
        report_comment(author, comment, "Salah ketik")
    comment.state = CommentState.HIDDEN
    comment.save()
    with pytest.raises(CommentError):
        report_comment(reader, comment, "Kasar")


def test_mentions_find_short_usernames_and_ignore_emails(db):
    UserFactory(username="al")
    UserFactory(username="budi")
    assert {user.username for user in mentioned_users("Halo @al dan @budi, tulis ke x@budi.example")} == {
        "al",
        "budi",
    }


def test_moderation_cleans_the_reason_and_needs_an_active_moderator(community, practice):
    moderator = UserFactory()
    MembershipFactory(community=community, user=moderator, role=MembershipRole.FACILITATOR)
    comment = post_comment(UserFactory(), practice, "Teks")
    moderate(moderator, [comment], "hide", reason="Kasar\x00 sekali")
    comment.refresh_from_db()
    assert (comment.state, comment.moderation_reason) == (CommentState.HIDDEN, "Kasar sekali")
    assert not moderated_communities(AnonymousUser()).exists()
    moderator.is_active = False
    moderator.save()
    assert not moderated_communities(moderator).exists()
