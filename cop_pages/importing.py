"""`import_content`: a folder in the content format (docs/content-format.md) into pages.

Each file is imported in a transaction of its own: a bad file is reported
as ``path:line: message`` and leaves nothing behind while the others go in.
A page is found again by (CoP slug, file slug, language), so importing the
same folder twice updates pages, and an unchanged file writes nothing.
"""

import datetime
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm
from wagtail.models import Locale

from learning_center.models import LearningCenterPage
from learning_center.site_root import ensure_learning_center_root

from .content_format import ContentError, ContentFile, read_content_file
from .content_values import LANGUAGES, PAGE_MODELS, PageValues, UserDirectory, page_values, read_values
from .models import CommunityPage, MeetingActionItem, MeetingLinkedPractice, Membership, PracticePage

COMMUNITY_FILE_STEM = "_community"
# Within a folder: the CoP, then its practices, then meetings, which may link practices.
TYPE_ORDER = {"community": 0, "practice": 1, "meeting": 2}
# Imported pages written in the past are dated when they were written, not when imported.
PUBLISHED_AT_HOUR = datetime.time(9, 0)


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    created_users: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum((self.created + self.updated + self.unchanged).values()) + len(self.errors)


@dataclass
class ParsedFile:
    content: ContentFile
    page_type: str
    slug: str
    language: str


def import_content(
    directory: Path, *, create_missing_users: bool = False, progress: bool = False
) -> ImportReport:
    directory = Path(directory)
    report = ImportReport()
    users = UserDirectory(create_missing=create_missing_users)
    root = ensure_learning_center_root()
    paths = content_paths(directory)
    with tqdm(total=len(paths), desc="Importing", unit="file", disable=not progress, file=sys.stderr) as bar:
        for folder in sorted({path.parent for path in paths}):
            parsed = []
            for path in sorted(path for path in paths if path.parent == folder):
                try:
                    parsed.append(parse_file(path, directory))
                except ContentError as error:
                    report.errors.append(f"{path}:{error.line}: {error.message}")
                    bar.update()
            parsed.sort(key=lambda item: (TYPE_ORDER[item.page_type], item.language != "id", item.slug))
            for item in parsed:
                import_one(item, root, users, report)
                bar.update()
    report.created_users = users.created
    return report


def content_paths(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder")
    return [path for path in directory.rglob("*.md") if not any(part.startswith(".") for part in path.parts)]


def parse_file(path: Path, directory: Path) -> ParsedFile:
    if path.parent.parent != directory:
        raise ContentError("a content file must sit in a CoP folder directly under the imported folder")
    content = read_content_file(path)
    page_type = content.front_matter.get("type")
    if page_type not in PAGE_MODELS:
        raise ContentError(
            f"unknown type {page_type!r}: use community, practice or meeting", content.line_of("type")
        )
    stem, _dot, suffix = path.stem.rpartition(".")
    if not stem or suffix not in LANGUAGES:
        stem, suffix = path.stem, None
    language = content.front_matter.get("language", suffix or "id")
    if language not in LANGUAGES:
        raise ContentError(f"'language' must be id or en, not {language!r}", content.line_of("language"))
    if suffix and suffix != language:
        raise ContentError(
            f"the file name says '{suffix}' but 'language' says '{language}'", content.line_of("language")
        )
    if (page_type == "community") != (stem == COMMUNITY_FILE_STEM):
        raise ContentError(
            f"a CoP is described in {COMMUNITY_FILE_STEM}.md and only there; this file has type {page_type}",
            content.line_of("type"),
        )
    if page_type != "community" and slugify(stem, allow_unicode=True) != stem:
        raise ContentError(
            f"the file name '{path.name}' is not a page slug: use lowercase letters, digits and hyphens"
        )
    return ParsedFile(content, page_type, stem, language)


def import_one(
    item: ParsedFile, root: LearningCenterPage, users: UserDirectory, report: ImportReport
) -> None:
    path = item.content.path
    users_before = len(users.created)
    try:
        with transaction.atomic():
            outcome = import_page(item, root, users)
    except ContentError as error:
        report.errors.append(f"{path}:{error.line}: {error.message}")
    except ValidationError as error:
        messages = "; ".join(f"{name}: {' '.join(problems)}" for name, problems in error.message_dict.items())
        report.errors.append(f"{path}:1: {messages}")
    else:
        getattr(report, outcome)[item.page_type] += 1
        return
    # The file's transaction took the accounts it created with it.
    del users.created[users_before:]


def import_page(item: ParsedFile, root: LearningCenterPage, users: UserDirectory) -> str:
    """Create or update the file's page; returns 'created', 'updated' or 'unchanged'."""
    values = read_values(item.content, item.page_type, item.language, users)
    community_slug = item.content.path.parent.name
    if item.page_type == "community":
        parent = translation_in(root, item.language)
        existing = CommunityPage.objects.child_of(parent).filter(slug=community_slug).first()
        if existing is None and item.language != "id":
            # Translated first (so it shares the CoP's translation key), then given the file's text.
            source = community_in_default_language(root, community_slug, item.content)
            save_community(item, values, parent, translation_in(source, item.language), community_slug)
            return "created"
        return save_community(item, values, parent, existing, community_slug)
    community = community_in_default_language(root, community_slug, item.content)
    parent = translation_in(community, item.language)
    model = PAGE_MODELS[item.page_type]
    existing = parent.get_children().filter(slug=item.slug).first()
    if existing is not None and not isinstance(existing.specific, model):
        raise ContentError(
            f"'{item.slug}' is already a {existing.specific._meta.verbose_name} in this CoP, not a {item.page_type}"
        )
    if values.linked_practice_slugs:
        values.linked_practices = linked_practices(parent, values, item.content)
    if existing is None:
        page = model(slug=item.slug, locale=parent.locale)
        source = model.objects.child_of(community).filter(slug=item.slug).first()
        if source is not None and item.language != "id":
            # The English file of an Indonesian page is its translation.
            page.translation_key = source.translation_key
        set_values(page, values)
        create_page(page, parent, values)
        return "created"
    page = existing.specific
    if values_match(page, values):
        return "unchanged"
    set_values(page, values)
    save_page(page, values)
    return "updated"


def community_in_default_language(root: LearningCenterPage, slug: str, content: ContentFile) -> CommunityPage:
    community = CommunityPage.objects.child_of(root).filter(slug=slug).first()
    if community is None:
        raise ContentError(
            f"unknown community '{slug}': its folder has no {COMMUNITY_FILE_STEM}.md "
            "and no CoP has this slug yet",
            content.line_of("type"),
        )
    return community


def translation_in(page, language: str):
    """``page`` in ``language``, translated from it (and published) when missing."""
    locale = Locale.objects.get(language_code=language)
    if page.locale_id == locale.pk:
        return page
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.specific.copy_for_translation(locale)
        translation.save_revision().publish()
    return translation.specific


def linked_practices(parent, values: PageValues, content: ContentFile) -> list[PracticePage]:
    found = {
        page.slug: page
        for page in PracticePage.objects.child_of(parent).filter(slug__in=values.linked_practice_slugs)
    }
    missing = [slug for slug in values.linked_practice_slugs if slug not in found]
    if missing:
        raise ContentError(
            f"'practices' names '{missing[0]}', which is not a practice of this CoP",
            content.line_of("practices"),
        )
    return [found[slug] for slug in values.linked_practice_slugs]


def save_community(item: ParsedFile, values: PageValues, parent, existing, slug: str) -> str:
    if existing is None:
        page = CommunityPage(slug=slug, locale=parent.locale)
        set_values(page, values)
        create_page(page, parent, values)
        outcome = "created"
    else:
        page = existing.specific
        if values_match(page, values, current_memberships(page)):
            return "unchanged"
        set_values(page, values)
        save_page(page, values)
        outcome = "updated"
    # Publishing provisioned the CoP's groups in the database, not on this instance.
    page.refresh_from_db()
    for user, role in values.memberships.items():
        Membership.objects.update_or_create(user=user, community=page, defaults={"role": role})
    if item.language == "id":
        share_with_translations(page, values)
    return outcome


def current_memberships(page: CommunityPage) -> dict:
    return {membership.user: membership.role for membership in page.memberships.select_related("user")}


def share_with_translations(community: CommunityPage, values: PageValues) -> None:
    """Settings that are not text follow the CoP into its translations."""
    shared = {
        name: values.fields[name]
        for name in ("meeting_cadence", "stage", "private", "comments_need_approval")
    }
    for translation in community.get_translations().specific():
        if all(getattr(translation, name) == value for name, value in shared.items()) and stream_matches(
            translation.channels, values.stream["channels"]
        ):
            continue
        for name, value in shared.items():
            setattr(translation, name, value)
        translation.channels = values.stream["channels"]
        translation.save_revision().publish()


def values_match(page, values: PageValues, memberships=None) -> bool:
    current = page_values(page, memberships)
    if values.memberships:
        current.memberships = {
            user: role for user, role in current.memberships.items() if user in values.memberships
        }
    return (
        current.status == values.status
        and {name: current.fields[name] for name in values.fields} == values.fields
        and current.tags == values.tags
        and current.owner == values.owner
        and current.user_sets == values.user_sets
        and current.memberships == values.memberships
        and current.action_items == values.action_items
        and current.linked_practice_slugs == values.linked_practice_slugs
        and all(stream_matches(getattr(page, name), blocks) for name, blocks in values.stream.items())
    )


def stream_matches(stream_value, blocks: list) -> bool:
    return [(child.block_type, dict(child.value)) for child in stream_value] == blocks


def set_values(page, values: PageValues) -> None:
    for name, value in values.fields.items():
        setattr(page, name, value)
    for name, blocks in values.stream.items():
        setattr(page, name, blocks)
    if values.page_type == "community":
        return
    page.owner = values.owner
    page.tags.set(values.tags)
    for name, users in values.user_sets.items():
        getattr(page, name).set(sorted(users, key=lambda user: user.pk))
    if values.page_type == "meeting":
        # Orderables keep the file's order only when told their position.
        page.action_items = [
            MeetingActionItem(
                description=description, owner=owner, due_date=due, done=done, sort_order=position
            )
            for position, (description, owner, due, done) in enumerate(values.action_items)
        ]
        page.linked_practices = [
            MeetingLinkedPractice(practice=practice, sort_order=position)
            for position, practice in enumerate(values.linked_practices)
        ]


def create_page(page, parent, values: PageValues) -> None:
    page.live = False
    written_on = page_date(page)
    if values.status == "published" and written_on and written_on <= timezone.localdate():
        page.first_published_at = timezone.make_aware(
            datetime.datetime.combine(written_on, PUBLISHED_AT_HOUR)
        )
    parent.add_child(instance=page)
    save_page(page, values)


def page_date(page) -> datetime.date | None:
    return getattr(page, "documented_on", None) or getattr(page, "meeting_date", None)


def save_page(page, values: PageValues) -> None:
    revision = page.save_revision(user=page.owner if values.page_type != "community" else None)
    if values.status == "published":
        revision.publish()
    elif page.live:
        page.unpublish()
