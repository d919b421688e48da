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
