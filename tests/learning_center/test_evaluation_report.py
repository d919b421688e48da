"""The monthly evaluation report: its figures on data with known answers, and the page through HTTP.

"Now" is 27 November 2026, 12:00 in Jakarta, so the report shows October
2026 unless asked otherwise. Moments are written straight onto the rows so
that each falls where the test needs it: 23:30 on 31 October in Jakarta is
16:30 UTC, and 00:10 on 1 November is still 31 October in UTC.
"""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile

from cop_pages.models import (
    Comment,
    CommentState,
    CommunityPage,
    FiveDStage,
    MeetingActionItem,
    MeetingCadence,
    Membership,
    MembershipRole,
)
from learning_center.evaluation_report import evaluation_report
from learning_center.periods import Period
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=JAKARTA)
OCTOBER = Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
NOVEMBER_SO_FAR = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 27))
REPORT_URL = reverse("learning_center_monitoring:evaluation_report")
CSV_URL = REPORT_URL + "?export=csv&tabel=ringkasan"
# The CoPs (locale, pages), their health (ten), the CoP pages' translations, new members, practices,
# meetings, action items (two), topics (four: translations, tags, practices, meetings).
REPORT_QUERIES = 22


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def at_noon_on_27_november():
    with time_machine.travel(NOW, tick=False):
        yield


def published_at(page, moment: datetime.datetime, owner) -> None:
    Page.objects.filter(pk=page.pk).update(first_published_at=moment, last_published_at=moment, owner=owner)


def tagged(page, *names: str) -> None:
    page.tags.add(*names)
    page.save()


def joined(community, user, moment: datetime.datetime, role=MembershipRole.MEMBER) -> None:
    membership = MembershipFactory(community=community, user=user, role=role)
    Membership.objects.filter(pk=membership.pk).update(joined_at=moment)


def comment(community, page, author, posted: datetime.datetime, state=CommentState.VISIBLE) -> None:
    Comment.objects.create(
        community=community, page=page, author=author, body="Terima kasih.", state=state, created_at=posted
    )


def action_item(meeting, description: str, done: bool, owner=None, due=None) -> MeetingActionItem:
    return MeetingActionItem.objects.create(
        page=meeting, description=description, done=done, owner=owner, due_date=due
    )


class Fixture:
    """CoP A (monthly meetings) busy around the turn of October; CoP B (weekly) without any activity."""

    def __init__(self):
        self.a = CommunityPageFactory(
            title="CoP A",
            meeting_cadence=MeetingCadence.MONTHLY,
            stage=FiveDStage.DESIGN,
            goals_and_scope="<p>Mempercepat layanan sirkulasi.</p>",
        )
        self.b = CommunityPageFactory(title="CoP B", meeting_cadence=MeetingCadence.WEEKLY)
        self.rina, self.budi, self.sari = (UserFactory(username=name) for name in ("rina", "budi", "sari"))
        joined(self.a, self.rina, jakarta(2026, 9, 1, 9, 0), role=MembershipRole.FACILITATOR)
        joined(self.a, self.budi, jakarta(2026, 10, 31, 23, 30))  # October in Jakarta
        joined(self.a, self.sari, jakarta(2026, 11, 1, 0, 10))  # November in Jakarta
        # Practices first published on 5 October, at 23:30 on 31 October, at 00:10 on 1 November,
        # and in September.
        self.early_october = PracticePageFactory(
            parent=self.a, title="Swalayan peminjaman", documented_on=datetime.date(2026, 10, 3)
        )
        tagged(self.early_october, "sirkulasi", "swalayan")
        published_at(self.early_october, jakarta(2026, 10, 5, 9, 0), self.rina)
        self.last_of_october = PracticePageFactory(
            parent=self.a, title="Pengingat jatuh tempo", documented_on=datetime.date(2026, 10, 31)
        )
        tagged(self.last_of_october, "sirkulasi")
        published_at(self.last_of_october, jakarta(2026, 10, 31, 23, 30), self.budi)
        self.first_of_november = PracticePageFactory(
            parent=self.a, title="Kotak pengembalian", documented_on=datetime.date(2026, 11, 1)
        )
        published_at(self.first_of_november, jakarta(2026, 11, 1, 0, 10), self.sari)
        september = PracticePageFactory(parent=self.a, documented_on=datetime.date(2026, 9, 10))
        published_at(september, jakarta(2026, 9, 10, 9, 0), self.sari)
        # A meeting on the last day of October and one on the first of November.
        self.october_meeting = MeetingPageFactory(
            parent=self.a, title="Pertemuan Oktober", meeting_date=datetime.date(2026, 10, 31)
        )
        tagged(self.october_meeting, "Sirkulasi")
        published_at(self.october_meeting, jakarta(2026, 11, 2, 8, 0), self.rina)
        action_item(self.october_meeting, "Cetak panduan", done=True)
        action_item(self.october_meeting, "Pasang papan petunjuk", done=True)
        self.open_item = action_item(
            self.october_meeting,
            "Latih petugas baru",
            done=False,
            owner=self.rina,
            due=datetime.date(2026, 11, 15),
        )
        self.november_meeting = MeetingPageFactory(parent=self.a, meeting_date=datetime.date(2026, 11, 1))
        published_at(self.november_meeting, jakarta(2026, 11, 2, 9, 0), self.rina)
        action_item(self.november_meeting, "Bukan bulan Oktober", done=False)
        # Comments: at 23:30 on 31 October (October), at 00:10 on 1 November, and a hidden one in October.
        comment(self.a, self.early_october, self.sari, jakarta(2026, 10, 31, 23, 30))
        comment(self.a, self.early_october, self.budi, jakarta(2026, 11, 1, 0, 10))
        comment(
            self.a, self.early_october, self.budi, jakarta(2026, 10, 20, 10, 0), state=CommentState.HIDDEN
        )


@pytest.fixture
def cops(home):
    return Fixture()


def report_of(period: Period, list_limit: int = 10, communities=None):
    """The report by CoP title; the reasons in English, the msgids."""
    if communities is None:
        communities = CommunityPage.objects.filter(locale=Locale.get_default())
    with translation.override("en"):
        report = evaluation_report(communities, period, list_limit)
    return report, {row.community.title: row for row in report.communities}


# The figures -------------------------------------------------------------------------------------


def test_what_a_busy_cop_did_in_october(cops):
    _report, rows = report_of(OCTOBER)
    a = rows["CoP A"]

    assert [practice.title for practice in a.practices] == ["Swalayan peminjaman", "Pengingat jatuh tempo"]
    assert a.health.practices_published == 2 and a.more_practices == 0
    assert [meeting.pk for meeting in a.meetings] == [cops.october_meeting.pk]
    assert (a.health.meetings_held, a.health.meetings_expected) == (1, 1)
    assert (a.action_items.done, a.action_items.open) == (2, 1)
    assert [(meeting.pk, counts.done, counts.total) for meeting, counts in a.meeting_rows()] == [
        (cops.october_meeting.pk, 2, 3)
    ]
    assert a.open_action_items == [cops.open_item]
    assert a.health.members == 3 and a.new_members == 1  # Budi, at 23:30 on 31 October
    assert a.health.comments == 1  # Sari's, at 23:30 on 31 October
    # Rina (a practice, the meeting notes), Budi (a practice), Sari (a comment).
    assert a.health.active_contributors == 3
    # Topics of the practices documented and the meetings held in October, "Sirkulasi" as "sirkulasi".
    assert a.topics == [("sirkulasi", 3), ("swalayan", 1)]
    assert a.health.reasons == []


def test_the_first_of_november_belongs_to_november(cops):
    _report, rows = report_of(NOVEMBER_SO_FAR)
    a = rows["CoP A"]

    assert [practice.title for practice in a.practices] == ["Kotak pengembalian"]
    assert [meeting.pk for meeting in a.meetings] == [cops.november_meeting.pk]
    assert (a.action_items.done, a.action_items.open) == (0, 1)
    assert a.new_members == 1  # Sari
    assert a.health.comments == 1  # Budi's, at 00:10


def test_a_cop_without_activity_reports_zeros_and_why(cops):
    _report, rows = report_of(OCTOBER)
    b = rows["CoP B"]

    assert (b.health.members, b.new_members, b.health.practices_published, b.health.meetings_held) == (
        0,
        0,
        0,
        0,
    )
    assert b.health.meetings_expected == 4  # 31 days of weekly meetings
    assert (b.practices, b.meetings, b.open_action_items, b.topics) == ([], [], [], [])
    assert (b.action_items.done, b.action_items.open) == (0, 0)
    assert b.health.reasons == ["No activity yet", "No meeting held yet"]


def test_an_empty_month_lists_nothing_but_keeps_the_standing_figures(cops):
    report, rows = report_of(Period(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31)))
    a = rows["CoP A"]

    assert (a.practices, a.meetings, a.open_action_items, a.topics, report.topics) == ([], [], [], [], [])
    assert (a.health.practices_published, a.health.comments, a.new_members) == (0, 0, 0)
    assert a.health.members == 3


def test_the_totals_add_the_cops_up(cops):
    report, _rows = report_of(OCTOBER)
    totals = report.totals

    assert (totals.members, totals.new_members, totals.active_contributors) == (3, 1, 3)
    assert (totals.practices_published, totals.meetings_held, totals.meetings_expected) == (2, 1, 5)
    assert (totals.comments, totals.action_items_done, totals.action_items_open) == (1, 2, 1)
    assert totals.needing_attention == 1
    assert report.topics == [("sirkulasi", 3), ("swalayan", 1)]


def test_the_lists_are_cut_per_cop_and_say_how_many_more(cops):
    extra = PracticePageFactory(parent=cops.a, documented_on=datetime.date(2026, 10, 20))
    published_at(extra, jakarta(2026, 10, 20, 9, 0), cops.budi)

    _report, rows = report_of(OCTOBER, list_limit=2)
    a = rows["CoP A"]

    # The first two published, oldest first; the third is counted, not listed.
    assert [practice.pk for practice in a.practices] == [cops.early_october.pk, extra.pk]
    assert a.more_practices == 1


def test_a_translation_counts_for_its_cop(cops):
    english_cop = cops.a.copy_for_translation(Locale.objects.get(language_code="en"))
    english_cop.save_revision().publish()
    english = PracticePageFactory(parent=english_cop, locale=english_cop.locale, title="Self-service loans")
    published_at(english, jakarta(2026, 10, 10, 9, 0), cops.rina)

    _report, rows = report_of(OCTOBER)

    assert set(rows) == {"CoP A", "CoP B"}
    assert [practice.title for practice in rows["CoP A"].practices] == [
        "Swalayan peminjaman",
        "Self-service loans",
        "Pengingat jatuh tempo",
    ]


def test_the_report_costs_the_same_queries_for_2_and_6_cops(cops):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report_of(OCTOBER)
        return len(captured)

    before = queries()
    for number in range(4):
        cop = CommunityPageFactory(title=f"CoP tambahan {number}")
        MembershipFactory(community=cop)
        for day in (3, 13, 23):
            practice = PracticePageFactory(parent=cop, documented_on=datetime.date(2026, 10, day))
            tagged(practice, f"topik-{number}")
            published_at(practice, jakarta(2026, 10, day, 9, 0), cops.budi)
        meeting = MeetingPageFactory(parent=cop, meeting_date=datetime.date(2026, 10, 15))
        action_item(meeting, "Tindak lanjut", done=False)
        comment(cop, meeting, cops.sari, jakarta(2026, 10, 16, 9, 0))

    assert queries() == before <= REPORT_QUERIES


# The page ----------------------------------------------------------------------------------------


class Roles:
    def __init__(self, cops: Fixture, team, administrator):
        self.cops = cops
        self.private = CommunityPageFactory(title="CoP Rahasia", private=True)
        self.moderator_b = MembershipFactory(
            community=cops.b, role=MembershipRole.FACILITATOR, user=UserFactory(username="moderator.b")
        ).user
        self.contributor = MembershipFactory(community=cops.b, user=UserFactory(username="kontributor")).user
        self.team = team
        self.administrator = administrator


@pytest.fixture
def roles(cops, learning_center_member, administrator):
    return Roles(cops, learning_center_member, administrator)


def in_english(user):
    """The admin in English for ``user``: the new texts are asserted as their msgids."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def sections_of(response) -> list[int]:
    return [row.community.pk for row in response.context["report"].communities]


def html_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("url", [REPORT_URL, CSV_URL])
def test_staff_without_the_role_are_refused(client, roles, staff, url):
    for person in (roles.contributor, staff):
        client.force_login(person)
        assert client.get(url).status_code == 403, person


@pytest.mark.parametrize("url", [REPORT_URL, CSV_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, roles, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_default_is_the_last_complete_month_for_the_whole_center(client, roles):
    client.force_login(roles.team)

    response = client.get(REPORT_URL)

    html = html_of(response)
    assert response.status_code == 200
    assert response.context["period"] == OCTOBER
    assert 'value="2026-10"' in html
    assert sections_of(response) == [roles.cops.a.pk, roles.cops.b.pk, roles.private.pk]
    assert html.count("data-summary-community=") == 3 and "data-summary-totals" in html
    assert 'data-list-limit="10"' in html
    assert f'data-practice="{roles.cops.last_of_october.pk}"' in html
    assert "data-month-in-progress" not in html


def test_one_cop_has_its_report_without_the_summary(client, roles):
    client.force_login(in_english(roles.team))

    response = client.get(REPORT_URL, {"bulan": "2026-10", "cop": roles.cops.a.pk})

    html = html_of(response)
    assert sections_of(response) == [roles.cops.a.pk]
    assert "data-report-summary" not in html
    assert "Evaluation report: CoP A — October 2026" in html
    for question in ("Are its goals met?", "Are members active?", "What did it produce?", "Needs attention"):
        assert question in html
    assert "Mempercepat layanan sirkulasi." in html
    assert 'data-meetings-held="1" data-meetings-expected="1"' in html
    assert 'data-action-items-done="2" data-action-items-open="1"' in html
    assert 'data-new-members="1"' in html and 'data-comments="1"' in html
    assert roles.cops.early_october.url in html


def test_picking_a_month(client, roles):
    client.force_login(roles.team)

    september = client.get(REPORT_URL, {"bulan": "2026-09"})
    this_month = client.get(REPORT_URL, {"bulan": "2026-11"})

    assert september.context["period"] == Period(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    # The current month runs until today, and says so.
    assert this_month.context["period"] == NOVEMBER_SO_FAR
    assert "data-month-in-progress" in html_of(this_month)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-12", "The month has not begun yet."),
        ("2026-13", "Give a month as YYYY-MM, for example 2026-10."),
        ("oktober", "Give a month as YYYY-MM, for example 2026-10."),
        ("1999-12", "Pick a month from January 2000 on."),
    ],
)
def test_a_refused_month_is_reported_at_its_field_and_the_default_shown(client, roles, month, message):
    client.force_login(in_english(roles.team))

    response = client.get(REPORT_URL, {"bulan": month, "cop": roles.cops.a.pk})

    html = html_of(response)
    assert response.status_code == 200
    assert f'<p class="error-message" id="id_bulan-error">{message}</p>' in html
    assert f'value="{month}"' in html and 'aria-describedby="id_bulan-error"' in html
    assert response.context["period"] == OCTOBER
    assert sections_of(response) == [roles.cops.a.pk]


@pytest.mark.parametrize(
    "parameters",
    [
        {"bulan": ""},
        {"bulan": "0000-01"},
        {"bulan": "9999-12"},
        {"bulan": "2026-1x"},
        {"bulan": "\x00"},
        {"bulan": "2026-10-05"},
        {"bulan": ["2026-09", "2026-10"]},
        {"cop": "abc"},
        {"cop": "99999999"},
        {"periode": "custom", "dari": "kemarin"},
    ],
)
def test_bad_parameters_never_fail(client, roles, parameters):
    client.force_login(roles.team)

    assert client.get(REPORT_URL, parameters).status_code == 200
    assert client.get(REPORT_URL, {**parameters, "export": "csv", "tabel": "ringkasan"}).status_code == 200


def test_a_moderator_sees_only_their_cops(client, roles):
    client.force_login(roles.moderator_b)

    page = client.get(REPORT_URL)
    crafted = client.get(REPORT_URL, {"cop": roles.private.pk})
    other = client.get(REPORT_URL, {"cop": roles.cops.a.pk})

    assert sections_of(page) == [roles.cops.b.pk]
    for response in (crafted, other):
        assert response.status_code == 200
        assert sections_of(response) == [roles.cops.b.pk]
        html = html_of(response)
        assert "CoP Rahasia" not in html
        assert f'value="{roles.cops.a.pk}"' not in html and f'value="{roles.private.pk}"' not in html


def test_the_summary_downloads_as_csv(client, roles):
    client.force_login(roles.team)

    response = client.get(REPORT_URL, {"bulan": "2026-10", "export": "csv", "tabel": "ringkasan"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))

    assert response["Content-Disposition"].endswith('laporan-evaluasi-2026-10.csv"')
    assert [row[0] for row in table[1:]] == ["CoP A", "CoP B", "CoP Rahasia"]
    # CoP A: members, new members, active contributors, practices, meetings held and expected,
    # comments, action items done and open.
    assert table[1][1:10] == ["3", "1", "3", "2", "1", "1", "1", "2", "1"]


@pytest.mark.parametrize("one_cop", [False, True])
def test_the_page_renders_in_the_same_queries_for_2_and_6_cops(client, roles, one_cop):
    client.force_login(roles.team)
    parameters = {"bulan": "2026-10", **({"cop": roles.cops.a.pk} if one_cop else {})}
    client.get(REPORT_URL, parameters)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(REPORT_URL, parameters).status_code == 200
        return len(captured)

    before = queries()
    for number in range(4):
        cop = CommunityPageFactory(title=f"CoP tambahan {number}")
        MembershipFactory(community=cop)
        for parent in (cop, roles.cops.a):
            practice = PracticePageFactory(parent=parent, documented_on=datetime.date(2026, 10, 12))
            tagged(practice, f"topik-{number}")
            published_at(practice, jakarta(2026, 10, 12, 9, 0), roles.cops.budi)
            meeting = MeetingPageFactory(parent=parent, meeting_date=datetime.date(2026, 10, 14))
            action_item(meeting, "Tindak lanjut", done=False, owner=roles.cops.sari)
            comment(parent, meeting, roles.cops.sari, jakarta(2026, 10, 16, 9, 0))

    assert Tag.objects.count() > 4
    assert queries() == before


def test_an_unreachable_search_engine_is_said_and_the_database_counts_the_topics(client, roles, settings):
    client.force_login(roles.team)
    counted_by_database = client.get(REPORT_URL)
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: nothing answers

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    assert "data-topic-counts-fallback" not in html_of(counted_by_database)
    assert "data-topic-counts-fallback" in html_of(response)
    assert "Mesin pencari sedang tidak dapat dihubungi" in html_of(response)
    topics = [("sirkulasi", 3), ("swalayan", 1)]
    assert response.context["report"].topics == counted_by_database.context["report"].topics == topics
