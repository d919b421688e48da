"""Which pages belong to which CoP, for figures computed over many CoPs at once.

A CoP's content is every page under its page in the tree and under the
pages of its translations (an English CoP page has its own subtree); the
figures count it for the default-locale CoP, which memberships and comments
point at. Grouping by the first ``COMMUNITY_PATH_LENGTH`` characters of a
page's tree path tells its CoP in SQL, for all CoPs in one query.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Substr

from cop_pages.listings import COMMUNITY_PATH_LENGTH
from cop_pages.models import CommunityPage


def community_prefixes(communities: Iterable[CommunityPage]) -> dict[str, int]:
    """Tree path of each (default-locale) CoP and of its translations -> the default-locale CoP's id."""
    keys = {community.translation_key: community.pk for community in communities}
    translations = CommunityPage.objects.filter(translation_key__in=list(keys)).values_list(
        "path", "translation_key"
    )
    return {path: keys[key] for path, key in translations}


def community_translations(communities: QuerySet[CommunityPage]) -> list[tuple[int, str, int]]:
    """(page id, tree path, default-locale CoP id) of each CoP page and of its translations, in one query."""
    pages = CommunityPage.objects.filter(translation_key__in=communities.values("translation_key")).annotate(
        chosen=Exists(communities.filter(pk=OuterRef("pk")))
    )
    rows = list(pages.values_list("pk", "path", "translation_key", "chosen"))
    community_of_key = {key: pk for pk, _path, key, chosen in rows if chosen}
    return [(pk, path, community_of_key[key]) for pk, path, key, _chosen in rows]


def under_communities(queryset: QuerySet, owner_of: dict[str, int], path: str = "path") -> QuerySet:
    """The rows whose page (at ``path``) lies under one of the CoPs, annotated with the CoP's ``prefix``."""
    return queryset.annotate(prefix=Substr(path, 1, COMMUNITY_PATH_LENGTH)).filter(prefix__in=list(owner_of))
