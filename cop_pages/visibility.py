"""Who may see which pages: private CoPs stay hidden everywhere.

Privacy is a Wagtail group view restriction (see provisioning). Listings
exclude the subtrees whose restriction the user does not pass, computed in
one query per request and applied inside the listing's own query.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from wagtail.models import Page, PageViewRestriction


def hidden_subtree_paths(user) -> tuple[str, ...]:
    """Tree paths of the restricted subtrees this user may not view."""
    if user.is_superuser:
        return ()
    cached = getattr(user, "_hidden_subtree_paths", None)
    if cached is None:
        restrictions = PageViewRestriction.objects.filter(restriction_type=PageViewRestriction.GROUPS)
        if user.is_authenticated:
            restrictions = restrictions.exclude(groups__user=user)
        cached = tuple(restrictions.values_list("page__path", flat=True).distinct())
        user._hidden_subtree_paths = cached
    return cached


def visible_to(queryset: QuerySet, user) -> QuerySet:
    paths = hidden_subtree_paths(user)
    if not paths:
        return queryset
    return queryset.exclude(reduce(or_, (Q(path__startswith=path) for path in paths)))


def can_view(page: Page, user) -> bool:
    return not any(page.path.startswith(path) for path in hidden_subtree_paths(user))


def forget_visibility(user) -> None:
    """Membership changed during this request: compute afresh next time."""
    user.__dict__.pop("_hidden_subtree_paths", None)
