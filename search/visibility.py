"""Which knowledge records a user may find, as values of their `visibility`.

Computed in the database (one query) and sent inside the engine's query as
a terms filter, so results, counts, suggestions and related lists are all
limited alike. Records carry the group view restriction of their private
CoP; a user passes it through the groups that membership gives them, so a
membership change takes effect at the next search, without a reindex.
"""

from wagtail.models import PageViewRestriction

from .models import PUBLIC
from .records import visibility_key


def visibility_keys(user) -> list[str] | None:
    """The visibility values the user may see; None means everything."""
    if user.is_superuser:
        return None
    if not user.is_authenticated:
        return [PUBLIC]
    passed = PageViewRestriction.objects.filter(
        restriction_type=PageViewRestriction.GROUPS, groups__user=user
    ).values_list("id", flat=True)
    return [PUBLIC, *sorted({visibility_key(restriction_id) for restriction_id in passed})]
