from django.http import Http404
from wagtail import hooks

from .visibility import can_view


@hooks.register("before_serve_page", order=-10)
def hide_private_communities(page, request, serve_args, serve_kwargs):
    """A private CoP is not found, rather than a login prompt, for outsiders."""
    if not can_view(page, request.user):
        raise Http404
