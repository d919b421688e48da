"""Plausible Indonesian prose of realistic length, the same on every run.

The bench's pages and import files need sections as long as the ones
people write, so that rendering and parsing cost what they would.
"""

import random

SUBJECTS = (
    "Petugas sirkulasi",
    "Tim pengadaan",
    "Pustakawan katalog",
    "Koordinator rak",
    "Guru pendamping",
    "Anggota CoP",
    "Kepala seksi",
    "Relawan literasi",
)
VERBS = (
    "menyusun",
    "mencoba",
    "mendokumentasikan",
    "mengevaluasi",
    "membagikan",
    "menyederhanakan",
    "memantau",
    "memperbaiki",
)
OBJECTS = (
    "alur peminjaman mandiri",
    "daftar periksa pengadaan",
    "panduan klasifikasi koleksi",
    "jadwal penataan rak",
    "lembar kerja literasi",
    "formulir usulan judul",
    "catatan serah terima",
    "laporan bulanan layanan",
)
CIRCUMSTANCES = (
    "pada jam sibuk",
    "bersama divisi lain",
    "selama tiga bulan",
    "dengan anggaran yang terbatas",
    "untuk pemustaka baru",
    "setelah rapat evaluasi",
    "di semua cabang",
    "tanpa menambah petugas",
)
TAGS = (
    "peminjaman",
    "pengembalian",
    "layanan mandiri",
    "rfid",
    "pengadaan",
    "anggaran",
    "katalogisasi",
    "metadata",
    "penataan rak",
    "inventarisasi",
    "literasi",
    "pelatihan",
    "evaluasi",
    "kolaborasi",
    "digitalisasi",
)
TITLE_OPENINGS = ("Cara", "Pengalaman", "Uji coba", "Langkah", "Pelajaran dari")


def repeatable_random(seed: int) -> random.Random:
    """The same words on every run, so that runs compare."""
    return random.Random(seed)  # noqa: S311 - text, not secrets


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CIRCUMSTANCES)}"
        f", sehingga waktu layanan turun {rng.randint(5, 60)} persen."
    )


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def title(rng: random.Random) -> str:
    return f"{rng.choice(TITLE_OPENINGS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}".capitalize()


def tags(rng: random.Random) -> list[str]:
    return rng.sample(TAGS, rng.randint(2, 4))


def html_section(rng: random.Random, paragraphs: int, items: int = 0) -> str:
    """Rich text as Wagtail stores it: paragraphs, then a list when asked."""
    text = "".join(f"<p>{paragraph(rng, rng.randint(2, 4))}</p>" for _ in range(paragraphs))
    if items:
        text += "<ul>" + "".join(f"<li>{sentence(rng)}</li>" for _ in range(items)) + "</ul>"
    return text


def markdown_section(rng: random.Random, paragraphs: int, items: int = 0) -> str:
    """The same shape in the import format's Markdown, each paragraph with emphasis and a link."""
    blocks = [
        f"**{rng.choice(SUBJECTS)}**: {paragraph(rng, rng.randint(2, 4))} "
        "Lihat [panduan](https://intranet.example/panduan)."
        for _ in range(paragraphs)
    ]
    if items:
        blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(items)))
    return "\n\n".join(blocks)
