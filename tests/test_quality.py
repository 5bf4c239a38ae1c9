"""Quality sampling (质量抽查): the quality supervisor draws at least 15 % of the cases closed in a period at
random (repeatably, from the round's seed), reviews each one; a problem goes to the bureau and the project leads;
the round's report is a PDF. Managers, the bureau and admins read; nobody else sees it."""
import math
import re
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification, QualityRound, QualitySample
from app.services import quality
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_web_support import text


def closed_case(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    return case_id


@pytest.fixture
def closed_in_november(people):
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    ids = [closed_case(people) for _ in range(10)]
    register(people)  # open: never sampled
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    return ids


def start(people, percent=15, start=date(2026, 11, 1), end=date(2026, 11, 30), user=None):
    with UnitOfWork() as uow:
        round_ = quality.start_round(uow, user or people.quality, start, end, percent)
        uow.commit()
        return round_.id


def test_a_round_draws_at_least_fifteen_percent_of_the_closed_cases_repeatably(people, closed_in_november):
    round_id = start(people)
    round_ = db.session.get(QualityRound, round_id)
    sampled = [s.case_id for s in round_.samples]
    assert round_.closed_count == 10 and len(sampled) == 2  # ceil(1.5)
    assert set(sampled) <= set(closed_in_november)
    assert quality.draw(sorted(closed_in_november), 15, round_.seed) == sorted(sampled)  # the seed repeats it
    assert len(db.session.get(QualityRound, start(people, percent=35)).samples) == math.ceil(3.5)
    assert db.session.query(AuditEvent).filter_by(action="quality_sampled").count() == 2 + 4


def test_bad_rounds_are_refused(people, closed_in_november):
    with pytest.raises(ValidationFailed):
        start(people, percent=10)
    with pytest.raises(ValidationFailed):
        start(people, start=date(2026, 11, 30), end=date(2026, 11, 1))
    with pytest.raises(Conflict):
        start(people, start=date(2026, 10, 1), end=date(2026, 10, 31))  # nothing closed then
    with pytest.raises(NotAllowed):
        start(people, user=people.manager)
    assert db.session.query(QualityRound).count() == 0


def test_reviewing_a_sample_and_reporting_a_problem(people, closed_in_november, login):
    round_id = start(people)
    first, second = db.session.get(QualityRound, round_id).samples
    reviewer = login("quality")
    response = reviewer.post(f"/quality/rounds/{round_id}/samples/{first.id}", data={"result": "problem", "opinion": ""})
    assert response.status_code == 400 and "发现问题时请写明问题" in text(response)
    assert reviewer.post(f"/quality/rounds/{round_id}/samples/{first.id}",
                         data={"result": "problem", "opinion": "整改照片与现场不符"}).status_code == 302
    assert reviewer.post(f"/quality/rounds/{round_id}/samples/{second.id}",
                         data={"result": "confirmed", "opinion": ""}).status_code == 302
    db.session.expire_all()
    assert (db.session.get(QualitySample, first.id).result, db.session.get(QualitySample, second.id).result) == \
        ("problem", "confirmed")
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="quality_problem")}
    assert told == {people.bureau.id, people.project_lead.id}
    history = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=first.case_id)]
    assert "quality_sampled" in history and "quality_reviewed" in history
    page = text(reviewer.get(f"/quality/rounds/{round_id}"))
    assert "整改照片与现场不符" in page and page.count("发现问题") >= 1
    assert f'href="/cases/{first.case_id}/verification.pdf"' in page  # the documents to review from
    assert reviewer.get(f"/cases/{first.case_id}/receipt.pdf").status_code == 200
    index = text(login("manager").get("/quality"))
    assert f'href="/quality/rounds/{round_id}"' in index and "2 / 2" in index
    report = login("bureau").get(f"/quality/rounds/{round_id}/report.pdf")
    assert report.status_code == 200 and report.get_data().startswith(b"%PDF-")


def test_the_start_form_keeps_what_was_typed_on_an_error(people, closed_in_november, login):
    reviewer = login("quality")
    response = reviewer.post("/quality/rounds", data={"start": "2026-11-01", "end": "2026-11-30", "percent": "5"})
    assert response.status_code == 400 and 'id="err-percent"' in text(response) and 'value="5"' in text(response)
    response = reviewer.post("/quality/rounds", data={"start": "2026-10-01", "end": "2026-10-31", "percent": "15"})
    assert response.status_code == 409 and "该期间没有已销号的案件" in text(response)
    response = reviewer.post("/quality/rounds", data={"start": "2026-11-01", "end": "2026-11-30", "percent": "20"})
    assert response.status_code == 302
    round_id = int(re.search(r"/quality/rounds/(\d+)", response.headers["Location"]).group(1))
    assert len(db.session.get(QualityRound, round_id).samples) == 2


@pytest.mark.parametrize("role", ["inspector", "ent_a", "project_lead", "expert"])
def test_other_roles_see_nothing(people, closed_in_november, login, role):
    round_id = start(people)
    sample = db.session.get(QualityRound, round_id).samples[0]
    user = login(role)
    for path in ("/quality", f"/quality/rounds/{round_id}", f"/quality/rounds/{round_id}/report.pdf"):
        assert user.get(path).status_code == 403, path
    assert user.post(f"/quality/rounds/{round_id}/samples/{sample.id}", data={"result": "confirmed"}).status_code == 403
    assert user.post("/quality/rounds", data={"start": "2026-11-01", "end": "2026-11-30", "percent": "15"}).status_code == 403
    assert 'href="/quality"' not in text(user.get("/"))


def test_readers_cannot_review_or_start(people, closed_in_november, login):
    round_id = start(people)
    sample = db.session.get(QualityRound, round_id).samples[0]
    manager = login("manager")
    assert manager.get(f"/quality/rounds/{round_id}").status_code == 200
    assert manager.post(f"/quality/rounds/{round_id}/samples/{sample.id}", data={"result": "confirmed"}).status_code == 403
    assert manager.post("/quality/rounds", data={"start": "2026-11-01", "end": "2026-11-30"}).status_code == 403
    assert login("quality").post(f"/quality/rounds/{round_id + 1}/samples/{sample.id}",
                                 data={"result": "confirmed"}).status_code == 404
    assert case_row(sample.case_id).status == "closed"
