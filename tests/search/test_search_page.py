"""The search page as staff use it: query, filters, sort, pages, clicks, on both engines."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.models import SearchClick, SearchLog
from search.views import log_signer
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)
from tests.reading import indonesian, text_of

from .indexed import index_everything

pytestmark = pytest.mark.django_db


def search_url(language: str = "id", **parameters) -> str:
    with translation.override(language):
        url = reverse("knowledge_search:search")
    query = "&".join(
        f"{name}={value}"
        for name, values in parameters.items()
        for value in (values if isinstance(values, list | tuple) else [values])
    )
    return f"{url}?{query}" if query else url


def page_text(response) -> str:
    return text_of(response.content.decode())


def result_titles(response) -> list[str]:
    html = response.content.decode()
    return [
        text_of(title) for title in re.findall(r'<a class="card__link" href="[^"]*">(.*?)</a>', html, re.S)
    ]


def result_links(response) -> list[str]:
    return re.findall(r'<a class="card__link" href="([^"]*)">', response.content.decode())


def checked_boxes(response) -> set[tuple[str, str]]:
    html = response.content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    return {
        (re.search(r'name="([^"]*)"', box).group(1), re.search(r'value="([^"]*)"', box).group(1))
        for box in boxes
        if " checked" in box
    }


def unescaped(link: str) -> str:
    return link.replace("&amp;", "&")


@pytest.fixture
def library(home):
    """Two public CoPs and a private one, with practices and a meeting about borrowing."""
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="layanan-sirkulasi")
    procurement = CommunityPageFactory(title="CoP Pengadaan", slug="pengadaan")
    secret = CommunityPageFactory(title="CoP Rahasia", slug="rahasia", private=True)
    self_service = PracticePageFactory(
        parent=circulation,
        title="Swalayan peminjaman buku",
        summary="<p>Anggota meminjam buku sendiri di mesin swalayan.</p>",
        documented_on=datetime.date(2025, 3, 1),
    )
    self_service.tags.add("peminjaman", "rfid")
    self_service.save()
    returns = PracticePageFactory(
        parent=circulation,
        title="Kotak pengembalian buku",
        summary="<p>Buku yang dipinjamkan dikembalikan lewat kotak di depan gedung.</p>",
        documented_on=datetime.date(2026, 2, 1),
    )
    returns.tags.add("pengembalian")
    returns.save()
    interlibrary = PracticePageFactory(
        parent=procurement,
        title="Pinjam antarperpustakaan",
        summary="<p>Pengadaan lewat peminjaman dari perpustakaan lain.</p>",
        documented_on=datetime.date(2026, 1, 10),
    )
    meeting = MeetingPageFactory(
        parent=circulation,
        title="Evaluasi peminjaman mandiri",
        agenda="<p>Membahas peminjaman mandiri dan antrean.</p>",
        meeting_date=datetime.date(2026, 1, 20),
    )
    hidden = PracticePageFactory(
        parent=secret,
        title="Peminjaman rahasia",
        summary="<p>Cara meminjam yang hanya untuk anggota.</p>",
    )
    return {
        "circulation": circulation,
        "procurement": procurement,
        "secret": secret,
        "self_service": self_service,
        "returns": returns,
        "interlibrary": interlibrary,
        "meeting": meeting,
        "hidden": hidden,
    }


# Reaching the page -------------------------------------------------------------


def test_searching_needs_a_login(client, library):
    for url in (
        search_url(q="pinjam"),
        search_url("en", q="pinjam"),
        reverse("knowledge_search:autocomplete") + "?q=pin",
        reverse("knowledge_search:click") + "?page=1&rank=1",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/akun/masuk/?next=" in response["Location"], url


def test_the_search_page_lives_at_cari_in_indonesian_and_search_in_english():
    with translation.override("id"):
        assert reverse("knowledge_search:search") == "/cari/"
    with translation.override("en"):
        assert reverse("knowledge_search:search") == "/en/search/"


def test_every_page_header_has_a_search_box_that_works_without_javascript(staff_client, library):
    html = staff_client.get(library["circulation"].url).content.decode()

    form = re.search(r'<form class="site-search" action="([^"]*)" method="get" role="search"', html)
    assert form and form.group(1) == search_url()
    assert re.search(r'<label class="visually-hidden" for="site-search">', html)
    assert re.search(r'<input[^>]*id="site-search"[^>]*name="q"', html)
    assert 'data-autocomplete="' + reverse("knowledge_search:autocomplete") in html


def test_the_search_page_has_one_search_box_of_its_own(staff_client, library):
    html = staff_client.get(search_url()).content.decode()

    assert 'class="site-search"' not in html
    assert html.count('name="q"') == 1


def test_an_empty_search_explains_what_to_do(staff_client, library):
    response = staff_client.get(search_url())

    assert response.status_code == 200
    text = page_text(response)
    assert indonesian("Find what other divisions have learned") in text
    assert indonesian("Search tips") in text
    assert f"<title>{indonesian('Knowledge search')} · Pusat Belajar</title>" in response.content.decode()
    assert SearchLog.objects.count() == 0


# Results --------------------------------------------------------------------------


def test_results_show_title_cop_kind_date_tags_and_the_matching_passage(staff_client, library, engine):
    index_everything(engine)

    response = staff_client.get(search_url(q="dipinjamkan"))

    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(response)
    titles = result_titles(response)
    assert {"Swalayan peminjaman buku", "Pinjam antarperpustakaan", "Kotak pengembalian buku"} <= set(titles)
    assert "Evaluasi peminjaman mandiri" in titles
    assert "Peminjaman rahasia" not in titles
    assert "CoP Layanan Sirkulasi" in text and "CoP Pengadaan" in text
    assert '<time datetime="2025-03-01">' in html
    assert re.search(r'<a class="tag" href="[^"]*tags=rfid[^"]*">', html)
    assert "<mark>" in html
    with translation.override("id"):
        summary = translation.ngettext(
            "%(counter)s result for “%(query)s”", "%(counter)s results for “%(query)s”", len(titles)
        ) % {"counter": len(titles), "query": "dipinjamkan"}
    assert re.search(r'<p class="search-summary" role="status"[^>]*>' + re.escape(summary) + "</p>", html)
    title = indonesian("Search: “%(query)s”") % {"query": "dipinjamkan"}
    assert f"<title>{title} · Pusat Belajar</title>" in html


def test_a_private_cop_is_found_by_its_members_only(client, library, engine):
    index_everything(engine)
    member = MembershipFactory(community=library["secret"]).user
    client.force_login(member)

    assert "Peminjaman rahasia" in result_titles(client.get(search_url(q="rahasia")))

    client.force_login(UserFactory(username="orang-luar"))
    response = client.get(search_url(q="rahasia"))
    assert "Peminjaman rahasia" not in result_titles(response)
    assert "CoP Rahasia" not in page_text(response)


def test_a_page_in_the_other_language_carries_a_language_badge(staff_client, library, engine):
    index_everything(engine)

    html = staff_client.get(search_url("en", q="peminjaman")).content.decode()

    assert '<span class="badge badge--language" lang="id">' in html


def test_facets_filter_the_results_and_keep_their_state(staff_client, library, engine):
    index_everything(engine)
    circulation = str(library["circulation"].pk)

    response = staff_client.get(search_url(q="pinjam", community=circulation, kind="practice"))

    assert set(result_titles(response)) == {"Swalayan peminjaman buku", "Kotak pengembalian buku"}
    assert checked_boxes(response) == {("community", circulation), ("kind", "practice")}
    html = response.content.decode()
    # Every box belongs to the one GET form, and each has a label.
    for box in re.findall(r'<input type="checkbox"[^>]*>', html):
        assert 'form="search-form"' in box
        box_id = re.search(r'id="([^"]*)"', box).group(1)
        assert f'<label for="{box_id}">' in html
    # The CoP facet still offers the other CoP, with its count.
    assert str(library["procurement"].pk) in re.findall(r'name="community" value="(\d+)"', html)


def test_a_chip_removes_its_filter_and_clear_all_removes_every_one(staff_client, library, engine):
    index_everything(engine)
    url = search_url(q="pinjam", tags="rfid", kind="practice")

    html = staff_client.get(url).content.decode()
    chips = re.findall(r'<a class="tag tag--active tag--removable" href="([^"]*)">', html)
    assert len(chips) == 2
    without_tag = next(unescaped(link) for link in chips if "tags=" not in link)

    response = staff_client.get(search_url() + without_tag)
    assert checked_boxes(response) == {("kind", "practice")}
    assert "Kotak pengembalian buku" in result_titles(response)

    clear = re.search(r'<a class="search-chips__clear" href="([^"]*)">', html).group(1)
    response = staff_client.get(search_url() + unescaped(clear))
    assert checked_boxes(response) == set()
    assert "Evaluasi peminjaman mandiri" in result_titles(response)
    assert indonesian("Clear all filters") in page_text(staff_client.get(url))


def test_results_sort_by_relevance_or_newest(staff_client, library, engine):
    index_everything(engine)

    response = staff_client.get(search_url(q="pinjam", urut="newest"))

    titles = result_titles(response)
    dates = {
        "Kotak pengembalian buku": 4,
        "Evaluasi peminjaman mandiri": 3,
        "Pinjam antarperpustakaan": 2,
        "Swalayan peminjaman buku": 1,
    }
    found = [dates[title] for title in titles if title in dates]
    assert found == sorted(found, reverse=True)
    assert '<option value="newest" selected>' in response.content.decode()
    assert '<label for="search-sort">' in response.content.decode()


def test_results_come_in_pages_and_paging_logs_the_search_once(staff_client, library, engine):
    for number in range(12):
        PracticePageFactory(parent=library["procurement"], title=f"Katalog peminjaman {number}")
    index_everything(engine)

    first = staff_client.get(search_url(q="katalog"))
    assert len(result_titles(first)) == 10
    assert SearchLog.objects.count() == 1
    next_link = re.search(
        r'<a class="button button--ghost" href="([^"]*)" rel="next">', first.content.decode()
    )
    assert next_link

    second = staff_client.get(search_url() + unescaped(next_link.group(1)).split("#")[0])
    assert len(result_titles(second)) == 2
    assert SearchLog.objects.count() == 1
    assert '<ol class="stack search-list" role="list" start="11">' in second.content.decode()
    # Clicks on the second page are logged against the search of the first.
    link = urlsplit(unescaped(result_links(second)[0]))
    assert log_signer.unsign(parse_qs(link.query)["log"][0]) == str(SearchLog.objects.get().pk)
    assert parse_qs(link.query)["rank"] == ["11"]
    page_two = indonesian("Page %(number)s of %(total)s") % {"number": 2, "total": 2}
    assert page_two in page_text(second)


def test_a_page_beyond_the_last_offers_the_first(staff_client, library, engine):
    index_everything(engine)

    response = staff_client.get(search_url(q="pinjam", halaman=50))

    assert response.status_code == 200
    assert indonesian("Go to the first page of results") in page_text(response)


def test_nothing_found_gives_tips_and_a_suggestion(staff_client, library, engine):
    index_everything(engine)

    response = staff_client.get(search_url(q="zzzyxq"))
    text = page_text(response)
    assert indonesian("Nothing found for “%(query)s”") % {"query": "zzzyxq"} in text
    assert indonesian("Search tips") in text
    assert SearchLog.objects.get().result_count == 0

    response = staff_client.get(search_url(q="pengadan"))
    suggestion = re.search(
        r'<p class="search-suggestion">.*?<a href="([^"]*)">([^<]*)</a>', response.content.decode()
    )
    assert suggestion, page_text(response)
    assert suggestion.group(2) == "pengadaan"
    assert parse_qs(urlsplit(unescaped(suggestion.group(1))).query)["q"] == ["pengadaan"]


def test_editor_picks_come_first_on_the_first_page(staff_client, library, engine):
    index_everything(engine)
    SearchPromotion.objects.create(query=Query.get("antrean"), page=library["returns"], sort_order=0)

    response = staff_client.get(search_url(q="antrean"))

    html = response.content.decode()
    promotions = html.split('class="stack search-promotions"')[1].split("</ul>")[0]
    assert "Kotak pengembalian buku" in text_of(promotions)
    assert indonesian("Editor's pick") in text_of(promotions)
    assert html.index("search-promotions") < html.index("search-list")


def test_a_cluster_that_cannot_be_reached_degrades_to_the_database_with_a_notice(
    staff_client, library, settings
):
    index_everything("database")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"

    response = staff_client.get(search_url(q="pinjam"))

    assert response.status_code == 200
    assert indonesian("Search is running in reduced mode") in page_text(response)
    assert "Swalayan peminjaman buku" in result_titles(response)


def test_the_english_search_page(staff_client, library, engine):
    index_everything(engine)

    response = staff_client.get(search_url("en", q="pinjam", tags="rfid"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<h1 id="search-title">Knowledge search</h1>' in html
    assert "Swalayan peminjaman buku" in result_titles(response)
    # The language switcher keeps the search.
    assert re.search(r'<a href="/cari/\?q=pinjam&amp;tags=rfid" lang="id"', html) or re.search(
        r'<a href="/search/\?q=pinjam&amp;tags=rfid" lang="id"', html
    )


# Clicks ---------------------------------------------------------------------------


def click_url(log: SearchLog | str, page_id, rank) -> str:
    token = log if isinstance(log, str) else log_signer.sign(str(log.pk))
    return reverse("knowledge_search:click") + f"?log={token}&page={page_id}&rank={rank}"


def test_a_result_link_logs_the_click_and_opens_the_page(staff_client, library, engine):
    index_everything(engine)
    response = staff_client.get(search_url(q="swalayan"))
    link = result_links(response)[0]
    assert link.startswith(reverse("knowledge_search:click"))

    response = staff_client.get(unescaped(link))

    assert response.status_code == 302
    assert response["Location"] == library["self_service"].url
    click = SearchClick.objects.get()
    assert (click.search_id, click.page_id, click.rank) == (
        SearchLog.objects.get().pk,
        library["self_service"].pk,
        1,
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=1&rank=1",
        "log=1&page=1&rank=1",  # an unsigned log id
        "log={token}&page=abc&rank=1",
        "log={token}&page={page}&rank=0",
        "log={token}&page={page}&rank=99999999999999999999",
        "log={token}&page=99999999999999999999&rank=1",
        "log={token}&page=//evil.example/&rank=1",
        "log={token}&page=https://evil.example/&rank=1",
        "log={token}&page={page}&rank=1&next=https://evil.example/",
        "log={token}&page=999999&rank=1",
        "log={token}&page={page}%00&rank=1",
        "log={token}x&page={page}&rank=1",  # a tampered signature
    ],
)
def test_a_click_link_that_does_not_add_up_goes_back_to_the_search(staff_client, library, query):
    log = SearchLog.objects.create(query="pinjam", result_count=1, engine="database", language="id")
    target = query.format(token=log_signer.sign(str(log.pk)), page=library["self_service"].pk)
    url = reverse("knowledge_search:click") + "?" + target

    response = staff_client.get(url)

    if "next=" in query:
        # Extra parameters are ignored: the page still opens, never the other site.
        assert response["Location"] == library["self_service"].url
    else:
        assert response.status_code == 302
        assert response["Location"] == search_url()
        assert not SearchClick.objects.exists()
    assert "evil" not in response["Location"]


def test_a_click_from_a_search_log_purged_since_still_opens_the_page(staff_client, library):
    log = SearchLog.objects.create(query="pinjam", result_count=1, engine="database", language="id")
    url = click_url(log, library["self_service"].pk, 1)
    log.delete()

    response = staff_client.get(url)

    assert response["Location"] == library["self_service"].url
    assert not SearchClick.objects.exists()


def test_a_click_never_leads_to_a_page_the_reader_may_not_view(staff_client, library):
    log = SearchLog.objects.create(query="rahasia", result_count=0, engine="database", language="id")
    draft = PracticePageFactory(parent=library["circulation"], title="Draf", live=False)

    for page in (library["hidden"], draft):
        response = staff_client.get(click_url(log, page.pk, 1))
        assert response["Location"] == search_url()
    assert not SearchClick.objects.exists()


# Robustness and cost --------------------------------------------------------------

HOSTILE_QUERIES = [
    "a" * 5000,
    'title:(buku OR "pinjam) AND body:[* TO *]',
    '{"query": {"match_all": {}}}',
    'buku\\ \\\\ /regex/ ~2 ^3 + - && || ! ( ) { } [ ] ^ " ~ * ? : /',
    '"unbalanced',
    "pinjam\x00buku",
    "%00%0d%0a",
    "📚🔥 pinjam 👩‍💻",
    "<script>alert(1)</script>",
    "ـــ\u202e\u200b",
]


def test_hostile_queries_never_break_the_page(staff_client, library, engine):
    index_everything(engine)

    for query in HOSTILE_QUERIES:
        response = staff_client.get(
            search_url(), {"q": query, "halaman": "-3", "urut": "💥", "year": "x" * 300}
        )
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    "parameters",
    [
        {"q": "pinjam", "halaman": "abc"},
        {"q": "pinjam", "halaman": "99999999999999999999"},
        {"q": "pinjam", "community": ["x", "-1", "99999999999"], "kind": "nonsense"},
        {"q": "pinjam", "tags": ["a" * 500, "\x00"], "language": "zz", "year": "20x6"},
        {"q": ["pinjam", "buku"], "log": "forged:token"},
    ],
)
def test_invalid_filters_and_pages_are_ignored(staff_client, library, parameters):
    index_everything("database")

    response = staff_client.get(search_url(), parameters)

    assert response.status_code == 200


# Enough for a second page at both sizes: a page without hits skips the query that dresses them.
SMALL = 12
LARGE = 45
# A ceiling that keeps the page cheap as it evolves; the equality is the real test.
MOST_QUERIES = 30


def queries_to_search(client, url: str) -> int:
    client.get(url)  # Wagtail caches the site's root paths after a first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_search_page_renders_in_a_fixed_number_of_queries(client, library, engine):
    reader = MembershipFactory(community=library["circulation"]).user
    client.force_login(reader)
    communities = [library["circulation"], library["procurement"]]

    def grow_to(total: int) -> None:
        made = PracticePageFactory._meta.model.objects.filter(title__startswith="Antrean").count()
        for number in range(made, total):
            practice = PracticePageFactory(
                parent=communities[number % 2],
                title=f"Antrean peminjaman {number}",
                documented_on=datetime.date(2020 + number % 6, 1 + number % 12, 1),
            )
            practice.tags.add(f"topik-{number}", "antrean")
            practice.save()
        index_everything(engine)
        SearchPromotion.objects.get_or_create(
            query=Query.get("antrean"), page=library["returns"], sort_order=0
        )

    urls = {
        "first page": search_url(q="antrean"),
        "filtered": search_url(q="antrean", tags="antrean", kind="practice"),
        "second page": search_url(q="antrean", halaman=2),
        "nothing found": search_url(q="zzzyxq"),
    }
    grow_to(SMALL)
    small = {name: queries_to_search(client, url) for name, url in urls.items()}
    grow_to(LARGE)
    large = {name: queries_to_search(client, url) for name, url in urls.items()}

    assert large == small
    assert max(small.values()) <= MOST_QUERIES, small


# Related practices on a practice page ---------------------------------------------


def test_a_practice_page_shows_related_practices_from_other_cops(staff_client, library, engine):
    index_everything(engine)

    html = staff_client.get(library["self_service"].url).content.decode()

    section = re.search(r'<section class="panel related-practices".*?</section>', html, re.S)
    assert section, "no related practices"
    titles = re.findall(r'<li><a href="[^"]*">([^<]*)</a>', section.group())
    assert "Pinjam antarperpustakaan" in titles
    assert "Swalayan peminjaman buku" not in titles
    assert "Peminjaman rahasia" not in titles
    assert indonesian("Related practices") in text_of(section.group())


def test_no_related_practices_no_section(staff_client, home):
    lonely = PracticePageFactory(title="Satu-satunya praktik")

    html = staff_client.get(lonely.url).content.decode()

    assert "related-practices" not in html
