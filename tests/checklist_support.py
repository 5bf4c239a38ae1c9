"""Helpers the checklist version tests share (no tests here): a technical lead, and a change of an item proposed by
one user and approved by a technical lead, as the upkeep now works."""
import pytest

from app.extensions import db
from app.models import ChecklistItem
from app.services import checklist_changes, checklist_review
from app.services.uow import UnitOfWork

CHANGED = {"dimension": "personnel", "content": "本地细化：主要负责人安全考核合格", "basis": "地方规定"}


def make_lead(make_user, username="technical_lead"):
    return make_user(username, "technical_lead")


# Fixtures for the modules that import them: the standard lists loaded for every test there, and a technical lead.
@pytest.fixture(autouse=True)
def standard(app):
    from tests.test_checklists import load_standard
    load_standard()


@pytest.fixture
def lead(make_user):
    return make_lead(make_user)


def item(code):
    return db.session.query(ChecklistItem).filter_by(code=code).one()


def propose(proposer, how, *args):
    """proposer proposes a change — how: "add" (checklist_id, values), "update" (item_id, values) or "active"
    (item_id, bool) — committed; returns its id."""
    with UnitOfWork() as uow:
        change = getattr(checklist_changes, f"propose_{how}")(uow, proposer, *args)
        change_id = change.id
        uow.commit()
    return change_id


def approve(lead, change_id, note=""):
    """The lead approves a change; returns the version number it made."""
    with UnitOfWork() as uow:
        version = checklist_review.approve(uow, lead, change_id, note)[1]
        number = version.version
        uow.commit()
    return number


def reject(lead, change_id, reason):
    with UnitOfWork() as uow:
        checklist_review.reject(uow, lead, change_id, reason)
        uow.commit()


def approved(proposer, lead, how, *args):
    """A change proposed and approved at once (what used to be an immediate edit); returns the version."""
    return approve(lead, propose(proposer, how, *args))
