"""A folder of Markdown files in the import format (docs/content-format.md).

A few CoP folders, each with its ``_community.md``, hundreds of practices
with full sections, tags, contributors and links, and some meetings that
link practices of their CoP. Files are read in sorted order, so practice
files are named ``praktik-…`` and meeting files ``rapat-…``: a meeting comes
after the practices it links.
"""

import datetime
import random
from collections import Counter
from pathlib import Path

import yaml
from django.utils.text import slugify

from . import writing

COMMUNITIES = ("layanan-sirkulasi", "pengadaan-koleksi", "katalogisasi", "penataan-rak", "guru-literasi")
MEETINGS_PER_COMMUNITY = 19
PEOPLE_PER_COMMUNITY = 10
FIRST_DAY = datetime.date(2024, 1, 1)


def write_page(path: Path, front_matter: dict, sections: dict[str, str]) -> None:
    header = yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False)
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections.items())
    path.write_text(f"---\n{header}---\n\n{body}\n", encoding="utf-8")


def community_file(slug: str, people: list[str], rng: random.Random) -> tuple[dict, dict]:
    name = slug.replace("-", " ").title()
    return (
        {
            "type": "community",
            "title": f"CoP {name}",
            "division": name,
            "domain": writing.sentence(rng),
            "cadence": "monthly",
            "stage": "document",
            "facilitators": people[:1],
            "core_members": people[1:2],
            "members": people[2:],
            "channels": [{"kind": "chat", "label": f"Grup {name}", "url": f"https://chat.example/{slug}"}],
        },
        {
            "Tujuan dan ruang lingkup": writing.markdown_section(rng, 2),
            "Norma": writing.markdown_section(rng, 0, items=4),
        },
    )


def practice_file(number: int, people: list[str], rng: random.Random) -> tuple[dict, dict]:
    documented_on = FIRST_DAY + datetime.timedelta(days=number % 800)
    return (
        {
            "type": "practice",
            "title": writing.title(rng),
            "author": rng.choice(people),
            "contributors": rng.sample(people, 2),
            "date": documented_on,
            "review_by": documented_on + datetime.timedelta(days=365),
            "language": "id",
            "status": "published",
            "featured": number % 25 == 0,
            "tags": writing.tags(rng),
            "resources": [{"title": "Panduan lengkap", "url": f"https://intranet.example/dok/{number}"}],
        },
        {
            "Ringkasan": writing.markdown_section(rng, 1),
            "Konteks": writing.markdown_section(rng, 2),
            "Praktik": writing.markdown_section(rng, 1, items=rng.randint(3, 6)),
            "Hasil": writing.markdown_section(rng, 1),
            "Pelajaran": writing.markdown_section(rng, 1, items=rng.randint(2, 4)),
        },
    )


def meeting_file(
    number: int, people: list[str], practices: list[str], rng: random.Random
) -> tuple[dict, dict]:
    meeting_date = FIRST_DAY + datetime.timedelta(days=30 * number)
    return (
        {
            "type": "meeting",
            "title": f"Pertemuan bulanan ke-{number}",
            "date": meeting_date,
            "time": "14:00",
            "format": "hybrid",
            "location": "Ruang Rapat Lt. 2",
            "author": people[0],
            "attendees": rng.sample(people, 6),
            "language": "id",
            "status": "published",
            "tags": writing.tags(rng),
            "practices": rng.sample(practices, 2),
            "action_items": [
                {
                    "action": writing.sentence(rng),
                    "owner": rng.choice(people),
                    "due": meeting_date + datetime.timedelta(days=14 * weeks),
                }
                for weeks in range(1, 4)
            ],
        },
        {
            "Agenda": writing.markdown_section(rng, 0, items=4),
            "Ringkasan diskusi": writing.markdown_section(rng, 2),
            "Keputusan": writing.markdown_section(rng, 0, items=3),
            "Refleksi": writing.markdown_section(rng, 1),
        },
    )


def write_import_folder(directory: Path, total_files: int, rng: random.Random) -> Counter:
    """``total_files`` files in all; returns how many of each type."""
    practices_per_community = total_files // len(COMMUNITIES) - 1 - MEETINGS_PER_COMMUNITY
    counts: Counter = Counter()
    number = 0
    for index, slug in enumerate(COMMUNITIES):
        folder = directory / slug
        folder.mkdir(parents=True)
        people = [f"pengguna{index * PEOPLE_PER_COMMUNITY + n:02d}" for n in range(PEOPLE_PER_COMMUNITY)]
        write_page(folder / "_community.md", *community_file(slug, people, rng))
        counts["community"] += 1
        slugs = []
        for _ in range(practices_per_community):
            number += 1
            front_matter, sections = practice_file(number, people, rng)
            slugs.append(f"praktik-{number:04d}-{slugify(front_matter['title'])}")
            write_page(folder / f"{slugs[-1]}.md", front_matter, sections)
            counts["practice"] += 1
        for meeting_number in range(1, MEETINGS_PER_COMMUNITY + 1):
            write_page(
                folder / f"rapat-{meeting_number:02d}.md", *meeting_file(meeting_number, people, slugs, rng)
            )
            counts["meeting"] += 1
    return counts
