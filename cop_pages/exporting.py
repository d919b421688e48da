"""`export_content`: every CoP with its practices and meetings, in the import's format.

Writes what ``import_content`` reads (docs/content-format.md): importing an
export changes nothing, and exporting again gives the same bytes. A live
page is written as published, with its live content; a page that was never
published is written as a draft, with its latest revision.
"""

import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm
from wagtail.models import Locale

from learning_center.site_root import ensure_learning_center_root

from .content_format import content_file_text, headings_for, rich_text_to_markdown
from .content_values import MEMBERSHIP_KEYS, PageValues, page_values
from .importing import COMMUNITY_FILE_STEM
from .models import CommunityPage, MeetingPage, PracticePage

# Front matter key -> field of the settings a CoP's translations share.
SHARED_COMMUNITY_KEYS = {
    "cadence": "meeting_cadence",
    "stage": "stage",
    "private": "private",
    "comments_need_approval": "comments_need_approval",
}


def export_content(directory: Path, *, progress: bool = False) -> Counter:
    """Write the site's content under ``directory``; returns how many files of each type."""
    directory = Path(directory)
    root = ensure_learning_center_root()
    default_locale = Locale.get_default()
    communities = list(CommunityPage.objects.child_of(root).order_by("slug"))
    written: Counter = Counter()
    for community in tqdm(communities, desc="Exporting", unit="CoP", disable=not progress, file=sys.stderr):
        folder = directory / community.slug
        folder.mkdir(parents=True)
        for translation in [community, *community.get_translations().exclude(locale=default_locale)]:
            translation = exported_version(translation.specific)
            suffix = (
                "" if translation.locale_id == default_locale.pk else f".{translation.locale.language_code}"
            )
            write_page(folder / f"{COMMUNITY_FILE_STEM}{suffix}.md", translation)
            written["community"] += 1
            children = translation.get_children().type(PracticePage, MeetingPage).order_by("slug")
            for child in children.specific():
                write_page(folder / f"{child.slug}{suffix}.md", exported_version(child))
                written[type(child).__name__.removesuffix("Page").lower()] += 1
    return written


def exported_version(page):
    return page if page.live else page.get_latest_revision_as_object()


def write_page(path: Path, page) -> None:
    memberships = None
    if isinstance(page, CommunityPage):
        memberships = {
            membership.user: membership.role for membership in page.memberships.select_related("user")
        }
    values = page_values(page, memberships)
    path.write_text(content_file_text(front_matter(values), sections(values)), encoding="utf-8")


def front_matter(values: PageValues) -> dict:
    """The front matter keys in the order docs/content-format.md lists them."""
    data = present_keys(values)
    if not values.fields["comments_enabled"]:
        data["comments"] = False
    return data


def present_keys(values: PageValues) -> dict:
    """The keys whose value differs from the import's default."""
    fields = values.fields
    data = {"type": values.page_type}
    if values.page_type == "community":
        if values.language != "id":
            data["language"] = values.language
        data.update(title=fields["title"], division=fields["division"], domain=fields["domain"])
        if values.language == "id":
            data.update(community_settings(values))
        return without_empty(data)
    data["title"] = fields["title"]
    if values.page_type == "practice":
        author, owner = values.owner, fields["content_owner"]
        data.update(
            author=username(author),
            contributors=usernames(user for user in values.user_sets["contributors"] if user != author),
            owner=username(owner) if owner != author else None,
            date=fields["documented_on"],
            review_by=fields["review_by"],
        )
    else:
        data.update(
            date=fields["meeting_date"],
            time=fields["start_time"].strftime("%H:%M") if fields["start_time"] else None,
            format=fields["format"],
            location=fields["location"],
            author=username(values.owner),
            attendees=usernames(values.user_sets["attendees"]),
        )
    data.update(language=values.language, status=values.status)
    if values.page_type == "practice":
        data.update(
            featured=fields["featured"],
            disseminate=fields["disseminate"],
            tags=values.tags,
            resources=[without_empty(block) for _kind, block in values.stream["resources"]],
        )
    else:
        data.update(
            tags=values.tags,
            practices=values.linked_practice_slugs,
            action_items=[action_item(*item) for item in values.action_items],
        )
    return without_empty(data)


def community_settings(values: PageValues) -> dict:
    data = {key: values.fields[name] for key, name in SHARED_COMMUNITY_KEYS.items()}
    for key, role in MEMBERSHIP_KEYS.items():
        data[key] = usernames(user for user, user_role in values.memberships.items() if user_role == role)
    data["channels"] = [without_empty(block) for _kind, block in values.stream["channels"]]
    return data


def username(user) -> str | None:
    return user.get_username() if user else None


def usernames(users) -> list[str]:
    return sorted(user.get_username() for user in users)


def action_item(description: str, owner, due, done: bool) -> dict:
    return without_empty({"action": description, "owner": username(owner), "due": due, "done": done})


def without_empty(data: dict) -> dict:
    """Leave out keys whose value is the import's default: empty, none or false."""
    return {key: value for key, value in data.items() if value not in (None, "", [], False)}


def sections(values: PageValues) -> dict[str, str]:
    headings = headings_for(values.page_type, values.language)
    return {headings[name]: rich_text_to_markdown(values.fields[name]) for name in headings}
