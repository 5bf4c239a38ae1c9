"""The unit of work's savepoints: a part that fails alone leaves no trace, in the database or in caches."""
import pytest

from app.errors import DomainError
from app.models import HazardCase
from app.services import projection
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import case_row, register


def test_a_failed_savepoint_drops_its_after_commit_callbacks_and_what_core_wrote(people):
    case_id = register(people)
    step_before = case_row(case_id).current_step
    calls = []
    with UnitOfWork() as uow:
        case = uow.session.get(HazardCase, case_id)
        with pytest.raises(DomainError):
            with uow.savepoint():
                uow.after_commit(lambda: calls.append("inside"))  # e.g. a runtime cached after its save
                projection.write_case(uow.session, case, {"current_step": "never stored"})
                assert case.current_step == "never stored"
                raise DomainError("the step failed")
        uow.after_commit(lambda: calls.append("outside"))
        assert case.current_step == step_before  # the object reloaded what the database holds
        uow.commit()
    assert calls == ["outside"]
    assert case_row(case_id).current_step == step_before
