"""Comments are plain text: what ``comment_text`` makes of them, and hostile input on a real page."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser

import pytest
import time_machine

from cop_pages.models import Comment
from cop_pages.templatetags.comment_text import comment_excerpt, comment_text
from tests.factories import CommunityPageFactory, PracticePageFactory, UserFactory
from tests.reading import indonesian

LINK_REL = 'rel="noopener noreferrer nofollow ugc"'
START = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC)


# The filter on its own -------------------------------------------------------


class Person:
    def __init__(self, username, email="", full_name=""):
        self.username, self.email, self.full_name = username, email, full_name

    def get_full_name(self):
        return self.full_name


def test_everything_is_escaped():
    html = comment_text("<b>tebal</b> & \"kutip\" 'satu'")
    assert html == "&lt;b&gt;tebal&lt;/b&gt; &amp; &quot;kutip&quot; &#x27;satu&#x27;"


def test_line_breaks_are_kept():
    assert comment_text("baris satu\r\nbaris dua\nbaris tiga") == "baris satu<br>baris dua<br>baris tiga"


def test_http_urls_are_linked_with_a_safe_rel():
    html = comment_text("Lihat https://example.com/panduan?a=1&b=2 dan http://contoh.id.")
    assert (
        f'<a href="https://example.com/panduan?a=1&amp;b=2" {LINK_REL}>https://example.com/panduan?a=1&amp;b=2</a>'
        in html
    )
    assert f'<a href="http://contoh.id" {LINK_REL}>http://contoh.id</a>.' in html


def test_a_url_cannot_break_out_of_its_attribute():
    html = comment_text('https://example.com/"onmouseover="alert(1)')
    assert "onmouseover=" not in re.sub(r"&quot;", "", "".join(re.findall(r"<a [^>]*>", html)))
    assert not re.search(r"<a [^>]*\son\w+=", html)


def test_javascript_urls_are_never_linked():
    for text in (
        "javascript:alert(1)",
        "[klik](javascript:alert(1))",
        '<a href="javascript:alert(1)">klik</a>',
    ):
        html = comment_text(text)
        assert "<a " not in html, text


def test_mentions_of_existing_people_are_marked_and_others_left_alone():
    people = {"budi": Person("budi", "budi@example.id", "Budi Santoso"), "sari": Person("sari")}
    html = comment_text("Halo @budi, @sari dan @tidakada. surel@budi.id", people)

    assert (
        '<strong class="mention"><a href="mailto:budi@example.id" title="Budi Santoso">@budi</a></strong>'
        in html
    )
    assert '<strong class="mention" title="sari">@sari</strong>' in html
    assert "@tidakada" in html and "tidakada</" not in html
    # An email address is no mention.
    assert '<a href="mailto:surel@budi.id"' in html and "@budi.id</strong>" not in html


def test_a_mention_inside_a_url_stays_part_of_the_link():
    html = comment_text("https://example.com/@budi", {"budi": Person("budi", "budi@example.id")})
    assert html == f'<a href="https://example.com/@budi" {LINK_REL}>https://example.com/@budi</a>'


def test_a_name_with_markup_is_escaped_in_a_mention():
    html = comment_text("@budi", {"budi": Person("budi", "", '<img src=x onerror="alert(1)">')})
    assert "<img" not in html and "&lt;img" in html


def test_bidirectional_overrides_are_not_displayed():
    assert comment_text("abc\u202edef\u2066ghi") == "abcdefghi"
    assert comment_excerpt("abc\u202edef") == "abcdef"


def test_an_excerpt_is_short_plain_text():
    assert comment_excerpt("satu\n\ndua   tiga " + "x" * 200, 20) == "satu dua tiga xxxxx…"


# Hostile input on the practice page -------------------------------------------

HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "event handler": "<img src=x onerror=alert(1)>",
    "svg handler": '"><svg onload=alert(1)>',
    "javascript link text": "javascript:alert(1)",
    "javascript markdown link": "[klik di sini](javascript:alert(1))",
    "javascript anchor": '<a href="javascript:alert(1)">klik</a>',
    "broken html": "<b><i>tebal miring tanpa penutup",
    "closing tags": "</textarea></div></section></main><p>lepas",
    "attribute breakout url": 'https://example.com/"onmouseover="alert(1)',
    "right-to-left override": "berkas\u202egpj.exe",
    "zero width": "pin\u200bjam",
    "null byte": "sebelum\x00sesudah",
    "mention next to markup": "@budi<script>alert(1)</script>",
}


class PageStructure(HTMLParser):
    """Every element of a page, and which ones sit inside a comment body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.in_body = 0
        self.body_elements = []
        self.scripts = []
        self.script_text = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if self.in_body:
            if tag != "br":
                self.in_body += 1
            self.body_elements.append(tag)
        elif tag == "div" and "comment__body" in (attrs.get("class") or ""):
            self.in_body = 1
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = True

    def handle_endtag(self, tag):
        if self.in_body:
            self.in_body -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


@pytest.fixture
def practice(home):
    return PracticePageFactory(parent=CommunityPageFactory(title="CoP Uji"), title="Praktik uji")


@pytest.mark.django_db
def test_hostile_comments_render_as_text_only(staff_client, practice):
    UserFactory(username="budi")
    for minute, (name, body) in enumerate(HOSTILE.items()):
        # A minute apart, under the rate limit.
        with time_machine.travel(START + datetime.timedelta(minutes=minute), tick=False):
            response = staff_client.post(f"/komentar/halaman/{practice.pk}/kirim/", {"body": body})
        assert response.status_code == 302, name

    response = staff_client.get(practice.url)
    html = response.content.decode()
    page = PageStructure()
    page.feed(html)

    # No script but the site's own files, and none inline.
    assert page.scripts and all(attrs.get("src", "").startswith("/static/") for attrs in page.scripts)
    assert not page.script_text
    # No event handler and no javascript: or data: URL anywhere on the page.
    for tag, attrs in page.elements:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    # Inside comment bodies, only the markup comment_text makes.
    assert set(page.body_elements) <= {"a", "br", "strong"}
    assert page.body_elements.count("a") == 2  # the example.com link and the @budi mention
    for tag, attrs in page.elements:
        if tag == "a" and attrs.get("rel") and "ugc" in attrs["rel"]:
            assert attrs["href"].startswith(("http://", "https://", "mailto:")), attrs
    # What was typed shows as text, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;&lt;i&gt;tebal miring tanpa penutup" in html
    assert "&lt;/textarea&gt;&lt;/div&gt;&lt;/section&gt;&lt;/main&gt;&lt;p&gt;lepas" in html
    assert "[klik di sini](javascript:alert(1))" in html
    # Control characters are gone; the zero-width space is plain text; the override is not displayed.
    assert "\x00" not in html and "sebelumsesudah" in html
    assert "\u202e" not in html and "berkasgpj.exe" in html
    assert "pin\u200bjam" in html
    # The page is whole after the comments: every comment closed, the form and the sidebar follow.
    assert html.count('<article class="comment') == html.count("</article>") - html.count(
        '<article class="article'
    )
    after_comments = html[html.index("</article>", html.rindex('<article class="comment')) :]
    assert after_comments.index('id="komentar-baru"') < after_comments.index('class="sidebar"')
    assert len(Comment.objects.all()) == len(HOSTILE)


@pytest.mark.django_db
def test_the_edit_form_holds_hostile_text_escaped(staff_client, practice):
    staff_client.post(
        f"/komentar/halaman/{practice.pk}/kirim/", {"body": "</textarea><script>alert(1)</script>"}
    )
    comment = Comment.objects.get()

    html = staff_client.get(practice.url).content.decode()

    textarea = re.search(rf'<textarea id="sunting-{comment.pk}"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert unescape(textarea).strip() == "</textarea><script>alert(1)</script>"
    assert "<script>alert" not in html


@pytest.mark.django_db
def test_a_refused_hostile_text_comes_back_escaped(staff_client, practice):
    body = "<script>alert(1)</script>\x00" + "x" * 5_000

    response = staff_client.post(f"/komentar/halaman/{practice.pk}/kirim/", {"body": body})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html and "\x00" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" + "x" * 5_000 in html
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_deleted_comment_shows_no_trace_of_its_text(staff_client, staff, practice):
    staff_client.post(f"/komentar/halaman/{practice.pk}/kirim/", {"body": "Rahasia yang ditarik"})
    comment = Comment.objects.get()
    staff_client.post(f"/komentar/{comment.pk}/hapus/")

    html = staff_client.get(practice.url).content.decode()

    assert "Rahasia yang ditarik" not in html
    assert indonesian("comment deleted") in html
