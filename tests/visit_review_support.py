"""Helpers for the review of visit reports (三级审核, services/visit_review.py): a technical lead, setting a visit up
as released (for tests about what comes after the review: the enterprise's confirmation, ratings, complaints,
coverage), and walking one through the real chain."""
from app.clock import clock
from app.extensions import db
from app.models import InspectionVisit
from app.services import checklist_results, visit_review
from app.services.uow import UnitOfWork


def released(visit):
    """Test setup: `visit`'s report as having passed its final review just now (the chain itself is tested in
    test_visit_review*.py); returns the visit, refreshed."""
    db.session.query(InspectionVisit).filter_by(id=visit.id).update(
        {"review_status": "released", "released_at": clock.now()}, synchronize_session=False)
    db.session.commit()
    db.session.expire_all()
    return db.session.get(InspectionVisit, visit.id)


def act(action, user, visit_id, *args):
    with UnitOfWork() as uow:
        result = action(uow, user, visit_id, *args)
        uow.commit()
        return result


def walk(visit, recorder, lead, technical):
    """Through the real chain: submitted by its recorder (初审), approved by `lead` (复审) and `technical` (终审)."""
    act(visit_review.submit, recorder, visit.id)
    act(visit_review.approve, lead, visit.id, "")
    act(visit_review.approve, technical, visit.id, "")
    db.session.expire_all()
    return db.session.get(InspectionVisit, visit.id)


def finish_checklist(inspector, visit, result="conform"):
    """Every item of the visit's checklist given `result` (the first pre-submission check)."""
    with UnitOfWork() as uow:
        items, _recorded = checklist_results.items_of_visit(uow.session, uow.session.get(InspectionVisit, visit.id))
        checklist_results.record(uow, inspector, visit.id, [{"item_id": i.id, "result": result, "note": "记录"}
                                                            for i in items])
        uow.commit()
