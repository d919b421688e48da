import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ResourceStreamBlock
from .comments_setting import CommentsSettingMixin
from .community import SECTION_FEATURES

# The documented sections of a practice, in reading order. Import, export,
# templates and search all walk this list.
PRACTICE_SECTIONS = ("summary", "context", "practice", "results", "lessons")
REVIEW_PERIOD = datetime.timedelta(days=365)


class PracticePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cop_pages.PracticePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PracticePage(CommentsSettingMixin, Page):
    """A documented good practice, structured so each part can be reused."""

    documented_on = models.DateField(_("documented on"), default=timezone.localdate, db_index=True)
    summary = RichTextField(
        _("summary"),
        features=SECTION_FEATURES,
        help_text=_("In one or two sentences: what was done and what it achieved."),
    )
    context = RichTextField(
        _("context / problem"),
        blank=True,
        features=SECTION_FEATURES,
        help_text=_("The situation and problem that led to this practice."),
    )
    practice = RichTextField(
        _("practice"),
        blank=True,
        features=SECTION_FEATURES,
        help_text=_("What was done, step by step."),
    )
    results = RichTextField(
        _("results"),
        blank=True,
        features=SECTION_FEATURES,
        help_text=_("What changed; numbers where you have them."),
    )
    lessons = RichTextField(
        _("lessons"),
        blank=True,
        features=SECTION_FEATURES,
        help_text=_("What worked, what failed, what you would do differently."),
    )
    resources = StreamField(ResourceStreamBlock(), blank=True, verbose_name=_("resources"))
    tags = ClusterTaggableManager(through=PracticePageTag, blank=True, verbose_name=_("tags"))
    contributors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="contributed_practices",
        verbose_name=_("contributors"),
    )
    content_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_practices",
        verbose_name=_("content owner"),
        help_text=_("The person who keeps this practice up to date."),
    )
    review_by = models.DateField(_("review by"), null=True, blank=True, db_index=True)
    featured = models.BooleanField(_("featured practice"), default=False, db_index=True)
    disseminate = models.BooleanField(
        _("share with every division"),
        default=False,
        help_text=_("Recommended to all divisions: the learning-center team approves it too."),
    )

    parent_page_types = ["cop_pages.CommunityPage"]
    subpage_types: list[str] = []

    # The text Wagtail's admin search looks in (the knowledge search has its own index).
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("context"),
        index.SearchField("practice"),
        index.SearchField("results"),
        index.SearchField("lessons"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("documented_on"),
        FieldPanel("summary"),
        FieldPanel("context"),
        FieldPanel("practice"),
        FieldPanel("results"),
        FieldPanel("lessons"),
        FieldPanel("resources"),
        FieldPanel("tags"),
        FieldPanel("contributors"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [FieldPanel("content_owner"), FieldPanel("review_by")],
            heading=_("Content governance"),
        ),
        FieldPanel("featured"),
        FieldPanel("disseminate"),
        FieldPanel("comments_enabled"),
    ]

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practice")

    def save(self, *args, **kwargs):
        if self.content_owner_id is None:
            # The author keeps the practice up to date unless someone else is named.
            self.content_owner_id = self.owner_id
        if self.live and self.review_by is None:
            # Content governance: a published practice is reviewed within a year.
            published_on = timezone.localdate(self.first_published_at) if self.first_published_at else None
            self.review_by = (published_on or timezone.localdate()) + REVIEW_PERIOD
        super().save(*args, **kwargs)

    def review_overdue(self) -> bool:
        return self.review_by is not None and self.review_by < timezone.localdate()

    def get_context(self, request, *args, **kwargs):
        from ..listings import practice_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(practice_page_context(self, request))
        return context
