"""A registration under the device's client reference is made once (离线登记): a retry returns the case the first
sending made, another user's same reference is theirs, a malformed reference is refused; two retries at the same
moment make one case (the unique index decides: simulated on any database, raced in two sessions on PostgreSQL)."""
import threading

import pytest

from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, User
from app.services import hazards
from app.services.uow import UnitOfWork
from tests.concurrency_support import needs_two_sessions
from tests.test_lifecycle_service import photo

REF = "3f8a1c2e-9b7d-4e61-a0c5-2d4b6e8f1a37"


def data(user, enterprise, **changes):
    body = {"enterprise_id": enterprise.id, "score": 90, "legal_major": False, "hazard_type": "electrical",
            "place": "配电房", "description": "线路老化", "photos": [photo(user)], "found_at": "2026-11-20T15:30:00+08:00"}
    body.update(changes)
    return body


def register_once(user, body, ref=REF, offline=False):
    with UnitOfWork() as uow:
        case, created = hazards.register_once(uow, user, body, ref, offline=offline)
        uow.commit()
        return case.id, created


def cases():
    return db.session.query(HazardCase).order_by(HazardCase.id).all()


def registrations(case_id):
    return db.session.query(AuditEvent).filter_by(case_id=case_id, action="hazard_registered").all()


def test_the_same_reference_again_returns_the_case_made_first(people):
    first, created = register_once(people.inspector, data(people.inspector, people.enterprise_a))
    again, created_again = register_once(people.inspector, data(people.inspector, people.enterprise_a, place="别处"))
    assert (created, created_again) == (True, False) and again == first
    [case] = cases()
    assert (case.client_ref, case.place, case.status) == (REF, "配电房", "assigning")  # the retry's body is not used
    [event] = registrations(first)
    assert event.details == {"client_ref": REF}  # registered once, with its reference, not marked as offline


def test_another_users_same_reference_is_a_case_of_its_own(people, make_user):
    other = make_user("inspector2", "inspector")
    mine, _ = register_once(people.inspector, data(people.inspector, people.enterprise_a))
    theirs, created = register_once(other, data(other, people.enterprise_a))
    assert created and theirs != mine
    assert [(c.inspector_id, c.client_ref) for c in cases()] == [(people.inspector.id, REF), (other.id, REF)]


def test_registrations_without_a_reference_never_clash(people):
    for _ in range(2):
        with UnitOfWork() as uow:
            hazards.register_hazard(uow, people.inspector, data(people.inspector, people.enterprise_a))
            uow.commit()
    assert [c.client_ref for c in cases()] == [None, None]


@pytest.mark.parametrize("ref", [None, "", "too-short", "x" * 65, "3f8a1c2e 9b7d 4e61 a0c5 2d4b6e8f1a37",
                                 "-3f8a1c2e-9b7d-4e61-a0c5", "3f8a1c2e/9b7d/4e61/a0c5", 12345678901234567890,
                                 "３f8a1c2e-9b7d-4e61-a0c5-2d4b6e8f1a37"])
def test_a_malformed_reference_is_refused_and_nothing_is_made(people, ref):
    with pytest.raises(ValidationFailed) as caught:
        register_once(people.inspector, data(people.inspector, people.enterprise_a), ref=ref)
    assert "client_ref" in caught.value.fields
    assert cases() == []


@pytest.mark.parametrize("ref", ["01HZX3V9K6R2M8T4Q7W5Y1B3NC", "a" * 64, "d41d8cd98f00b204e9800998ecf8427e",
                                 REF.upper()])
def test_uuid_like_references_are_taken(people, ref):
    case_id, created = register_once(people.inspector, data(people.inspector, people.enterprise_a), ref=ref)
    assert created and db.session.get(HazardCase, case_id).client_ref == ref


def test_who_may_not_register_may_not_replay_either(people):
    register_once(people.inspector, data(people.inspector, people.enterprise_a))
    with pytest.raises(NotAllowed):
        register_once(people.project_lead, data(people.inspector, people.enterprise_a))


def test_an_enterprise_reports_only_its_own_hazards_under_a_reference_too(people):
    with pytest.raises(ValidationFailed) as caught:
        register_once(people.ent_a, data(people.ent_a, people.enterprise_b))
    assert "enterprise_id" in caught.value.fields and cases() == []
    case_id, created = register_once(people.ent_a, data(people.ent_a, people.enterprise_a))  # corrected, same ref
    assert created and db.session.get(HazardCase, case_id).source == "self_check"


def test_a_refused_registration_can_be_sent_again_corrected_under_the_same_reference(people):
    with pytest.raises(ValidationFailed) as caught:
        register_once(people.inspector, data(people.inspector, people.enterprise_a, place=None))
    assert "place" in caught.value.fields and cases() == []
    _, created = register_once(people.inspector, data(people.inspector, people.enterprise_a))
    assert created and len(cases()) == 1


def test_an_offline_capture_says_so_in_its_history_and_keeps_when_it_was_found(people):
    case_id, _ = register_once(people.inspector, data(people.inspector, people.enterprise_a), offline=True)
    [event] = registrations(case_id)
    assert event.details == {"client_ref": REF, "offline": True}
    assert event.changes["found_at"] == [None, "2026-11-20T15:30:00+08:00"]  # as entered, not the sync's time
    case = db.session.get(HazardCase, case_id)
    assert case.registered_at == event.created_at  # the deadlines run from the sync (the registration)


def test_a_retry_losing_the_insert_returns_the_winners_case(people, monkeypatch):
    """The race on any database: the retry's lookup ran before the first sending committed (it found nothing), so
    its insert meets the unique index; its part is undone and it returns the first sending's case."""
    first, _ = register_once(people.inspector, data(people.inspector, people.enterprise_a))
    real, calls = hazards.registered_under, []

    def missed_once(session, actor, ref):
        calls.append(ref)
        return None if len(calls) == 1 else real(session, actor, ref)
    monkeypatch.setattr(hazards, "registered_under", missed_once)
    again, created = register_once(people.inspector, data(people.inspector, people.enterprise_a, place="别处"))
    assert (again, created) == (first, False) and len(calls) == 3
    assert [c.id for c in cases()] == [first] and len(registrations(first)) == 1
    assert db.session.query(AuditEvent).filter(AuditEvent.case_id != first).count() == 0


def test_two_retries_at_the_same_moment_make_one_case(app, people, monkeypatch):
    """Two real sessions on PostgreSQL: both look the reference up (nothing), then both insert; the second waits on
    the unique index until the first commits, then returns its case."""
    needs_two_sessions()
    body = data(people.inspector, people.enterprise_a)
    username = people.inspector.username
    barrier, seen, real = threading.Barrier(2, timeout=20), threading.local(), hazards.registered_under

    def both_look_first(session, actor, ref):
        result = real(session, actor, ref)
        if not getattr(seen, "met", False):  # only the first lookup of each request waits for the other's
            seen.met = True
            barrier.wait()
        return result
    monkeypatch.setattr(hazards, "registered_under", both_look_first)
    db.session.remove()
    outcomes = []

    def attempt():
        with app.app_context():
            try:
                user = db.session.query(User).filter_by(username=username).one()
                outcomes.append(register_once(user, dict(body)))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcomes.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(isinstance(o, tuple) for o in outcomes) and len(outcomes) == 2, outcomes
    assert sorted(created for _, created in outcomes) == [False, True], outcomes
    assert len({case_id for case_id, _ in outcomes}) == 1
    [case] = cases()
    assert len(registrations(case.id)) == 1
