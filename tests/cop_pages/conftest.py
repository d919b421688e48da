import pytest

from tests.factories import UserFactory

from .content_files import USERNAMES


@pytest.fixture
def people(db):
    """The accounts the content files name."""
    return {name: UserFactory(username=name) for name in USERNAMES}
