"""The demo: staff accounts from ``demo_content/_people.yaml`` and the demo CoPs.

``seed_demo`` is what ``make run`` calls on every start: it creates what is
missing, leaves what is there, imports ``demo_content`` through the same
``import_content`` any organisation uses for its own documentation, and
submits the demo's draft practices for review so moderators have work.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from .importing import ImportReport, import_content
from .models import PracticePage
from .provisioning import ensure_learning_center_team

DEMO_CONTENT = Path(__file__).resolve().parent / "demo_content"
PEOPLE_FILE = DEMO_CONTENT / "_people.yaml"
DEMO_PASSWORD = "pusatbelajar"  # noqa: S105 - the demo's published password


@dataclass
class DemoLogin:
    username: str
    full_name: str
    role: str


class DemoContentError(Exception):
    """The bundled demo content does not import: a bug in the project, not in the user's data."""


def seed_demo(*, progress: bool = False) -> tuple[list[DemoLogin], ImportReport]:
    logins = create_people()
    report = import_content(DEMO_CONTENT, progress=progress)
    if report.errors:
        raise DemoContentError("\n".join(report.errors))
    submit_drafts_for_review()
    return logins, report


def submit_drafts_for_review() -> None:
    """Give the moderators something to review: each draft practice, once, by its author."""
    drafts = PracticePage.objects.filter(live=False, owner__isnull=False).select_related("owner")
    for practice in drafts:
        workflow = practice.get_workflow()
        if workflow is not None and not practice.workflow_states.exists():
            workflow.start(practice, practice.owner)


@transaction.atomic
def create_people() -> list[DemoLogin]:
    """Accounts of the demo's staff; an existing account keeps its password."""
    user_model = get_user_model()
    team = ensure_learning_center_team()
    logins = []
    for person in yaml.safe_load(PEOPLE_FILE.read_text(encoding="utf-8")):
        user, created = user_model.objects.get_or_create(
            username=person["username"],
            defaults={
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "email": person["email"],
                "is_superuser": person.get("superuser", False),
                "is_staff": person.get("superuser", False),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if person.get("learning_center_team"):
            user.groups.add(team)
        if person.get("demo_role"):
            logins.append(DemoLogin(user.get_username(), user.get_full_name(), person["demo_role"]))
    return logins
