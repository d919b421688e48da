"""The search glossary in the admin ("Glosarium pencarian"): who edits it, what it accepts, what it changes.

Everything goes through the real admin views; the searches run on both
engines, against pages indexed by the real indexing code.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from cop_pages.models import MembershipRole
from search.knowledge_search import SearchRequest, search_knowledge
from search.models import GlossaryEntry
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

from .indexed import index_everything

pytestmark = pytest.mark.django_db

INDEX = "/admin/search-glossary/"
RESULTS = f"{INDEX}results/"
ADD = f"{INDEX}new/"


def edit_url(entry: GlossaryEntry) -> str:
    return f"{INDEX}edit/{entry.pk}/"


def delete_url(entry: GlossaryEntry) -> str:
    return f"{INDEX}delete/{entry.pk}/"


@pytest.fixture
def team_client(client, learning_center_member):
    client.force_login(learning_center_member)
    return client


@pytest.fixture
def moderator(home):
    """A facilitator: reaches the admin, moderates a CoP, is not in the team."""
    return MembershipFactory(role=MembershipRole.FACILITATOR).user


@pytest.fixture
def entry(db):
    return GlossaryEntry.objects.create(terms="sirkulasi, peminjaman", note="Istilah divisi layanan")


def field_errors(response) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get("terms", [])]


def titles(query: str, user) -> list[str]:
    return [hit.title for hit in search_knowledge(SearchRequest(query=query, user=user)).hits]


# Who may edit ---------------------------------------------------------------


def test_the_team_finds_the_glossary_in_the_menu_and_lists_it(team_client, entry):
    assert INDEX in team_client.get("/admin/").content.decode()
    response = team_client.get(INDEX)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [entry]
    assert "Istilah divisi layanan" in response.content.decode()


def test_administrators_edit_the_glossary(client, administrator, entry):
    client.force_login(administrator)
    assert INDEX in client.get("/admin/").content.decode()
    for url in (INDEX, ADD, edit_url(entry), delete_url(entry)):
        assert client.get(url).status_code == 200, url


def test_moderators_get_no_menu_item_and_403_everywhere(client, moderator, entry):
    client.force_login(moderator)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert INDEX not in dashboard.content.decode()
    for url in (INDEX, RESULTS, ADD, edit_url(entry), delete_url(entry), f"{INDEX}history/{entry.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(ADD, {"terms": "rak, lemari"}).status_code == 403
    assert client.post(edit_url(entry), {"terms": "rak, lemari"}).status_code == 403
    assert client.post(delete_url(entry)).status_code == 403
    entry.refresh_from_db()
    assert entry.terms == "sirkulasi, peminjaman"
    assert GlossaryEntry.objects.count() == 1


def test_staff_without_the_admin_are_sent_to_log_in(staff_client, entry):
    response = staff_client.get(INDEX)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    staff_client.post(ADD, {"terms": "rak, lemari"})
    staff_client.post(delete_url(entry))
    assert list(GlossaryEntry.objects.values_list("terms", flat=True)) == ["sirkulasi, peminjaman"]


# What it accepts ------------------------------------------------------------


def test_the_team_adds_an_entry_tidied_up(team_client):
    response = team_client.post(ADD, {"terms": " Shelving ,shelving,  penataan   rak ,", "note": "Rak"})
    assert response.status_code == 302
    assert GlossaryEntry.objects.get().terms == "Shelving, penataan rak"


def test_the_list_searches_terms_and_notes(team_client, entry):
    other = GlossaryEntry.objects.create(terms="shelving, penataan rak")
    assert list(team_client.get(INDEX, {"q": "rak"}).context["object_list"]) == [other]
    assert list(team_client.get(INDEX, {"q": "divisi layanan"}).context["object_list"]) == [entry]


@pytest.mark.parametrize(
    "typed",
    [
        "sirkulasi",
        "Sirkulasi, sirkulasi , SIRKULASI",
        "peminjaman, !!!",
        "buku, " + "k" * 61,
        ", ,",
    ],
)
def test_an_entry_needs_two_different_terms_of_at_most_60_characters(team_client, typed):
    response = team_client.post(ADD, {"terms": typed, "note": "catatan saya"})
    assert response.status_code == 200
    assert field_errors(response)
    assert not GlossaryEntry.objects.exists()
    # The form comes back with what the user typed.
    assert response.context["form"]["terms"].value() == typed
    assert "catatan saya" in response.content.decode()


def test_a_term_of_exactly_60_characters_is_accepted(team_client):
    long_term = "k" * 60
    assert team_client.post(ADD, {"terms": f"buku, {long_term}"}).status_code == 302
    assert GlossaryEntry.objects.get().term_list() == ["buku", long_term]


def test_a_term_already_in_another_entry_is_refused_whatever_its_case_or_spacing(team_client, entry):
    response = team_client.post(ADD, {"terms": "Peminjaman, loan,  SIRKULASI "})
    assert response.status_code == 200
    errors = field_errors(response)
    assert len(errors) == 2
    assert all("sirkulasi, peminjaman" in error for error in errors)
    assert "“Peminjaman”" in errors[0] + errors[1] and "“SIRKULASI”" in errors[0] + errors[1]
    assert GlossaryEntry.objects.count() == 1


def test_editing_an_entry_may_keep_its_own_terms(team_client, entry):
    response = team_client.post(
        edit_url(entry), {"terms": "sirkulasi, peminjaman, layanan pinjam", "note": ""}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.term_list() == ["sirkulasi", "peminjaman", "layanan pinjam"]


def test_editing_cannot_take_a_term_of_another_entry(team_client, entry):
    other = GlossaryEntry.objects.create(terms="shelving, penataan rak")
    response = team_client.post(edit_url(other), {"terms": "shelving, penataan rak, Sirkulasi"})
    assert response.status_code == 200
    assert field_errors(response)
    other.refresh_from_db()
    assert other.terms == "shelving, penataan rak"


# What it changes ------------------------------------------------------------


@pytest.fixture
def indexed_practice(engine, home):
    """A practice that speaks of "sirkulasi" only, in the index of the engine under test."""
    community = CommunityPageFactory(title="CoP Layanan Pengguna", division="Layanan Pengguna")
    PracticePageFactory(
        parent=community,
        title="Meja layanan cepat",
        summary="<p>Sirkulasi koleksi di meja depan tanpa antre.</p>",
    )
    index_everything(engine)


def test_an_entry_added_in_the_admin_applies_at_the_next_search(indexed_practice, engine, team_client):
    reader = UserFactory()
    assert titles("peredaran", reader) == []
    response = team_client.post(ADD, {"terms": "peredaran, sirkulasi", "note": ""})
    assert response.status_code == 302
    outcome = search_knowledge(SearchRequest(query="peredaran", user=reader))
    assert (outcome.engine, outcome.degraded) == (engine, False)
    assert [hit.title for hit in outcome.hits] == ["Meja layanan cepat"]
    assert "<mark>Sirkulasi</mark>" in outcome.hits[0].highlight


def test_edits_and_deletions_in_the_admin_apply_at_the_next_search(indexed_practice, team_client):
    reader = UserFactory()
    entry = GlossaryEntry.objects.create(terms="peredaran, sirkulasi")
    assert titles("peredaran", reader) == ["Meja layanan cepat"]

    assert team_client.post(edit_url(entry), {"terms": "perputaran, sirkulasi"}).status_code == 302
    assert titles("peredaran", reader) == []
    assert titles("perputaran", reader) == ["Meja layanan cepat"]

    assert team_client.post(delete_url(entry)).status_code == 302
    assert not GlossaryEntry.objects.exists()
    assert titles("perputaran", reader) == []
