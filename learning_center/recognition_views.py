"""Recognition ("Apresiasi"): each CoP's top contributors in the period, and its featured practices.

The featured practices are those Pusat Belajar's home shows (``home.py``):
the view lists the ones featured now and the period's most helpful ones,
and whoever may publish a practice (Wagtail's "publish" page permission:
the CoP's moderators, the learning-center team, administrators) marks or
unmarks it with a plain POST form, so it works without JavaScript.
"""

from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import View

from cop_pages.permissions import manageable_communities

from .home import FEATURED_PRACTICES
from .monitoring_base import MonitoringView
from .monitoring_tables import Column, Table
from .periods import MonitoringFilterForm
from .recognition import (
    TOP_CONTRIBUTORS,
    CommunityRecognition,
    Contribution,
    FeaturingRefused,
    featuring_choices,
    practices_in,
    recognition,
    set_featured,
)

FEATURED_SECTION_ANCHOR = "praktik-pilihan"


def _attribute(label, name: str) -> Column:
    return Column(label, lambda contribution: getattr(contribution, name))


# The download: every contributor of the monitored CoPs, CoP by CoP, in rank order.
CONTRIBUTION_COLUMNS = {
    "cop": Column(gettext_lazy("CoP"), lambda contribution: contribution.community.title),
    "peringkat": _attribute(gettext_lazy("Rank"), "rank"),
    "nama": _attribute(gettext_lazy("Name"), "name"),
    "pengguna": Column(gettext_lazy("Username"), lambda contribution: contribution.person.username),
    "praktik": _attribute(gettext_lazy("Practices published"), "practices_published"),
    "reaksi": _attribute(gettext_lazy("Helpful reactions received"), "helpful_reactions"),
    "notulen": _attribute(gettext_lazy("Meeting notes written"), "meeting_notes"),
    "komentar": _attribute(gettext_lazy("Comments marked helpful"), "helpful_comments"),
    "skor": _attribute(gettext_lazy("Score"), "score"),
}


def kept_filter_query(query) -> str:
    """``?`` and the period and CoP of a query string (nothing else), or "" when it has none."""
    kept = query.copy()
    for name in list(kept):
        if name not in MonitoringFilterForm.base_fields:
            del kept[name]
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else ""


class RecognitionView(MonitoringView):
    template_name = "learning_center/monitoring/recognition.html"
    page_title = gettext_lazy("Recognition")
    header_icon = "pick"
    url_name = "recognition"

    @cached_property
    def communities(self) -> list[CommunityRecognition]:
        return recognition(self.monitored_communities, self.period)

    @cached_property
    def contributions(self) -> list[Contribution]:
        return [contribution for row in self.communities for contribution in row.contributors]

    def tables(self) -> list[Table]:
        period = self.period
        return [
            Table(
                key="kontributor",
                caption=_("Contributors"),
                columns=CONTRIBUTION_COLUMNS,
                # Everyone for the download alone: the page shows each CoP's top few.
                rows=self.contributions if self.is_export else [],
                filename=f"apresiasi-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}",
            )
        ]

    def practice_lists(self) -> list[dict]:
        choices = featuring_choices([row.community for row in self.communities], self.period)
        for practice in choices.featured + choices.most_helpful:
            # Wagtail's answer from the user's page permissions, read once per request.
            practice.can_feature = practice.permissions_for_user(self.request.user).can_publish()
        return [
            {
                "key": "featured",
                "heading": _("Featured now"),
                "practices": choices.featured,
                "total": choices.featured_total,
                "empty": _("No practice of these CoPs is featured."),
            },
            {
                "key": "helpful",
                "heading": _("Most helpful in the period"),
                "practices": choices.most_helpful,
                "empty": _("No practice of these CoPs was marked helpful in the period."),
            },
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            communities=self.communities,
            top_contributors=TOP_CONTRIBUTORS,
            practice_lists=self.practice_lists(),
            shown_on_home=FEATURED_PRACTICES,
            return_query=kept_filter_query(self.request.GET),
            featured_anchor=FEATURED_SECTION_ANCHOR,
        )
        return context


class FeaturedForm(forms.Form):
    featured = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")


class FeaturePracticeView(View):
    """POST: feature (``featured=1``) or stop featuring (``featured=0``) one practice, then go back.

    A practice outside the user's CoPs is not found (404), whatever its id;
    one inside them that they may not publish is refused (403).
    """

    http_method_names = ["post"]

    def post(self, request, page_id: int):
        practice = get_object_or_404(practices_in(manageable_communities(request.user)), pk=page_id)
        if not practice.permissions_for_user(request.user).can_publish():
            # A plain 403: Wagtail's own handler would redirect to the dashboard instead.
            return permission_denied(request, PermissionDenied())
        form = FeaturedForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether the practice is featured."))
        else:
            self.apply(practice, form.cleaned_data["featured"])
        back = reverse("learning_center_monitoring:recognition") + kept_filter_query(request.GET)
        return redirect(f"{back}#{FEATURED_SECTION_ANCHOR}")

    def apply(self, practice, featured: bool) -> None:
        values = {"title": practice.title}
        try:
            changed = set_featured(practice, featured, self.request.user)
        except FeaturingRefused as refusal:
            messages.error(self.request, str(refusal))
            return
        if not changed:
            messages.info(self.request, _("Nothing changed: “%(title)s” was already so.") % values)
        elif featured:
            messages.success(
                self.request,
                _("“%(title)s” is now a featured practice.") % values,
            )
        else:
            messages.success(self.request, _("“%(title)s” is no longer a featured practice.") % values)
