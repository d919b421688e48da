"""export_content writes what import_content reads: import, export, import changes nothing."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from cop_pages.demo import DEMO_CONTENT, create_people
from cop_pages.exporting import export_content
from cop_pages.importing import import_content
from cop_pages.models import CommunityPage, MembershipRole, PracticePage
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

from .content_files import (
    FULL_CONTENT_PAGES,
    read_front_matter,
    tree,
    write_community,
    write_full_content,
    write_practice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(people, tmp_path):
    """The full content imported, then exported to ``tmp_path / 'export'``."""
    write_full_content(tmp_path / "source")
    assert import_content(tmp_path / "source").errors == []
    written = export_content(tmp_path / "export")
    assert written == FULL_CONTENT_PAGES
    return tmp_path / "export"


def assert_round_trip(folder, tmp_path) -> None:
    """Importing ``folder`` changes nothing, and exporting again gives the same bytes."""
    revisions = Revision.objects.count()
    report = import_content(folder)
    assert report.errors == []
    assert (report.created, report.updated) == (Counter(), Counter())
    assert Revision.objects.count() == revisions
    export_content(tmp_path / "again")
    assert tree(tmp_path / "again") == tree(folder)


def test_export_writes_a_folder_per_cop_with_english_files(exported):
    assert set(tree(exported)) == {
        "layanan-sirkulasi/_community.md",
        "layanan-sirkulasi/_community.en.md",
        "layanan-sirkulasi/swalayan-peminjaman.md",
        "layanan-sirkulasi/swalayan-peminjaman.en.md",
        "layanan-sirkulasi/english-only.en.md",
        "layanan-sirkulasi/panduan-baru.md",
        "layanan-sirkulasi/pertemuan-2026-03-12.md",
        "pengadaan-koleksi/_community.md",
        "pengadaan-koleksi/usulan-pemustaka.md",
    }
    english = read_front_matter(exported / "layanan-sirkulasi" / "_community.en.md")
    assert (english["language"], english["title"]) == ("en", "Circulation Services CoP")
    assert "## Goals and scope" in (exported / "layanan-sirkulasi" / "_community.en.md").read_text()
    assert read_front_matter(exported / "layanan-sirkulasi" / "swalayan-peminjaman.en.md")["language"] == "en"


def test_a_draft_is_exported_with_status_draft(exported):
    folder = exported / "layanan-sirkulasi"
    assert read_front_matter(folder / "panduan-baru.md")["status"] == "draft"
    assert read_front_matter(folder / "swalayan-peminjaman.md")["status"] == "published"


def test_a_page_changed_to_draft_is_exported_as_a_draft(people, tmp_path):
    folder = tmp_path / "source" / "layanan-sirkulasi"
    write_full_content(tmp_path / "source")
    import_content(tmp_path / "source")
    write_practice(folder, "panduan-baru", author="dewi.lestari", status="published")
    import_content(tmp_path / "source")
    write_practice(folder, "panduan-baru", author="dewi.lestari", status="draft", title="Panduan diubah")
    import_content(tmp_path / "source")
    export_content(tmp_path / "export")
    front_matter = read_front_matter(tmp_path / "export" / "layanan-sirkulasi" / "panduan-baru.md")
    assert (front_matter["status"], front_matter["title"]) == ("draft", "Panduan diubah")


def test_a_private_cop_and_its_memberships_are_exported(exported):
    front_matter = read_front_matter(exported / "layanan-sirkulasi" / "_community.md")
    assert front_matter["private"] is True
    assert front_matter["comments_need_approval"] is True
    assert (front_matter["cadence"], front_matter["stage"]) == ("biweekly", "design")
    assert front_matter["facilitators"] == ["rina.wulandari"]
    assert front_matter["core_members"] == ["agus.santoso"]
    assert front_matter["members"] == ["budi.hartono", "dewi.lestari"]
    assert front_matter["channels"] == [
        {"kind": "chat", "label": "Grup WhatsApp Sirkulasi", "url": "https://chat.example/sirkulasi"},
        {"kind": "room", "label": "Ruang Rapat Lt. 2"},
    ]
    assert "private" not in read_front_matter(exported / "pengadaan-koleksi" / "_community.md")


def test_a_practice_and_a_meeting_are_exported_with_every_key(exported):
    practice = read_front_matter(exported / "layanan-sirkulasi" / "swalayan-peminjaman.md")
    assert practice["author"] == "rina.wulandari"
    assert practice["contributors"] == ["agus.santoso", "dewi.lestari"]
    assert practice["owner"] == "agus.santoso"
    assert (practice["date"], practice["review_by"]) == (
        datetime.date(2026, 3, 12),
        datetime.date(2027, 3, 12),
    )
    assert practice["featured"] is True
    assert practice["tags"] == ["layanan mandiri", "peminjaman", "RFID"]
    assert [resource["url"] for resource in practice["resources"]] == [
        "https://intranet.example/dokumen/panduan-kios",
        "https://video.example/kios",
    ]
    meeting = read_front_matter(exported / "layanan-sirkulasi" / "pertemuan-2026-03-12.md")
    assert (meeting["time"], meeting["format"]) == ("14:00", "hybrid")
    assert meeting["practices"] == ["swalayan-peminjaman"]
    assert meeting["action_items"] == [
        {
            "action": "Menyusun panduan kios versi 2",
            "owner": "agus.santoso",
            "due": datetime.date(2026, 4, 1),
            "done": True,
        },
        {"action": "Mengukur antrean bulan April"},
    ]


def test_sections_are_exported_as_markdown(exported):
    text = (exported / "layanan-sirkulasi" / "swalayan-peminjaman.md").read_text()
    assert "## Ringkasan\n\nPemustaka meminjam sendiri di **kios** RFID.\n" in text
    assert "### Persiapan" in text
    assert "[panduan](https://intranet.example/panduan)" in text


def test_an_export_imports_unchanged_and_exports_to_the_same_bytes(exported, tmp_path):
    assert_round_trip(exported, tmp_path)


def test_pages_built_with_the_factories_export_and_import_unchanged(home, tmp_path):
    community = CommunityPageFactory(title="CoP Pengolahan", slug="pengolahan", private=True)
    MembershipFactory(community=community, user=UserFactory(username="rina.wulandari"))
    MembershipFactory(
        community=community, user=UserFactory(username="agus.santoso"), role=MembershipRole.FACILITATOR
    )
    PracticePageFactory(parent=community, slug="katalog-bersama")
    MeetingPageFactory(parent=community, slug="pertemuan-januari")
    PracticePageFactory(parent=CommunityPageFactory(slug="referensi"), slug="tanya-pustakawan")
    assert export_content(tmp_path / "export") == Counter(community=2, practice=2, meeting=1)
    assert_round_trip(tmp_path / "export", tmp_path)


def test_the_command_refuses_a_non_empty_folder(home, tmp_path):
    (tmp_path / "ada-isi.txt").write_text("isi")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_content", str(tmp_path), verbosity=0, stdout=StringIO())
    assert [path.name for path in tmp_path.iterdir()] == ["ada-isi.txt"]


def test_the_command_exports_into_a_new_folder(home, tmp_path):
    CommunityPageFactory(slug="referensi")
    stdout = StringIO()
    call_command("export_content", str(tmp_path / "baru"), verbosity=0, stdout=stdout)
    assert f"Exported 1 community to {tmp_path / 'baru'}" in stdout.getvalue()
    assert set(tree(tmp_path / "baru")) == {"referensi/_community.md"}


def test_the_demo_content_imports_without_errors_and_round_trips(home, tmp_path):
    communities = [path for path in DEMO_CONTENT.iterdir() if (path / "_community.md").is_file()]
    if len(communities) < 6:
        pytest.skip(f"the demo content has {len(communities)} of its 6 CoP folders yet")
    create_people()
    report = import_content(DEMO_CONTENT)
    assert report.errors == []
    assert report.created["community"] >= 6
    again = import_content(DEMO_CONTENT)
    assert again.errors == []
    assert (again.created, again.updated) == (Counter(), Counter())
    export_content(tmp_path / "export")
    assert_round_trip(tmp_path / "export", tmp_path)


def test_a_page_without_comments_says_so_and_round_trips(home, tmp_path):
    folder = tmp_path / "source" / "layanan-sirkulasi"
    write_community(folder)
    write_practice(folder, "tanpa-diskusi", comments=False)
    assert import_content(tmp_path / "source").errors == []
    assert not PracticePage.objects.get(slug="tanpa-diskusi").comments_enabled
    assert CommunityPage.objects.get(slug="layanan-sirkulasi").comments_enabled
    export_content(tmp_path / "export")
    assert (
        read_front_matter(tmp_path / "export" / "layanan-sirkulasi" / "tanpa-diskusi.md")["comments"] is False
    )
    assert "comments" not in read_front_matter(tmp_path / "export" / "layanan-sirkulasi" / "_community.md")
    assert_round_trip(tmp_path / "export", tmp_path)
