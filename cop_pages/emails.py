"""Shared helpers for the emails cop_pages sends: each in its recipient's language.

A recipient's language is their Wagtail profile's preferred language when
set (and supported), else the site's default (``settings.LANGUAGE_CODE``).
Links are absolute, built on ``settings.WAGTAILADMIN_BASE_URL``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.users.models import UserProfile


def user_language(user) -> str:
    """The user's preferred Wagtail admin language if set, else the site's default (id)."""
    preferred = UserProfile.get_for_user(user).preferred_language
    if preferred:
        try:
            return translation.get_supported_language_variant(preferred)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    """``path`` (starting with /) on the site's public base URL."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def render_email(
    to: str, *, subject_template: str, text_template: str, html_template: str, context: dict
) -> EmailMultiAlternatives:
    """A text-and-HTML email rendered in the active language.

    Call it inside ``translation.override(user_language(recipient))``. The
    subject is rendered on one line and passed to the bodies as ``subject``.
    """
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = " ".join(render_to_string(subject_template, context).split())
    context["subject"] = subject
    text = render_to_string(text_template, context)
    html = render_to_string(html_template, context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    return message
