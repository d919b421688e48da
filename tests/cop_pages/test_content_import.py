"""import_content: a folder of Markdown files becomes pages, one transaction per file."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Page, PageViewRestriction, Revision

from cop_pages.importing import import_content
from cop_pages.models import CommunityPage, MeetingPage, Membership, MembershipRole, PracticePage
from learning_center.models import LearningCenterPage
from tests.factories import learning_center_root

from .content_files import (
    DROP,
    FULL_CONTENT_PAGES,
    Raw,
    line_of,
    write_community,
    write_full_content,
    write_meeting,
    write_practice,
    write_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop(tmp_path):
    """A CoP folder whose _community.md and practice 'praktik-baik' import next to the file under test."""
    folder = tmp_path / "layanan-sirkulasi"
    write_community(folder)
    write_practice(folder, "praktik-baik")
    return folder


@pytest.fixture
def full(people, tmp_path):
    write_full_content(tmp_path)
    report = import_content(tmp_path)
    assert report.errors == []
    return report


def get(model, slug: str, language: str = "id"):
    return model.objects.get(slug=slug, locale__language_code=language)


def english(page):
    return page.get_translation(Locale.objects.get(language_code="en")).specific


def usernames(users) -> list[str]:
    return sorted(user.username for user in users.all())


def revisions_by_page() -> dict[int, int]:
    return {page.pk: page.revisions.count() for page in Page.objects.all()}


def assert_rejected(report, path, line: int, message: str, imported=("praktik-baik",)) -> None:
    """Only ``path`` failed, at ``line``; none of its page exists; the other files imported."""
    assert report.errors == [f"{path}:{line}: {message}"]
    stem = path.name.split(".")[0]
    assert not Page.objects.filter(slug=path.parent.name if stem == "_community" else stem).exists()
    for slug in imported:
        assert Page.objects.get(slug=slug).live


def run_command(*args) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_content", *map(str, args), verbosity=0, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


# A CoP folder


def test_a_cop_folder_imports_published_under_the_root_from_migrate(full):
    root = learning_center_root("id")
    assert LearningCenterPage.objects.count() == 2
    assert full.created == FULL_CONTENT_PAGES
    community = get(CommunityPage, "layanan-sirkulasi")
    assert community.get_parent().pk == root.pk
    assert community.live and community.title == "CoP Layanan Sirkulasi"
    for slug in ("swalayan-peminjaman", "pertemuan-2026-03-12"):
        page = Page.objects.get(slug=slug, locale=root.locale)
        assert page.get_parent().pk == community.pk
        assert page.live and page.revisions.count() == 1


def test_community_md_sets_the_cops_settings_and_channels(full):
    community = get(CommunityPage, "layanan-sirkulasi")
    assert (community.division, community.domain) == ("Layanan Sirkulasi", "Peminjaman yang cepat dan ramah.")
    assert (community.meeting_cadence, community.stage) == ("biweekly", "design")
    assert community.comments_need_approval
    assert [(child.block_type, dict(child.value)) for child in community.channels] == [
        (
            "channel",
            {"kind": "chat", "label": "Grup WhatsApp Sirkulasi", "url": "https://chat.example/sirkulasi"},
        ),
        ("channel", {"kind": "room", "label": "Ruang Rapat Lt. 2", "url": ""}),
    ]


def test_community_md_roles_become_memberships(full):
    community = get(CommunityPage, "layanan-sirkulasi")
    assert {(m.user.username, m.role) for m in Membership.objects.filter(community=community)} == {
        ("rina.wulandari", MembershipRole.FACILITATOR),
        ("agus.santoso", MembershipRole.CORE),
        ("dewi.lestari", MembershipRole.MEMBER),
        ("budi.hartono", MembershipRole.MEMBER),
    }


def test_a_private_cop_is_restricted_to_its_provisioned_groups(full, people):
    community = get(CommunityPage, "layanan-sirkulasi")
    assert community.private
    assert community.members_group and community.facilitators_group
    restriction = PageViewRestriction.objects.get(page=community)
    assert {community.members_group, community.facilitators_group} <= set(restriction.groups.all())
    assert community.facilitators_group in people["rina.wulandari"].groups.all()
    assert not get(CommunityPage, "pengadaan-koleksi").private


def test_sections_are_stored_as_rich_text(full):
    community = get(CommunityPage, "layanan-sirkulasi")
    assert (
        community.goals_and_scope
        == "<p>Kami belajar dari <b>meja layanan</b>.</p><ul><li>SLiMS</li><li>kios mandiri</li></ul>"
    )
    assert (
        community.norms == "<ol><li>Datang dengan data.</li><li>Data pemustaka <i>disamarkan</i>.</li></ol>"
    )
    practice = get(PracticePage, "swalayan-peminjaman")
    assert practice.summary == "<p>Pemustaka meminjam sendiri di <b>kios</b> RFID.</p>"
    assert practice.practice == (
        "<h3>Persiapan</h3><ol><li>Pasang kios.</li><li>Latih petugas.</li></ol>"
        '<p>Lihat <a href="https://intranet.example/panduan">panduan</a>.</p>'
    )
    assert practice.results == "<ul><li>Antrean turun 40%</li><li>Petugas lebih <i>leluasa</i></li></ul>"


def test_a_practice_gets_its_fields_tags_people_and_resources(full, people):
    practice = get(PracticePage, "swalayan-peminjaman")
    assert practice.title == "Swalayan peminjaman dengan kios mandiri"
    assert practice.documented_on == datetime.date(2026, 3, 12)
    assert practice.review_by == datetime.date(2027, 3, 12)
    assert practice.featured
    assert set(practice.tags.names()) == {"peminjaman", "layanan mandiri", "RFID"}
    assert practice.owner == people["rina.wulandari"]
    assert practice.content_owner == people["agus.santoso"]
    assert usernames(practice.contributors) == ["agus.santoso", "dewi.lestari", "rina.wulandari"]
    assert [(child.block_type, dict(child.value)) for child in practice.resources] == [
        ("link", {"title": "Panduan kios mandiri", "url": "https://intranet.example/dokumen/panduan-kios"}),
        ("link", {"title": "Video pelatihan", "url": "https://video.example/kios"}),
    ]


def test_the_content_owner_defaults_to_the_author(full, people):
    practice = get(PracticePage, "panduan-baru")
    assert practice.owner == practice.content_owner == people["dewi.lestari"]
    assert not practice.featured and practice.review_by is None


def test_a_published_page_is_dated_when_it_was_written(full):
    practice = get(PracticePage, "swalayan-peminjaman")
    assert practice.first_published_at.date() == datetime.date(2026, 3, 12)


def test_a_meeting_gets_its_time_place_people_and_action_items(full, people):
    meeting = get(MeetingPage, "pertemuan-2026-03-12")
    assert meeting.title == "Pertemuan bulanan Maret 2026"
    assert meeting.meeting_date == datetime.date(2026, 3, 12)
    assert meeting.start_time == datetime.time(14, 0)
    assert (meeting.format, meeting.location) == ("hybrid", "Ruang Rapat Lt. 2 dan Zoom")
    assert meeting.owner == people["rina.wulandari"]
    assert usernames(meeting.attendees) == ["agus.santoso", "dewi.lestari", "rina.wulandari"]
    assert set(meeting.tags.names()) == {"peminjaman"}
    assert meeting.decisions == "<ol><li>Tambah satu kios.</li></ol>"
    assert [(i.description, i.owner, i.due_date, i.done) for i in meeting.action_items.all()] == [
        ("Menyusun panduan kios versi 2", people["agus.santoso"], datetime.date(2026, 4, 1), True),
        ("Mengukur antrean bulan April", None, None, False),
    ]


def test_a_meeting_links_a_practice_whose_file_sorts_after_it(full):
    assert "pertemuan-2026-03-12.md" < "swalayan-peminjaman.md"
    meeting = get(MeetingPage, "pertemuan-2026-03-12")
    assert [link.practice for link in meeting.linked_practices.all()] == [
        get(PracticePage, "swalayan-peminjaman")
    ]


# Importing again


def test_reimporting_the_same_folder_writes_nothing(full, tmp_path):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    report = import_content(tmp_path)
    assert report.errors == []
    assert (report.created, report.updated) == (Counter(), Counter())
    assert report.unchanged == FULL_CONTENT_PAGES
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_editing_one_file_gives_only_its_page_a_new_revision(full, tmp_path):
    before = revisions_by_page()
    path = tmp_path / "layanan-sirkulasi" / "swalayan-peminjaman.md"
    path.write_text(path.read_text().replace("Mulai dari satu kios.", "Mulai dari dua kios."))
    report = import_content(tmp_path)
    assert report.updated == Counter(practice=1)
    practice = get(PracticePage, "swalayan-peminjaman")
    assert practice.lessons == "<p>Mulai dari dua kios.</p>"
    assert practice.live
    after = revisions_by_page()
    assert {pk for pk in before if after[pk] != before[pk]} == {practice.pk}
    assert after[practice.pk] == before[practice.pk] + 1


# Status


def test_a_draft_has_a_revision_but_is_not_live(full):
    draft = get(PracticePage, "panduan-baru")
    assert not draft.live
    assert draft.revisions.count() == 1
    assert draft.get_latest_revision_as_object().title == "Praktik panduan-baru"


def test_changing_a_published_file_to_draft_unpublishes_the_page(cop, tmp_path):
    import_content(tmp_path)
    write_practice(cop, "praktik-baik", status="draft")
    report = import_content(tmp_path)
    assert report.updated == Counter(practice=1)
    practice = get(PracticePage, "praktik-baik")
    assert not practice.live
    assert practice.revisions.count() == 2


# English


def test_an_en_file_is_the_english_translation_of_its_neighbour(full):
    practice = get(PracticePage, "swalayan-peminjaman")
    translation = get(PracticePage, "swalayan-peminjaman", "en")
    assert translation.translation_key == practice.translation_key
    assert translation.locale.language_code == "en"
    assert translation.title == "Self-service loans"
    assert translation.summary == "<p>Members borrow at an RFID <b>kiosk</b>.</p>"
    assert translation.get_parent().pk == english(get(CommunityPage, "layanan-sirkulasi")).pk


def test_the_english_cop_is_created_when_missing(cop, tmp_path):
    write_practice(cop, "praktik-baik", {"Summary": "Borrow at a kiosk."}, name="praktik-baik.en.md")
    report = import_content(tmp_path)
    assert report.errors == []
    community = get(CommunityPage, "layanan-sirkulasi")
    english_cop = english(community)
    assert english_cop.live and english_cop.title == community.title
    assert english_cop.get_parent().pk == learning_center_root("en").pk
    assert get(PracticePage, "praktik-baik", "en").get_parent().pk == english_cop.pk


def test_an_english_only_page_lives_under_the_english_cop(full):
    page = get(PracticePage, "english-only", "en")
    assert page.get_parent().pk == english(get(CommunityPage, "layanan-sirkulasi")).pk
    assert not PracticePage.objects.filter(slug="english-only", locale__language_code="id").exists()
    assert Page.objects.filter(translation_key=page.translation_key).count() == 1


def test_community_en_md_updates_the_english_cops_title_and_domain(cop, tmp_path):
    write_practice(cop, "praktik-baik", {"Summary": "Borrow at a kiosk."}, name="praktik-baik.en.md")
    import_content(tmp_path)
    english_cop = english(get(CommunityPage, "layanan-sirkulasi"))
    write_community(
        cop, name="_community.en.md", language="en", title="Circulation CoP", domain="Fast loans."
    )
    report = import_content(tmp_path)
    assert report.errors == []
    assert report.updated == Counter(community=1)
    english_cop.refresh_from_db()
    assert (english_cop.title, english_cop.domain) == ("Circulation CoP", "Fast loans.")
    assert get(CommunityPage, "layanan-sirkulasi").title == "CoP Layanan Sirkulasi"


def test_an_en_file_saying_language_id_is_an_error(cop, tmp_path):
    path = write_practice(cop, "salah-bahasa", name="salah-bahasa.en.md", language="id")
    report = import_content(tmp_path)
    assert_rejected(
        report, path, line_of(path, "language:"), "the file name says 'en' but 'language' says 'id'"
    )


# Errors: the file's path and line, nothing of it in the database, the rest imported


def test_a_missing_title_is_an_error(cop, tmp_path):
    path = write_practice(cop, "tanpa-judul", title=DROP)
    assert_rejected(import_content(tmp_path), path, 1, "missing 'title'")


def test_an_empty_title_is_an_error(cop, tmp_path):
    path = write_practice(cop, "judul-kosong", title="")
    assert_rejected(import_content(tmp_path), path, line_of(path, "title:"), "missing 'title'")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("12-03-2026", "'date' must be a date written YYYY-MM-DD, not '12-03-2026'"),
        ("2026-02-30", "invalid value in the front matter: day is out of range for month"),
    ],
    ids=["day-month-year", "february-30"],
)
def test_a_bad_date_is_an_error(cop, tmp_path, written, message):
    path = write_practice(cop, "tanggal-salah", date=Raw(written))
    assert f"date: {written}\n" in path.read_text()
    assert_rejected(import_content(tmp_path), path, line_of(path, "date:"), message)


def test_a_missing_date_is_an_error(cop, tmp_path):
    path = write_practice(cop, "tanpa-tanggal", date=DROP)
    assert_rejected(import_content(tmp_path), path, 1, "missing 'date' (a date written YYYY-MM-DD)")


def test_a_folder_without_community_md_is_an_unknown_community(cop, tmp_path):
    path = write_practice(tmp_path / "tanpa-komunitas", "praktik-lain")
    message = (
        "unknown community 'tanpa-komunitas': its folder has no _community.md and no CoP has this slug yet"
    )
    assert_rejected(import_content(tmp_path), path, line_of(path, "type:"), message)
    assert not Page.objects.filter(slug="tanpa-komunitas").exists()


def test_a_folder_without_community_md_adds_to_an_existing_cop(cop, tmp_path):
    import_content(tmp_path)
    (cop / "_community.md").unlink()
    write_practice(cop, "praktik-kedua")
    report = import_content(tmp_path)
    assert report.errors == []
    assert get(PracticePage, "praktik-kedua").get_parent().pk == get(CommunityPage, "layanan-sirkulasi").pk


def test_an_unknown_type_is_an_error(cop, tmp_path):
    path = write_practice(cop, "resep", type="recipe")
    message = "unknown type 'recipe': use community, practice or meeting"
    assert_rejected(import_content(tmp_path), path, line_of(path, "type:"), message)


def test_invalid_yaml_is_reported_at_the_line_of_the_problem(cop, tmp_path):
    path = write_text(
        cop, "yaml-rusak.md", "---\ntype: practice\ndate: 2026-03-12\ntitle: Praktik: baik\n---\n"
    )
    message = "invalid YAML in the front matter: mapping values are not allowed here"
    assert_rejected(import_content(tmp_path), path, 4, message)


def test_a_file_without_front_matter_is_an_error(cop, tmp_path):
    path = write_text(cop, "tanpa-kepala.md", "## Ringkasan\nHanya teks.\n")
    message = "the file must start with a '---' line opening the YAML front matter"
    assert_rejected(import_content(tmp_path), path, 1, message)


def test_an_unknown_section_heading_is_reported_at_the_heading(cop, tmp_path):
    path = write_practice(cop, "bagian-asing", {"Ringkasan": "Ringkas.", "Catatan": "Lain-lain."})
    report = import_content(tmp_path)
    line = line_of(path, "## Catatan")
    prefix = f"{path}:{line}: unknown section heading '## Catatan' for a practice; use '## Ringkasan' / '## Summary'"
    assert len(report.errors) == 1 and report.errors[0].startswith(prefix)
    assert not Page.objects.filter(slug="bagian-asing").exists()


def test_an_unknown_front_matter_key_is_an_error(cop, tmp_path):
    path = write_practice(cop, "kunci-asing", penulis="rina.wulandari")
    message = "unknown key 'penulis' for a practice in language 'id'"
    assert_rejected(import_content(tmp_path), path, line_of(path, "penulis:"), message)


def test_an_unknown_username_is_an_error_naming_the_user(cop, tmp_path):
    path = write_practice(cop, "penulis-baru", author="siti.rahma")
    message = "unknown user 'siti.rahma' in 'author': create the account first or import with --create-missing-users"
    assert_rejected(import_content(tmp_path), path, line_of(path, "author:"), message)
    assert not get_user_model().objects.filter(username="siti.rahma").exists()


def test_missing_users_are_created_without_a_usable_password_when_asked(cop, tmp_path):
    write_practice(cop, "penulis-baru", author="siti.rahma")
    report = import_content(tmp_path, create_missing_users=True)
    assert report.errors == []
    assert report.created_users == ["siti.rahma"]
    user = get_user_model().objects.get(username="siti.rahma")
    assert not user.has_usable_password()
    assert get(PracticePage, "penulis-baru").owner == user


def test_a_bad_meeting_format_is_an_error(cop, tmp_path):
    path = write_meeting(cop, "pertemuan-daring", format="zoom")
    message = "'format' must be one of in_person, online, hybrid, not 'zoom'"
    assert_rejected(import_content(tmp_path), path, line_of(path, "format:"), message)


def test_a_bad_cadence_is_an_error(cop, tmp_path):
    path = write_community(tmp_path / "pengadaan-koleksi", cadence="yearly")
    message = "'cadence' must be one of weekly, biweekly, monthly, quarterly, not 'yearly'"
    assert_rejected(import_content(tmp_path), path, line_of(path, "cadence:"), message)


def test_a_bad_time_is_an_error(cop, tmp_path):
    path = write_meeting(cop, "pertemuan-siang", time="jam dua")
    message = "'time' must be HH:MM, like \"14:00\", not 'jam dua'"
    assert_rejected(import_content(tmp_path), path, line_of(path, "time:"), message)


def test_a_bad_resource_url_is_an_error(cop, tmp_path):
    path = write_practice(cop, "tautan-rusak", resources=[{"title": "Panduan", "url": "bukan tautan"}])
    message = "'resources' has an invalid link: 'bukan tautan'"
    assert_rejected(import_content(tmp_path), path, line_of(path, "resources:"), message)


def test_linking_a_practice_that_does_not_exist_is_an_error(cop, tmp_path):
    path = write_meeting(cop, "pertemuan-maret", practices=["praktik-baik", "tidak-ada"])
    message = "'practices' names 'tidak-ada', which is not a practice of this CoP"
    assert_rejected(import_content(tmp_path), path, line_of(path, "practices:"), message)


def test_a_practice_without_summary_is_an_error(cop, tmp_path):
    path = write_practice(cop, "tanpa-ringkasan", {"Konteks": "Antrean panjang."})
    message = "a practice needs a '## Ringkasan' section"
    assert_rejected(import_content(tmp_path), path, line_of(path, "type:"), message)


def test_a_file_name_that_is_not_a_slug_is_an_error(cop, tmp_path):
    path = write_practice(cop, "praktik-lain", name="Praktik Lain.md")
    message = "the file name 'Praktik Lain.md' is not a page slug: use lowercase letters, digits and hyphens"
    assert_rejected(import_content(tmp_path), path, 1, message)
    assert not Page.objects.filter(title="Praktik praktik-lain").exists()


def test_a_file_directly_in_the_top_folder_is_an_error(cop, tmp_path):
    path = write_practice(tmp_path, "lepas")
    message = "a content file must sit in a CoP folder directly under the imported folder"
    assert_rejected(import_content(tmp_path), path, 1, message)


def test_a_file_failing_half_way_leaves_nothing(cop, tmp_path, people):
    write_community(cop, facilitators=["rina.wulandari"])
    import_content(tmp_path)
    counts = (Page.objects.count(), Revision.objects.count(), Membership.objects.count())
    users = get_user_model().objects.count()
    path = write_meeting(
        cop,
        "pertemuan-maret",
        attendees=["rina.wulandari", "agus.santoso"],
        action_items=[
            {"action": "Menulis panduan", "owner": "rina.wulandari"},
            {"action": "Rekap", "owner": "orang.asing"},
        ],
    )
    report = import_content(tmp_path)
    assert report.errors == [
        f"{path}:{line_of(path, 'action_items:')}: unknown user 'orang.asing' in 'action_items': "
        "create the account first or import with --create-missing-users"
    ]
    assert (Page.objects.count(), Revision.objects.count(), Membership.objects.count()) == counts
    assert get_user_model().objects.count() == users
    assert not MeetingPage.objects.exists()


def test_a_failed_file_rolls_back_the_users_and_english_cop_it_created(cop, tmp_path):
    import_content(tmp_path)
    pages, revisions = Page.objects.count(), Revision.objects.count()
    path = write_meeting(
        cop, "pertemuan-maret", name="pertemuan-maret.en.md", attendees=["tamu.baru"], practices=["tidak-ada"]
    )
    report = import_content(tmp_path, create_missing_users=True)
    assert report.errors == [
        f"{path}:{line_of(path, 'practices:')}: 'practices' names 'tidak-ada', which is not a practice of this CoP"
    ]
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert not CommunityPage.objects.filter(locale__language_code="en").exists()
    assert not get_user_model().objects.filter(username="tamu.baru").exists()


def test_a_user_created_for_a_failed_file_is_not_reported_as_created(cop, tmp_path):
    write_meeting(cop, "pertemuan-maret", attendees=["tamu.baru"], practices=["tidak-ada"])
    report = import_content(tmp_path, create_missing_users=True)
    assert len(report.errors) == 1
    assert not get_user_model().objects.filter(username="tamu.baru").exists()
    assert report.created_users == []


# The command


def test_the_command_prints_errors_to_stderr_and_fails(cop, tmp_path):
    path = write_practice(cop, "tanpa-judul", title=DROP)
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 3 files failed"):
        call_command("import_content", str(tmp_path), verbosity=0, stdout=stdout, stderr=stderr)
    assert stderr.getvalue() == f"{path}:1: missing 'title'\n"
    assert get(PracticePage, "praktik-baik").live


def test_the_command_succeeds_with_a_summary(cop, tmp_path):
    stdout, stderr = run_command(tmp_path)
    assert stderr == ""
    assert "Created: 1 community, 1 practice" in stdout
    assert f"Imported 2 files from {tmp_path}" in stdout
    stdout, _stderr = run_command(tmp_path)
    assert "Unchanged: 1 community, 1 practice" in stdout


def test_the_command_creates_missing_users_when_asked(cop, tmp_path):
    write_practice(cop, "penulis-baru", author="siti.rahma")
    with pytest.raises(CommandError):
        run_command(tmp_path)
    stdout, stderr = run_command(tmp_path, "--create-missing-users")
    assert stderr == ""
    assert "Created user siti.rahma" in stdout
    assert not get_user_model().objects.get(username="siti.rahma").has_usable_password()


def test_the_command_names_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match=re.escape(f"{tmp_path / 'tidak-ada'}: no such folder")):
        run_command(tmp_path / "tidak-ada")


# Hostile input


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "Teks.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
    ],
    ids=["script", "img-onerror", "javascript-link", "all-three"],
)
def test_hostile_markdown_stores_no_markup_of_its_own(cop, tmp_path, markdown):
    write_practice(cop, "berbahaya", {"Ringkasan": "Ringkas.", "Praktik": markdown})
    report = import_content(tmp_path)
    assert report.errors == []
    stored = get(PracticePage, "berbahaya").practice.lower()
    for dangerous in ("<script", "<img", "javascript:"):
        assert dangerous not in stored
    # Raw HTML stays readable as the text it is.
    if "<script>" in markdown:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in stored
