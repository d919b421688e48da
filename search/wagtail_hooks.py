"""The knowledge search in the Wagtail admin: the search glossary ("Glosarium pencarian")."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .glossary_admin import VIEWSET_NAME, GlossaryPermissionPolicy, GlossaryViewSet
from .models import GlossaryEntry

register_permission_policy(GlossaryEntry, GlossaryPermissionPolicy(GlossaryEntry))


@hooks.register("register_admin_viewset")
def register_glossary_viewset() -> GlossaryViewSet:
    """The team's glossary of equivalent search terms, beside its other tools in the menu."""
    return GlossaryViewSet(VIEWSET_NAME)
