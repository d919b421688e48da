from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "knowledge_search"
    verbose_name = _("Knowledge search")

    def ready(self):
        from . import signal_handlers  # noqa: F401
