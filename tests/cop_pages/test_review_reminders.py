"""Content governance: owners hear about an overdue practice once per review-by date."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from wagtail.users.models import UserProfile

from cop_pages.models import ReviewReminder
from cop_pages.review_reminders import claim_reminder, overdue_practices, send_review_reminders
from cop_pages.tasks import send_review_reminder_email
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory
from tests.reading import indonesian

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
DUE = datetime.date(2026, 3, 31)


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


@pytest.fixture
def owner(db):
    return UserFactory(username="sari", first_name="Sari", last_name="Wulandari")


@pytest.fixture
def practice(community, owner):
    return PracticePageFactory(
        parent=community, title="Swalayan peminjaman", content_owner=owner, review_by=DUE
    )


@pytest.fixture
def run_command(django_capture_on_commit_callbacks):
    """Run the command as cron does: its transactions commit, so the queued emails go out."""

    def run(*args) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_review_reminders", *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(today: datetime.date, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send_review_reminders(today, **kwargs)

    return run


def test_the_reminder_goes_out_once_the_date_passes_and_never_twice(practice, owner, run_command):
    with time_machine.travel(jakarta(2026, 3, 31, 16, 0), tick=False):
        run_command()
    assert mail.outbox == []

    with time_machine.travel(jakarta(2026, 4, 1, 7, 0), tick=False):
        run_command()
        assert [message.to for message in mail.outbox] == [[owner.email]]
        run_command()
    with time_machine.travel(jakarta(2026, 4, 2, 7, 0), tick=False):
        run_command()
    with time_machine.travel(jakarta(2026, 6, 1, 7, 0), tick=False):
        run_command()

    assert len(mail.outbox) == 1
    reminder = ReviewReminder.objects.get()
    assert (reminder.practice_id, reminder.review_by) == (practice.pk, DUE)


def test_a_new_review_by_date_starts_a_new_period(practice, run_command):
    with time_machine.travel(jakarta(2026, 4, 1, 7, 0), tick=False):
        run_command()
    practice.review_by = datetime.date(2026, 9, 30)
    practice.save()

    with time_machine.travel(jakarta(2026, 9, 30, 7, 0), tick=False):
        run_command()
    assert len(mail.outbox) == 1
    with time_machine.travel(jakarta(2026, 10, 1, 7, 0), tick=False):
        run_command()
        run_command()

    assert len(mail.outbox) == 2
    assert "30 September 2026" in mail.outbox[1].body
    assert sorted(ReviewReminder.objects.values_list("review_by", flat=True)) == [
        DUE,
        datetime.date(2026, 9, 30),
    ]


def test_overdue_at_half_past_midnight_in_jakarta_while_utc_is_still_the_day_before(practice, run_command):
    with time_machine.travel(jakarta(2026, 3, 31, 23, 30), tick=False):
        run_command()
    assert mail.outbox == []

    # 2026-04-01 00:30 in Jakarta is 2026-03-31 17:30 UTC.
    with time_machine.travel(jakarta(2026, 4, 1, 0, 30), tick=False):
        assert datetime.datetime.now(datetime.UTC).date() == DUE
        output = run_command()
    assert len(mail.outbox) == 1
    assert "(2026-04-01)" in output


def test_drafts_future_dates_and_unreachable_owners_are_skipped(community, owner, practice, remind):
    inactive = UserFactory(is_active=False)
    no_email = UserFactory(email="")
    PracticePageFactory(parent=community, title="Draf", live=False, content_owner=owner, review_by=DUE)
    PracticePageFactory(
        parent=community, title="Belum waktunya", content_owner=owner, review_by=datetime.date(2026, 4, 1)
    )
    PracticePageFactory(parent=community, title="Tanpa pemilik", content_owner=None, review_by=DUE)
    PracticePageFactory(parent=community, title="Pemilik nonaktif", content_owner=inactive, review_by=DUE)
    PracticePageFactory(parent=community, title="Pemilik tanpa email", content_owner=no_email, review_by=DUE)
    today = datetime.date(2026, 4, 1)

    assert list(overdue_practices(today)) == [practice]
    run = remind(today)

    assert (run.owner_count, run.practice_count) == (1, 1)
    assert len(mail.outbox) == 1
    assert "Draf" not in mail.outbox[0].body
    assert "Belum waktunya" not in mail.outbox[0].body
    assert list(ReviewReminder.objects.values_list("practice_id", flat=True)) == [practice.pk]


def test_a_practice_gets_its_reminder_once_it_has_an_owner(community, owner, remind):
    ownerless = PracticePageFactory(parent=community, content_owner=None, review_by=DUE)
    remind(datetime.date(2026, 4, 1))
    ownerless.content_owner = owner
    ownerless.save()
    remind(datetime.date(2026, 4, 2))
    assert [message.to for message in mail.outbox] == [[owner.email]]


def test_one_email_per_owner_listing_all_their_overdue_practices(community, owner, practice, remind):
    other_cop = CommunityPageFactory(title="CoP Pengadaan")
    second = PracticePageFactory(
        parent=other_cop, title="Lelang terbuka", content_owner=owner, review_by=datetime.date(2026, 2, 1)
    )
    colleague = UserFactory(username="budi")
    third = PracticePageFactory(
        parent=community, title="Rak berjalan", content_owner=colleague, review_by=DUE
    )

    run = remind(datetime.date(2026, 4, 1))

    assert (run.owner_count, run.practice_count) == (2, 3)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([owner.email, colleague.email])
    to_owner = next(message for message in mail.outbox if message.to == [owner.email])
    assert "Swalayan peminjaman" in to_owner.body and "Lelang terbuka" in to_owner.body
    assert "CoP Layanan Sirkulasi" in to_owner.body and "CoP Pengadaan" in to_owner.body
    assert "Rak berjalan" not in to_owner.body
    assert "[Pusat Belajar] 2 " in to_owner.subject
    assert set(ReviewReminder.objects.values_list("practice_id", flat=True)) == {
        practice.pk,
        second.pk,
        third.pk,
    }


def test_emails_go_through_the_task_only_after_the_claims_commit(
    community, owner, practice, django_capture_on_commit_callbacks
):
    PracticePageFactory(parent=community, content_owner=UserFactory(), review_by=DUE)
    with django_capture_on_commit_callbacks() as callbacks:
        send_review_reminders(datetime.date(2026, 4, 1))
    assert mail.outbox == []
    assert len(callbacks) == 2  # one task per owner

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert ReviewReminder.objects.count() == 2


def test_the_email_is_in_indonesian_by_default(community, owner, practice, remind):
    remind(datetime.date(2026, 4, 1))

    [message] = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert message.subject.startswith("[Pusat Belajar] ")
    assert "\n" not in message.subject
    for body in (message.body, html):
        assert indonesian("Hello %(name)s,") % {"name": "Sari Wulandari"} in body
        assert indonesian("Review by") in body
        assert "Swalayan peminjaman" in body
        assert "CoP Layanan Sirkulasi" in body
        assert "31 Maret 2026" in body
        assert f"http://127.0.0.1:8000{practice.url}" in body
        assert f"http://127.0.0.1:8000/admin/pages/{practice.pk}/edit/" in body
    assert '<html lang="id">' in html
    assert "31 March 2026" not in message.body


def test_the_email_is_in_english_for_an_owner_who_prefers_english(owner, practice, remind):
    profile = UserProfile.get_for_user(owner)
    profile.preferred_language = "en"
    profile.save()

    language_before = translation.get_language()
    remind(datetime.date(2026, 4, 1))

    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject == "[Pusat Belajar] A practice you own is due for review"
    for body in (message.body, html):
        assert "Hello Sari Wulandari," in body
        assert "This practice you own on Pusat Belajar has passed its review-by date:" in body
        assert "Review by:" in body
        assert "31 March 2026" in body
        assert "Edit in the admin" in body
    assert '<html lang="en">' in html
    # Rendering in the owner's language leaves the process in its own.
    assert translation.get_language() == language_before


def test_a_practice_in_a_private_cop_is_reminded_to_its_member_owner(home, owner, remind):
    private = CommunityPageFactory(title="CoP Literasi Guru", private=True)
    MembershipFactory(user=owner, community=private)
    PracticePageFactory(parent=private, title="Klub baca guru", content_owner=owner, review_by=DUE)

    remind(datetime.date(2026, 4, 1))

    [message] = mail.outbox
    assert "Klub baca guru" in message.body and "CoP Literasi Guru" in message.body


def test_an_existing_reminder_for_the_period_means_no_email(practice, owner, remind):
    ReviewReminder.objects.create(practice=practice, review_by=DUE)  # another run got there first

    run = remind(datetime.date(2026, 4, 1))

    assert run.owner_count == 0
    assert mail.outbox == []
    assert ReviewReminder.objects.count() == 1


def test_only_one_of_two_concurrent_claims_wins(practice):
    assert claim_reminder(practice) is not None
    assert claim_reminder(practice) is None  # the unique constraint refuses the second run
    # The refused insert leaves the surrounding transaction usable.
    assert ReviewReminder.objects.filter(practice=practice, review_by=DUE).count() == 1


def test_a_reminder_that_cannot_be_delivered_is_released_for_a_later_run(practice, owner, remind):
    reminder = claim_reminder(practice)
    owner.is_active = False
    owner.save()

    assert send_review_reminder_email.call(owner.pk, [reminder.pk]) == 0

    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()
    owner.is_active = True
    owner.save()
    remind(datetime.date(2026, 4, 2))
    assert len(mail.outbox) == 1


def test_sent_at_records_when_the_email_went_out(practice, remind):
    with time_machine.travel(jakarta(2026, 4, 1, 7, 0), tick=False):
        remind(datetime.date(2026, 4, 1))
    assert ReviewReminder.objects.get().sent_at == jakarta(2026, 4, 1, 7, 0)


def test_dry_run_sends_and_records_nothing(practice, owner, run_command):
    with time_machine.travel(jakarta(2026, 4, 1, 7, 0), tick=False):
        output = run_command("--dry-run")

    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()
    assert (
        "sari <sari@perpustakaan.example>: 1 practice: Swalayan peminjaman (review by 2026-03-31)" in output
    )
    assert (
        "Dry run (2026-04-01): would remind 1 owner about 1 overdue practice; nothing sent or recorded."
        in output
    )

    with time_machine.travel(jakarta(2026, 4, 1, 7, 5), tick=False):
        run_command()
    assert len(mail.outbox) == 1


def test_the_command_reports_owners_and_practices(community, owner, practice, run_command):
    PracticePageFactory(
        parent=community, title="Label rak", content_owner=owner, review_by=datetime.date(2026, 3, 1)
    )
    PracticePageFactory(
        parent=community, title="Rak berjalan", content_owner=UserFactory(username="budi"), review_by=DUE
    )

    with time_machine.travel(jakarta(2026, 4, 1, 7, 0), tick=False):
        output = run_command()
        again = run_command()

    lines = output.splitlines()
    assert lines == [
        "sari <sari@perpustakaan.example>: 2 practices: Label rak (review by 2026-03-01); "
        "Swalayan peminjaman (review by 2026-03-31)",
        "budi <budi@perpustakaan.example>: 1 practice: Rak berjalan (review by 2026-03-31)",
        "Reminded 2 owners about 3 overdue practices (2026-04-01).",
    ]
    assert again.splitlines() == ["Reminded 0 owners about 0 overdue practices (2026-04-01)."]
