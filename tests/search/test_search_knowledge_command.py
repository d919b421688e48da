"""``manage.py search_knowledge``: the results the search page would show a user, as text or JSON."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from cop_pages.models import MembershipRole
from search.command_output import outsider, plain_highlight, results_text, search_as
from search.models import SearchLog
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

from .indexed import index_everything

pytestmark = pytest.mark.django_db

KEYS = {"rank", "title", "url", "community", "kind", "score", "highlight", "promoted"}


@pytest.fixture
def library(engine, home):
    """A public CoP with two practices and a private CoP with one, indexed on the engine under test."""
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi", division="Layanan Sirkulasi")
    secret = CommunityPageFactory(title="CoP Pimpinan", division="Pimpinan", private=True)
    pages = {
        "kiosk": PracticePageFactory(
            parent=circulation,
            title="Swalayan peminjaman buku",
            summary="<p>Anggota meminjam buku sendiri di mesin & membayar denda.</p>",
        ),
        "returns": PracticePageFactory(
            parent=circulation,
            title="Kotak pengembalian malam",
            summary="<p>Buku dikembalikan lewat kotak.</p>",
        ),
        "secret": PracticePageFactory(
            parent=secret, title="Peminjaman rahasia pimpinan", summary="<p>Pimpinan meminjam arsip.</p>"
        ),
        "secret_cop": secret,
    }
    index_everything(engine)
    return pages


def run(*arguments: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("search_knowledge", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_text_lists_ranked_public_results_with_marked_passages(library, engine):
    out, err = run("pinjam")
    assert err == ""
    assert out.splitlines()[0] == f'1 result for "pinjam" (engine: {engine}, language: id)'
    assert "  1. Swalayan peminjaman buku" in out
    assert library["kiosk"].url in out
    assert "CoP Layanan Sirkulasi" in out
    assert "«meminjam»" in out and "& membayar" in out
    assert "rahasia" not in out


def test_json_gives_every_key_with_the_pages_html_passage(library, engine):
    out, _err = run("pinjam buku", "--json")
    rows = json.loads(out)
    assert [row["title"] for row in rows][0] == "Swalayan peminjaman buku"
    assert all(set(row) == KEYS for row in rows)
    first = rows[0]
    assert (first["rank"], first["kind"], first["community"], first["promoted"]) == (
        1,
        "practice",
        "CoP Layanan Sirkulasi",
        False,
    )
    assert first["url"] == library["kiosk"].url
    assert isinstance(first["score"], float) and first["score"] > 0
    assert "<mark>meminjam</mark>" in first["highlight"] and "&amp; membayar" in first["highlight"]
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))


def test_a_member_of_the_private_cop_sees_its_practice(library):
    member = UserFactory(username="anggota")
    MembershipFactory(user=member, community=library["secret_cop"], role=MembershipRole.MEMBER)
    titles = [row["title"] for row in json.loads(run("rahasia", "--user", "anggota", "--json")[0])]
    assert titles == ["Peminjaman rahasia pimpinan"]
    assert json.loads(run("rahasia", "--json")[0]) == []
    UserFactory(username="luar")
    assert json.loads(run("rahasia", "--user", "luar", "--json")[0]) == []


def test_promoted_results_come_first_without_rank(library):
    SearchPromotion.objects.create(query=Query.get("pinjam"), page=library["returns"], sort_order=0)
    rows = json.loads(run("pinjam", "--json")[0])
    assert [(row["title"], row["rank"], row["promoted"]) for row in rows] == [
        ("Kotak pengembalian malam", None, True),
        ("Swalayan peminjaman buku", 1, False),
    ]


def test_the_command_does_not_log_searches(library):
    run("pinjam")
    assert not SearchLog.objects.exists()


def test_the_engine_can_be_forced_to_the_database(library):
    out, err = run("pinjam", "--engine", "database")
    assert "(engine: database, language: id)" in out and err == ""


def test_lang_chooses_the_language_of_the_search(library):
    out, _err = run("pinjam", "--lang", "en")
    assert "language: en)" in out.splitlines()[0]


def test_a_misspelt_query_gets_a_suggestion(library):
    out, _err = run("peminjamn")
    assert "Did you mean: peminjaman" in out


def test_an_unreachable_cluster_degrades_with_a_warning_on_stderr(library, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    out, err = run("pinjam")
    assert "Warning: Elasticsearch did not answer" in err
    assert "(engine: database" in out and "Swalayan peminjaman buku" in out


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="Unknown user: nobody"):
        run("pinjam", "--user", "nobody")


@pytest.mark.parametrize("arguments", [["--lang", "fr"], ["--engine", "solr"]])
def test_invalid_choices_are_rejected(db, arguments):
    with pytest.raises(CommandError, match="invalid choice"):
        run("pinjam", *arguments)


def test_elasticsearch_cannot_be_forced_when_it_is_not_configured(db, settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL"):
        run("pinjam", "--engine", "elasticsearch")


def test_from_the_shell_an_invalid_choice_exits_non_zero():
    completed = subprocess.run(
        [sys.executable, "manage.py", "search_knowledge", "pinjam", "--lang", "xx"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0
    assert "invalid choice" in completed.stderr


def test_the_outsider_sees_public_content_only(library, engine):
    outcome = search_as("pimpinan", outsider(), "id")
    assert [hit.title for hit in outcome.hits] == []
    assert outsider().pk == -1 and not outsider().is_superuser


def test_plain_highlight_marks_with_guillemets():
    assert (
        plain_highlight("… Buku <mark>dipinjam</mark> &amp; <mark>kembali</mark> …")
        == "… Buku «dipinjam» & «kembali» …"
    )
    assert plain_highlight("") == ""


def test_text_of_no_results(db, settings):
    settings.ELASTICSEARCH_URL = ""
    assert results_text(search_as("tidakada", outsider(), "id")) == (
        '0 results for "tidakada" (engine: database, language: id)'
    )
