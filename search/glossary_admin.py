"""The search glossary in the Wagtail admin ("Glosarium pencarian").

The learning-center team and administrators keep the organisation's
equivalent terms here (sirkulasi = peminjaman, shelving = penataan rak).
A saved entry changes the next search at once: ``search.glossary`` clears
its cache when an entry is saved or deleted, and the glossary expands
queries rather than documents, so nothing is reindexed.

- Access follows the role, not model permissions a group could be handed:
  ``GlossaryPermissionPolicy`` asks ``manages_every_community``, which also
  decides whether the menu item shows. Every URL of the viewset answers 403
  to anyone else who reaches the admin (moderators, contributors) — a plain
  refusal rather than Wagtail's redirect to the dashboard, so that a link
  shared by mistake says clearly that the page exists but is not theirs.
- Validation keeps the glossary unambiguous: a query word may belong to one
  entry only (``build_plan`` would otherwise pick one entry at random), an
  entry needs two different terms to mean anything, and a term is a word or
  a short phrase (60 characters), not a sentence. Terms are compared as the
  search compares words: case, accents and spacing do not make a new term.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.defaults import permission_denied
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cop_pages.permissions import manages_every_community
from cop_pages.provisioning import LEARNING_CENTER_TEAM

# Imported for its signal receivers: saving an entry here must clear the cache.
from . import glossary  # noqa: F401
from .analysis import words
from .models import GlossaryEntry

VIEWSET_NAME = "search-glossary"
MAX_TERM_LENGTH = 60
MIN_TERMS = 2


def split_terms(text: str) -> list[str]:
    """The comma-separated terms as typed, trimmed, with inner spacing collapsed."""
    return [" ".join(term.split()) for term in text.split(",") if term.strip()]


def term_key(term: str) -> str:
    """How the search sees a term: its words, lower case and without accents."""
    return " ".join(words(term))


class GlossaryPermissionPolicy(BasePermissionPolicy):
    """Everything for the learning-center team and administrators, nothing for anyone else."""

    def user_has_permission(self, user, action):
        return manages_every_community(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return manages_every_community(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if manages_every_community(user):
            return GlossaryEntry.objects.all()
        return GlossaryEntry.objects.none()

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name=LEARNING_CENTER_TEAM))
            .distinct()
        )


class GlossaryEntryForm(forms.ModelForm):
    class Meta:
        model = GlossaryEntry
        fields = ["terms", "note"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 2})}

    def clean_terms(self) -> str:
        """The terms, deduplicated and tidied; every problem is reported at the field."""
        typed = split_terms(self.cleaned_data["terms"])
        errors = []
        too_long = [term for term in typed if len(term) > MAX_TERM_LENGTH]
        if too_long:
            errors.append(
                ValidationError(
                    ngettext(
                        "A term may have at most %(limit)d characters: %(terms)s.",
                        "Terms may have at most %(limit)d characters: %(terms)s.",
                        len(too_long),
                    )
                    % {"limit": MAX_TERM_LENGTH, "terms": ", ".join(f"“{term}”" for term in too_long)}
                )
            )
        wordless = [term for term in typed if not term_key(term)]
        if wordless:
            errors.append(
                ValidationError(
                    _("A term needs at least one letter or digit: %(terms)s.")
                    % {"terms": ", ".join(f"“{term}”" for term in wordless)}
                )
            )
        distinct: dict[str, str] = {}
        for term in typed:
            if term_key(term):
                distinct.setdefault(term_key(term), term)
        if len(distinct) < MIN_TERMS:
            errors.append(
                ValidationError(
                    _(
                        "Give at least two different terms, separated by commas, for example: sirkulasi, peminjaman."
                    )
                )
            )
        errors.extend(self.clashes(distinct))
        if errors:
            raise ValidationError(errors)
        return ", ".join(distinct.values())

    def clashes(self, distinct: dict[str, str]) -> list[ValidationError]:
        """A term already in another entry; the glossary is small, so all of it is read once."""
        others = GlossaryEntry.objects.only("terms")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        errors = []
        for other in others:
            for key in {term_key(term) for term in other.term_list()} & distinct.keys():
                errors.append(
                    ValidationError(
                        _("“%(term)s” is already in the glossary entry “%(entry)s”.")
                        % {"term": distinct[key], "entry": other.terms}
                    )
                )
        return errors


def team_only(view):
    """Refuse (403) anyone but the learning-center team and administrators."""

    def checked_view(request, *args, **kwargs):
        if not manages_every_community(request.user):
            return permission_denied(request, PermissionDenied())
        return view(request, *args, **kwargs)

    return checked_view


class GlossaryIndexView(generic.IndexView):
    page_title = _("Search glossary")


class GlossaryViewSet(ModelViewSet):
    """List, search, add, edit and delete glossary entries."""

    model = GlossaryEntry
    index_view_class = GlossaryIndexView
    icon = "list-ul"
    menu_label = _("Search glossary")
    menu_name = VIEWSET_NAME
    menu_order = 270
    add_to_admin_menu = True
    list_display = [
        "terms",
        Column("note", label=_("Note")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    search_fields = ["terms", "note"]
    search_backend_name = None
    ordering = "terms"
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return GlossaryEntryForm

    def get_urlpatterns(self):
        return decorate_urlpatterns(super().get_urlpatterns(), team_only)

    def get_permissions_to_register(self):
        # Access follows the team role; a group given model permissions would gain nothing.
        return Permission.objects.none()
