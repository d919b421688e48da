"""The discussion's forms: they read what was sent; the rules in ``cop_pages.comments`` judge it.

The fields accept anything (empty, too long, NUL bytes) so that every refusal
comes from one place, ``cop_pages.comments``, with the same message whatever
the way in (page, admin, tests). The templates render the fields themselves
(one form per comment would cost a form object each); the widgets' attributes
here are the ones they use.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .comments import MAX_REASON_LENGTH
from .models import MAX_COMMENT_LENGTH


class LenientCharField(forms.CharField):
    """A text field that leaves every check to the rules (even Django's NUL-byte one)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.validators = []


class CommentForm(forms.Form):
    body = LenientCharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_LENGTH}),
    )

    def text(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("body", "")


class ReportForm(forms.Form):
    reason = LenientCharField(
        label=_("Why should a moderator look at this comment?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON_LENGTH}),
    )

    def text(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("reason", "")
