"""The bureau's acceptance spot checks (局方抽查验收) of the contractor's results: the bureau draws a share (at least
5 %) of the cases closed in a period, reviews them itself, within 20 working days; the contractor's quality
supervisor keeps its own rounds and may not review the bureau's (nor the bureau the contractor's)."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import QualityRound
from app.services import quality
from app.services.uow import UnitOfWork
from tests.test_quality import closed_in_november  # noqa: F401
from tests.test_web_support import text


def start(user, kind, percent):
    with UnitOfWork() as uow:
        round_ = quality.start_round(uow, user, date(2026, 11, 1), date(2026, 11, 30), percent, kind)
        uow.commit()
        return round_.id


def review(user, round_id, sample_id, result="confirmed", opinion=""):
    with UnitOfWork() as uow:
        quality.review(uow, user, round_id, sample_id, result, opinion)
        uow.commit()


def test_the_bureau_draws_a_share_due_in_twenty_working_days(people, closed_in_november):
    round_id = start(people.bureau, "acceptance", 5)  # Wednesday 2026-12-02
    row = db.session.get(QualityRound, round_id)
    assert row.kind == "acceptance" and len(row.samples) == 1  # 5 % of 10, at least one
    assert row.due_at.astimezone(SHANGHAI) == datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI)  # 20 working days
    with pytest.raises(ValidationFailed):
        start(people.bureau, "acceptance", 4)
    with pytest.raises(NotAllowed):
        start(people.quality, "acceptance", 20)
    with pytest.raises(NotAllowed):
        start(people.bureau, "internal", 20)
    internal = start(people.quality, "internal", 15)
    assert db.session.get(QualityRound, internal).due_at is None


def test_each_kind_is_reviewed_by_its_own_role(people, closed_in_november):
    acceptance = db.session.get(QualityRound, start(people.bureau, "acceptance", 10))
    internal = db.session.get(QualityRound, start(people.quality, "internal", 15))
    with pytest.raises(NotAllowed):
        review(people.quality, acceptance.id, acceptance.samples[0].id)
    with pytest.raises(NotAllowed):
        review(people.bureau, internal.id, internal.samples[0].id)
    review(people.bureau, acceptance.id, acceptance.samples[0].id, "problem", "照片与现场不符")
    review(people.quality, internal.id, internal.samples[0].id)


def test_the_pages(people, login, closed_in_november):
    bureau = login("bureau")
    page = text(bureau.get("/quality"))
    assert 'name="kind" value="acceptance"' in page and 'value="5"' in page
    done = bureau.post("/quality/rounds", data={"kind": "acceptance", "start": "2026-11-01", "end": "2026-11-30",
                                                "percent": "10"})
    assert done.status_code == 302
    round_page = text(bureau.get(done.headers["Location"]))
    assert "局方抽查验收" in round_page and "2026-12-30" in round_page and 'name="result"' in round_page
    assert 'name="result"' not in text(login("quality").get(done.headers["Location"]))  # reads, not reviews
    bad = bureau.post("/quality/rounds", data={"kind": "acceptance", "start": "2026-11-01", "end": "2026-11-30",
                                               "percent": "3"})
    assert bad.status_code == 400 and "5 到 100" in text(bad)
    assert "局方抽查验收" in text(login("manager").get("/quality"))
    assert login("project_lead").get("/quality").status_code == 403
    assert bureau.get(done.headers["Location"] + "/report.pdf").status_code == 200
