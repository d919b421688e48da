from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .comments_setting import CommentsSettingMixin
from .community import SECTION_FEATURES


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class MeetingPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cop_pages.MeetingPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class MeetingPage(CommentsSettingMixin, Page):
    """The notes of one meeting of a CoP."""

    meeting_date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    location = models.CharField(_("place or link"), max_length=255, blank=True)
    attendees = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="attended_meetings",
        verbose_name=_("attendees"),
    )
    agenda = RichTextField(_("agenda"), blank=True, features=SECTION_FEATURES)
    discussion_summary = RichTextField(_("discussion summary"), blank=True, features=SECTION_FEATURES)
    decisions = RichTextField(_("decisions"), blank=True, features=SECTION_FEATURES)
    reflection = RichTextField(
        _("reflection"),
        blank=True,
        features=SECTION_FEATURES,
        help_text=_("What went well in this meeting, what to improve."),
    )
    tags = ClusterTaggableManager(through=MeetingPageTag, blank=True, verbose_name=_("tags"))

    parent_page_types = ["cop_pages.CommunityPage"]
    subpage_types: list[str] = []

    # The text Wagtail's admin search looks in (the knowledge search has its own index).
    search_fields = Page.search_fields + [
        index.SearchField("agenda"),
        index.SearchField("discussion_summary"),
        index.SearchField("decisions"),
        index.SearchField("reflection"),
        index.RelatedFields("action_items", [index.SearchField("description")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("meeting_date"),
                FieldPanel("start_time"),
                FieldPanel("format"),
                FieldPanel("location"),
            ],
            heading=_("Time and place"),
        ),
        FieldPanel("attendees"),
        FieldPanel("agenda"),
        FieldPanel("discussion_summary"),
        FieldPanel("decisions"),
        InlinePanel("action_items", label=_("Action items")),
        FieldPanel("reflection"),
        InlinePanel("linked_practices", label=_("Related practices")),
        FieldPanel("tags"),
    ]
    settings_panels = Page.settings_panels + [FieldPanel("comments_enabled")]

    class Meta:
        verbose_name = _("meeting notes")
        verbose_name_plural = _("meeting notes")

    def get_context(self, request, *args, **kwargs):
        from ..listings import meeting_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(meeting_page_context(self, request))
        return context


class MeetingActionItem(Orderable):
    """A decision turned into work: who does what by when."""

    page = ParentalKey(MeetingPage, related_name="action_items", on_delete=models.CASCADE)
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_action_items",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    panels = [FieldPanel("description"), FieldPanel("owner"), FieldPanel("due_date"), FieldPanel("done")]

    class Meta(Orderable.Meta):
        verbose_name = _("action item")
        verbose_name_plural = _("action item")


class MeetingLinkedPractice(Orderable):
    page = ParentalKey(MeetingPage, related_name="linked_practices", on_delete=models.CASCADE)
    practice = models.ForeignKey(
        "cop_pages.PracticePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("practice")
    )

    panels = [PageChooserPanel("practice", "cop_pages.PracticePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("linked practice")
