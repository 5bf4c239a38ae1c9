"""Linking uploads to a case: only the uploader's own, not linked to another case; a refused link leaves
every upload and the case as they were (the whole registration or step is rolled back)."""
import pytest

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Attachment, HazardCase
from app.services import hazards
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import photo


def register_with(people, inspector, photo_ids):
    with UnitOfWork() as uow:
        case = hazards.register_hazard(uow, inspector, {
            "enterprise_id": people.enterprise_a.id, "score": 90, "legal_major": False,
            "hazard_type": "electrical", "place": "配电房", "description": "线路老化", "photos": photo_ids})
        uow.commit()
        return case.id


def linked(public_id):
    db.session.expire_all()
    row = db.session.query(Attachment).filter_by(public_id=public_id).one()
    return row.case_id, row.field


def test_own_uploads_are_linked_to_the_case_under_their_field(people):
    first, second = photo(people.inspector), photo(people.inspector)
    case_id = register_with(people, people.inspector, [first, second])
    assert linked(first) == (case_id, "photos") and linked(second) == (case_id, "photos")


def test_another_users_upload_is_refused_and_nothing_is_kept(people, make_user):
    colleague = make_user("inspector2", "inspector")
    mine, theirs = photo(people.inspector), photo(colleague)
    with pytest.raises(ValidationFailed) as refused:
        register_with(people, people.inspector, [mine, theirs])
    assert refused.value.fields == {"photos": f"unknown attachment {theirs}"}
    assert linked(mine)[0] is None and linked(theirs)[0] is None
    assert db.session.query(HazardCase).count() == 0


def test_an_upload_linked_to_one_case_cannot_be_linked_to_another(people):
    shared = photo(people.inspector)
    case_id = register_with(people, people.inspector, [shared])
    with pytest.raises(ValidationFailed) as refused:
        register_with(people, people.inspector, [shared])
    assert refused.value.fields == {"photos": f"unknown attachment {shared}"}
    assert linked(shared) == (case_id, "photos")
    assert db.session.query(HazardCase).count() == 1


def test_an_unknown_upload_id_is_refused(people):
    with pytest.raises(ValidationFailed) as refused:
        register_with(people, people.inspector, ["0000000000000000"])
    assert refused.value.fields == {"photos": "unknown attachment 0000000000000000"}
