"""Comments are plain text: ``comment_text`` turns one into safe HTML.

Everything the author wrote is escaped; the only markup that comes out is
made here: ``<br>`` for line breaks, links for http(s) URLs (Django's
``urlize``, with ``rel="noopener noreferrer nofollow ugc"``) and mentions of
existing people. Bidirectional override characters are dropped from the
display (they could make a link or a name read backwards); the stored text
keeps them for the moderators.
"""

import re

from django import template
from django.utils.html import format_html, urlize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from ..comments import MENTION

register = template.Library()

# LRE, RLE, PDF, LRO, RLO and the isolates LRI, RLI, FSI, PDI.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
LINK_REL = "noopener noreferrer nofollow ugc"
# The links urlize makes: their text is escaped, so none holds another tag.
URLIZED_LINK = re.compile(r'<a href="([^"]*)"(?: rel="nofollow")?>(.*?)</a>', re.S)
LONGEST_LINK_TEXT = 60


def displayable(value) -> str:
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return BIDI_CONTROLS.sub("", text)


def mention(match, people: dict) -> str:
    username = match.group(1)
    person = people.get(username)
    if person is None:
        return match.group(0)
    name = person.get_full_name() or username
    if person.email:
        return format_html(
            '<strong class="mention"><a href="mailto:{}" title="{}">@{}</a></strong>',
            person.email,
            name,
            username,
        )
    return format_html('<strong class="mention" title="{}">@{}</strong>', name, username)


@register.filter
def comment_text(value, people=None):
    """A comment body as HTML: escaped, line breaks kept, URLs and ``@username`` of ``people`` linked.

    ``people`` maps usernames to users (``Discussion.people``); without it no mention is linked.
    """
    html = urlize(displayable(value), trim_url_limit=LONGEST_LINK_TEXT, nofollow=True, autoescape=True)
    parts = URLIZED_LINK.split(html)
    # split() gives: text, href, link text, text, href, link text, …, text.
    pieces = []
    for index in range(0, len(parts), 3):
        text = parts[index]
        if people:
            text = MENTION.sub(lambda match: mention(match, people), text)
        pieces.append(text)
        if index + 2 < len(parts):
            pieces.append(f'<a href="{parts[index + 1]}" rel="{LINK_REL}">{parts[index + 2]}</a>')
    return mark_safe("".join(pieces).replace("\n", "<br>"))  # built from escaped parts only


@register.filter
def comment_excerpt(value, length: int = 140) -> str:
    """A comment's opening as plain text for lists (the template escapes it)."""
    return Truncator(" ".join(displayable(value).split())).chars(int(length))
