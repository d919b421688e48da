"""What a content file says about a page, checked: field values ready to set.

``read_values`` turns a parsed file into ``PageValues`` (or a ContentError
naming the key's line); ``page_values`` reads the same values back from a
page, so the import can tell an unchanged page from a changed one and the
export writes what the import reads.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .content_format import (
    HEADINGS,
    ContentError,
    ContentFile,
    as_date,
    markdown_to_rich_text,
    sections_by_field,
)
from .models import (
    CommunityPage,
    FiveDStage,
    MeetingCadence,
    MeetingFormat,
    MeetingPage,
    MembershipRole,
    PracticePage,
)

LANGUAGES = ("id", "en")
STATUSES = ("published", "draft")
CHANNEL_KINDS = ("chat", "video", "room", "other")
COMMON_KEYS = {"type", "title", "language", "comments"}
ALLOWED_KEYS = {
    "community": COMMON_KEYS
    | {"division", "domain", "cadence", "stage", "private", "comments_need_approval", "channels"}
    | {"facilitators", "core_members", "members"},
    "practice": COMMON_KEYS
    | {"author", "contributors", "owner", "date", "review_by", "status", "featured", "disseminate"}
    | {"tags", "resources"},
    "meeting": COMMON_KEYS
    | {"date", "time", "format", "location", "author", "attendees", "status", "tags", "practices"}
    | {"action_items"},
}
# Keys only the default-language CoP file carries: its translations share them.
COMMUNITY_SHARED_KEYS = {
    "cadence",
    "stage",
    "private",
    "comments_need_approval",
    "channels",
    "facilitators",
    "core_members",
    "members",
}
MEMBERSHIP_KEYS = {
    "facilitators": MembershipRole.FACILITATOR,
    "core_members": MembershipRole.CORE,
    "members": MembershipRole.MEMBER,
}
PAGE_MODELS = {"community": CommunityPage, "practice": PracticePage, "meeting": MeetingPage}
CLOCK_TIME = re.compile(r"^(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)$")


@dataclass
class PageValues:
    """Everything an import sets on one page, in comparable form.

    ``fields`` are plain model fields; ``users`` maps a key to usernames;
    the rest are relations the import sets as a whole.
    """

    page_type: str
    language: str
    status: str
    fields: dict
    tags: list[str] = field(default_factory=list)
    stream: dict[str, list] = field(default_factory=dict)
    owner: object = None
    user_sets: dict[str, set] = field(default_factory=dict)
    memberships: dict = field(default_factory=dict)
    action_items: list[tuple] = field(default_factory=list)
    linked_practice_slugs: list[str] = field(default_factory=list)
    linked_practices: list = field(default_factory=list)


class UserDirectory:
    """Usernames to accounts, asked once per file; missing ones created only when allowed."""

    def __init__(self, create_missing: bool):
        self.create_missing = create_missing
        self.created: list[str] = []

    def resolve(self, content: ContentFile, wanted: dict[str, str]) -> dict[str, object]:
        """Accounts for ``wanted`` (username -> the key it was found under, for messages)."""
        user_model = get_user_model()
        found = {user.get_username(): user for user in user_model.objects.filter(username__in=wanted)}
        for username, key in wanted.items():
            if username in found:
                continue
            if not self.create_missing:
                raise ContentError(
                    f"unknown user '{username}' in '{key}': create the account first "
                    "or import with --create-missing-users",
                    content.line_of(key),
                )
            user = user_model(username=username)
            user.set_unusable_password()
            user.save()
            found[username] = user
            self.created.append(username)
        return found


def usernames(content: ContentFile, keys: tuple[str, ...]) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for key in keys:
        for username in string_list(content, key):
            wanted.setdefault(username, key)
    return wanted


def string_list(content: ContentFile, key: str) -> list[str]:
    value = content.front_matter.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        raise ContentError(f"'{key}' must be a list of names", content.line_of(key))
    return [str(item).strip() for item in value if str(item).strip()]


def required_text(content: ContentFile, key: str, max_length: int) -> str:
    value = content.front_matter.get(key)
    if value is None or not str(value).strip():
        raise ContentError(f"missing '{key}'", content.line_of(key))
    text = str(value).strip()
    if len(text) > max_length:
        raise ContentError(f"'{key}' is longer than {max_length} characters", content.line_of(key))
    return text


def optional_text(content: ContentFile, key: str, max_length: int) -> str:
    value = content.front_matter.get(key)
    if value is None:
        return ""
    return required_text(content, key, max_length)


def choice(content: ContentFile, key: str, allowed, default: str) -> str:
    value = content.front_matter.get(key, default)
    if value not in allowed:
        raise ContentError(
            f"'{key}' must be one of {', '.join(allowed)}, not {value!r}", content.line_of(key)
        )
    return value


def flag(content: ContentFile, key: str, default: bool = False) -> bool:
    value = content.front_matter.get(key, default)
    if not isinstance(value, bool):
        raise ContentError(f"'{key}' must be true or false, not {value!r}", content.line_of(key))
    return value


def optional_date(content: ContentFile, key: str) -> datetime.date | None:
    value = content.front_matter.get(key)
    return None if value is None else as_date(value, key, content)


def clock_time(content: ContentFile) -> datetime.time | None:
    value = content.front_matter.get("time")
    if value is None:
        return None
    if isinstance(value, int) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 14:00 as the base-60 number 840.
        return datetime.time(value // 60, value % 60)
    match = CLOCK_TIME.match(str(value).strip())
    if not match:
        raise ContentError(f"'time' must be HH:MM, like \"14:00\", not {value!r}", content.line_of("time"))
    return datetime.time(int(match["hour"]), int(match["minute"]))


def valid_url(content: ContentFile, key: str, url) -> str:
    try:
        URLValidator()(str(url))
    except ValidationError:
        raise ContentError(f"'{key}' has an invalid link: {url!r}", content.line_of(key)) from None
    return str(url)


def mapping_list(content: ContentFile, key: str) -> list[dict]:
    value = content.front_matter.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ContentError(f"'{key}' must be a list of entries with named fields", content.line_of(key))
    return value


def channels(content: ContentFile) -> list:
    blocks = []
    for entry in mapping_list(content, "channels"):
        if entry.get("kind", "other") not in CHANNEL_KINDS or not str(entry.get("label", "")).strip():
            raise ContentError(
                f"each channel needs a label and a kind among {', '.join(CHANNEL_KINDS)}",
                content.line_of("channels"),
            )
        url = valid_url(content, "channels", entry["url"]) if entry.get("url") else ""
        blocks.append(
            ("channel", {"kind": entry.get("kind", "other"), "label": str(entry["label"]), "url": url})
        )
    return blocks


def resources(content: ContentFile) -> list:
    blocks = []
    for entry in mapping_list(content, "resources"):
        if not str(entry.get("title", "")).strip() or not entry.get("url"):
            raise ContentError("each resource needs a title and a url", content.line_of("resources"))
        blocks.append(
            ("link", {"title": str(entry["title"]), "url": valid_url(content, "resources", entry["url"])})
        )
    return blocks


def tags(content: ContentFile) -> list[str]:
    names = string_list(content, "tags")
    too_long = [name for name in names if len(name) > 100]
    if too_long:
        raise ContentError(
            f"tag '{too_long[0][:40]}…' is longer than 100 characters", content.line_of("tags")
        )
    return sorted(set(names), key=str.casefold)


def section_html(content: ContentFile, page_type: str) -> dict[str, str]:
    texts = sections_by_field(content, page_type)
    return {name: markdown_to_rich_text(texts.get(name, "")) for name in HEADINGS[page_type]}


def read_values(content: ContentFile, page_type: str, language: str, users: UserDirectory) -> PageValues:
    unknown = sorted(set(content.front_matter) - ALLOWED_KEYS[page_type])
    if page_type == "community" and language != "id":
        unknown += sorted(COMMUNITY_SHARED_KEYS & set(content.front_matter))
    if unknown:
        raise ContentError(
            f"unknown key '{unknown[0]}' for a {page_type} in language '{language}'",
            content.line_of(unknown[0]),
        )
    reader = {"community": community_values, "practice": practice_values, "meeting": meeting_values}[
        page_type
    ]
    values = reader(content, language, users)
    values.fields["comments_enabled"] = flag(content, "comments", default=True)
    return values


def community_values(content: ContentFile, language: str, users: UserDirectory) -> PageValues:
    fields = {
        "title": required_text(content, "title", 255),
        "division": required_text(content, "division", 150),
        "domain": required_text(content, "domain", 5_000),
        **section_html(content, "community"),
    }
    values = PageValues("community", language, "published", fields)
    if language != "id":
        return values
    fields["meeting_cadence"] = choice(content, "cadence", MeetingCadence.values, MeetingCadence.MONTHLY)
    fields["stage"] = choice(content, "stage", FiveDStage.values, FiveDStage.DISCOVERY)
    fields["private"] = flag(content, "private")
    fields["comments_need_approval"] = flag(content, "comments_need_approval")
    values.stream["channels"] = channels(content)
    accounts = users.resolve(content, usernames(content, tuple(MEMBERSHIP_KEYS)))
    for key, role in MEMBERSHIP_KEYS.items():
        for username in string_list(content, key):
            if accounts[username] in values.memberships:
                raise ContentError(f"'{username}' is listed in more than one role", content.line_of(key))
            values.memberships[accounts[username]] = role
    return values


def practice_values(content: ContentFile, language: str, users: UserDirectory) -> PageValues:
    accounts = users.resolve(content, usernames(content, ("author", "owner", "contributors")))
    author = accounts.get(optional_text(content, "author", 150))
    owner_name = optional_text(content, "owner", 150)
    sections = section_html(content, "practice")
    if not sections["summary"]:
        heading = "Ringkasan" if language == "id" else "Summary"
        raise ContentError(f"a practice needs a '## {heading}' section", content.line_of("type"))
    values = PageValues(
        "practice",
        language,
        choice(content, "status", STATUSES, "published"),
        {
            "title": required_text(content, "title", 255),
            "documented_on": as_date(content.front_matter.get("date"), "date", content),
            "featured": flag(content, "featured"),
            "disseminate": flag(content, "disseminate"),
            "content_owner": accounts[owner_name] if owner_name else author,
            **sections,
        },
        tags=tags(content),
        stream={"resources": resources(content)},
        owner=author,
    )
    if "review_by" in content.front_matter:
        # Without one, the page keeps its own (a year after publishing, by default).
        values.fields["review_by"] = optional_date(content, "review_by")
    contributors = {accounts[name] for name in string_list(content, "contributors")}
    values.user_sets["contributors"] = contributors | ({author} if author else set())
    return values


def meeting_values(content: ContentFile, language: str, users: UserDirectory) -> PageValues:
    entries = mapping_list(content, "action_items")
    wanted = usernames(content, ("author", "attendees"))
    wanted.update({str(entry["owner"]): "action_items" for entry in entries if entry.get("owner")})
    accounts = users.resolve(content, wanted)
    values = PageValues(
        "meeting",
        language,
        choice(content, "status", STATUSES, "published"),
        {
            "title": required_text(content, "title", 255),
            "meeting_date": as_date(content.front_matter.get("date"), "date", content),
            "start_time": clock_time(content),
            "format": choice(content, "format", MeetingFormat.values, MeetingFormat.IN_PERSON),
            "location": optional_text(content, "location", 255),
            **section_html(content, "meeting"),
        },
        tags=tags(content),
        owner=accounts.get(optional_text(content, "author", 150)),
        linked_practice_slugs=string_list(content, "practices"),
    )
    values.user_sets["attendees"] = {accounts[name] for name in string_list(content, "attendees")}
    values.action_items = action_items(content, entries, accounts)
    return values


def action_items(content: ContentFile, entries: list[dict], accounts: dict) -> list[tuple]:
    items = []
    for entry in entries:
        description = str(entry.get("action") or "").strip()
        if not description or len(description) > 500:
            raise ContentError(
                "each action item needs an 'action' of at most 500 characters",
                content.line_of("action_items"),
            )
        owner = accounts[str(entry["owner"])] if entry.get("owner") else None
        due = entry.get("due")
        if due is not None:
            due = as_date(due, "action_items", content)
        done = entry.get("done", False)
        if not isinstance(done, bool):
            raise ContentError(
                "'done' of an action item must be true or false", content.line_of("action_items")
            )
        items.append((description, owner, due, done))
    return items


def stream_data(stream_value) -> list:
    """A StreamField's blocks as (type, plain dict) pairs, the form ``PageValues`` holds."""
    return [(child.block_type, dict(child.value)) for child in stream_value]


def page_values(page, memberships=None) -> PageValues:
    """What ``page`` holds of ``PageValues``, for comparison and export."""
    page_type = {CommunityPage: "community", PracticePage: "practice", MeetingPage: "meeting"}[type(page)]
    language = page.locale.language_code
    values = PageValues(
        page_type,
        language,
        "published" if page.live else "draft",
        {name: getattr(page, name) for name in field_names(page_type, language)},
    )
    if page_type == "community":
        if language == "id":
            values.stream["channels"] = stream_data(page.channels)
            values.memberships = dict(memberships or {})
        return values
    values.tags = sorted((tag.name for tag in page.tags.all()), key=str.casefold)
    values.owner = page.owner
    if page_type == "practice":
        values.stream["resources"] = stream_data(page.resources)
        values.user_sets["contributors"] = set(page.contributors.all())
    else:
        values.user_sets["attendees"] = set(page.attendees.all())
        values.action_items = [
            (item.description, item.owner, item.due_date, item.done) for item in page.action_items.all()
        ]
        values.linked_practice_slugs = [
            link.practice.slug for link in page.linked_practices.all() if link.practice
        ]
    return values


def field_names(page_type: str, language: str) -> list[str]:
    names = {
        "community": ["title", "division", "domain"]
        + (["meeting_cadence", "stage", "private", "comments_need_approval"] if language == "id" else []),
        "practice": ["title", "documented_on", "review_by", "featured", "disseminate", "content_owner"],
        "meeting": ["title", "meeting_date", "start_time", "format", "location"],
    }[page_type]
    return names + list(HEADINGS[page_type]) + ["comments_enabled"]
