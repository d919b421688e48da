"""What people do with the knowledge search, in the words the site shows them (Indonesian).

The header of every page (but the search page itself) holds a search form,
"Pencarian pengetahuan", whose query box search-autocomplete.js turns into
an ARIA combobox with a listbox of suggestions, "Saran". The search page has
its own query box, filter checkboxes grouped per facet (one ``fieldset`` per
facet, so a "group" named by its legend), chips for the active filters, and
the results as cards whose title links go through the click log (``klik/``).
"""

import re

from playwright.sync_api import Locator, Page, expect

QUERY_BOX = "Cari praktik, pertemuan, dan CoP"
SEARCH_FORM = "Pencarian pengetahuan"
SUGGESTIONS = "Saran"


def header_search_box(page: Page) -> Locator:
    """The combobox of the header's search form (a plain search field until the script runs)."""
    form = page.get_by_role("banner").get_by_role("search", name=SEARCH_FORM, exact=True)
    return form.get_by_role("combobox", name=QUERY_BOX, exact=True)


def suggestions(page: Page) -> Locator:
    return page.get_by_role("listbox", name=SUGGESTIONS, exact=True)


def suggestion_labels(page: Page) -> list[str]:
    """The options as shown: each one's label, without its kind ("Praktik", "Tag")."""
    return suggestions(page).locator(".combobox__label").all_inner_texts()


def type_for_suggestions(box: Locator, typed: str) -> Locator:
    """Type key by key, as a person does; returns the listbox once it shows suggestions for ``typed``.

    On a slow machine the script may ask for suggestions between two keys
    and show them; the list is the final one when its options show the
    whole of ``typed`` in bold (every suggestion contains what was typed).
    """
    box.click()
    box.press_sequentially(typed)
    listbox = suggestions(box.page)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first.locator("strong")).to_have_text(
        re.compile(rf"^{re.escape(typed)}$", re.IGNORECASE)
    )
    return listbox


def choose_suggestion_with_keyboard(box: Locator, label: str) -> None:
    """Move down the list with ArrowDown until ``label`` is the active option, then press Enter.

    The focus stays in the field (aria-activedescendant points at the option),
    as the ARIA combobox pattern has it.
    """
    listbox = suggestions(box.page)
    options = listbox.get_by_role("option")
    labels = suggestion_labels(box.page)
    assert label in labels, f"{label!r} is not suggested: {labels}"
    wanted = options.nth(labels.index(label))
    for _ in range(labels.index(label) + 1):
        box.press("ArrowDown")
    expect(wanted).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", wanted.get_attribute("id"))
    expect(box).to_be_focused()
    box.press("Enter")


def search_from_header(page: Page, query: str) -> None:
    box = header_search_box(page)
    box.fill(query)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(SEARCH_FORM)


def result_summary(page: Page) -> Locator:
    """The status line above the results: "5 hasil untuk “…”"."""
    return page.locator("[data-search-status]")


def results(page: Page) -> Locator:
    """The result cards (an ``article`` each) in the list of results, promotions aside."""
    return page.locator("ol.search-list").get_by_role("article")


def result_titles(page: Page) -> list[str]:
    return results(page).get_by_role("heading", level=3).all_inner_texts()


def result(page: Page, title: str) -> Locator:
    heading = page.get_by_role("heading", level=3, name=re.compile(rf"^{re.escape(title)}\b"))
    return results(page).filter(has=heading)


def facet(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend, exact=True)


def facet_value_name(label: str) -> re.Pattern:
    """A facet checkbox's name: its label and the count a screen reader hears, "(3 hasil)"."""
    return re.compile(rf"^{re.escape(label)}\s*\(\d+ hasil\)$")


def facet_checkbox(page: Page, legend: str, label: str) -> Locator:
    return facet(page, legend).get_by_role("checkbox", name=facet_value_name(label))


def facet_count(page: Page, legend: str, label: str) -> Locator:
    """The count shown beside a facet value."""
    option = (
        facet(page, legend)
        .get_by_role("listitem")
        .filter(has=page.get_by_role("checkbox", name=facet_value_name(label)))
    )
    return option.locator(".facet__count")


def wait_for_search_script(page: Page) -> None:
    """search-page.js has run: it hides the "Terapkan" buttons once ticking a box applies it."""
    expect(page.get_by_role("button", name="Terapkan", exact=True)).to_be_hidden()
    expect(page.get_by_text("Hasil langsung berubah begitu Anda mencentang kotak.")).to_have_js_property(
        "hidden", False
    )


def tick_filter(page: Page, legend: str, label: str, url_now_has: re.Pattern) -> None:
    """Tick a facet's box: the script sends the form at once; wait for the new page of results."""
    wait_for_search_script(page)
    box = facet_checkbox(page, legend, label)
    expect(box).not_to_be_checked()
    box.click()
    expect(page).to_have_url(url_now_has)
    expect(facet_checkbox(page, legend, label)).to_be_checked()
    # The script puts the focus back on the box that was ticked.
    expect(facet_checkbox(page, legend, label)).to_be_focused()


def active_filters(page: Page) -> Locator:
    """The chips of the filters in use, each a link that removes its filter."""
    return page.get_by_role("list", name="Filter aktif", exact=True).get_by_role("link")


def related_section(page: Page) -> Locator:
    """The "Praktik terkait" section in the aside of a practice page."""
    return page.get_by_role("region", name="Praktik terkait", exact=True)
