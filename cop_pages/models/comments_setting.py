from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentsSettingMixin(models.Model):
    """Each practice, meeting and CoP page can turn its staff discussion off."""

    comments_enabled = models.BooleanField(_("comments enabled"), default=True)

    class Meta:
        abstract = True
