"""Each person chooses which comment emails they receive (all are on until turned off)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MutedNotification, NotificationKind


class NotificationPreferencesForm(forms.Form):
    """One checkbox per kind of email: checked means "send it to me"."""

    enabled = forms.MultipleChoiceField(
        label=gettext_lazy("Email me when"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def enabled_kinds(user) -> list[str]:
    muted = set(MutedNotification.objects.filter(user=user).values_list("kind", flat=True))
    return [kind for kind in NotificationKind.values if kind not in muted]


@transaction.atomic
def save_preferences(user, enabled) -> None:
    """Write the choice as MutedNotification rows: one per kind turned off."""
    muted = [kind for kind in NotificationKind.values if kind not in set(enabled)]
    MutedNotification.objects.filter(user=user).exclude(kind__in=muted).delete()
    MutedNotification.objects.bulk_create(
        [MutedNotification(user=user, kind=kind) for kind in muted], ignore_conflicts=True
    )


@login_required
def notification_preferences(request):
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            save_preferences(request.user, form.cleaned_data["enabled"])
            messages.success(request, _("Your email notification settings are saved."))
            return redirect("notification_preferences")
    else:
        form = NotificationPreferencesForm(initial={"enabled": enabled_kinds(request.user)})
    return render(request, "cop_pages/notification_preferences.html", {"form": form})
