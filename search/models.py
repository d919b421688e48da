"""What the knowledge search keeps in the database.

KnowledgeRecord is the searchable form of one live page, exactly what is
sent to Elasticsearch; the database engine searches the same rows through
Wagtail's database backend, so the fallback is always current.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

PUBLIC = "public"
# How much more a word in the title or tags counts than one in the text.
TITLE_WEIGHT = 3


class DocumentKind(models.TextChoices):
    PRACTICE = "practice", _("Practice")
    MEETING = "meeting", _("Meeting")
    COMMUNITY = "community", _("CoP")


class KnowledgeRecord(index.Indexed, models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="knowledge_record"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    community = models.ForeignKey(
        "cop_pages.CommunityPage", on_delete=models.CASCADE, null=True, related_name="+"
    )
    community_title = models.CharField(max_length=255)
    language = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    published = models.DateField()
    tags = models.JSONField(default=list)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # "public", or "restriction:<id>" of the PageViewRestriction that hides it.
    visibility = models.CharField(max_length=40, default=PUBLIC)
    fingerprint = models.CharField(max_length=64)
    # The fingerprint Elasticsearch holds; differs while an update is pending.
    elasticsearch_fingerprint = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    search_fields = [
        # Wagtail's database backends weigh every field but one named "title"
        # alike (and that one holds the display title): the analysed title
        # and tags are repeated instead, as Elasticsearch boosts them.
        index.SearchField("weighted_title_terms"),
        index.SearchField("body_terms"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("community_id"),
        index.FilterField("language"),
        index.FilterField("year"),
        index.FilterField("published"),
        index.FilterField("visibility"),
        index.FilterField("page_id"),
    ]

    class Meta:
        verbose_name = _("knowledge record")
        verbose_name_plural = _("knowledge records")
        indexes = [models.Index(fields=["visibility", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def weighted_title_terms(self) -> str:
        return " ".join([self.title_terms] * TITLE_WEIGHT)


class SearchTerm(models.Model):
    """A word seen in indexed pages: the vocabulary for "did you mean"."""

    term = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.term


class GlossaryEntry(models.Model):
    """Words the organisation uses for the same thing; read at query time."""

    terms = models.CharField(
        _("equivalent terms"),
        max_length=500,
        help_text=_("Separate the terms with commas, for example: sirkulasi, peminjaman"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]


class SearchLog(models.Model):
    """One search as the analytics see it; no user id unless settings allow."""

    query = models.CharField(_("query"), max_length=200, db_index=True)
    result_count = models.PositiveIntegerField(_("results"))
    engine = models.CharField(_("engine"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    # The searcher's (default-locale) CoPs, a row each, so that reports can filter by CoP in SQL.
    searcher_communities = models.ManyToManyField(
        "cop_pages.CommunityPage",
        through="SearchLogCommunity",
        related_name="+",
        verbose_name=_("searcher's CoPs"),
    )
    # Narrowed by facets: a refinement of a search, not a new question (see search/analytics.py).
    filtered = models.BooleanField(_("with filters"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    searched_at = models.DateTimeField(_("searched at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        indexes = [models.Index(fields=["result_count", "searched_at"])]

    def __str__(self) -> str:
        return self.query


class SearchLogCommunity(models.Model):
    """One CoP the searcher of a logged search belonged to; deleted with the search or the CoP."""

    search = models.ForeignKey(SearchLog, on_delete=models.CASCADE, related_name="community_links")
    community = models.ForeignKey("cop_pages.CommunityPage", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["search", "community"], name="unique_search_log_community")
        ]
        # The unique constraint's index serves lookups by search; this one, reports by CoP.
        indexes = [models.Index(fields=["community", "search"], name="search_log_community_idx")]

    def __str__(self) -> str:
        return f"{self.search_id} → {self.community_id}"


class SearchClick(models.Model):
    search = models.ForeignKey(SearchLog, on_delete=models.CASCADE, related_name="clicks")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    clicked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.search} → {self.page_id}"
