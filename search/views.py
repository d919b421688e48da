"""The search page, its autocomplete, and the redirect that logs result clicks.

The views are a thin layer over ``search.knowledge_search``: they read the
request, call the engine, and turn its outcome into what the template shows
(links that add or remove one filter, the pages of results, the chips).

- Every link on the page is built from the parsed request, never copied
  from the raw query string, so nothing a visitor typed into the URL comes
  back out except the normalised query and known filter values.
- A search is logged on its first page only, so paging does not count it
  twice; the log id travels, signed, in the result links of later pages, so
  their clicks are logged against the same search.
- A click goes through ``klik/``: the redirect target is the URL of the page
  named by its id, looked up and checked here, never a URL taken from the
  request, so the view cannot be used as an open redirect nor to reveal a
  private page.
"""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import DatabaseError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from wagtail.models import Page

from cop_pages.visibility import can_view
from learning_center.models import LearningCenterPage

from .analytics import log_click, log_search
from .autocomplete import autocomplete_prefix
from .knowledge_search import (
    FACETS,
    SORTS,
    FacetValue,
    SearchHit,
    SearchRequest,
    autocomplete_suggestions,
    parse_search_parameters,
    search_knowledge,
)
from .models import DocumentKind

logger = logging.getLogger(__name__)

# GET parameters: the query, the sort and the page are read by
# parse_search_parameters; the filters are named after the facets.
QUERY = "q"
SORT = "urut"
PAGE = "halaman"
# The signed id of the search a page of results belongs to (see result_click).
LOG = "log"

FACET_LEGENDS = {
    "community": _("CoP"),
    "kind": _("Type"),
    "tags": _("Tags"),
    "language": _("Language"),
    "year": _("Year"),
}
SORT_LABELS = {"relevance": _("Relevance"), "newest": _("Newest first")}
KIND_LABELS = {**{kind.value: kind.label for kind in DocumentKind}, "tag": _("Tag")}
# A facet shows this many values; the others fold away under "N more".
FACET_VALUES_SHOWN = 8
# SearchClick.rank is a PositiveSmallIntegerField; page ids are 32-bit integers.
LARGEST_RANK = 32767
LARGEST_PAGE_ID = 2**31 - 1

log_signer = signing.Signer(salt="search.views.log")


def reader_language() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# Links -----------------------------------------------------------------------

Filters = dict[str, tuple[str, ...]]


def with_filter(filters: Filters, name: str, value: str) -> Filters:
    values = filters.get(name, ())
    return {**filters, name: values if value in values else (*values, value)}


def without_filter(filters: Filters, name: str, value: str) -> Filters:
    return {**filters, name: tuple(v for v in filters.get(name, ()) if v != value)}


def search_query_string(
    search: SearchRequest,
    *,
    query: str | None = None,
    filters: Filters | None = None,
    page: int = 1,
    log: str = "",
) -> str:
    """The query string of a search like ``search`` with some parts changed; page 1 by default."""
    filters = search.filters if filters is None else filters
    parameters = [(QUERY, search.query if query is None else query)]
    parameters += [(name, value) for name in FACETS for value in filters.get(name, ())]
    if search.sort != SORTS[0]:
        parameters.append((SORT, search.sort))
    if page > 1:
        parameters.append((PAGE, page))
    if log:
        parameters.append((LOG, log))
    return "?" + urlencode(parameters)


def click_link(hit: SearchHit, log: str) -> str:
    """Where a result links: through the click log when the search was logged."""
    if not log:
        return hit.url
    parameters = {LOG: log, "page": hit.page_id, "rank": hit.rank}
    return reverse("knowledge_search:click") + "?" + urlencode(parameters)


def read_log_token(token: str) -> int | None:
    try:
        return int(log_signer.unsign(token))
    except (signing.BadSignature, ValueError):
        return None


# What the page shows ---------------------------------------------------------


@dataclass
class ResultItem:
    hit: SearchHit
    link: str
    # Each tag with the link that adds it as a filter ("" when it is one already).
    tag_links: list[tuple[str, str]]


@dataclass
class FacetGroup:
    name: str
    legend: str
    values: list[FacetValue]
    folded: list[FacetValue] = field(default_factory=list)

    @property
    def folded_selected(self) -> bool:
        return any(value.selected for value in self.folded)


@dataclass
class FilterChip:
    legend: str
    label: str
    remove_link: str


@dataclass
class ResultPages:
    """What components/pagination.html reads from a Django paginator page."""

    number: int
    num_pages: int
    previous_query: str = ""
    next_query: str = ""

    @property
    def paginator(self) -> "ResultPages":
        return self

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def result_items(hits: list[SearchHit], search: SearchRequest, log: str) -> list[ResultItem]:
    selected_tags = search.filters.get("tags", ())
    return [
        ResultItem(
            hit=hit,
            link=click_link(hit, log),
            tag_links=[
                (
                    tag,
                    ""
                    if tag in selected_tags
                    else search_query_string(search, filters=with_filter(search.filters, "tags", tag)),
                )
                for tag in hit.tags
            ],
        )
        for hit in hits
    ]


def facet_groups(facets: dict[str, list[FacetValue]]) -> list[FacetGroup]:
    groups = []
    for name in FACETS:
        values = list(facets.get(name, ()))
        if values:
            groups.append(
                FacetGroup(
                    name=name,
                    legend=str(FACET_LEGENDS.get(name, name)),
                    values=values[:FACET_VALUES_SHOWN],
                    folded=values[FACET_VALUES_SHOWN:],
                )
            )
    return groups


def filter_chips(search: SearchRequest, facets: dict[str, list[FacetValue]]) -> list[FilterChip]:
    """One chip per selected filter value, each linking to the search without it."""
    chips = []
    for name in FACETS:
        labels = {value.value: value.label for value in facets.get(name, ())}
        for value in search.filters.get(name, ()):
            chips.append(
                FilterChip(
                    legend=str(FACET_LEGENDS.get(name, name)),
                    label=labels.get(value, value),
                    remove_link=search_query_string(
                        search, filters=without_filter(search.filters, name, value)
                    ),
                )
            )
    return chips


def result_pages(search: SearchRequest, page_count: int, log: str) -> ResultPages:
    pages = ResultPages(number=search.page, num_pages=page_count)
    if pages.has_previous:
        pages.previous_query = search_query_string(search, page=min(search.page, page_count + 1) - 1, log=log)
    if pages.has_next:
        pages.next_query = search_query_string(search, page=search.page + 1, log=log)
    return pages


def search_language_links(search: SearchRequest) -> list[dict]:
    """The language switcher keeps the search: the same query in the other language."""
    query_string = search_query_string(search)
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            url = reverse("knowledge_search:search")
        links.append(
            {"code": code, "name": name, "url": url + query_string, "current": code == search.language}
        )
    return links


def logged_search_token(outcome, search: SearchRequest, request) -> str:
    """The signed log id the result links carry: a new log on page 1, the page-1 log later."""
    if search.page > 1:
        token = request.GET.get(LOG, "")
        return token if read_log_token(token) is not None else ""
    try:
        log = log_search(outcome)
    except DatabaseError:
        # Analytics must never take the search down with them.
        logger.exception("The search for %r could not be logged", search.query)
        return ""
    return log_signer.sign(str(log.pk)) if log is not None else ""


# Views -----------------------------------------------------------------------


@require_safe
def search_page(request):
    search = parse_search_parameters(request.GET, request.user, reader_language())
    context = {
        "search": search,
        "outcome": None,
        "hide_site_search": True,
        "language_links": search_language_links(search),
        "breadcrumbs": list(LearningCenterPage.objects.filter(locale__language_code=search.language)[:1]),
        "sort_options": [(sort, SORT_LABELS.get(sort, sort), sort == search.sort) for sort in SORTS],
        "filter_count": sum(len(values) for values in search.filters.values()),
    }
    if search.query:
        outcome = search_knowledge(search)
        log = logged_search_token(outcome, search, request)
        context.update(
            outcome=outcome,
            results=result_items(outcome.hits, search, log),
            promotions=result_items(outcome.promotions, search, log) if search.page == 1 else [],
            facet_groups=facet_groups(outcome.facets),
            chips=filter_chips(search, outcome.facets),
            clear_filters_link=search_query_string(search, filters={}),
            suggestion_link=(
                search_query_string(search, query=outcome.suggestion) if outcome.suggestion else ""
            ),
            pages=result_pages(search, outcome.page_count, log),
            first_page_link=search_query_string(search, log=log),
        )
    return TemplateResponse(request, "search/search_page.html", context)


@require_safe
def autocomplete(request):
    """Suggestions for what is being typed: JSON for search-autocomplete.js."""
    typed = request.GET.get(QUERY, "")
    suggestions = [
        {**suggestion, "kind_label": str(KIND_LABELS.get(suggestion["kind"], ""))}
        for suggestion in autocomplete_suggestions(typed, request.user, reader_language())
    ]
    if suggestions:
        status = ngettext(
            "%(count)s suggestion. Use the up and down arrow keys to choose.",
            "%(count)s suggestions. Use the up and down arrow keys to choose.",
            len(suggestions),
        ) % {"count": len(suggestions)}
    else:
        status = str(_("No suggestions."))
    return JsonResponse({"query": autocomplete_prefix(typed), "suggestions": suggestions, "status": status})


def whole_number(text: str, largest: int) -> int | None:
    if not text.isascii() or not text.isdigit() or len(text) > len(str(largest)):
        return None
    number = int(text)
    return number if 1 <= number <= largest else None


@require_safe
def result_click(request):
    """Log a click on a result, then go to its page; anything amiss goes back to the search page.

    The log id must carry this site's signature (see logged_search_token),
    and the page must be live and one the reader may view.
    """
    back_to_search = redirect("knowledge_search:search")
    log_id = read_log_token(request.GET.get(LOG, ""))
    page_id = whole_number(request.GET.get("page", ""), LARGEST_PAGE_ID)
    rank = whole_number(request.GET.get("rank", ""), LARGEST_RANK)
    if log_id is None or page_id is None or rank is None:
        return back_to_search
    page = Page.objects.live().filter(pk=page_id, expired=False).first()
    if page is None or not can_view(page, request.user):
        return back_to_search
    url = page.get_url(request)
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back_to_search
    # A log purged since the results were shown (an old bookmark) is not logged to,
    # but the page it leads to still opens.
    log_click(log_id, page.pk, rank, request.user)
    return HttpResponseRedirect(url)
