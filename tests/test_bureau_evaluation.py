"""The bureau's quarterly evaluation of the contractor (services/contractor_evaluations.py) through HTTP: one per
quarter, editable until confirmed, low scores opening improvement items due a calendar month later, the project
leads' measures and closing, the overdue urging once, who may do what, bad input kept."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, ContractorEvaluation, ImprovementItem, Notification
from app.services import contractor_evaluations
from app.services.uow import UnitOfWork
from scheduler import jobs

GOOD = {"response_speed": "4", "service_quality": "5", "data_accuracy": "4", "communication": "3",
        "rectification_effect": "4", "comments": "总体良好"}


def _at(year, month, day):
    clock.set(datetime(year, month, day, 10, 0, tzinfo=SHANGHAI))


def _evaluate(bureau, year=2026, quarter=4, **scores):
    return bureau.post("/evaluations", data={"year": str(year), "quarter": str(quarter), **GOOD, **scores})


def test_one_evaluation_per_quarter_editable_until_confirmed(people, login):
    bureau = login("bureau")
    r = _evaluate(bureau)
    assert r.status_code == 302
    row = ContractorEvaluation.query.one()
    assert (row.year, row.quarter, row.average) == (2026, 4, 4.0)
    assert _evaluate(bureau).status_code == 409
    r = bureau.post(f"/evaluations/{row.id}", data={**GOOD, "communication": "5"})
    assert r.status_code == 302
    assert ContractorEvaluation.query.one().communication == 5
    saved = AuditEvent.query.filter_by(action="contractor_evaluation_saved").one()
    assert saved.changes == {"communication": [3, 5]}
    assert bureau.post(f"/evaluations/{row.id}/confirm").status_code == 302
    assert bureau.post(f"/evaluations/{row.id}", data=GOOD).status_code == 409
    assert bureau.post(f"/evaluations/{row.id}/confirm").status_code == 409
    assert ImprovementItem.query.count() == 0  # no score of 2 or less
    # the next quarter (by the injected clock) takes its own evaluation; a future quarter is refused
    assert _evaluate(bureau, 2027, 1).status_code == 400
    _at(2027, 1, 5)
    assert _evaluate(bureau, 2027, 1).status_code == 302
    assert ContractorEvaluation.query.count() == 2


def test_low_score_opens_an_item_due_a_calendar_month_later(people, login):
    bureau, lead = login("bureau"), login("project_lead")
    _at(2027, 1, 31)
    _evaluate(bureau, 2027, 1, data_accuracy="2", rectification_effect="1")
    row = ContractorEvaluation.query.one()
    assert ImprovementItem.query.count() == 0  # a draft opens nothing
    bureau.post(f"/evaluations/{row.id}/confirm")
    items = {i.dimension: i for i in ImprovementItem.query.all()}
    assert set(items) == {"data_accuracy", "rectification_effect"}
    assert {i.due_on for i in items.values()} == {date(2027, 2, 28)}  # 31 January + a month: end of February
    assert Notification.query.filter_by(user_id=people.project_lead.id, kind="improvement_item_opened").count() == 1
    assert contractor_evaluations.one_month_later(date(2028, 1, 31)) == date(2028, 2, 29)
    assert contractor_evaluations.one_month_later(date(2026, 12, 15)) == date(2027, 1, 15)
    assert contractor_evaluations.one_month_later(date(2026, 5, 31)) == date(2026, 6, 30)
    page = lead.get("/evaluations").get_data(as_text=True)
    assert "2027-02-28" in page and "tag-overdue" not in page
    # overdue the day after its due day: listed, and the project leads told once however often the job runs
    _at(2027, 3, 1)
    assert "tag-overdue" in lead.get("/evaluations").get_data(as_text=True)
    assert jobs.urge_improvement_items() == 2
    assert jobs.urge_improvement_items() == 0
    assert Notification.query.filter_by(user_id=people.project_lead.id, kind="improvement_item_overdue").count() == 2
    # the project lead records measures, then closes (measures required to close)
    item = items["data_accuracy"]
    r = lead.post(f"/evaluations/items/{item.id}", data={"measures": "", "close": "1"})
    assert r.status_code == 400 and "关闭前请填写整改措施" in r.get_data(as_text=True)
    assert lead.post(f"/evaluations/items/{item.id}", data={"measures": "数据双人复核"}).status_code == 302
    assert bureau.post(f"/evaluations/items/{item.id}", data={"measures": "x", "close": "1"}).status_code == 403
    assert lead.post(f"/evaluations/items/{item.id}", data={"measures": "数据双人复核", "close": "1"}).status_code == 302
    assert db.session.get(ImprovementItem, item.id).closed_at is not None
    assert lead.post(f"/evaluations/items/{item.id}", data={"measures": "x"}).status_code == 409
    closed = AuditEvent.query.filter_by(action="improvement_item_closed").one()
    assert closed.changes == {"closed": [False, True]}


def test_bad_input_shows_field_errors_and_keeps_it(people, login):
    bureau = login("bureau")
    r = _evaluate(bureau, response_speed="6", service_quality="", comments="请改进<b>")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'id="err-response_speed"' in page and 'id="err-service_quality"' in page
    assert "请改进&lt;b&gt;" in page
    assert ContractorEvaluation.query.count() == 0


def test_who_may_do_what_and_csv(people, login):
    _evaluate(login("bureau"), data_accuracy="2")
    row = ContractorEvaluation.query.one()
    for reader in ("project_lead", "manager", "bureau"):
        c = login(reader)
        assert c.get("/evaluations").status_code == 200
        assert c.get(f"/evaluations/{row.id}").status_code == 200
    for other in ("inspector", "ent_a", "quality"):
        c = login(other)
        assert c.get("/evaluations").status_code == 403
        assert c.get("/evaluations.csv").status_code == 403
    assert _evaluate(login("project_lead"), 2026, 3).status_code == 403
    assert login("manager").post(f"/evaluations/{row.id}/confirm").status_code == 403
    assert login("bureau").get("/evaluations/999").status_code == 404
    r = login("manager").get("/evaluations.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert "数据准确性" in text and "2026,4,4,5,2,3,4" in text


def test_the_job_is_quiet_without_overdue_items(people):
    with UnitOfWork() as uow:
        assert contractor_evaluations.urge_overdue(uow) == 0
