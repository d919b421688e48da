"""Pusat Belajar's home and tag pages, as a staff member sees them."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import ngettext
from wagtail.models import Locale
from wagtail_localize.operations import translate_object

from cop_pages.models import MembershipRole
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    learning_center_root,
)
from tests.reading import indonesian, text_of

pytestmark = pytest.mark.django_db


def card_of(response, title: str) -> str:
    """The text of the card that carries the title."""
    cards = re.findall(r"<article.*?</article>", response.content.decode(), re.S)
    matching = [text_of(card) for card in cards if title in text_of(card)]
    assert matching, f"no card for {title!r}"
    return matching[0]


def indonesian_count(singular: str, plural: str, number: int) -> str:
    with translation.override("id"):
        return ngettext(singular, plural, number) % {"counter": number}


def tagged(page, *tags: str):
    page.tags.add(*tags)
    page.save()
    return page


@pytest.fixture
def circulation(home):
    community = CommunityPageFactory(title="CoP Layanan Sirkulasi", division="Layanan Sirkulasi")
    for role in (MembershipRole.FACILITATOR, MembershipRole.MEMBER, MembershipRole.MEMBER):
        MembershipFactory(community=community, role=role)
    return community


def test_community_cards_show_member_and_practice_counts(staff_client, home, circulation):
    for _ in range(4):
        PracticePageFactory(parent=circulation)
    MeetingPageFactory(parent=circulation)
    CommunityPageFactory(title="CoP Pengadaan Koleksi")

    response = staff_client.get(home.url)

    card = card_of(response, "CoP Layanan Sirkulasi")
    assert "Layanan Sirkulasi" in card
    assert indonesian_count("%(counter)s member", "%(counter)s members", 3) in card
    assert indonesian_count("%(counter)s practice", "%(counter)s practices", 4) in card
    assert indonesian_count("%(counter)s meeting", "%(counter)s meetings", 1) in card
    empty = card_of(response, "CoP Pengadaan Koleksi")
    assert indonesian_count("%(counter)s member", "%(counter)s members", 0) in empty


def test_the_home_page_shows_latest_featured_and_upcoming(staff_client, home, circulation):
    PracticePageFactory(parent=circulation, title="Praktik lama", documented_on=datetime.date(2020, 1, 1))
    PracticePageFactory(
        parent=circulation, title="Praktik terbaru sekali", documented_on=datetime.date(2026, 6, 1)
    )
    PracticePageFactory(parent=circulation, title="Praktik unggulan", featured=True)
    MeetingPageFactory(
        parent=circulation,
        title="Pertemuan depan",
        meeting_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    MeetingPageFactory(
        parent=circulation,
        title="Pertemuan lalu",
        meeting_date=timezone.localdate() - datetime.timedelta(days=3),
    )

    html = staff_client.get(home.url).content.decode()

    def section(heading_id: str) -> str:
        return text_of(
            re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S).group()
        )

    latest, featured, upcoming = section("latest-title"), section("featured-title"), section("upcoming-title")
    assert indonesian("Latest practices") in latest
    assert latest.index("Praktik terbaru sekali") < latest.index("Praktik lama")
    assert "CoP Layanan Sirkulasi" in latest  # each practice names its CoP
    assert "Praktik unggulan" in featured and "Praktik lama" not in featured
    assert "Pertemuan depan" in upcoming and "Pertemuan lalu" not in upcoming


def test_popular_tags_lead_to_the_tag_page(staff_client, home, circulation):
    procurement = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    tagged(PracticePageFactory(parent=circulation, title="Kios mandiri"), "layanan mandiri")
    tagged(PracticePageFactory(parent=procurement, title="Survei kebutuhan"), "layanan mandiri")
    tagged(MeetingPageFactory(parent=procurement, title="Rapat seleksi"), "layanan mandiri")
    PracticePageFactory(parent=circulation, title="Tanpa tag")

    home_html = staff_client.get(home.url).content.decode()
    assert re.search(r'href="/tag/layanan-mandiri/">layanan mandiri <span class="tag__count">.*?3', home_html)

    response = staff_client.get("/tag/layanan-mandiri/")
    text = text_of(response.content.decode())
    assert response.status_code == 200
    for expected in ("Kios mandiri", "Survei kebutuhan", "Rapat seleksi", "CoP Pengadaan Koleksi"):
        assert expected in text
    assert "Tanpa tag" not in text
    assert staff_client.get("/tag/tidak-ada/").status_code == 404


def test_a_private_community_is_hidden_from_other_staff(staff_client, home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    tagged(PracticePageFactory(parent=private, title="Praktik tertutup", featured=True), "rahasia")
    tagged(MeetingPageFactory(parent=private, title="Rapat tertutup"), "rahasia")

    home_text = text_of(staff_client.get(home.url).content.decode())
    tag_text = text_of(staff_client.get("/tag/rahasia/").content.decode())

    for hidden in ("CoP Rahasia", "Praktik tertutup", "Rapat tertutup", "rahasia"):
        assert hidden not in home_text
    assert "Praktik tertutup" not in tag_text and "Rapat tertutup" not in tag_text


def test_a_private_community_shows_on_its_members_home(client, home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    PracticePageFactory(parent=private, title="Praktik tertutup")
    client.force_login(MembershipFactory(community=private).user)

    response = client.get(home.url)

    card = card_of(response, "CoP Rahasia")
    assert indonesian("Private") in card
    assert "Praktik tertutup" in text_of(response.content.decode())


def test_the_english_home_lives_under_en_and_marks_indonesian_pages(staff_client, home, circulation):
    PracticePageFactory(parent=circulation, title="Praktik berbahasa Indonesia")
    english_home = learning_center_root("en")

    response = staff_client.get("/en/")

    assert english_home.url == "/en/"
    assert b'<html lang="en">' in response.content
    assert f'<a href="{home.url}" lang="id" hreflang="id">'.encode() in response.content
    card = re.search(
        r"<article(?:(?!</article>).)*Praktik berbahasa Indonesia.*?</article>",
        response.content.decode(),
        re.S,
    )
    assert '<span aria-hidden="true">ID</span>' in card.group()


def test_a_translated_community_shows_once_in_the_reader_language(staff_client, home, circulation):
    english = Locale.objects.get(language_code="en")
    translate_object(circulation, [english])
    translation_page = circulation.get_translation(english).specific
    translation_page.title = "Circulation Services CoP"
    translation_page.save_revision().publish()

    indonesian_text = text_of(staff_client.get(home.url).content.decode())
    english_text = text_of(staff_client.get("/en/").content.decode())

    assert "CoP Layanan Sirkulasi" in indonesian_text and "Circulation Services CoP" not in indonesian_text
    assert "Circulation Services CoP" in english_text and "CoP Layanan Sirkulasi" not in english_text
