from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopPagesConfig(AppConfig):
    name = "cop_pages"
    verbose_name = _("Communities of practice")

    def ready(self):
        from . import signal_handlers  # noqa: F401
