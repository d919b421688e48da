"""Nobody reaches anything without logging in, except the exempt URLs."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from wagtail.models import Page

from tests.factories import CommunityPageFactory, MeetingPageFactory, PracticePageFactory

LOGIN_PATH = "/akun/masuk/"
# Wagtail's admin keeps its own login form for its own views.
LOGIN_PATHS = {LOGIN_PATH, "/en" + LOGIN_PATH, "/admin/login/"}
EXEMPT_PATHS = {
    "/healthz",
    "/akun/masuk/",
    "/en/akun/masuk/",
    "/_util/login/",
    "/admin/login/",
    "/en/_util/login/",
    "/akun/lupa-sandi/",
    "/akun/lupa-sandi/terkirim/",
    "/akun/atur-sandi/selesai/",
    "/admin/password_reset/",
    "/admin/password_reset/done/",
    "/admin/password_reset/complete/",
}
# Reached anonymously by design, with a token in the URL: they answer for
# the token, never with content.
EXEMPT_NAMES = {
    "password_reset_confirm",
    "wagtailadmin_password_reset_confirm",
    "wagtailcore_authenticate_with_password",
}
SAMPLE_VALUES = {
    "int": "1",
    "slug": "contoh",
    "str": "contoh",
    "path": "contoh/berkas",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


def sample_path(route: str) -> str:
    """A concrete path for a URL pattern, with sample values for its parameters."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "contoh"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)\??", "1", route)
    route = re.sub(r"\((?:\?:)?[^)]*\)[?*]?", "", route)
    return route.replace("?", "")


def all_url_paths(resolver: URLResolver = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    paths = set()
    for entry in resolver.url_patterns:
        route = sample_path(str(entry.pattern))
        if isinstance(entry, URLResolver):
            paths |= all_url_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            paths.add("/" + (prefix + route).lstrip("/"))
    return paths


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def assert_sent_to_login(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302, f"{path} answered {response.status_code} without a login"
    assert response["Location"].split("?")[0] in LOGIN_PATHS, path


@pytest.mark.django_db
def test_every_url_in_the_urlconf_needs_a_login(client):
    paths = {path for path in all_url_paths() if resolves(path)}
    assert len(paths) > 200  # Wagtail's admin included
    checked = 0
    for path in sorted(paths):
        if path in EXEMPT_PATHS or resolve(path).url_name in EXEMPT_NAMES:
            continue
        assert_sent_to_login(client, path)
        checked += 1
    assert checked > 200


@pytest.mark.django_db
def test_every_page_of_the_tree_needs_a_login(client, home):
    private = CommunityPageFactory(private=True)
    PracticePageFactory(parent=private)
    MeetingPageFactory(parent=CommunityPageFactory())
    pages = Page.objects.live().filter(depth__gt=1)
    assert pages.count() >= 6  # both locales' Pusat Belajar, CoPs, a practice, a meeting
    for page in pages:
        assert_sent_to_login(client, page.url)


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(EXEMPT_PATHS))
def test_exempt_urls_answer_anonymous_visitors(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_static_files_are_public(client):
    response = client.get("/static/intranet/css/site.css")
    assert response.status_code == 200


@pytest.mark.django_db
def test_login_page_is_indonesian_by_default(client):
    response = client.get(LOGIN_PATH)
    assert b'lang="id"' in response.content


@pytest.mark.django_db
def test_admin_sends_anonymous_visitors_to_the_one_login_page(client):
    assert_sent_to_login(client, "/admin/")


@pytest.mark.django_db
def test_the_login_page_tells_a_refused_user_who_they_are(staff_client, staff):
    staff.first_name, staff.last_name = "Yusuf", "Hidayat"
    staff.save()
    response = staff_client.get(LOGIN_PATH + "?next=/admin/")
    assert response.status_code == 200
    assert "Yusuf Hidayat" in response.content.decode()
    assert staff_client.get(LOGIN_PATH)["Location"] == "/"
