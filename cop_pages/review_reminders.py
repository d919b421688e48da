"""Content governance: remind owners of practices that are past their review-by date.

A practice's current ``review_by`` date identifies its review period. Once a
``ReviewReminder`` row exists for (practice, review_by), that period has been
handled and nobody is reminded again; when the owner sets a new date and it
passes, a new period starts and a new reminder goes out.

``send_review_reminders`` is safe to run daily and from two processes at once:
each practice is claimed by inserting its reminder row, whose unique
constraint lets exactly one run win, and the email is only enqueued (as a
django-tasks task) once that claim has committed. Each owner gets one email
listing all their practices claimed in the run, in their own language.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page

from .emails import absolute_url
from .emails import user_language as owner_language
from .models import CommunityPage, PracticePage, ReviewReminder
from .tasks import send_review_reminder_email

SUBJECT_TEMPLATE = "cop_pages/email/review_reminder_subject.txt"
TEXT_TEMPLATE = "cop_pages/email/review_reminder.txt"
HTML_TEMPLATE = "cop_pages/email/review_reminder.html"


@dataclass
class OwnerReminder:
    """One owner and the overdue practices one email tells them about."""

    owner: object  # the user model
    practices: list[PracticePage]


@dataclass
class ReminderRun:
    """What one run of ``send_review_reminders`` did (or, dry, would do)."""

    today: datetime.date
    dry_run: bool = False
    reminders: list[OwnerReminder] = field(default_factory=list)

    @property
    def owner_count(self) -> int:
        return len(self.reminders)

    @property
    def practice_count(self) -> int:
        return sum(len(reminder.practices) for reminder in self.reminders)


@dataclass(frozen=True)
class ReminderItem:
    """One practice as the email shows it."""

    title: str
    community: str
    review_by: datetime.date
    url: str | None
    edit_url: str


def overdue_practices(today: datetime.date) -> QuerySet[PracticePage]:
    """Live practices past their review-by date whose period nobody was reminded of yet.

    Only practices with an active content owner who has an email address:
    the others have nobody to remind, and get their reminder once they do.
    Ordered by owner, so that ``itertools.groupby`` gathers each owner's list.
    """
    already_reminded = ReviewReminder.objects.filter(practice=OuterRef("pk"), review_by=OuterRef("review_by"))
    return (
        PracticePage.objects.live()
        .filter(review_by__lt=today, content_owner__isnull=False, content_owner__is_active=True)
        .exclude(content_owner__email="")
        .exclude(Exists(already_reminded))
        .select_related("content_owner")
        .order_by("content_owner_id", "review_by", "title", "pk")
    )


def claim_reminder(practice: PracticePage) -> ReviewReminder | None:
    """Record the reminder for the practice's current period, or None if a run already did.

    The unique (practice, review_by) constraint decides between concurrent
    runs: the loser's insert fails and it leaves that practice alone.
    """
    try:
        with transaction.atomic():
            return ReviewReminder.objects.create(practice=practice, review_by=practice.review_by)
    except IntegrityError:
        return None


def send_review_reminders(today: datetime.date | None = None, *, dry_run: bool = False) -> ReminderRun:
    """Claim every overdue period and enqueue one email per owner once the claims commit.

    ``today`` is the local (Asia/Jakarta) date, by default the current one.
    With ``dry_run``, nothing is recorded or sent: the result lists what a
    real run would claim right now.
    """
    today = today or timezone.localdate()
    run = ReminderRun(today=today, dry_run=dry_run)
    for owner, practices in itertools.groupby(list(overdue_practices(today)), key=lambda p: p.content_owner):
        practices = list(practices)
        if dry_run:
            run.reminders.append(OwnerReminder(owner, practices))
            continue
        with transaction.atomic():
            claimed = [
                (practice, reminder) for practice in practices if (reminder := claim_reminder(practice))
            ]
            if claimed:
                reminder_ids = [reminder.pk for _, reminder in claimed]
                transaction.on_commit(partial(send_review_reminder_email.enqueue, owner.pk, reminder_ids))
        if claimed:
            run.reminders.append(OwnerReminder(owner, [practice for practice, _ in claimed]))
    return run


# The email, rendered and sent by the task (cop_pages.tasks).


def reminder_items(reminders: list[ReviewReminder]) -> list[ReminderItem]:
    """What the email says about each practice, with its CoP fetched in one query."""
    parent_paths = {reminder.practice.path[: -Page.steplen] for reminder in reminders}
    communities = {page.path: page.title for page in CommunityPage.objects.filter(path__in=parent_paths)}
    items = []
    for reminder in reminders:
        practice = reminder.practice
        url_parts = practice.get_url_parts()
        items.append(
            ReminderItem(
                title=practice.title,
                community=communities.get(practice.path[: -Page.steplen], ""),
                review_by=reminder.review_by,
                url=absolute_url(url_parts[2]) if url_parts else None,
                edit_url=absolute_url(reverse("wagtailadmin_pages:edit", args=[practice.pk])),
            )
        )
    return items


def review_reminder_email(owner, reminders: list[ReviewReminder]) -> EmailMultiAlternatives:
    """The owner's email (text and HTML) about these reminders, in the owner's language."""
    language = owner_language(owner)
    with translation.override(language):
        context = {
            "owner": owner,
            "owner_name": owner.get_full_name() or owner.get_username(),
            "items": reminder_items(reminders),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
        context["subject"] = subject
        text = render_to_string(TEXT_TEMPLATE, context)
        html = render_to_string(HTML_TEMPLATE, context)
    message = EmailMultiAlternatives(subject, text, to=[owner.email])
    message.attach_alternative(html, "text/html")
    return message


def deliver_review_reminders(owner_id: int, reminder_ids: list[int]) -> int:
    """Send the owner the email for these claimed reminders; returns how many practices it lists.

    If the owner can no longer be reached, or sending fails, the claims are
    released so that a later run tries again instead of the period being lost.
    """
    reminders = list(
        ReviewReminder.objects.filter(pk__in=reminder_ids)
        .select_related("practice")
        .order_by("review_by", "practice__title", "practice_id")
    )
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).exclude(email="").first()
    if not reminders:
        return 0
    if owner is None:
        ReviewReminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).delete()
        return 0
    try:
        review_reminder_email(owner, reminders).send()
    except Exception:
        ReviewReminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).delete()
        raise
    ReviewReminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).update(
        sent_at=timezone.now()
    )
    return len(reminders)
