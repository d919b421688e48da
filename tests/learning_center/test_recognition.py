"""Recognition ("Apresiasi"): contributors' figures with known answers, the view, and featuring practices.

"Now" is 31 March 2026, 12:00 in Jakarta. Publication and reaction moments
are written straight onto the rows, so that each falls exactly where the
test needs it: 00:10 on 1 March in Jakarta is still 28 February in UTC, and
must count for March.
"""

import csv
import datetime
import io
import re
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from wagtail.models import Locale, Page, PageLogEntry
from wagtail.users.models import UserProfile

from cop_pages.models import Comment, CommentState, CommunityPage, MembershipRole, PracticePage, Reaction
from learning_center.home import FEATURED_PRACTICES
from learning_center.periods import Period
from learning_center.recognition import (
    FEATURED_LISTED,
    MOST_HELPFUL_PRACTICES,
    TOP_CONTRIBUTORS,
    featuring_choices,
    recognition,
    set_featured,
)
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)
from tests.reading import text_of

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=JAKARTA)
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
FEBRUARY = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
MARCH_QUERY = {"periode": "custom", "dari": "2026-03-01", "sampai": "2026-03-31"}
RECOGNITION_URL = reverse("learning_center_monitoring:recognition")
CSV_URL = RECOGNITION_URL + "?export=csv&tabel=kontributor"
XLSX_URL = RECOGNITION_URL + "?export=xlsx&tabel=kontributor"


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


def feature_url(practice) -> str:
    return reverse("learning_center_monitoring:feature_practice", args=[practice.pk])


@pytest.fixture(autouse=True)
def at_noon_on_the_last_of_march():
    with time_machine.travel(NOW, tick=False):
        yield


def person(username: str, first_name: str, last_name: str = ""):
    return UserFactory(username=username, first_name=first_name, last_name=last_name)


def published_at(page, moment: datetime.datetime, owner=None) -> None:
    Page.objects.filter(pk=page.pk).update(first_published_at=moment, last_published_at=moment, owner=owner)


def with_contributors(practice, *people):
    practice.contributors.add(*people)
    practice.save()
    return practice


def comment(page, author, state=CommentState.VISIBLE, deleted=False) -> Comment:
    community = CommunityPage.objects.get(path=page.path[: Page.steplen * 3]).membership_page()
    return Comment.objects.create(
        community=community,
        page=page,
        author=author,
        body="Terima kasih, ini membantu.",
        state=state,
        created_at=jakarta(2026, 1, 10, 9, 0),
        deleted_at=jakarta(2026, 1, 11, 9, 0) if deleted else None,
    )


def helpful(who, moment: datetime.datetime, *, page=None, on_comment=None) -> None:
    Reaction.objects.create(user=who, page=page, comment=on_comment, created_at=moment)


class Fixture:
    """CoP A, busy around the end of February and in March; CoP B with nothing at all.

    March, by hand:
    - Sari: meeting notes 1 (10 March); her comment C1 marked by Rina and Budi, her
      comment C2 by Dewi (her own mark on C1 does not count): 3 reactions, 2 comments
      marked helpful. Score 6.
    - Budi: the practice P1 lists him as contributor (1); P1 marked by Sari and Rina (his
      own mark does not count for him), his comment C6 marked by Sari at 00:05 on 1 March:
      3 reactions, 1 comment. Score 5. His hidden and deleted comments' marks do not count.
    - Rina: owns P1 (first published at 00:10 on 1 March; also listed as contributor:
      counted once), the meeting notes M1 (21 March): P1 marked by Sari and Budi (not by
      herself), M1 by Dewi: 3 reactions. Score 5, after Budi by name.
    - Dewi: nothing in March (her comment's mark came at 23:30 on 28 February).
    February: Budi owns P2 (23:30 on 28 February) marked by Dewi: 2; Dewi's comment C5
    marked by Rina: 1 reaction and 1 comment: 2. A tie, by name: Budi, then Dewi.
    """

    def __init__(self):
        self.a = CommunityPageFactory(title="CoP A")
        self.b = CommunityPageFactory(title="CoP B")
        self.rina = person("rina", "Rina", "Wati")
        self.budi = person("budi", "Budi", "Santoso")
        self.sari = person("sari", "Sari", "Dewi")
        self.dewi = person("dewi", "Dewi", "Lestari")
        for member in (self.rina, self.budi, self.sari, self.dewi):
            MembershipFactory(community=self.a, user=member)

        self.p1 = with_contributors(PracticePageFactory(parent=self.a, title="P1"), self.budi, self.rina)
        published_at(self.p1, jakarta(2026, 3, 1, 0, 10), owner=self.rina)
        self.p2 = PracticePageFactory(
            parent=self.a, title="P2", featured=True, documented_on=datetime.date(2026, 2, 28)
        )
        published_at(self.p2, jakarta(2026, 2, 28, 23, 30), owner=self.budi)
        draft = PracticePageFactory(parent=self.a, title="Draft", live=False)
        published_at(draft, jakarta(2026, 3, 15, 9, 0), owner=self.sari)
        self.m1 = MeetingPageFactory(parent=self.a, title="M1")
        published_at(self.m1, jakarta(2026, 3, 21, 8, 0), owner=self.rina)
        m2 = MeetingPageFactory(parent=self.a, title="M2")
        published_at(m2, jakarta(2026, 3, 10, 8, 0), owner=self.sari)

        for who in (self.sari, self.rina, self.budi):
            helpful(who, jakarta(2026, 3, 5, 9, 0), page=self.p1)
        helpful(self.dewi, jakarta(2026, 3, 22, 9, 0), page=self.m1)
        helpful(self.dewi, jakarta(2026, 2, 20, 9, 0), page=self.p2)

        c1, c2 = comment(self.p1, self.sari), comment(self.p1, self.sari)
        for who in (self.rina, self.budi, self.sari):
            helpful(who, jakarta(2026, 3, 6, 9, 0), on_comment=c1)
        helpful(self.dewi, jakarta(2026, 3, 7, 9, 0), on_comment=c2)
        helpful(
            self.rina, jakarta(2026, 3, 8, 9, 0), on_comment=comment(self.p1, self.budi, CommentState.HIDDEN)
        )
        helpful(self.rina, jakarta(2026, 3, 8, 9, 0), on_comment=comment(self.p1, self.budi, deleted=True))
        helpful(self.rina, jakarta(2026, 2, 28, 23, 30), on_comment=comment(self.p2, self.dewi))
        helpful(self.sari, jakarta(2026, 3, 1, 0, 5), on_comment=comment(self.p2, self.budi))


@pytest.fixture
def cops(home):
    return Fixture()


def recognition_of(period: Period) -> dict:
    """{CoP title: [(username, practices, reactions, meeting notes, comments, score, rank)]}."""
    communities = CommunityPage.objects.filter(locale=Locale.get_default())
    return {
        row.community.title: [
            (
                c.person.username,
                c.practices_published,
                c.helpful_reactions,
                c.meeting_notes,
                c.helpful_comments,
                c.score,
                c.rank,
            )
            for c in row.contributors
        ]
        for row in recognition(communities, period)
    }


# The figures ------------------------------------------------------------------


def test_the_contributors_of_a_busy_cop_in_march(cops):
    assert recognition_of(MARCH)["CoP A"] == [
        ("sari", 0, 3, 1, 2, 6, 1),
        # A tie at 5: by name, Budi Santoso before Rina Wati.
        ("budi", 1, 3, 0, 1, 5, 2),
        ("rina", 1, 3, 1, 0, 5, 3),
    ]


def test_a_moment_belongs_to_its_day_in_jakarta(cops):
    assert recognition_of(FEBRUARY)["CoP A"] == [("budi", 1, 1, 0, 0, 2, 1), ("dewi", 0, 1, 0, 1, 2, 2)]


def test_a_cop_without_activity_and_an_empty_period_list_nobody(cops):
    assert recognition_of(MARCH)["CoP B"] == []
    long_ago = Period(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31))
    assert recognition_of(long_ago) == {"CoP A": [], "CoP B": []}


def test_only_the_chosen_cops_are_counted(cops):
    rows = recognition(CommunityPage.objects.filter(pk=cops.b.pk), MARCH)

    assert [(row.community.title, row.contributors) for row in rows] == [("CoP B", [])]
    assert recognition(CommunityPage.objects.none(), MARCH) == []


def test_the_english_translation_counts_for_its_cop(cops):
    english_cop = cops.a.copy_for_translation(Locale.objects.get(language_code="en"))
    english_cop.save_revision().publish()
    english = PracticePageFactory(parent=english_cop, locale=english_cop.locale, title="P1 in English")
    published_at(english, jakarta(2026, 3, 12, 9, 0), owner=cops.dewi)
    helpful(cops.budi, jakarta(2026, 3, 13, 9, 0), page=english)

    rows = recognition_of(MARCH)

    assert set(rows) == {"CoP A", "CoP B"}
    assert ("dewi", 1, 1, 0, 0, 2, 4) in rows["CoP A"]


def test_each_cop_shows_its_best_few_and_keeps_everyone(cops):
    for number in range(TOP_CONTRIBUTORS + 2):
        practice = PracticePageFactory(parent=cops.b)
        published_at(
            practice, jakarta(2026, 3, 2, 9, 0), owner=person(f"penulis{number}", f"Penulis {number}")
        )

    (row,) = recognition(CommunityPage.objects.filter(pk=cops.b.pk), MARCH)

    assert len(row.contributors) == TOP_CONTRIBUTORS + 2
    assert [c.person.username for c in row.top] == [f"penulis{number}" for number in range(TOP_CONTRIBUTORS)]


def test_the_figures_cost_the_same_queries_for_two_or_six_cops(home):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = recognition(CommunityPage.objects.all(), MARCH)
        assert all(row.contributors for row in rows)
        return len(captured)

    for number in range(2):
        busy_cop(number)
    with_two = queries()
    for number in range(2, 6):
        busy_cop(number)

    assert queries() == with_two


def busy_cop(number: int) -> CommunityPage:
    """A CoP with a listed contributor, meeting notes, marks on pages and on comments, a featured practice."""
    cop = CommunityPageFactory(title=f"CoP tambahan {number}")
    owner, colleague, reader = (
        person(f"{role}{number}", f"{role.title()} {number}") for role in ("a", "b", "c")
    )
    for _ in range(2):
        practice = with_contributors(PracticePageFactory(parent=cop, featured=True), colleague)
        published_at(practice, jakarta(2026, 3, 3, 9, 0), owner=owner)
        helpful(reader, jakarta(2026, 3, 4, 9, 0), page=practice)
        helpful(owner, jakarta(2026, 3, 4, 9, 0), on_comment=comment(practice, reader))
    meeting = MeetingPageFactory(parent=cop)
    published_at(meeting, jakarta(2026, 3, 3, 9, 0), owner=colleague)
    return cop


# Featured and helpful practices -------------------------------------------------


def test_featured_and_most_helpful_practices(cops):
    ownerless = PracticePageFactory(parent=cops.b, title="Tanpa pemilik")
    published_at(ownerless, jakarta(2026, 1, 5, 9, 0))
    for who in (cops.rina, cops.budi, cops.sari):
        helpful(who, jakarta(2026, 3, 9, 9, 0), page=ownerless)

    march = featuring_choices(CommunityPage.objects.all(), MARCH)

    assert [(p.title, p.helpful, p.community.title) for p in march.featured] == [("P2", 0, "CoP A")]
    assert march.featured_total == 1
    # P1: Sari's and Budi's marks; Rina's own is left out. Meeting notes are not practices.
    assert [(p.title, p.helpful) for p in march.most_helpful] == [("Tanpa pemilik", 3), ("P1", 2)]
    february = featuring_choices(CommunityPage.objects.all(), FEBRUARY)
    assert [(p.title, p.helpful) for p in february.most_helpful] == [("P2", 1)]


def test_the_featured_list_is_cut_and_counts_every_featured_practice(cops):
    for day in range(1, FEATURED_LISTED + 3):
        PracticePageFactory(
            parent=cops.b, title=f"Pilihan {day:02}", featured=True, documented_on=datetime.date(2026, 3, day)
        )
    PracticePageFactory(parent=cops.b, featured=True, live=False, documented_on=datetime.date(2026, 3, 30))

    choices = featuring_choices(CommunityPage.objects.all(), MARCH)

    # The newest documented first, as the home shows them; the draft is not counted.
    assert [p.title for p in choices.featured] == [
        f"Pilihan {day:02}" for day in range(FEATURED_LISTED + 2, 2, -1)
    ]
    assert choices.featured_total == FEATURED_LISTED + 3  # with P2 of CoP A


def test_the_most_helpful_are_cut_by_marks_then_by_title(cops):
    practices = {}
    for number in range(MOST_HELPFUL_PRACTICES + 2):
        practices[number] = PracticePageFactory(parent=cops.b, title=f"Praktik {number:02}")
        published_at(practices[number], jakarta(2026, 1, 5, 9, 0), owner=cops.rina)
        helpful(cops.budi, jakarta(2026, 3, 9, 9, 0), page=practices[number])
    helpful(cops.sari, jakarta(2026, 3, 9, 9, 0), page=practices[11])
    # The owner's own mark does not lift "Praktik 05", nor a mark from before the period "Praktik 10".
    helpful(cops.rina, jakarta(2026, 3, 9, 9, 0), page=practices[5])
    helpful(cops.sari, jakarta(2026, 2, 27, 9, 0), page=practices[10])

    choices = featuring_choices(CommunityPage.objects.filter(pk=cops.b.pk), MARCH)

    assert [(p.title, p.helpful) for p in choices.most_helpful] == [("Praktik 11", 2)] + [
        (f"Praktik {number:02}", 1) for number in range(MOST_HELPFUL_PRACTICES - 1)
    ]


def test_marks_on_comments_of_an_unpublished_page_do_not_count(cops):
    draft = PracticePageFactory(parent=cops.a, title="Belum terbit", live=False)
    helpful(cops.rina, jakarta(2026, 3, 9, 9, 0), on_comment=comment(draft, cops.dewi))

    assert recognition_of(MARCH)["CoP A"] == [
        ("sari", 0, 3, 1, 2, 6, 1),
        ("budi", 1, 3, 0, 1, 5, 2),
        ("rina", 1, 3, 1, 0, 5, 3),
    ]


def test_featuring_publishes_a_revision_in_the_name_of_the_editor(cops, learning_center_member):
    practice = PracticePage.objects.get(pk=cops.p1.pk)

    assert set_featured(practice, True, learning_center_member)

    practice.refresh_from_db()
    assert practice.featured and practice.live and not practice.has_unpublished_changes
    assert practice.live_revision.user == learning_center_member
    assert PageLogEntry.objects.filter(
        page=practice, action="wagtail.publish", user=learning_center_member
    ).exists()
    assert not set_featured(practice, True, learning_center_member)


# Through HTTP -------------------------------------------------------------------


class Roles:
    def __init__(self, cops: Fixture, team, administrator):
        self.cops = cops
        self.private = CommunityPageFactory(title="CoP Rahasia", private=True)
        secret = PracticePageFactory(
            parent=self.private,
            title="Praktik rahasia",
            featured=True,
            documented_on=datetime.date(2026, 3, 3),
        )
        published_at(secret, jakarta(2026, 3, 3, 9, 0), owner=cops.dewi)
        self.secret = secret
        self.moderator_b = MembershipFactory(
            community=cops.b, role=MembershipRole.FACILITATOR, user=person("moderator.b", "Moderator B")
        ).user
        self.b_practice = PracticePageFactory(parent=cops.b, title="Praktik B")
        published_at(self.b_practice, jakarta(2026, 3, 3, 9, 0), owner=self.moderator_b)
        self.contributor = cops.rina  # a member of CoP A, not a facilitator
        self.team = team
        self.administrator = administrator
        for user in (team, administrator, self.moderator_b):
            prefer_english(user)


def prefer_english(user) -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


@pytest.fixture
def roles(cops, learning_center_member, administrator):
    return Roles(cops, learning_center_member, administrator)


def communities_of(response) -> list[str]:
    return re.findall(r'<section[^>]*data-community="(\d+)"', response.content.decode())


def people_of(response, community) -> list[str]:
    html = response.content.decode()
    section = re.search(rf'data-community="{community.pk}".*?</section>', html, re.S).group()
    return re.findall(r'data-person="([^"]+)"', section)


def practices_listed(response, key: str) -> list[int]:
    html = response.content.decode()
    table = re.search(rf'data-practices="{key}".*?</table>', html, re.S)
    return [int(pk) for pk in re.findall(r'data-practice="(\d+)"', table.group())] if table else []


def feature_buttons(response) -> list[str]:
    return re.findall(r'action="/admin/pemantauan/apresiasi/pilihan/(\d+)/', response.content.decode())


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text)))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def home_featured(client, home) -> str:
    html = client.get(home.url).content.decode()
    found = re.search(r'<section[^>]*aria-labelledby="featured-title".*?</section>', html, re.S)
    return text_of(found.group()) if found else ""


def test_the_team_sees_every_cop_with_its_contributors(client, roles):
    client.force_login(roles.team)

    response = client.get(RECOGNITION_URL, MARCH_QUERY)

    assert response.status_code == 200
    assert communities_of(response) == [str(cop.pk) for cop in (roles.cops.a, roles.cops.b, roles.private)]
    assert people_of(response, roles.cops.a) == ["sari", "budi", "rina"]
    assert 'data-figure="score"><strong>6</strong>' in response.content.decode()
    assert practices_listed(response, "featured") == [roles.secret.pk, roles.cops.p2.pk]
    assert practices_listed(response, "helpful") == [roles.cops.p1.pk]
    # The team may publish everything: a button for each listed practice.
    assert sorted(feature_buttons(response)) == sorted(
        str(pk) for pk in (roles.secret.pk, roles.cops.p2.pk, roles.cops.p1.pk)
    )


def test_a_moderator_sees_only_their_cops(client, roles):
    helpful(roles.cops.sari, jakarta(2026, 3, 9, 9, 0), page=roles.b_practice)
    client.force_login(roles.moderator_b)

    page = client.get(RECOGNITION_URL, MARCH_QUERY)
    table = csv_rows(client.get(RECOGNITION_URL, {**MARCH_QUERY, "export": "csv", "tabel": "kontributor"}))

    assert communities_of(page) == [str(roles.cops.b.pk)]
    assert people_of(page, roles.cops.b) == ["moderator.b"]
    assert practices_listed(page, "featured") == []
    assert practices_listed(page, "helpful") == [roles.b_practice.pk]
    assert feature_buttons(page) == [str(roles.b_practice.pk)]
    assert "CoP Rahasia" not in page.content.decode() and "Praktik rahasia" not in page.content.decode()
    assert [row[:4] for row in table[1:]] == [["CoP B", "1", "Moderator B", "moderator.b"]]
    crafted = client.get(RECOGNITION_URL, {"cop": roles.private.pk})
    assert crafted.status_code == 200 and communities_of(crafted) == [str(roles.cops.b.pk)]


def test_a_cop_alone_and_an_empty_period(client, roles):
    client.force_login(roles.team)

    response = client.get(RECOGNITION_URL, {**MARCH_QUERY, "cop": roles.cops.b.pk})

    assert communities_of(response) == [str(roles.cops.b.pk)]
    assert people_of(response, roles.cops.b) == ["moderator.b"]
    empty = client.get(RECOGNITION_URL, {"periode": "custom", "dari": "2020-01-01", "sampai": "2020-01-31"})
    assert "data-no-contributions" in empty.content.decode()
    assert csv_rows(client.get(CSV_URL + "&periode=custom&dari=2020-01-01&sampai=2020-01-31"))[1:] == []


def test_the_page_shows_the_best_few_and_the_download_everyone(client, roles):
    for number in range(TOP_CONTRIBUTORS + 2):
        practice = PracticePageFactory(parent=roles.cops.b)
        published_at(
            practice, jakarta(2026, 3, 2, 9, 0), owner=person(f"penulis{number}", f"Penulis {number}")
        )
    client.force_login(roles.team)

    page = client.get(RECOGNITION_URL, {**MARCH_QUERY, "cop": roles.cops.b.pk})
    with translation.override("en"):
        table = csv_rows(
            client.get(RECOGNITION_URL, {**MARCH_QUERY, "export": "csv", "tabel": "kontributor"})
        )

    assert len(people_of(page, roles.cops.b)) == TOP_CONTRIBUTORS
    assert table[0] == [
        "CoP",
        "Rank",
        "Name",
        "Username",
        "Practices published",
        "Helpful reactions received",
        "Meeting notes written",
        "Comments marked helpful",
        "Score",
    ]
    assert [row[3] for row in table[1:] if row[0] == "CoP A"] == ["sari", "budi", "rina"]
    assert ["CoP A", "1", "Sari Dewi", "sari", "0", "3", "1", "2", "6"] in table
    assert len([row for row in table[1:] if row[0] == "CoP B"]) == TOP_CONTRIBUTORS + 3  # with the moderator


def test_the_xlsx_has_the_same_rows_as_the_csv(client, roles):
    client.force_login(roles.team)

    response = client.get(RECOGNITION_URL, {**MARCH_QUERY, "export": "xlsx", "tabel": "kontributor"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet_rows = [[("" if cell is None else str(cell)) for cell in row] for row in workbook.active.values]

    assert response["Content-Disposition"].endswith('apresiasi-20260301-20260331.xlsx"')
    assert sheet_rows == csv_rows(
        client.get(RECOGNITION_URL, {**MARCH_QUERY, "export": "csv", "tabel": "kontributor"})
    )


def test_the_page_renders_in_the_same_queries_for_two_or_six_cops(client, home, learning_center_member):
    for number in range(2):
        busy_cop(number)
    client.force_login(learning_center_member)
    client.get(RECOGNITION_URL)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(RECOGNITION_URL)
        assert response.status_code == 200
        return len(captured), len(feature_buttons(response))

    with_two, buttons_for_two = queries()
    for number in range(2, 6):
        busy_cop(number)
    with_six, buttons_for_six = queries()

    assert with_six == with_two
    # Featured: 2 per CoP; most helpful: 2 per CoP, at most MOST_HELPFUL_PRACTICES.
    assert (buttons_for_two, buttons_for_six) == (4 + 4, 12 + MOST_HELPFUL_PRACTICES)


@pytest.mark.parametrize("url", [RECOGNITION_URL, CSV_URL, XLSX_URL])
def test_staff_without_the_role_are_refused(client, roles, staff, url):
    for who in (roles.contributor, staff):
        client.force_login(who)
        assert client.get(url).status_code == 403, who


def test_staff_without_the_role_cannot_feature(client, roles, staff):
    for who in (roles.contributor, staff):
        client.force_login(who)
        assert client.post(feature_url(roles.cops.p1), {"featured": "1"}).status_code == 403, who

    assert not PracticePage.objects.get(pk=roles.cops.p1.pk).featured


@pytest.mark.parametrize("url", [RECOGNITION_URL, CSV_URL, XLSX_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, roles, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_an_anonymous_post_is_sent_to_log_in(client, roles):
    response = client.post(feature_url(roles.cops.p1), {"featured": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not PracticePage.objects.get(pk=roles.cops.p1.pk).featured


def test_the_menu_and_the_section_navigation_lead_to_the_view(client, roles):
    client.force_login(roles.moderator_b)

    assert RECOGNITION_URL in client.get(reverse("wagtailadmin_home")).content.decode()
    assert (
        f'href="{RECOGNITION_URL}?periode=90"'
        in client.get(
            reverse("learning_center_monitoring:community_health"), {"periode": "90"}
        ).content.decode()
    )


@pytest.mark.parametrize(
    "parameters",
    [
        {"periode": "forever"},
        {"periode": "custom", "dari": "kemarin"},
        {"periode": "custom", "dari": "2020-01-01", "sampai": "2026-01-01"},
        {"periode": "custom", "dari": "2027-01-01", "sampai": "2027-01-31"},
        {"cop": "abc"},
        {"cop": "99999999"},
        {"cop": "\x00"},
    ],
)
def test_bad_parameters_never_fail(client, roles, parameters):
    client.force_login(roles.team)

    assert client.get(RECOGNITION_URL, parameters).status_code == 200
    assert (
        client.get(RECOGNITION_URL, {**parameters, "export": "csv", "tabel": "kontributor"}).status_code
        == 200
    )
    assert client.get(RECOGNITION_URL, {"export": "csv", "tabel": "nope"}).status_code == 404
    marked = client.post(f"{feature_url(roles.cops.p1)}?{urlencode(parameters)}", {"featured": "1"})
    assert marked.status_code == 302
    assert client.get(marked["Location"]).status_code == 200


# Featuring through the view -----------------------------------------------------


def test_marking_a_practice_puts_it_on_the_home_page_and_removing_takes_it_off(client, roles, home):
    client.force_login(roles.team)
    assert "P1" not in home_featured(client, home)

    marked = client.post(
        feature_url(roles.cops.p1) + "?periode=90&cop=" + str(roles.cops.a.pk), {"featured": "1"}
    )

    assert marked.status_code == 302
    assert marked["Location"] == f"{RECOGNITION_URL}?periode=90&cop={roles.cops.a.pk}#praktik-pilihan"
    with translation.override("en"):
        assert messages_of(marked) == ["“P1” is now a featured practice."]
    assert "P1" in home_featured(client, home)
    assert PageLogEntry.objects.filter(page=roles.cops.p1, action="wagtail.publish", user=roles.team).exists()

    removed = client.post(feature_url(roles.cops.p1), {"featured": "0"})

    assert removed["Location"] == f"{RECOGNITION_URL}#praktik-pilihan"
    with translation.override("en"):
        assert messages_of(removed) == ["“P1” is no longer a featured practice."]
    assert "P1" not in home_featured(client, home)
    assert not PracticePage.objects.get(pk=roles.cops.p1.pk).featured


def test_the_home_page_shows_only_the_newest_featured(client, roles, home):
    client.force_login(roles.team)
    for number in range(FEATURED_PRACTICES):
        newer = PracticePageFactory(
            parent=roles.cops.a, title=f"Pilihan baru {number}", documented_on=datetime.date(2026, 3, 20)
        )
        client.post(feature_url(newer), {"featured": "1"})

    shown = home_featured(client, home)

    assert all(f"Pilihan baru {number}" in shown for number in range(FEATURED_PRACTICES))
    assert "P2" not in shown


def test_a_moderator_features_in_their_cop_only(client, roles):
    client.force_login(roles.moderator_b)

    own = client.post(feature_url(roles.b_practice), {"featured": "1"})
    other = client.post(feature_url(roles.cops.p1), {"featured": "1"})
    secret = client.post(feature_url(roles.secret), {"featured": "0"})

    assert own.status_code == 302 and PracticePage.objects.get(pk=roles.b_practice.pk).featured
    assert other.status_code == 404 and not PracticePage.objects.get(pk=roles.cops.p1.pk).featured
    assert secret.status_code == 404 and PracticePage.objects.get(pk=roles.secret.pk).featured


def test_a_draft_waiting_is_never_published_along(client, roles):
    practice = PracticePage.objects.get(pk=roles.cops.p1.pk)
    practice.title = "P1, versi baru"
    practice.save_revision(user=roles.cops.rina)
    client.force_login(roles.team)

    listed = client.get(RECOGNITION_URL, MARCH_QUERY)
    response = client.post(feature_url(practice), {"featured": "1"})

    assert "data-draft-waiting" in listed.content.decode()
    assert str(practice.pk) not in feature_buttons(listed)
    with translation.override("en"):
        assert messages_of(response) == [
            "“P1” has changes that are not published yet. Publish or discard them in the editor first, "
            "so that they are not published along with this."
        ]
    practice.refresh_from_db()
    assert (practice.title, practice.featured, practice.has_unpublished_changes) == ("P1", False, True)


def test_bad_featuring_requests_never_fail(client, roles):
    client.force_login(roles.team)

    assert client.post(feature_url(roles.cops.p1), {"featured": "maybe"}).status_code == 302
    assert client.post(feature_url(roles.cops.p1), {}).status_code == 302
    assert client.get(feature_url(roles.cops.p1)).status_code == 405
    assert client.post(feature_url(roles.cops.m1), {"featured": "1"}).status_code == 404
    missing = reverse("learning_center_monitoring:feature_practice", args=[99999999])
    assert client.post(missing, {"featured": "1"}).status_code == 404
    assert not PracticePage.objects.get(pk=roles.cops.p1.pk).featured


def test_featuring_what_already_is_changes_nothing(client, roles):
    client.force_login(roles.team)
    revisions = roles.cops.p2.revisions.count()

    response = client.post(feature_url(roles.cops.p2), {"featured": "1"})

    with translation.override("en"):
        assert messages_of(response) == ["Nothing changed: “P2” was already so."]
    assert roles.cops.p2.revisions.count() == revisions
