"""An editor translates a page through wagtail-localize; English lives under /en/."""

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, Translation

from cop_pages.models import PracticePage
from tests.factories import CommunityPageFactory, PracticePageFactory

pytestmark = pytest.mark.django_db


def translate_through_the_editor(client, page, english_strings: dict[str, str]) -> Translation:
    """Submit the page for translation, then fill strings as the localize editor does."""
    english = Locale.objects.get(language_code="en")
    response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [english.pk]})
    assert response.status_code == 302
    translation = Translation.objects.get(source__object_id=page.translation_key, target_locale=english)
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string"):
        if segment.string.data in english_strings:
            response = client.put(
                f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
                encode_multipart("BoUnDaRy", {"value": english_strings[segment.string.data]}),
                content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
            )
            assert response.status_code in (200, 201), response.content
    return translation


def test_an_editor_translates_a_practice_into_english(
    client, administrator, home, django_capture_on_commit_callbacks
):
    community = CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="layanan-sirkulasi")
    practice = PracticePageFactory(
        parent=community,
        title="Swalayan peminjaman",
        slug="swalayan-peminjaman",
        summary="<p>Anggota meminjam sendiri di kios.</p>",
    )
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        translate_through_the_editor(client, community, {"CoP Layanan Sirkulasi": "Circulation Services CoP"})
    translation = translate_through_the_editor(
        client,
        practice,
        {
            "Swalayan peminjaman": "Self-service loans",
            "Anggota meminjam sendiri di kios.": "Members borrow at a kiosk.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):  # localize publishes after commit
        translation.save_target(user=administrator, publish=True)

    english = PracticePage.objects.get(translation_key=practice.translation_key, locale__language_code="en")
    assert english.title == "Self-service loans"
    assert english.url.startswith("/en/")
    response = client.get(english.url)
    assert response.status_code == 200
    assert "Members borrow at a kiosk." in response.content.decode()
    assert client.get(practice.url).status_code == 200  # the Indonesian page is untouched
