from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from .practice import PracticePage


class LearningCenterApprovalTask(AbstractGroupApprovalTask):
    """The learning-center team's approval, only for practices meant for everyone.

    A practice marked for dissemination to all divisions or featured on
    Pusat Belajar's home waits for this task; any other page skips it, so
    every CoP's workflow can end with it.
    """

    def start(self, workflow_state, user=None):
        if self.applies_to(workflow_state.content_object):
            return super().start(workflow_state, user=user)
        return self.get_task_state_class().objects.create(
            workflow_state=workflow_state,
            task=self,
            revision=workflow_state.content_object.get_latest_revision(),
            status=TaskState.STATUS_SKIPPED,
            finished_at=timezone.now(),
        )

    @staticmethod
    def applies_to(page) -> bool:
        # The flags of the version under review, not of the live page.
        submitted = page.get_latest_revision_as_object()
        return isinstance(submitted, PracticePage) and (submitted.featured or submitted.disseminate)

    @classmethod
    def get_description(cls):
        return _("The learning-center team approves practices shared with every division or featured.")

    class Meta:
        verbose_name = _("learning-center approval")
        verbose_name_plural = _("learning-center approvals")


class ReviewReminder(models.Model):
    """An owner was told their practice is past its review-by date: once per date."""

    practice = models.ForeignKey(PracticePage, on_delete=models.CASCADE, related_name="review_reminders")
    review_by = models.DateField(_("review by"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(fields=["practice", "review_by"], name="one_reminder_per_review_period")
        ]

    def __str__(self):
        return f"{self.practice_id}: {self.review_by}"
