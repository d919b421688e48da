"""Suggestions while typing: the JSON the search boxes' script reads."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory
from tests.reading import indonesian

from .indexed import index_everything

pytestmark = pytest.mark.django_db


def suggest(client, prefix: str, language: str = "id"):
    with translation.override(language):
        url = reverse("knowledge_search:autocomplete")
    response = client.get(url, {"q": prefix})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def shelves(home):
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi")
    practice = PracticePageFactory(parent=circulation, title="Peminjaman swalayan dengan RFID")
    practice.tags.add("peminjaman")
    practice.save()
    secret = CommunityPageFactory(title="CoP Rahasia", private=True)
    PracticePageFactory(parent=secret, title="Peminjaman tertutup")
    return {"circulation": circulation, "practice": practice, "secret": secret}


def test_suggestions_name_titles_and_tags_with_their_kind_and_link(staff_client, shelves, engine):
    index_everything(engine)

    answer = suggest(staff_client, "pemin")

    by_label = {suggestion["label"]: suggestion for suggestion in answer["suggestions"]}
    practice = by_label["Peminjaman swalayan dengan RFID"]
    assert practice["kind"] == "practice"
    assert practice["url"] == shelves["practice"].url
    assert practice["kind_label"] == indonesian("Practice")
    tag = by_label["peminjaman"]
    assert tag["kind"] == "tag"
    assert tag["kind_label"] == indonesian("Tag")
    # A tag searches for its word, filtered by it: a search without words finds nothing.
    tag_link = urlsplit(tag["url"])
    with translation.override("id"):
        assert tag_link.path == reverse("knowledge_search:search")
    assert parse_qs(tag_link.query) == {"q": ["peminjaman"], "tags": ["peminjaman"]}
    assert answer["query"] == "pemin"
    assert str(len(answer["suggestions"])) in answer["status"]


def test_suggestions_leave_out_a_private_cop_except_for_its_members(client, shelves, engine):
    index_everything(engine)

    client.force_login(UserFactory(username="orang-luar"))
    labels = [suggestion["label"] for suggestion in suggest(client, "pemin")["suggestions"]]
    assert "Peminjaman tertutup" not in labels

    client.force_login(MembershipFactory(community=shelves["secret"]).user)
    labels = [suggestion["label"] for suggestion in suggest(client, "pemin")["suggestions"]]
    assert "Peminjaman tertutup" in labels


def test_too_short_a_prefix_suggests_nothing(staff_client, shelves):
    index_everything("database")

    answer = suggest(staff_client, "p")

    assert answer["suggestions"] == []
    assert answer["status"] == indonesian("No suggestions.")


HOSTILE_PREFIXES = ["a" * 5000, "pemin\x00jam", '"unbalanced', "{}[]()^~*?:\\/", "📚 pemin", "<script>", "  "]


def test_hostile_prefixes_answer_json(staff_client, shelves, engine):
    index_everything(engine)

    for prefix in HOSTILE_PREFIXES:
        answer = suggest(staff_client, prefix)
        assert len(answer["query"]) <= 100
        assert "\x00" not in answer["query"]


def test_the_english_endpoint_answers_in_english(staff_client, shelves):
    index_everything("database")

    answer = suggest(staff_client, "pemin", language="en")

    assert {suggestion["kind_label"] for suggestion in answer["suggestions"]} <= {"Practice", "Tag"}
    assert answer["status"].startswith(str(len(answer["suggestions"])) + " suggestion")


def test_suggestions_need_a_login(client, shelves):
    response = client.get(reverse("knowledge_search:autocomplete"), {"q": "pemin"})

    assert response.status_code == 302


def test_only_get_is_answered(staff_client, shelves):
    response = staff_client.post(reverse("knowledge_search:autocomplete"), {"q": "pemin"})

    assert response.status_code == 405
