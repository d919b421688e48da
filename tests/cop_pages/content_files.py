"""Content files (docs/content-format.md) written for the import and export tests."""

import datetime
from collections import Counter
from pathlib import Path

import yaml

USERNAMES = ("rina.wulandari", "agus.santoso", "dewi.lestari", "budi.hartono", "maya.putri")
DROP = object()  # a key to leave out: write_practice(folder, "x", title=DROP)
SUMMARY = {"Ringkasan": "Anggota meminjam sendiri di kios."}


class Raw(str):
    """A front matter value written unquoted, as YAML reads it: Raw("2026-02-30") is a date."""


class Dumper(yaml.SafeDumper):
    pass


Dumper.add_representer(
    Raw,
    lambda dumper, value: dumper.represent_scalar(
        dumper.resolve(yaml.ScalarNode, str(value), (True, False)), str(value)
    ),
)


def file_text(front_matter: dict, sections: dict[str, str] | None = None) -> str:
    header = yaml.dump(
        {key: value for key, value in front_matter.items() if value is not DROP},
        Dumper=Dumper,
        allow_unicode=True,
        sort_keys=False,
    )
    body = "".join(f"\n## {heading}\n{text}\n" for heading, text in (sections or {}).items())
    return f"---\n{header}---\n{body}"


def write_text(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write(folder: Path, name: str, front_matter: dict, sections: dict[str, str] | None = None) -> Path:
    return write_text(folder, name, file_text(front_matter, sections))


def write_community(folder: Path, sections=None, name: str = "_community.md", **keys) -> Path:
    front_matter = {
        "type": "community",
        "title": "CoP Layanan Sirkulasi",
        "division": "Layanan Sirkulasi",
        "domain": "Peminjaman yang cepat dan ramah.",
    }
    return write(folder, name, {**front_matter, **keys}, sections)


def write_practice(folder: Path, slug: str, sections=SUMMARY, name: str | None = None, **keys) -> Path:
    front_matter = {"type": "practice", "title": f"Praktik {slug}", "date": datetime.date(2026, 3, 12)}
    return write(folder, name or f"{slug}.md", {**front_matter, **keys}, sections)


def write_meeting(folder: Path, slug: str, sections=None, name: str | None = None, **keys) -> Path:
    front_matter = {"type": "meeting", "title": f"Pertemuan {slug}", "date": datetime.date(2026, 3, 12)}
    return write(folder, name or f"{slug}.md", {**front_matter, **keys}, sections)


def line_of(path: Path, start: str) -> int:
    """The 1-based number of the first line of ``path`` that starts with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` by its relative path, for comparing two exports."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


# The pages write_full_content describes, by type.
FULL_CONTENT_PAGES = Counter(community=3, practice=5, meeting=1)


def write_full_content(directory: Path) -> Path:
    """Two CoPs whose files use every key of the format; returns the folder of the first."""
    cop = directory / "layanan-sirkulasi"
    write_community(
        cop,
        {
            "Tujuan dan ruang lingkup": "Kami belajar dari **meja layanan**.\n\n- SLiMS\n- kios mandiri",
            "Norma": "1. Datang dengan data.\n2. Data pemustaka *disamarkan*.",
        },
        cadence="biweekly",
        stage="design",
        private=True,
        comments_need_approval=True,
        facilitators=["rina.wulandari"],
        core_members=["agus.santoso"],
        members=["dewi.lestari", "budi.hartono"],
        channels=[
            {"kind": "chat", "label": "Grup WhatsApp Sirkulasi", "url": "https://chat.example/sirkulasi"},
            {"kind": "room", "label": "Ruang Rapat Lt. 2"},
        ],
    )
    write_community(
        cop,
        {"Goals and scope": "We learn from the **circulation desk**.", "Norms": "- Bring data."},
        name="_community.en.md",
        language="en",
        title="Circulation Services CoP",
        division="Circulation Services",
        domain="Fast and friendly loans.",
    )
    write_practice(
        cop,
        "swalayan-peminjaman",
        {
            "Ringkasan": "Pemustaka meminjam sendiri di **kios** RFID.",
            "Konteks": "Antrean panjang setiap Senin pagi.",
            "Praktik": "### Persiapan\n\n1. Pasang kios.\n2. Latih petugas.\n\n"
            "Lihat [panduan](https://intranet.example/panduan).",
            "Hasil": "- Antrean turun 40%\n- Petugas lebih *leluasa*",
            "Pelajaran": "Mulai dari satu kios.",
        },
        title="Swalayan peminjaman dengan kios mandiri",
        author="rina.wulandari",
        contributors=["agus.santoso", "dewi.lestari"],
        owner="agus.santoso",
        date=datetime.date(2026, 3, 12),
        review_by=datetime.date(2027, 3, 12),
        language="id",
        status="published",
        featured=True,
        tags=["peminjaman", "layanan mandiri", "RFID"],
        resources=[
            {"title": "Panduan kios mandiri", "url": "https://intranet.example/dokumen/panduan-kios"},
            {"title": "Video pelatihan", "url": "https://video.example/kios"},
        ],
    )
    write_practice(
        cop,
        "swalayan-peminjaman",
        {"Summary": "Members borrow at an RFID **kiosk**.", "Lessons": "Start with one kiosk."},
        name="swalayan-peminjaman.en.md",
        author="rina.wulandari",
        language="en",
        title="Self-service loans",
        tags=["loans"],
    )
    write_practice(
        cop, "english-only", {"Summary": "Written in English only."}, name="english-only.en.md", language="en"
    )
    write_practice(cop, "panduan-baru", author="dewi.lestari", status="draft", tags=["panduan"])
    write_meeting(
        cop,
        "pertemuan-2026-03-12",
        {
            "Agenda": "- Kabar anggota\n- Evaluasi kios",
            "Ringkasan diskusi": "Kios dipakai **60%** peminjam.",
            "Keputusan": "1. Tambah satu kios.",
            "Refleksi": "Datang dengan data mempercepat keputusan.",
        },
        title="Pertemuan bulanan Maret 2026",
        time="14:00",
        format="hybrid",
        location="Ruang Rapat Lt. 2 dan Zoom",
        author="rina.wulandari",
        attendees=["rina.wulandari", "agus.santoso", "dewi.lestari"],
        language="id",
        status="published",
        tags=["peminjaman"],
        practices=["swalayan-peminjaman"],
        action_items=[
            {
                "action": "Menyusun panduan kios versi 2",
                "owner": "agus.santoso",
                "due": datetime.date(2026, 4, 1),
                "done": True,
            },
            {"action": "Mengukur antrean bulan April"},
        ],
    )
    other = directory / "pengadaan-koleksi"
    write_community(other, title="CoP Pengadaan Koleksi", division="Pengadaan", domain="Koleksi tepat guna.")
    write_practice(other, "usulan-pemustaka", author="maya.putri", tags=["pengadaan"])
    return cop


def read_front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
