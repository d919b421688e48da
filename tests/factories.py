"""Factories for the suite and the benchmarks."""

import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from wagtail.models import Locale

from cop_pages.models import CommunityPage, MeetingPage, Membership, PracticePage
from cop_pages.provisioning import provision_community
from learning_center.models import LearningCenterPage


def learning_center_root(language_code: str = "id") -> LearningCenterPage:
    return LearningCenterPage.objects.get(locale=Locale.objects.get(language_code=language_code))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staf{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda user: f"{user.username}@perpustakaan.example")
    password = factory.django.Password("rahasia-uji")


class CommunityPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CommunityPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"CoP Divisi {n}")
    division = factory.Sequence(lambda n: f"Divisi {n}")
    domain = "Berbagi cara kerja terbaik antaranggota divisi."
    parent = factory.LazyFunction(learning_center_root)

    @factory.post_generation
    def provisioned(community, create, extracted, **kwargs):
        if create:
            provision_community(community)
            community.refresh_from_db()


class PracticePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PracticePage

    title = factory.Sequence(lambda n: f"Praktik baik {n}")
    summary = "<p>Ringkasan praktik.</p>"
    practice = "<p>Langkah-langkah yang dilakukan.</p>"
    documented_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300))
    parent = factory.SubFactory(CommunityPageFactory)


class MeetingPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = MeetingPage

    title = factory.Sequence(lambda n: f"Pertemuan {n}")
    meeting_date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300))
    parent = factory.SubFactory(CommunityPageFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityPageFactory)
