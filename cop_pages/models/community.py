from django.contrib import messages
from django.contrib.auth.models import Group
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from ..blocks import ChannelBlock
from .comments_setting import CommentsSettingMixin

SECTION_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class MeetingCadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


CADENCE_DAYS = {
    MeetingCadence.WEEKLY: 7,
    MeetingCadence.BIWEEKLY: 14,
    MeetingCadence.MONTHLY: 31,
    MeetingCadence.QUARTERLY: 92,
}


class FiveDStage(models.TextChoices):
    """The 5D life cycle of a CoP."""

    DISCOVERY = "discovery", _("Discovery")
    DREAMING = "dreaming", _("Dreaming")
    DESIGN = "design", _("Design")
    DOCUMENT = "document", _("Document")
    DISSEMINATE = "disseminate", _("Disseminate")


class CommunityPage(CommentsSettingMixin, RoutablePageMixin, Page):
    """One Community of Practice: its domain, community and practice."""

    division = models.CharField(_("division"), max_length=150)
    domain = models.TextField(
        _("domain"), help_text=_("The shared concern that brings this community together.")
    )
    goals_and_scope = RichTextField(_("goals and scope"), blank=True, features=SECTION_FEATURES)
    norms = RichTextField(_("agreed norms"), blank=True, features=SECTION_FEATURES)
    meeting_cadence = models.CharField(
        _("meeting cadence"), max_length=20, choices=MeetingCadence.choices, default=MeetingCadence.MONTHLY
    )
    channels = StreamField([("channel", ChannelBlock())], blank=True, verbose_name=_("channels"))
    stage = models.CharField(
        _("5D stage"), max_length=20, choices=FiveDStage.choices, default=FiveDStage.DISCOVERY
    )
    comments_need_approval = models.BooleanField(_("comments need approval"), default=False)
    private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Only members, the learning-center team and administrators can see this CoP."),
    )
    # Provisioned, never edited by hand, shared by the CoP's translations
    # (see cop_pages.provisioning).
    members_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    facilitators_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    review_workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    parent_page_types = ["learning_center.LearningCenterPage"]
    subpage_types = ["cop_pages.PracticePage", "cop_pages.MeetingPage"]

    # The text Wagtail's admin search looks in (the knowledge search has its own index).
    search_fields = Page.search_fields + [
        index.SearchField("division"),
        index.SearchField("domain"),
        index.SearchField("goals_and_scope"),
        index.SearchField("norms"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("division"),
        FieldPanel("domain"),
        FieldPanel("goals_and_scope"),
        FieldPanel("norms"),
        MultiFieldPanel(
            [FieldPanel("meeting_cadence"), FieldPanel("channels")],
            heading=_("Meetings and channels"),
        ),
        FieldPanel("stage"),
    ]
    settings_panels = Page.settings_panels + [
        FieldPanel("private"),
        FieldPanel("comments_need_approval"),
        FieldPanel("comments_enabled"),
    ]

    class Meta:
        verbose_name = _("community of practice")
        verbose_name_plural = _("community of practice")

    def with_content_json(self, content):
        """A revision brings content; the provisioned groups and workflow stay the page's own."""
        page = super().with_content_json(content)
        page.members_group_id = self.members_group_id
        page.facilitators_group_id = self.facilitators_group_id
        page.review_workflow_id = self.review_workflow_id
        return page

    def membership_page(self) -> "CommunityPage":
        """The page memberships are recorded against: the default-locale one."""
        default_locale = Locale.get_default()
        if self.locale_id == default_locale.pk:
            return self
        source = CommunityPage.objects.filter(
            translation_key=self.translation_key, locale=default_locale
        ).first()
        return source or self

    def get_context(self, request, *args, **kwargs):
        from ..listings import community_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(community_page_context(self, request))
        return context

    @path("gabung/", name="join")
    def join(self, request):
        from ..membership import join_community

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        join_community(request.user, self)
        messages.success(
            request, gettext("You are now a member of %(community)s.") % {"community": self.title}
        )
        return redirect(self.get_url(request))

    @path("keluar/", name="leave")
    def leave(self, request):
        from ..membership import leave_community

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if leave_community(request.user, self):
            messages.info(request, gettext("You have left %(community)s.") % {"community": self.title})
        return redirect(self.get_url(request))
