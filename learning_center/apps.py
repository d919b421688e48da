from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LearningCenterConfig(AppConfig):
    name = "learning_center"
    verbose_name = _("Learning center")

    def ready(self):
        from . import comment_topic_signals  # noqa: F401 (connects the receivers)
        from .site_root import ensure_site_root_after_migrate

        post_migrate.connect(ensure_site_root_after_migrate, sender=self)
