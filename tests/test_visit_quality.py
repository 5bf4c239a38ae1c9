"""Quality sampling of inspection visits (≥ 15 %, A/B/C): the sample size rounded up, the reproducible draw over
released visits only, grading with findings, the C notices, the page, its CSV and who may do what; and the A/B/C
grade on the closed-case rounds."""
from datetime import date, timedelta

import pytest

from app.clock import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification, QualityRound, QualitySample, VisitQualityRound
from app.services import quality, visit_quality
from app.services.uow import UnitOfWork
from tests.test_inspections import visit
from tests.test_lifecycle_service import register
from tests.test_web_support import csv_rows, text
from tests.visit_review_support import released


@pytest.mark.parametrize("count, rate, size", [
    (0, "0.15", 0), (1, "0.15", 1), (6, "0.15", 1), (7, "0.15", 2), (20, "0.15", 3), (21, "0.15", 4),
    (100, "0.15", 15), (101, "0.15", 16), (20, "0.2", 4), (3, "1", 3)])
def test_the_sample_is_rounded_up(count, rate, size):
    assert visit_quality.sample_size(count, rate) == size


def test_the_draw_is_repeatable_from_its_seed():
    ids = list(range(1, 41))
    first = visit_quality.draw(ids, 0.15, "abc")
    assert first == visit_quality.draw(list(reversed(ids)), 0.15, "abc") and len(first) == 6
    assert any(visit_quality.draw(ids, 0.15, seed) != first for seed in ("abd", "abe", "abf"))


def visits(people, n, day):
    return [visit(people.inspector, people.enterprise_a, visited_on=day.isoformat(),
                  inspectors="inspector、王五" if i % 2 else "inspector") for i in range(n)]


def start(user, start_on, end_on, percent=None):
    with UnitOfWork() as uow:
        row = visit_quality.start_round(uow, user, start_on, end_on, percent)
        uow.commit()
        return row.id


def test_a_round_draws_15_percent_of_the_released_visits_of_its_period(people):
    today = clock.local_now().date()
    rows = visits(people, 7, today - timedelta(days=3))
    for row in rows:
        released(row)
    visits(people, 3, today - timedelta(days=3))  # drafts: not finished, not drawn
    released(visit(people.inspector, people.enterprise_a, visited_on=(today - timedelta(days=40)).isoformat()))
    round_id = start(people.quality, today - timedelta(days=10), today)
    round_ = db.session.get(VisitQualityRound, round_id)
    assert round_.population == sorted(r.id for r in rows) and len(round_.samples) == 2  # ⌈7 × 0.15⌉
    assert visit_quality.redraw(round_) == sorted(s.visit_id for s in round_.samples)
    event = db.session.query(AuditEvent).filter_by(action="visit_quality_sampled").one()
    assert event.details["seed"] == round_.seed and event.subject_id == round_id
    bigger = db.session.get(VisitQualityRound, start(people.quality, today - timedelta(days=10), today, "50"))
    assert len(bigger.samples) == 4 and bigger.rate == 0.5


def test_bad_input_is_named(people):
    today = clock.local_now().date()
    for values, fields in ((("x", today, None), {"start"}), ((today, today - timedelta(days=1), None), {"end"}),
                           ((today, today, "10"), {"percent"}), ((today, today, "abc"), {"percent"}),
                           (("", "", "101"), {"start", "end", "percent"})):
        with pytest.raises(ValidationFailed) as caught, UnitOfWork() as uow:
            visit_quality.start_round(uow, people.quality, *values)
        assert set(caught.value.fields) == fields, values


def test_grades_findings_c_notices_and_per_inspector(people, make_user):
    wang = make_user("王五", "inspector")
    today = clock.local_now().date()
    for row in visits(people, 2, today):
        released(row)
    round_ = db.session.get(VisitQualityRound, start(people.quality, today, today, "100"))
    first, second = round_.samples

    def grade(sample, value, findings=""):
        with UnitOfWork() as uow:
            visit_quality.review(uow, people.quality, round_.id, sample.id, value, findings)
            uow.commit()
    for value, findings, wrong in (("D", "", {"grade"}), ("B", "", {"findings"}), ("C", " ", {"findings"})):
        with pytest.raises(ValidationFailed) as caught:
            grade(first, value, findings)
        assert set(caught.value.fields) == wrong
    grade(first, "a")
    grade(second, "C", "检查表与现场不符")
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="visit_quality_c")}
    assert told == {people.project_lead.id, people.inspector.id, wang.id}
    grade(second, "C", "检查表与现场不符，照片缺失")  # still C: not told again
    assert db.session.query(Notification).filter_by(kind="visit_quality_c").count() == 3
    db.session.expire_all()
    summary = visit_quality.summary(db.session.get(VisitQualityRound, round_.id))
    assert summary["grades"] == {"A": 1, "B": 0, "C": 1} and summary["reviewed"] == 2
    assert dict(summary["inspectors"]) == {"inspector": {"A": 1, "B": 0, "C": 1, "total": 2},
                                           "王五": {"A": 0, "B": 0, "C": 1, "total": 1}}
    event = db.session.query(AuditEvent).filter_by(action="visit_quality_reviewed") \
        .order_by(AuditEvent.id.desc()).first()
    assert event.changes == {"findings": ["检查表与现场不符", "检查表与现场不符，照片缺失"]}


def test_the_pages_the_csv_and_who(people, login, make_user):
    make_user("tech", "technical_lead")
    today = clock.local_now().date()
    for row in visits(people, 3, today):
        released(row)
    quality_user = login("quality")
    for who in ("inspector", "ent_a", "project_team"):
        assert login(who).get("/quality/visits").status_code == 403, who
    for who in ("project_lead", "tech", "manager", "bureau", "admin"):
        page = login(who).get("/quality/visits")
        assert page.status_code == 200 and 'action="/quality/visits/rounds"' not in text(page), who
    assert login("project_lead").post("/quality/visits/rounds", data={"start": today.isoformat(),
                                                                       "end": today.isoformat()}).status_code == 403
    bad = quality_user.post("/quality/visits/rounds", data={"start": "2026-13-01", "end": today.isoformat(),
                                                             "percent": "10"})
    body = text(bad)
    assert bad.status_code == 400 and 'id="err-start"' in body and 'id="err-percent"' in body
    assert 'value="2026-13-01"' in body and 'value="10"' in body
    empty = quality_user.post("/quality/visits/rounds", data={"start": "2020-01-01", "end": "2020-01-31"})
    assert empty.status_code == 409
    made = quality_user.post("/quality/visits/rounds", data={"start": today.isoformat(), "end": today.isoformat(),
                                                              "percent": "15"})
    assert made.status_code == 302
    round_ = db.session.query(VisitQualityRound).one()
    sample = round_.samples[0]
    url = f"/quality/visits/rounds/{round_.id}"
    page = text(quality_user.get(url))
    assert 'data-field="progress">0 / 1' in page and "按种子重抽结果一致" in page
    refused = quality_user.post(f"{url}/samples/{sample.id}", data={"grade": "B", "findings": ""})
    assert refused.status_code == 400 and "评为 B 或 C 时请写明发现的问题" in text(refused)
    assert 'value="B" checked' in text(refused)
    assert login("project_lead").post(f"{url}/samples/{sample.id}", data={"grade": "A"}).status_code == 403
    assert quality_user.post(f"{url}/samples/999999", data={"grade": "A"}).status_code == 404
    assert quality_user.post(f"{url}/samples/{sample.id}", data={"grade": "B", "findings": "台账不全"}).status_code == 302
    page = text(login("project_lead").get(url))
    assert 'data-field="progress">1 / 1' in page and 'data-inspector="inspector"' in page
    rows = csv_rows(login("manager").get(f"/quality/visits/rounds/{round_.id}.csv"))
    assert rows[1][0] == str(sample.visit_id) and rows[1][4:6] == ["B", "台账不全"]
    assert login("inspector").get(f"/quality/visits/rounds/{round_.id}.csv").status_code == 403
    assert login("quality").get("/quality/visits/rounds/999999").status_code == 404


def test_closed_case_samples_take_a_grade(people):
    case_id = register(people)
    from app.models import HazardCase
    case = db.session.get(HazardCase, case_id)
    case.status, case.closed_at = "closed", clock.now()
    db.session.commit()
    with UnitOfWork() as uow:
        round_ = quality.start_round(uow, people.quality, date(2000, 1, 1), clock.local_now().date())
        uow.commit()
        round_id, sample_id = round_.id, round_.samples[0].id
    with pytest.raises(ValidationFailed) as caught, UnitOfWork() as uow:
        quality.review(uow, people.quality, round_id, sample_id, "problem", "照片不清", "A")
    assert set(caught.value.fields) == {"grade"}
    with UnitOfWork() as uow:
        quality.review(uow, people.quality, round_id, sample_id, "problem", "照片不清", "c")
        uow.commit()
    assert db.session.get(QualitySample, sample_id).grade == "C"
    assert db.session.get(QualityRound, round_id).samples[0].grade == "C"
