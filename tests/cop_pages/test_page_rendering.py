"""What a staff member sees on CoP, practice and meeting pages."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from wagtail.models import Locale
from wagtail_localize.operations import translate_object

from cop_pages.listings import PAGE_SIZE
from cop_pages.models import MeetingActionItem, MembershipRole, PracticePage
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)
from tests.reading import indonesian, text_of

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The page as a reader sees it."""
    return text_of(response.content.decode())


def english_locale() -> Locale:
    return Locale.objects.get(language_code="en")


@pytest.fixture
def community(home):
    return CommunityPageFactory(
        title="CoP Layanan Sirkulasi",
        slug="layanan-sirkulasi",
        division="Layanan Sirkulasi",
        domain="Peminjaman yang cepat, adil, dan ramah.",
        goals_and_scope="<p>Mempercepat peminjaman mandiri.</p>",
        norms="<p>Cerita gagal juga dibagikan.</p>",
        stage="document",
        channels=[("channel", {"kind": "chat", "label": "Grup WhatsApp Sirkulasi", "url": ""})],
    )


def tagged_practice(community, title: str, *tags: str, **kwargs) -> PracticePage:
    practice = PracticePageFactory(parent=community, title=title, **kwargs)
    practice.tags.add(*tags)
    practice.save()
    return practice


# The CoP page ----------------------------------------------------------------


def test_the_community_page_shows_its_charter_and_people(staff_client, community):
    facilitator = UserFactory(first_name="Rina", last_name="Wulandari")
    MembershipFactory(user=facilitator, community=community, role=MembershipRole.FACILITATOR)
    MembershipFactory(user=UserFactory(first_name="Agus", last_name="Santoso"), community=community)

    text = page_text(staff_client.get(community.url))

    for expected in (
        "CoP Layanan Sirkulasi",
        "Peminjaman yang cepat, adil, dan ramah.",
        "Mempercepat peminjaman mandiri.",
        "Cerita gagal juga dibagikan.",
        "Grup WhatsApp Sirkulasi",
        "Rina Wulandari",
        "Agus Santoso",
        str(community.get_meeting_cadence_display()),
    ):
        assert expected in text
    with translation.override("id"):
        assert str(community.get_stage_display()) in text


def test_the_community_page_lists_practices_and_meetings_filtered_by_tag(staff_client, community):
    tagged_practice(community, "Kios peminjaman mandiri", "peminjaman")
    tagged_practice(community, "Pengingat jatuh tempo", "pengembalian")
    meeting = MeetingPageFactory(parent=community, title="Pertemuan kios")
    meeting.tags.add("peminjaman")
    meeting.save()
    MeetingPageFactory(parent=community, title="Pertemuan anggaran")

    everything = page_text(staff_client.get(community.url))
    filtered = staff_client.get(community.url, {"tag": "peminjaman"})

    for title in ("Kios peminjaman mandiri", "Pengingat jatuh tempo", "Pertemuan kios", "Pertemuan anggaran"):
        assert title in everything
    text = page_text(filtered)
    assert "Kios peminjaman mandiri" in text and "Pertemuan kios" in text
    assert "Pengingat jatuh tempo" not in text and "Pertemuan anggaran" not in text
    assert b'aria-current="true">peminjaman' in filtered.content


def test_the_practices_of_a_community_page_through_in_pages(staff_client, community):
    for number in range(PAGE_SIZE + 2):
        PracticePageFactory(
            parent=community,
            title=f"Praktik nomor {number:02d}",
            documented_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
        )

    first = staff_client.get(community.url)
    second = staff_client.get(community.url, {"halaman": 2})

    assert "Praktik nomor 11" in page_text(first) and "Praktik nomor 00" not in page_text(first)
    assert "Praktik nomor 00" in page_text(second) and "Praktik nomor 11" not in page_text(second)
    assert b'href="?halaman=2#practices"' in first.content
    assert indonesian("Next page") in page_text(first)


def test_a_member_joins_then_leaves_without_javascript(staff_client, community):
    page = page_text(staff_client.get(community.url))
    assert indonesian("Join") in page

    joined = staff_client.post(community.url + "gabung/", follow=True)

    with translation.override("id"):
        role = str(MembershipRole.MEMBER.label)
    your_role = indonesian("Your role: <strong>%(role)s</strong>") % {"role": role}
    assert your_role in joined.content.decode()
    text = page_text(joined)
    assert indonesian("Leave the CoP") in text
    assert indonesian("You are now a member of %(community)s.") % {"community": community.title} in text

    left = staff_client.post(community.url + "keluar/", follow=True)
    assert your_role not in left.content.decode()
    assert indonesian("You have left %(community)s.") % {"community": community.title} in page_text(left)
    assert indonesian("Join") in page_text(left)


def test_joining_needs_a_post(staff_client, community):
    assert staff_client.get(community.url + "gabung/").status_code == 405
    assert staff_client.get(community.url + "keluar/").status_code == 405


def test_the_join_form_carries_a_csrf_token(staff_client, community):
    html = staff_client.get(community.url).content.decode()
    form = re.search(rf'<form method="post" action="{community.url}gabung/"[^>]*>(.*?)</form>', html, re.S)
    assert 'name="csrfmiddlewaretoken"' in form.group(1)


@pytest.mark.parametrize("reader", ["member", "learning_center_member", "administrator"])
def test_a_private_community_is_open_to_members_the_team_and_administrators(client, request, home, reader):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    practice = PracticePageFactory(parent=private, title="Praktik tertutup")
    if reader == "member":
        user = MembershipFactory(community=private).user
    else:
        user = request.getfixturevalue(reader)
    client.force_login(user)

    assert client.get(private.url).status_code == 200
    assert client.get(practice.url).status_code == 200
    assert "Praktik tertutup" in page_text(client.get(private.url))
    assert "Praktik tertutup" in page_text(client.get(home.url))


def test_a_private_community_is_not_found_for_other_staff(staff_client, home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    practice = PracticePageFactory(parent=private, title="Praktik tertutup")

    response = staff_client.get(private.url)
    assert response.status_code == 404
    assert indonesian("Page not found") in page_text(response)
    assert "CoP Rahasia" not in page_text(response)
    assert staff_client.get(practice.url).status_code == 404
    assert staff_client.post(private.url + "gabung/").status_code == 404


def test_a_private_community_shows_its_badge(client, home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    client.force_login(MembershipFactory(community=private).user)
    assert indonesian("Private") in page_text(client.get(private.url))


# Languages -------------------------------------------------------------------


def test_the_english_page_lives_under_en_and_the_switcher_points_back(staff_client, community):
    translate_object(community, [english_locale()])
    english = community.get_translation(english_locale()).specific
    english.title = "Circulation Services CoP"
    english.save_revision().publish()

    response = staff_client.get(english.url)

    assert english.url.startswith("/en/")
    assert response.status_code == 200
    assert b'<html lang="en">' in response.content
    assert "Circulation Services CoP" in page_text(response)
    assert f'<a href="{community.url}" lang="id" hreflang="id">'.encode() in response.content
    indonesian_page = staff_client.get(community.url)
    assert f'<a href="{english.url}" lang="en" hreflang="en">'.encode() in indonesian_page.content


def test_without_a_translation_the_switcher_leads_to_the_other_language_home(staff_client, community):
    practice = PracticePageFactory(parent=community, title="Hanya dalam bahasa Indonesia")
    response = staff_client.get(practice.url)
    assert b'<a href="/en/" lang="en" hreflang="en">' in response.content


def test_an_english_only_practice_shows_on_the_indonesian_page_with_a_badge(staff_client, community):
    translate_object(community, [english_locale()])
    english_community = community.get_translation(english_locale())
    PracticePageFactory(parent=english_community, title="Self-check returns drop box")
    PracticePageFactory(parent=community, title="Kios peminjaman mandiri")

    html = staff_client.get(community.url).content.decode()

    cards = {
        title: card
        for card in re.findall(r"<article.*?</article>", html, re.S)
        for title in ("Self-check returns drop box", "Kios peminjaman mandiri")
        if title in card
    }
    assert re.search(r'<span aria-hidden="true">EN</span>', cards["Self-check returns drop box"])
    assert "badge--language" not in cards["Kios peminjaman mandiri"]


# The practice page -----------------------------------------------------------


def test_the_practice_page_shows_its_sections_in_order_and_its_governance(staff_client, community):
    owner = UserFactory(first_name="Rina", last_name="Wulandari")
    practice = tagged_practice(
        community,
        "Swalayan peminjaman",
        "rfid",
        summary="<p>Bagian ringkasan.</p>",
        context="<p>Bagian konteks.</p>",
        practice="<p>Bagian praktik.</p>",
        results="<p>Bagian hasil.</p>",
        lessons="<p>Bagian pelajaran.</p>",
        content_owner=owner,
        review_by=datetime.date(2099, 3, 1),
        resources=[("link", {"title": "Panduan kios", "url": "https://intranet.example/panduan"})],
    )
    practice.contributors.set([UserFactory(first_name="Agus", last_name="Santoso")])
    practice.save()
    PracticePageFactory(parent=community, title="Praktik lain di CoP ini")

    text = page_text(staff_client.get(practice.url))

    positions = [text.index(part) for part in ("ringkasan.", "konteks.", "praktik.", "hasil.", "pelajaran.")]
    assert positions == sorted(positions)
    for expected in ("Rina Wulandari", "Agus Santoso", "Panduan kios", "rfid", "Praktik lain di CoP ini"):
        assert expected in text
    with translation.override("id"):
        assert "1 Maret 2099" in text
    assert indonesian("Due for review") not in text


def test_an_overdue_practice_warns_the_reader(staff_client, community):
    overdue = PracticePageFactory(
        parent=community, review_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    current = PracticePageFactory(
        parent=community, review_by=timezone.localdate() + datetime.timedelta(days=30)
    )
    assert indonesian("Due for review") in page_text(staff_client.get(overdue.url))
    assert indonesian("Due for review") not in page_text(staff_client.get(current.url))


# The meeting page ------------------------------------------------------------


def test_the_meeting_page_shows_agenda_decisions_and_action_items(staff_client, community):
    owner = UserFactory(first_name="Dewi", last_name="Lestari")
    meeting = MeetingPageFactory(
        parent=community,
        title="Pertemuan Maret",
        meeting_date=datetime.date(2026, 3, 12),
        agenda="<p>Evaluasi kios.</p>",
        discussion_summary="<p>Pemakaian kios naik.</p>",
        decisions="<p>Kios kedua dipasang.</p>",
    )
    MeetingActionItem.objects.create(
        page=meeting, description="Menyusun panduan versi 2", owner=owner, due_date=datetime.date(2026, 4, 1)
    )

    text = page_text(staff_client.get(meeting.url))

    for expected in (
        "Evaluasi kios.",
        "Pemakaian kios naik.",
        "Kios kedua dipasang.",
        "Menyusun panduan versi 2",
        "Dewi Lestari",
    ):
        assert expected in text
    with translation.override("id"):
        assert "12 Maret 2026" in text and "1 April 2026" in text
    assert "CoP Layanan Sirkulasi" in text  # breadcrumbs and the CoP link


# Header and account pages ----------------------------------------------------


def test_the_header_names_the_reader_and_shows_the_admin_link_to_those_who_may_use_it(
    client, community, learning_center_member
):
    reader = UserFactory(first_name="Nadia", last_name="Putri")
    client.force_login(reader)
    response = client.get(community.url)
    html = response.content.decode()
    assert "Nadia Putri" in page_text(response)
    assert 'href="/admin/"' not in html
    assert re.search(r'<form[^>]*method="post" action="/akun/keluar/"', html)

    client.force_login(learning_center_member)
    assert 'href="/admin/"' in client.get(community.url).content.decode()


def test_the_login_page_offers_a_password_reset(client):
    text = page_text(client.get("/akun/masuk/"))
    html = client.get("/akun/masuk/").content.decode()
    assert indonesian("Forgot your password?") in text
    assert 'href="/akun/lupa-sandi/"' in html
    assert '<label for="id_username">' in html


@pytest.mark.parametrize(
    "path", ["/akun/lupa-sandi/", "/akun/lupa-sandi/terkirim/", "/akun/atur-sandi/selesai/"]
)
def test_the_password_reset_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'class="auth__card"' in response.content


def test_the_password_reset_email_links_to_the_confirm_page(client, mailoutbox):
    UserFactory(username="rina", email="rina@perpustakaan.example")
    client.post("/akun/lupa-sandi/", {"email": "rina@perpustakaan.example"})
    assert len(mailoutbox) == 1
    assert re.search(r"http://testserver/akun/atur-sandi/[^/]+/[^/]+/", mailoutbox[0].body)


def test_a_reader_changes_the_password(staff_client):
    form = staff_client.get("/akun/ganti-sandi/")
    assert '<label for="id_old_password">' in form.content.decode()

    done = staff_client.post(
        "/akun/ganti-sandi/",
        {
            "old_password": "rahasia-uji",
            "new_password1": "sandi-baru-yang-kuat",
            "new_password2": "sandi-baru-yang-kuat",
        },
        follow=True,
    )

    assert done.redirect_chain[-1][0] == "/akun/ganti-sandi/selesai/"
    assert indonesian("Password changed") in page_text(done)


def test_an_expired_reset_link_says_so(client):
    response = client.get("/akun/atur-sandi/MQ/tanda-yang-salah/")
    assert indonesian("This link no longer works") in page_text(response)
