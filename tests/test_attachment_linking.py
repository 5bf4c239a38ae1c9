"""Linking uploads to a case: only the uploader's own, not linked to another case; a refused link leaves
every upload and the case as they were (the whole registration or step is rolled back). A registration's and a
step's files are linked among their pipelined writes (attachments.linking) and checked when those have gone;
other records link theirs at once (attachments.link)."""
import pytest

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Attachment, AuditEvent, HazardCase, WorkflowState
from app.services import hazards
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, photo, rectify_data


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


def rectifying_case(people):
    case_id = register_with(people, people.inspector, [photo(people.inspector)])
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    return case_id


def test_a_steps_own_uploads_are_linked_and_shown_on_objects_the_session_holds(people):
    case_id = rectifying_case(people)
    data = rectify_data(people.ent_a)
    held = db.session.query(Attachment).filter_by(public_id=data["after_photos"][0]).one()  # loaded before
    complete(people.ent_a, open_tasks(case_id)["rectification"], data)
    assert (held.case_id, held.field) == (case_id, "after_photos")  # without a reload
    assert linked(data["after_photos"][0]) == (case_id, "after_photos")


def test_a_step_refuses_another_users_upload_and_keeps_nothing_of_the_step(people, make_user):
    case_id = rectifying_case(people)
    colleague = make_user("inspector2", "inspector")
    task = open_tasks(case_id)["rectification"]
    version = db.session.get(WorkflowState, case_id).version
    data = rectify_data(people.ent_a)
    mine, theirs = data["after_photos"][0], photo(colleague)
    with pytest.raises(ValidationFailed) as refused:
        complete(people.ent_a, task, dict(data, after_photos=[mine, theirs]))
    assert refused.value.fields == {"after_photos": f"unknown attachment {theirs}"}
    assert linked(mine)[0] is None and linked(theirs)[0] is None
    assert db.session.get(WorkflowState, case_id).version == version
    assert open_tasks(case_id)["rectification"].id == task.id
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="task_completed").count() == 1
    complete(people.ent_a, task, dict(data, after_photos=[mine]))  # the same submission without it goes through
    assert linked(mine) == (case_id, "after_photos")

