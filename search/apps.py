from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "knowledge_search"
    verbose_name = "Knowledge search"
