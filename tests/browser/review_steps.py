"""What people do in Wagtail's admin during a review, in the words the admin shows them.

The admin speaks each user's preferred language, Indonesian unless they
chose otherwise, and Wagtail's Indonesian catalogue is only partly
translated ("Simpan konsep" beside "Request changes"). Rather than copy
those strings, the steps look them up with Django's gettext in the
admin's language: the same catalogues the live server renders with, so an
upgrade that translates one more string does not break the journey.
"""

import re

from django.core import mail
from django.db.models import Model
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from playwright.sync_api import Locator, Page, expect

from cop_pages.models import CommunityPage

from .steps import ARTIFACTS, log_in

ADMIN_LANGUAGE = "id"  # settings.LANGUAGE_CODE: no one in the journey picked another


def admin_text(message: str, **values: str) -> str:
    """``message`` as Wagtail's admin shows it, with ``values`` put in."""
    with translation.override(ADMIN_LANGUAGE):
        translated = gettext(message)
    return translated % values if values else translated


def field_label(model: type[Model], name: str) -> str:
    """The label of a field in Wagtail's page editor: its verbose name, capitalised."""
    with translation.override(ADMIN_LANGUAGE):
        return capfirst(str(model._meta.get_field(name).verbose_name))


def model_label(model: type[Model]) -> str:
    """A page type as the admin lists it, as when choosing what to add."""
    with translation.override(ADMIN_LANGUAGE):
        return capfirst(str(model._meta.verbose_name))


def exactly(label: str) -> re.Pattern:
    """A whole accessible name; required fields carry a trailing asterisk."""
    return re.compile(rf"^{re.escape(label)}\*?$")


def log_in_to_admin(page: Page, username: str) -> None:
    """Through our login page, as anyone reaching /admin/ without a session would."""
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/admin/$"))
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/admin/$"))


def explore_from_sidebar(page: Page, community: CommunityPage) -> None:
    """Sidebar's "Pages", the CoP's Pusat Belajar in the explorer panel, then the CoP's pages.

    The panel lists every locale's Pusat Belajar, told apart by language name.
    """
    page.get_by_role("button", name=admin_text("Pages"), exact=True).click()
    home = community.get_parent()
    language = home.locale.get_display_name()
    page.get_by_role("dialog").get_by_role(
        "link", name=re.compile(rf"^{re.escape(home.title)}\s+{re.escape(language)}$")
    ).click()
    explore = admin_text("Explore child pages of '%(title)s'", title=community.title)
    page.get_by_role("link", name=explore, exact=True).click()


def admin_message(page: Page, message: str, **values: str) -> Locator:
    """The confirmation Wagtail shows after an action (one of two "status" regions on its pages)."""
    return page.get_by_role("status").filter(has_text=admin_text(message, **values))


def photograph_admin(page: Page, step: str) -> None:
    """A screenshot of an admin page, without the axe scan of ``record_step``.

    Wagtail's own editor fails it (its Draftail editors and tag field have
    no accessible name), which is not ours to fix here. Wagtail fades its
    confirmation messages in once the page is ready: wait for that, and
    skip the transition.
    """
    expect(page.locator("body")).to_have_class(re.compile(r"\bready\b"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{step}.png", full_page=True, animations="disabled")


def editor_section(page: Page, model: type[Model], name: str) -> Locator:
    return page.get_by_role("region", name=exactly(field_label(model, name)))


def fill_rich_text(page: Page, model: type[Model], name: str, text: str) -> None:
    """Type into a Draftail editor, replacing whatever it held (a prompt, an earlier draft).

    Draftail copies its content into the form's hidden input a moment after
    each change; wait for that copy, as a person would not press a button
    within the same quarter of a second.
    """
    section = editor_section(page, model, name)
    section.get_by_role("textbox").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    expect(section.locator(f'input[name="{name}"]')).to_have_value(re.compile(re.escape(text)))


def choose_page_action(page: Page, label: str) -> None:
    """Pick an action from the editor's footer menu, under "More actions"."""
    footer = page.get_by_role("navigation", name=admin_text("Actions (footer)"))
    footer.get_by_role("button", name=admin_text("More actions")).click()
    footer.get_by_role("button", name=label, exact=True).click()


def mail_to(address: str) -> list[mail.EmailMessage]:
    """What the locmem outbox holds for ``address``: the live server shares this process."""
    return [message for message in mail.outbox if address in message.to]
