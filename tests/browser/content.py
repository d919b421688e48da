"""What the browser journeys find on the site: a few CoPs, built with the factories."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_localize.operations import translate_object

from cop_pages.models import CommunityPage, MembershipRole, PracticePage
from search.indexing import index_pages
from search.records import searchable_pages
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)


@dataclass
class LearningContent:
    community: CommunityPage
    practice: PracticePage
    english_practice: PracticePage
    private_community: CommunityPage
    public_communities: list[CommunityPage]


def publish_practice(practice: PracticePage, tags: list[str], contributors: Sequence = ()) -> PracticePage:
    """Tags and contributors travel with the revision, so they are set before publishing."""
    practice.tags.add(*tags)
    practice.contributors.add(*contributors)
    practice.save_revision().publish()
    return practice


def publish_in_english(page: Page, **english_fields) -> Page:
    """Translate through wagtail-localize, then fill in the English text as a translator would."""
    english_locale = Locale.objects.get(language_code="en")
    translate_object(page, [english_locale])
    english = page.get_translation(english_locale).specific
    for name, value in english_fields.items():
        setattr(english, name, value)
    english.save_revision().publish()
    return english


def build_learning_content() -> LearningContent:
    """A few CoPs, one of them private, with members, tagged practices and a meeting."""
    facilitator = UserFactory(username="fasilitator", first_name="Dewi", last_name="Lestari")
    colleague = UserFactory(username="rekan", first_name="Budi", last_name="Santoso")
    circulation = CommunityPageFactory(
        title="CoP Layanan Sirkulasi",
        slug="layanan-sirkulasi",
        division="Layanan Sirkulasi",
        domain="Peminjaman dan pengembalian yang cepat dan ramah bagi pemustaka.",
        goals_and_scope="<p>Memperpendek antrean di meja sirkulasi.</p>",
        norms="<ul><li>Setiap anggota mendokumentasikan satu praktik per triwulan.</li></ul>",
        channels=[{"type": "channel", "value": {"kind": "chat", "label": "Grup sirkulasi", "url": ""}}],
        stage="design",
    )
    MembershipFactory(user=facilitator, community=circulation, role=MembershipRole.FACILITATOR)
    MembershipFactory(user=colleague, community=circulation)
    practice = publish_practice(
        PracticePageFactory(
            parent=circulation,
            title="Swalayan peminjaman",
            slug="swalayan-peminjaman",
            summary="<p>Pemustaka meminjam sendiri di kios swalayan.</p>",
            context="<p>Antrean panjang pada jam istirahat.</p>",
            practice="<p>Tiga kios di dekat pintu masuk, dengan panduan satu halaman.</p>",
            results="<p>Waktu tunggu turun dari 15 menjadi 3 menit.</p>",
            lessons="<p>Sediakan petugas pendamping pada minggu pertama.</p>",
            featured=True,
            content_owner=facilitator,
            review_by=timezone.localdate() + datetime.timedelta(days=180),
        ),
        ["sirkulasi", "layanan mandiri"],
        contributors=[colleague],
    )
    publish_practice(
        PracticePageFactory(parent=circulation, title="Pengingat jatuh tempo"), ["sirkulasi", "komunikasi"]
    )
    MeetingPageFactory(
        parent=circulation,
        title="Pertemuan rutin sirkulasi",
        meeting_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    collections = CommunityPageFactory(title="CoP Pengolahan Koleksi", division="Pengolahan Koleksi")
    publish_practice(PracticePageFactory(parent=collections, title="Katalogisasi salin"), ["katalog"])
    technology = CommunityPageFactory(title="CoP Teknologi Informasi", division="Teknologi Informasi")
    private_community = CommunityPageFactory(title="CoP Pimpinan", division="Pimpinan", private=True)
    PracticePageFactory(parent=private_community, title="Rapat anggaran triwulan")

    publish_in_english(circulation, title="Circulation Services CoP")
    english_practice = publish_in_english(
        practice,
        title="Self-service loans",
        summary="<p>Library members borrow at a self-service kiosk.</p>",
        context="<p>Long queues at lunchtime.</p>",
        practice="<p>Three kiosks by the entrance, with a one-page guide.</p>",
        results="<p>Waiting time fell from 15 to 3 minutes.</p>",
        lessons="<p>Keep a librarian beside the kiosks in the first week.</p>",
    )
    return LearningContent(
        community=circulation,
        practice=practice,
        english_practice=english_practice,
        private_community=private_community,
        public_communities=[circulation, collections, technology],
    )


@dataclass
class SearchContent:
    """Practices about borrowing in three public CoPs and the private one, for the search journey."""

    learning: LearningContent
    interlibrary: PracticePage
    app_renewal: PracticePage
    book_drop: PracticePage
    private_practice: PracticePage


def build_search_content(content: LearningContent) -> SearchContent:
    """More practices beside ``build_learning_content``'s, each speaking of borrowing in other words.

    They are published through Wagtail, which queues them for the knowledge
    index after commit. The pages the factories make without publishing (the
    CoPs, the meeting, the private CoP's first practice) are then indexed
    too, as ``search_index reconcile`` would: the index holds the site.
    """
    circulation, collections, technology = content.public_communities
    interlibrary = publish_practice(
        PracticePageFactory(
            parent=collections,
            title="Peminjaman antarperpustakaan",
            slug="peminjaman-antarperpustakaan",
            summary="<p>Buku yang tidak kami miliki dipinjamkan dari perpustakaan mitra dalam tiga hari.</p>",
            practice="<p>Permintaan dikirim lewat formulir bersama dan dilacak di satu lembar kerja.</p>",
        ),
        ["peminjaman", "kerja sama"],
    )
    app_renewal = publish_practice(
        PracticePageFactory(
            parent=technology,
            title="Perpanjangan pinjaman lewat aplikasi",
            slug="perpanjangan-pinjaman-lewat-aplikasi",
            summary="<p>Pemustaka memperpanjang peminjaman dari ponsel tanpa datang ke meja layanan.</p>",
            practice="<p>Aplikasi mengirim pengingat dua hari sebelum jatuh tempo.</p>",
        ),
        ["layanan mandiri", "aplikasi"],
    )
    book_drop = publish_practice(
        PracticePageFactory(
            parent=circulation,
            title="Kotak pengembalian buku",
            slug="kotak-pengembalian-buku",
            summary="<p>Buku yang dipinjam dikembalikan lewat kotak di depan gedung, juga di luar jam layanan.</p>",
        ),
        ["sirkulasi", "pengembalian"],
    )
    private_practice = publish_practice(
        PracticePageFactory(
            parent=content.private_community,
            title="Peminjaman kendaraan dinas",
            slug="peminjaman-kendaraan-dinas",
            summary="<p>Kendaraan dinas dipinjamkan kepada pimpinan lewat formulir daring.</p>",
            practice="<p>Peminjaman mandiri lewat aplikasi, seperti swalayan peminjaman buku.</p>",
        ),
        ["peminjaman", "layanan mandiri", "sirkulasi"],
    )
    index_pages([page.pk for page in searchable_pages()])
    return SearchContent(
        learning=content,
        interlibrary=interlibrary,
        app_renewal=app_renewal,
        book_drop=book_drop,
        private_practice=private_practice,
    )
