"""Playwright driving Debian's Chromium against pytest-django's live server.

Every test starts from the database exactly as ``migrate`` leaves it
(serialized rollback): a plain transactional flush would also delete
Wagtail's tree root and the Pusat Belajar pages that migrations create.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.factories import UserFactory

from .content import LearningContent, build_learning_content
from .steps import log_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
# A local server answers in well under a second; fail fast rather than after 30 s.
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="module", autouse=True)
def migrated_data_left_behind(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Leave the database as ``migrate`` left it for the test files that run next.

    Serialized rollback restores that data at the start of each browser test
    only, so the last one leaves the tables empty; pytest-xdist's
    ``loadfile`` runs smaller test files after this one in the same worker.
    """
    yield
    connection = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.fixture
def site_url(live_server, django_db_serialized_rollback) -> str:
    """The live server's address; relative URLs in ``page.goto`` resolve against it.

    Fixtures that create data request it too, so that they write to the
    database the live server reads, before Chromium starts.
    """
    return live_server.url


@pytest.fixture
def browser(site_url: str) -> Iterator[Browser]:
    """Chromium, started once the test database is ready and stopped before it is reset.

    While Playwright's event loop runs in this thread, Django refuses ORM
    calls unless told otherwise, and hands the thread a second set of
    connections. Those must not be the ones pytest-django sets up and resets
    the database with, so the loop lives only inside the test.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium "
            "(Playwright cannot download its own browser here).",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            # Those second connections: PostgreSQL would not drop a test database still in use.
            connections.close_all()


@pytest.fixture
def context(browser: Browser, site_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=site_url, viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def reader(site_url: str):
    return UserFactory(username="pembaca", first_name="Putri", last_name="Wulandari")


@pytest.fixture
def logged_in_page(reader, page: Page) -> Page:
    page.goto("/akun/masuk/")
    log_in(page, reader.username)
    page.wait_for_url("/")
    return page


@pytest.fixture
def learning_content(site_url: str) -> LearningContent:
    return build_learning_content()


def another_persons_context(browser: Browser, site_url: str) -> BrowserContext:
    """A browser window with cookies of its own and the same settings as ``context``."""
    context = browser.new_context(base_url=site_url, viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


@pytest.fixture
def second_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """A second person, logged in separately from whoever uses ``page``."""
    context = another_persons_context(browser, site_url)
    yield context.new_page()
    context.close()


@pytest.fixture
def third_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """A third person, beside ``page`` and ``second_page``."""
    context = another_persons_context(browser, site_url)
    yield context.new_page()
    context.close()


COLLEAGUE_COMMENT = "Kios kedua di lantai dua juga membantu saat ujian. Ada yang sudah mencobanya?"


@pytest.fixture
def colleague_comment(learning_content: LearningContent):
    """Budi (``rekan``, a member of the CoP) has opened the practice's discussion.

    Posted through the rules, as the comment form would; its notifications
    are sent before the journey starts (tests clear ``mail.outbox`` first).
    """
    from django.contrib.auth import get_user_model

    from cop_pages.comments import post_comment

    colleague = get_user_model().objects.get(username="rekan")
    return post_comment(colleague, learning_content.practice, COLLEAGUE_COMMENT)
