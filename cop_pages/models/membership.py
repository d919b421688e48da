from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .community import CommunityPage


class MembershipRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    CORE = "core", _("Core member")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A person's place in a CoP; the groups and rights follow from it.

    Always recorded against the default-locale CommunityPage, so that the
    English translation of a CoP shares its members.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cop_memberships",
        verbose_name=_("user"),
    )
    community = models.ForeignKey(
        CommunityPage,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("community"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_membership_per_community")
        ]
        ordering = ["community__title", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} — {self.community} ({self.get_role_display()})"
