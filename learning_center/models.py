from django.db import models
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class LearningCenterPage(RoutablePageMixin, Page):
    """Pusat Belajar: the site root of each locale, hosting the CoPs."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cop_pages.CommunityPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = _("learning center")

    def get_context(self, request, *args, **kwargs):
        from .home import home_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_context(self, request))
        return context

    @path("tag/<slug:slug>/", name="tag")
    def tag_index(self, request, slug):
        """Everything with one tag, across CoPs."""
        from .home import tag_page_context

        tag = get_object_or_404(Tag, slug=slug)
        context = {"page": self, "self": self, "request": request, **tag_page_context(self, tag, request)}
        return TemplateResponse(request, "learning_center/tag_page.html", context)


class CommentTopicMonth(models.Model):
    """How many visible comments one CoP received in one calendar month on live pages carrying a topic.

    A roll-up of what ``learning_center.comment_topics`` counts from the
    comments themselves, kept so that the topic views read a few rows per
    topic and month instead of every comment of a year; it is rewritten for
    a CoP and month whenever a comment or a tagged page there changes.
    """

    community = models.ForeignKey("cop_pages.CommunityPage", on_delete=models.CASCADE, related_name="+")
    # The first day of the month, in the site's time zone.
    month = models.DateField()
    topic = models.CharField(max_length=100)
    comments = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month", "topic"], name="one_count_per_topic_and_month"
            )
        ]

    def __str__(self):
        return f"{self.topic} in CoP {self.community_id}, {self.month:%Y-%m}: {self.comments}"
