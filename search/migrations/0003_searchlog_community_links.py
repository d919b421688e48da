"""The searcher's CoPs of a logged search: from a JSON list to a row per CoP.

Reports filter and count searches by CoP in SQL, which a JSON list does not
allow portably (SQLite and PostgreSQL). The lists already logged are copied,
leaving out the ids of CoPs deleted since; going back rebuilds the lists.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def copy_lists_to_rows(apps, schema_editor):
    SearchLog = apps.get_model("knowledge_search", "SearchLog")
    SearchLogCommunity = apps.get_model("knowledge_search", "SearchLogCommunity")
    CommunityPage = apps.get_model("cop_pages", "CommunityPage")
    existing = set(CommunityPage.objects.values_list("pk", flat=True))
    logged = SearchLog.objects.order_by("pk").values_list("pk", "searcher_communities")
    links = []
    for search_id, community_ids in logged.iterator(chunk_size=BATCH):
        links.extend(
            SearchLogCommunity(search_id=search_id, community_id=community_id)
            for community_id in set(community_ids or ()) & existing
        )
        if len(links) >= BATCH:
            SearchLogCommunity.objects.bulk_create(links)
            links = []
    SearchLogCommunity.objects.bulk_create(links)


def copy_rows_to_lists(apps, schema_editor):
    SearchLog = apps.get_model("knowledge_search", "SearchLog")
    SearchLogCommunity = apps.get_model("knowledge_search", "SearchLogCommunity")
    lists: dict[int, list[int]] = {}
    for search_id, community_id in SearchLogCommunity.objects.values_list("search_id", "community_id"):
        lists.setdefault(search_id, []).append(community_id)
    changed = [SearchLog(pk=search_id, searcher_communities=sorted(ids)) for search_id, ids in lists.items()]
    SearchLog.objects.bulk_update(changed, ["searcher_communities"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("cop_pages", "0004_staff_comments"),
        ("knowledge_search", "0002_searchlog_filtered"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchLogCommunity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cop_pages.communitypage",
                    ),
                ),
                (
                    "search",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="community_links",
                        to="knowledge_search.searchlog",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["community", "search"], name="search_log_community_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("search", "community"), name="unique_search_log_community"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_lists_to_rows, copy_rows_to_lists, elidable=True),
        migrations.RemoveField(model_name="searchlog", name="searcher_communities"),
        migrations.AddField(
            model_name="searchlog",
            name="searcher_communities",
            field=models.ManyToManyField(
                related_name="+",
                through="knowledge_search.SearchLogCommunity",
                to="cop_pages.communitypage",
                verbose_name="searcher's CoPs",
            ),
        ),
    ]
