"""Reading and writing the Markdown-with-front-matter files of docs/content-format.md.

Knows files, YAML, headings and Markdown; knows nothing of pages. Every
problem is a ``ContentError`` with the line it was found on, so the import
can say ``path:line: message``.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from markdownify import markdownify
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.rich_text import expand_db_html

from .models.community import SECTION_FEATURES

FRONT_MATTER_FENCE = "---"
# Section headings per page type: field name -> (Indonesian, English).
COMMUNITY_HEADINGS = {
    "goals_and_scope": ("Tujuan dan ruang lingkup", "Goals and scope"),
    "norms": ("Norma", "Norms"),
}
PRACTICE_HEADINGS = {
    "summary": ("Ringkasan", "Summary"),
    "context": ("Konteks", "Context"),
    "practice": ("Praktik", "Practice"),
    "results": ("Hasil", "Results"),
    "lessons": ("Pelajaran", "Lessons"),
}
MEETING_HEADINGS = {
    "agenda": ("Agenda", "Agenda"),
    "discussion_summary": ("Ringkasan diskusi", "Discussion summary"),
    "decisions": ("Keputusan", "Decisions"),
    "reflection": ("Refleksi", "Reflection"),
}
HEADINGS = {"community": COMMUNITY_HEADINGS, "practice": PRACTICE_HEADINGS, "meeting": MEETING_HEADINGS}
LANGUAGE_COLUMN = {"id": 0, "en": 1}
SECTION_HEADING = re.compile(r"^##\s+(?P<heading>\S.*?)\s*#*\s*$")
DATA_BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')
# Newlines Markdown puts around block tags; the editor's converter would read them as text.
NEWLINES_AROUND_BLOCK_TAGS = re.compile(r"\n*(</?(?:p|ul|ol|li|h[1-6]|blockquote|pre|hr)\b[^>]*>)\n*")
# Items of a "loose" list (blank lines between items) come as <li><p>…</p></li>.
PARAGRAPH_IN_LIST_ITEM = re.compile(r"<li><p>(.*?)</p></li>", re.DOTALL)


class ContentError(Exception):
    """A problem in one file, at one line (1-based)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ContentFile:
    """One parsed file: its front matter with the line of each key, and its sections."""

    path: Path
    front_matter: dict
    key_lines: dict[str, int]
    sections: dict[str, str] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def read_content_file(path: Path) -> ContentFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError("the file must start with a '---' line opening the YAML front matter")
    try:
        closing = next(index for index in range(1, len(lines)) if lines[index].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise ContentError("the front matter is never closed by a '---' line") from None
    front_matter, key_lines = parse_front_matter("\n".join(lines[1:closing]), first_line=2)
    content = ContentFile(path=path, front_matter=front_matter, key_lines=key_lines)
    split_sections(content, lines[closing + 1 :], first_line=closing + 2)
    return content


def parse_front_matter(text: str, first_line: int) -> tuple[dict, dict[str, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(f"invalid YAML in the front matter: {problem}", line) from error
    except ValueError as error:
        # YAML accepted the form of a value but not its meaning (2026-02-30).
        raise ContentError(
            f"invalid value in the front matter: {error}", line_of_bad_value(node, first_line)
        ) from error
    if not isinstance(values, dict):
        raise ContentError("the front matter must be a YAML mapping of keys to values", first_line)
    key_lines = {
        key_node.value: first_line + key_node.start_mark.line
        for key_node, _value_node in node.value
        if isinstance(key_node, yaml.ScalarNode)
    }
    return values, key_lines


def line_of_bad_value(node: yaml.Node, first_line: int) -> int:
    for _key_node, value_node in node.value:
        try:
            yaml.safe_load(yaml.serialize(value_node))
        except ValueError:
            return first_line + value_node.start_mark.line
    return first_line


def split_sections(content: ContentFile, lines: list[str], first_line: int) -> None:
    """Fill ``content.sections`` with the raw Markdown under each ``## heading``."""
    heading = None
    collected: list[str] = []
    for offset, line in enumerate(lines):
        match = SECTION_HEADING.match(line)
        if match:
            store_section(content, heading, collected)
            heading = match["heading"]
            if heading.casefold() in (known.casefold() for known in content.sections):
                raise ContentError(f"the section '{heading}' appears twice", first_line + offset)
            content.section_lines[heading] = first_line + offset
            collected = []
        elif heading is None:
            if line.strip():
                raise ContentError("text before the first '## ' section heading", first_line + offset)
        else:
            collected.append(line)
    store_section(content, heading, collected)


def store_section(content: ContentFile, heading: str | None, lines: list[str]) -> None:
    if heading is not None:
        content.sections[heading] = "\n".join(lines).strip()


def sections_by_field(content: ContentFile, page_type: str) -> dict[str, str]:
    """The file's sections keyed by model field, whichever language the headings are in."""
    field_by_heading = {
        heading.casefold(): field_name
        for field_name, headings in HEADINGS[page_type].items()
        for heading in headings
    }
    by_field = {}
    for heading, text in content.sections.items():
        field_name = field_by_heading.get(heading.casefold())
        if field_name is None:
            allowed = ", ".join(f"'## {pair[0]}' / '## {pair[1]}'" for pair in HEADINGS[page_type].values())
            raise ContentError(
                f"unknown section heading '## {heading}' for a {page_type}; use {allowed}",
                content.section_lines[heading],
            )
        by_field[field_name] = text
    return by_field


def text_only_markdown() -> markdown.Markdown:
    """Markdown that shows raw HTML in a file as the text it is, never as markup."""
    converter = markdown.Markdown(extensions=["sane_lists"])
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def markdown_to_rich_text(text: str) -> str:
    """Markdown to the HTML Wagtail's editor would store for the same content.

    Going through the editor's own converter keeps only what the section
    fields allow (no raw HTML from a file reaches a page) and stores it in
    the form the editor writes. Block keys are left out so the same file
    always gives the same HTML.
    """
    if not text.strip():
        return ""
    converter = ContentstateConverter(features=SECTION_FEATURES)
    html = NEWLINES_AROUND_BLOCK_TAGS.sub(r"\1", text_only_markdown().convert(text))
    html = PARAGRAPH_IN_LIST_ITEM.sub(r"<li>\1</li>", html)
    html = converter.to_database_format(converter.from_database_format(html))
    return DATA_BLOCK_KEY.sub("", html)


def rich_text_to_markdown(html: str) -> str:
    if not html:
        return ""
    text = markdownify(expand_db_html(html), heading_style="ATX", bullets="-", strong_em_symbol="*")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def content_file_text(front_matter: dict, sections: dict[str, str]) -> str:
    """The file for ``front_matter`` and the non-empty ``sections`` (heading -> Markdown)."""
    header = yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False, width=1_000)
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections.items() if text)
    return f"{FRONT_MATTER_FENCE}\n{header}{FRONT_MATTER_FENCE}\n" + (f"\n{body}\n" if body else "")


def headings_for(page_type: str, language: str) -> dict[str, str]:
    column = LANGUAGE_COLUMN[language]
    return {field_name: pair[column] for field_name, pair in HEADINGS[page_type].items()}


def as_date(value, key: str, content: ContentFile) -> datetime.date:
    if value is None:
        raise ContentError(f"missing '{key}' (a date written YYYY-MM-DD)", content.line_of(key))
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    raise ContentError(f"'{key}' must be a date written YYYY-MM-DD, not {value!r}", content.line_of(key))
