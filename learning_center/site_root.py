"""Pusat Belajar exists right after `migrate`: the root of every locale.

Replaces Wagtail's welcome page with the LearningCenterPage, points the
default Site at it and gives it its English translation. Idempotent.
"""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail_localize.operations import translate_object

from .models import LearningCenterPage

ROOT_TITLE = "Pusat Belajar"
ROOT_SLUG = "pusat-belajar"


def ensure_locales() -> list[Locale]:
    return [Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES]


def remove_wagtail_welcome_page() -> None:
    Page.objects.filter(
        depth=2, slug="home", numchild=0, content_type__app_label="wagtailcore", content_type__model="page"
    ).delete()


@transaction.atomic
def ensure_learning_center_root() -> LearningCenterPage:
    locales = ensure_locales()
    default_locale = Locale.get_default()
    root = LearningCenterPage.objects.filter(locale=default_locale).first()
    if root is None:
        remove_wagtail_welcome_page()
        root = LearningCenterPage(title=ROOT_TITLE, slug=ROOT_SLUG, locale=default_locale)
        tree_root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        tree_root.add_child(instance=root)
        root.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=root, is_default_site=True, site_name=ROOT_TITLE
        )
    elif site.root_page_id != root.pk:
        site.root_page = root
        site.save()
    missing = [
        locale
        for locale in locales
        if locale != default_locale
        and not LearningCenterPage.objects.filter(
            translation_key=root.translation_key, locale=locale
        ).exists()
    ]
    if missing:
        translate_object(root, missing)
    return root


def ensure_site_root_after_migrate(**kwargs) -> None:
    from cop_pages.provisioning import ensure_learning_center_team

    ensure_learning_center_root()
    ensure_learning_center_team()
