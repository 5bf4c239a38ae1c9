"""The annual credit evaluation (services/credit.py, credit_years.py): every kind of credit-record entry the code
writes has its points; points and grades computed by hand from entries written by the real features (an interview
after a supervision check, a referral to enforcement, a penalty decision) and monthly cooperation scores; the year
in Shanghai time; the bureau's confirmation freezing a closed year (Conflict before the year's end and again); the
grade's history."""
import ast
import pathlib

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed
from app.extensions import db
from app.models import CREDIT_RECORD_KINDS, AuditEvent, CreditEvaluation, CreditYear, HazardCase
from app.services import credit, credit_years, sla
from app.services.uow import UnitOfWork
from tests.credit_support import at, confirm, entry, months, shanghai
from tests.enforcement_support import decided
from tests.test_rectification_checks import check, rectifying

APP = pathlib.Path(__file__).resolve().parent.parent / "app"


def written_kinds():
    """{kind: [file:line]} of every CreditRecord(...) the application constructs; a kind that is not a constant
    fails, so a new writer cannot slip past the points table."""
    found = {}
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None) and getattr(node.func, "id", getattr(node.func, "attr", None))
            if isinstance(node, ast.Call) and name == "CreditRecord":
                (kind,) = [k.value for k in node.keywords if k.arg == "kind"]
                assert isinstance(kind, ast.Constant), f"{path}:{node.lineno}: the kind must be a constant"
                found.setdefault(kind.value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_every_kind_the_code_writes_has_points_and_a_name():
    kinds = written_kinds()
    assert set(kinds) >= {"enforcement_referral", "interview", "enforcement_penalty"}
    assert set(kinds) <= set(credit.CREDIT_POINTS), set(kinds) - set(credit.CREDIT_POINTS)
    assert set(kinds) <= set(CREDIT_RECORD_KINDS)
    assert set(credit.CREDIT_POINTS) == set(CREDIT_RECORD_KINDS)
    assert credit.CREDIT_POINTS == {"enforcement_referral": -10, "interview": -5, "enforcement_penalty": -15}


def test_the_grade_thresholds_and_the_score_s_bounds():
    assert [credit.grade_of(s) for s in (100, 90, 89.9, 75, 74.9, 60, 59.9, 0)] == \
        ["A", "A", "B", "B", "C", "C", "D", "D"]
    assert credit.cooperation_points(None) == 0 and credit.cooperation_points(60) == 0
    assert credit.cooperation_points(100) == 10 and credit.cooperation_points(0) == -15
    assert credit.score_of(0, 0, 100) == 100  # 110 kept at 100
    assert credit.score_of(120, 0, 40) == 0  # −25 kept at 0


def referred(people):
    """A case of enterprise A referred to enforcement (services/sla.py, as the timer after the grace period does)."""
    case_id = rectifying(people)
    with UnitOfWork() as uow:
        sla.refer_to_enforcement(uow, uow.session.get(HazardCase, case_id), 1)
        uow.commit()


def test_points_and_grade_from_the_real_writers(people):
    case_id = rectifying(people)
    check(people.supervision, case_id, conclusion="interview", progress=10, findings="两次督导均无进展")  # −5
    referred(people)  # −10
    decided(people)  # a fine: −15; the clock is then 2026-11-30
    months(people.enterprise_a, 2026, {9: 80, 10: 84, 11: 88})  # average 84: 0.25 × 24 = +6
    months(people.enterprise_b, 2026, {10: 40, 11: 48})  # average 44: 0.25 × −16 = −4
    _confirmed, rows = credit_years.listing(db.session, people.manager, 2026)
    by_name = {row.enterprise.name: row for row in rows}
    a, b = by_name["甲化工有限公司"], by_name["乙机械制造厂"]
    assert sorted(r["kind"] for r in a.records) == ["enforcement_penalty", "enforcement_referral", "interview"]
    assert sorted(r["points"] for r in a.records) == [-15, -10, -5]
    assert (a.deductions, a.cooperation_average, a.cooperation_months, a.cooperation_points) == (30, 84, 3, 6)
    assert (a.score, a.grade) == (76, "B")  # 100 − 30 + 6
    assert (b.deductions, b.cooperation_average, b.cooperation_points, b.score, b.grade) == (0, 44, -4, 96, "A")
    assert [row.enterprise.name for row in rows] == ["乙机械制造厂", "甲化工有限公司"]  # the best score first


def test_an_enterprise_with_no_month_scored_keeps_its_base(people):
    entry(people.enterprise_a, "interview", shanghai(2026, 3, 1, 10))
    row = credit_years.of_enterprise(db.session, people.bureau, people.enterprise_a.id, 2026)
    assert (row.cooperation_average, row.cooperation_points, row.score, row.grade) == (None, 0, 95, "A")


def test_the_year_is_the_shanghai_calendar_year(people):
    a = people.enterprise_a
    entry(a, "enforcement_referral", shanghai(2025, 12, 31, 23, 59, 59))  # 2025
    entry(a, "interview", shanghai(2026, 1, 1, 0, 0, 0))  # 2026 (2025-12-31 16:00 UTC)
    entry(a, "enforcement_penalty", shanghai(2026, 12, 31, 23, 59, 59))  # 2026
    entry(a, "interview", shanghai(2027, 1, 1, 0, 0, 0))  # 2027 (2026-12-31 16:00 UTC)
    months(a, 2025, {12: 70})
    months(a, 2026, {1: 64, 12: 72})
    months(a, 2027, {1: 100})
    at(2027, 1, 1, 0, 0, 1)

    def of(year):
        row = credit_years.of_enterprise(db.session, people.ent_a, a.id, year)
        return row.deductions, sorted(row.months), row.score

    assert of(2025) == (10, ["2025-12"], 92.5)  # 100 − 10 + 0.25 × 10
    assert of(2026) == (20, ["2026-01", "2026-12"], 82)  # 100 − 5 − 15 + 0.25 × 8
    assert of(2027) == (5, ["2027-01"], 100)  # 100 − 5 + 10


def test_a_year_is_confirmed_once_after_it_ends(people, make_enterprise):
    entry(people.enterprise_a, "interview", shanghai(2026, 6, 1, 10))
    months(people.enterprise_a, 2026, {6: 100})
    at(2026, 12, 31, 23, 59, 59)
    with pytest.raises(Conflict, match="not over"):
        confirm(people.bureau, 2026)
    at(2027, 1, 1, 0, 0, 0)
    with pytest.raises(NotAllowed):
        confirm(people.manager, 2026)
    confirm(people.bureau, 2026)
    with pytest.raises(Conflict, match="confirmed already"):
        confirm(people.bureau, 2026)
    stored = db.session.query(CreditEvaluation).filter_by(year=2026, enterprise_id=people.enterprise_a.id).one()
    assert (stored.deductions, stored.cooperation_average, stored.score, stored.grade) == (5, 100, 100, "A")
    assert [r["kind"] for r in stored.records] == ["interview"] and stored.months == {"2026-06": 100}
    year = db.session.get(CreditYear, 2026)
    assert year.confirmed_by_id == people.bureau.id and year.rules["points"]["interview"] == -5
    event = db.session.query(AuditEvent).filter_by(action="credit_year_confirmed").one()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("credit_year", 2026, people.bureau.id)
    assert event.details["enterprises"] == 2 and event.details["grades"] == {"A": 2, "B": 0, "C": 0, "D": 0}
    assert event.changes == {"confirmed": [False, True]}

    # frozen: a late entry of 2026, a new month's score and a new enterprise change nothing of 2026
    entry(people.enterprise_a, "enforcement_penalty", shanghai(2026, 12, 20, 10))
    months(people.enterprise_a, 2026, {7: 0})
    late = make_enterprise("丙新登记企业")
    row = credit_years.of_enterprise(db.session, people.bureau, people.enterprise_a.id, 2026)
    assert row.confirmed and (row.deductions, row.score) == (5, 100)
    assert credit_years.of_enterprise(db.session, people.bureau, late.id, 2026) is None
    assert credit_years.of_enterprise(db.session, people.bureau, late.id, 2027).confirmed is False


def test_the_history_holds_confirmed_years_and_the_provisional_ones(people):
    entry(people.enterprise_b, "enforcement_penalty", shanghai(2025, 5, 1, 10))
    entry(people.enterprise_b, "enforcement_referral", shanghai(2026, 5, 1, 10))
    entry(people.enterprise_b, "interview", shanghai(2026, 6, 1, 10))
    at(2026, 11, 30)
    history = credit_years.history(db.session, people.ent_b, people.enterprise_b.id)
    assert [(h.year, h.score, h.confirmed) for h in history] == [(2026, 85, False), (2025, 85, False)]
    clock.set(shanghai(2027, 1, 2, 9))
    confirm(people.bureau, 2026)
    history = credit_years.history(db.session, people.ent_b, people.enterprise_b.id)
    assert [(h.year, h.grade, h.confirmed) for h in history] == [(2027, "A", False), (2026, "B", True)]
