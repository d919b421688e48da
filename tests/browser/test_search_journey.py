"""A member of staff finds what another division learned, through the knowledge search.

Putri (``pembaca``, staff in no CoP) uses the search box in the header:
autocomplete first, with the keyboard; then a search in another word form
than the practices use ("dipinjamkan" for "peminjaman", "meminjam"), which
she narrows with two facets before opening a highlighted result (through
the click log) and following one of its "Praktik terkait" to another CoP.

CoP Pimpinan is private and holds a practice about borrowing that would
match every step; it is indexed (its record is checked, and a member finds
it), and Putri must never see it: not as a suggestion, a result, a facet
value or a related practice.

The journey runs on both engines: the database (what every test outside
tests/search uses, ELASTICSEARCH_URL being empty) and Elasticsearch, a
fresh index on osmem-server as in tests/search. Neither may fall back to
the database silently: the search log names the engine that answered, and
nothing may log a fallback error.
"""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from search.knowledge_search import (
    SearchRequest,
    autocomplete_suggestions,
    related_practices,
    search_knowledge,
)
from search.models import PUBLIC, KnowledgeRecord, SearchClick, SearchLog
from tests.factories import MembershipFactory, UserFactory
from tests.search.indexed import refresh_index

from .content import SearchContent, build_search_content
from .search_steps import (
    active_filters,
    choose_suggestion_with_keyboard,
    facet,
    facet_count,
    header_search_box,
    related_section,
    result,
    result_summary,
    result_titles,
    results,
    search_from_header,
    suggestion_labels,
    tick_filter,
    type_for_suggestions,
)
from .steps import log_in, record_step

TYPED = "pemin"
QUERY = "dipinjamkan"
# Word forms of "pinjam" the practices use, other than the one searched for.
OTHER_FORMS = {"meminjam", "peminjaman", "dipinjam"}
PINJAM_FORMS = {QUERY, "pinjam", "pinjaman", *OTHER_FORMS}


@pytest.fixture
def search_content(engine, learning_content) -> SearchContent:
    content = build_search_content(learning_content)
    refresh_index(engine)
    return content


@pytest.fixture
def private_member(learning_content):
    """A member of CoP Pimpinan: the search must show her its practice."""
    member = UserFactory(username="anggota-pimpinan")
    MembershipFactory(user=member, community=learning_content.private_community)
    return member


def query_parameters(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def assert_private_practice_is_indexed_and_found_by_members(content: SearchContent, member) -> None:
    """The absence Putri sees must come from the visibility filter, not from an empty index."""
    hidden = content.private_practice
    record = KnowledgeRecord.objects.get(page_id=hidden.pk)
    assert record.visibility != PUBLIC
    assert hidden.title in [s["label"] for s in autocomplete_suggestions(TYPED, member, "id")]
    assert hidden.title in [hit.title for hit in search_knowledge(SearchRequest(QUERY, member)).hits]


def record_search_step(page: Page, engine: str, step: str) -> None:
    """``record_step``, with the engine in the screenshot's name: the journey runs once per engine."""
    record_step(page, f"search-{engine}-{step}")


def assert_answered_by(engine: str, caplog) -> None:
    """No step fell back from Elasticsearch to the database (with_fallback logs an error when it does)."""
    fallbacks = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("search") and record.levelno >= logging.ERROR
    ]
    assert not fallbacks, f"the {engine} engine did not answer: {fallbacks}"


@pytest.mark.browser
def test_staff_find_a_practice_of_another_division(
    engine: str, search_content: SearchContent, private_member, reader, page: Page, caplog
):
    content = search_content
    learning = content.learning
    practice, circulation = learning.practice, learning.community
    hidden = content.private_practice
    assert_private_practice_is_indexed_and_found_by_members(content, private_member)

    # Putri logs in through the login page and lands on Pusat Belajar's home.
    page.goto("/akun/masuk/")
    log_in(page, reader.username)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pusat Belajar")
    record_search_step(page, engine, "01-home")

    # She types in the header's search box: titles and a tag are suggested, never the private practice.
    box = header_search_box(page)
    listbox = type_for_suggestions(box, TYPED)
    expect(listbox.get_by_role("option")).to_have_count(3)
    assert sorted(suggestion_labels(page)) == sorted(
        [content.interlibrary.title, practice.title, "peminjaman"]
    )
    expect(listbox.get_by_role("option", name=re.compile(r"^peminjaman\s*Tag$"))).to_be_visible()
    expect(listbox.get_by_text(hidden.title)).to_have_count(0)
    expect(page.locator("#site-search-status")).to_have_text(
        "3 saran. Pilih dengan tombol panah atas dan bawah."
    )
    record_search_step(page, engine, "02-autocomplete")

    # She picks a practice of another CoP with the arrow keys and Enter: it opens.
    choose_suggestion_with_keyboard(box, content.interlibrary.title)
    expect(page).to_have_url(re.compile(re.escape(content.interlibrary.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(content.interlibrary.title)
    record_search_step(page, engine, "03-suggested-practice")

    # From the header she searches for a word form no title uses: the practices say
    # "peminjaman", "meminjam", "dipinjam".
    search_from_header(page, QUERY)
    expect(page).to_have_url(re.compile(rf"/cari/\?q={QUERY}$"))
    expect(page.get_by_text("Pencarian sedang terbatas")).to_have_count(0)
    expect(result_summary(page)).to_have_text(f"5 hasil untuk “{QUERY}”")
    expect(results(page)).to_have_count(5)
    assert sorted(result_titles(page)) == sorted(
        [
            circulation.title,
            practice.title,
            content.book_drop.title,
            content.interlibrary.title,
            content.app_renewal.title,
        ]
    )
    # Every result shows a passage with the matching word marked, in whatever form it takes there.
    passages = results(page).locator(".search-result__passage")
    expect(passages).to_have_count(5)
    for index in range(5):
        expect(passages.nth(index).locator("mark").first).to_be_visible()
    marked = {text.lower() for text in passages.locator("mark").all_inner_texts()}
    assert marked <= PINJAM_FORMS, marked
    assert marked >= OTHER_FORMS, marked
    expect(result(page, practice.title).locator(".search-result__passage mark")).to_have_text(["meminjam"])
    # The facets count what she may see: the private CoP is not among them.
    expect(facet_count(page, "CoP", circulation.title)).to_have_text("3")
    expect(facet_count(page, "CoP", "CoP Pengolahan Koleksi")).to_have_text("1")
    expect(facet_count(page, "CoP", "CoP Teknologi Informasi")).to_have_text("1")
    expect(facet(page, "CoP").get_by_role("checkbox")).to_have_count(3)
    expect(facet_count(page, "Jenis", "Praktik")).to_have_text("4")
    expect(facet_count(page, "Jenis", "CoP")).to_have_text("1")
    expect(page.get_by_text(hidden.title)).to_have_count(0)
    expect(page.get_by_text(learning.private_community.title)).to_have_count(0)
    record_search_step(page, engine, "04-results")

    # She narrows to CoP Layanan Sirkulasi: the page reloads as soon as she ticks the box.
    tick_filter(page, "CoP", circulation.title, re.compile(rf"[?&]community={circulation.pk}(&|$)"))
    expect(result_summary(page)).to_have_text(f"3 hasil untuk “{QUERY}”")
    assert sorted(result_titles(page)) == sorted([circulation.title, practice.title, content.book_drop.title])
    expect(active_filters(page)).to_have_count(1)
    expect(active_filters(page)).to_contain_text([f"CoP: {circulation.title}"])
    expect(page.get_by_text("1 aktif")).to_be_visible()
    # The other facets now count within that CoP.
    expect(facet_count(page, "Jenis", "Praktik")).to_have_text("2")
    expect(facet_count(page, "Jenis", "CoP")).to_have_text("1")
    record_search_step(page, engine, "05-one-filter")

    # Then to practices only: both filters are in the URL, chips and counts follow.
    tick_filter(page, "Jenis", "Praktik", re.compile(r"[?&]kind=practice(&|$)"))
    # The form also sends its sort menu, still on relevance.
    parameters = query_parameters(page.url)
    assert parameters.pop("urut", ["relevance"]) == ["relevance"], page.url
    assert parameters == {"q": [QUERY], "community": [str(circulation.pk)], "kind": ["practice"]}, page.url
    expect(result_summary(page)).to_have_text(f"2 hasil untuk “{QUERY}”")
    assert sorted(result_titles(page)) == sorted([practice.title, content.book_drop.title])
    expect(active_filters(page)).to_have_count(2)
    expect(active_filters(page)).to_contain_text([f"CoP: {circulation.title}", "Jenis: Praktik"])
    expect(page.get_by_text("2 aktif")).to_be_visible()
    # The CoP facet still offers the other CoPs, counted among practices.
    expect(facet_count(page, "CoP", circulation.title)).to_have_text("2")
    expect(facet_count(page, "CoP", "CoP Pengolahan Koleksi")).to_have_text("1")
    expect(facet_count(page, "CoP", "CoP Teknologi Informasi")).to_have_text("1")
    expect(facet(page, "Jenis").get_by_role("checkbox", checked=True)).to_have_count(1)
    expect(page.get_by_text(hidden.title)).to_have_count(0)
    record_search_step(page, engine, "06-two-filters")

    # She opens the highlighted result: its link goes through the click log to the practice.
    chosen = result(page, practice.title)
    expect(chosen.locator(".search-result__passage mark")).to_have_text(["meminjam"])
    link = chosen.get_by_role("link", name=practice.title, exact=True)
    expect(link).to_have_attribute("href", re.compile(r"^/cari/klik/\?log="))
    rank = int(query_parameters(link.get_attribute("href"))["rank"][0])
    assert rank == result_titles(page).index(practice.title) + 1
    link.click()
    expect(page).to_have_url(re.compile(re.escape(practice.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(practice.title)
    (click,) = SearchClick.objects.filter(page_id=practice.pk)
    assert (click.rank, click.search.query, click.search.filtered) == (rank, QUERY, True)
    assert click.search == SearchLog.objects.latest("searched_at")
    assert click.search.engine == engine
    page.wait_for_load_state("domcontentloaded")
    record_search_step(page, engine, "07-opened-result")

    # "Praktik terkait" lists practices like this one from other CoPs too, never the private one;
    # a member of the private CoP would find it there.
    related = related_section(page)
    assert hidden.title in [hit.title for hit in related_practices(practice, private_member)]
    expect(related).to_be_visible()
    related_links = related.get_by_role("link")
    expect(related_links.filter(has_text=content.app_renewal.title)).to_have_count(1)
    expect(related_links.filter(has_text=content.interlibrary.title)).to_have_count(1)
    expect(related.get_by_role("listitem").filter(has_text=content.app_renewal.title)).to_contain_text(
        "CoP Teknologi Informasi"
    )
    expect(related.get_by_text(hidden.title)).to_have_count(0)
    expect(related_links.filter(has_text=practice.title)).to_have_count(0)
    expect(related_links.filter(has_text=learning.english_practice.title)).to_have_count(0)

    # She follows one to CoP Teknologi Informasi.
    related.get_by_role("link", name=content.app_renewal.title, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(content.app_renewal.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(content.app_renewal.title)
    expect(related_section(page).get_by_role("link").first).to_be_visible()
    expect(related_section(page).get_by_text(hidden.title)).to_have_count(0)
    record_search_step(page, engine, "08-related-practice")
    assert_answered_by(engine, caplog)
