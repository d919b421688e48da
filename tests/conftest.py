import pytest
from django.contrib.auth.models import Group

from cop_pages.provisioning import LEARNING_CENTER_TEAM

from .factories import UserFactory, learning_center_root


@pytest.fixture
def home(db):
    """Pusat Belajar in Indonesian; it exists right after migrate."""
    return learning_center_root("id")


@pytest.fixture
def staff(db):
    return UserFactory(username="staf")


@pytest.fixture
def learning_center_member(db):
    user = UserFactory(username="timpusat")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as a request does: its transaction commits, so the tasks queued after commit run."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
