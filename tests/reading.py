"""Reading pages and messages as a person would: the Indonesian wording, the visible text."""

import re
from html import unescape

from django.utils import translation
from django.utils.translation import gettext


def indonesian(message: str) -> str:
    """``message`` as the Indonesian interface shows it."""
    with translation.override("id"):
        return gettext(message)


def text_of(html: str) -> str:
    """What a reader sees of some HTML: text only, scripts and styles left out, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
