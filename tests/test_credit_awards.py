"""The annual 最佳配合企业 list (services/credit_awards.py) from the outside where it matters: who is proposed (no
deduction in the year, enough months scored, the best averages; ties share a place and a tie at the last place
lengthens the list), the bureau's confirmation after the grades (409 before and again; a note too long is 400),
the notice to every enterprise, the audit row, the page and the PDF for each kind of reader."""
import pytest

from app.extensions import db
from app.models import AuditEvent, BureauNotice, BureauNoticeRecipient, CreditEvaluation
from app.services import credit_awards
from tests import test_township_role
from tests.credit_support import at, confirm, confirm_award, entry, months, shanghai
from tests.test_web_support import text

area = test_township_role.area  # the fixture: A in 城关镇, B in 南湖镇, the township offices

SIX = (1, 2, 3, 4, 5, 6)


def scored(enterprise, *scores, year=2026):
    months(enterprise, year, dict(zip(range(1, len(scores) + 1), scores)))


@pytest.fixture
def field(people, make_enterprise, monkeypatch):
    """Four places: 甲 and 乙 tie first (95), 丙 95 too but with an interview, 丁 99 over five months only, 戊 and 己
    tie third (90), 庚 fifth (85). The clock in January 2027."""
    monkeypatch.setattr(credit_awards, "AWARD_SIZE", 4)
    a, b = people.enterprise_a, people.enterprise_b
    c, d, e, f, g = (make_enterprise(n) for n in ("丙企业", "丁企业", "戊企业", "己企业", "庚企业"))
    scored(a, 90, 100, 95, 95, 95, 95)
    scored(b, 95, 95, 95, 95, 95, 95)
    scored(c, 95, 95, 95, 95, 95, 95)
    entry(c, "interview", shanghai(2026, 12, 31, 23, 0))
    entry(b, "interview", shanghai(2027, 1, 1, 0, 30))  # next year's: 乙 stays in
    scored(d, 99, 99, 99, 99, 99)
    scored(e, 90, 90, 90, 90, 90, 90, 90)
    scored(f, 80, 100, 90, 90, 90, 90)
    scored(g, 85, 85, 85, 85, 85, 85, 85, 85)
    at(2027, 1, 4)
    return people


def names(entries):
    return [(place, e.enterprise.name) for place, e in entries]


def test_the_proposal_follows_the_rules(field):
    awards = credit_awards.award_list(db.session, field.manager, 2026)
    assert not awards.confirmed and awards.visible
    assert names(awards.entries) == [(1, "乙机械制造厂"), (1, "甲化工有限公司"), (3, "己企业"), (3, "戊企业")]
    credit_awards.AWARD_SIZE = 3  # the tie at the last place (3rd) takes both; monkeypatch restores the size
    assert names(credit_awards.award_list(db.session, field.manager, 2026).entries) == names(awards.entries)
    credit_awards.AWARD_SIZE = 2
    assert len(credit_awards.award_list(db.session, field.manager, 2026).entries) == 2


def test_the_fifth_place_comes_in_when_the_list_has_room(field, monkeypatch):
    monkeypatch.setattr(credit_awards, "AWARD_SIZE", 10)
    entries = credit_awards.award_list(db.session, field.manager, 2026).entries
    assert names(entries)[-1] == (5, "庚企业")
    assert "丙企业" not in [n for _p, n in names(entries)] and "丁企业" not in [n for _p, n in names(entries)]


def test_the_bureau_confirms_after_the_grades_once(field, login):
    bureau = login("bureau")
    first = bureau.post("/credit/awards/2026/confirm", data={"note": "予以通报表扬"})
    assert first.status_code == 409 and "请先确认年度信用评价" in text(first)
    assert bureau.post("/credit/years/2026/confirm").status_code == 302
    assert login("manager").post("/credit/awards/2026/confirm", data={}).status_code == 403
    too_long = bureau.post("/credit/awards/2026/confirm", data={"note": "长" * 1001})
    assert too_long.status_code == 400 and 'id="err-note"' in text(too_long) and "长" * 1001 in text(too_long)
    assert bureau.post("/credit/awards/2026/confirm", data={"note": "予以通报表扬"}).status_code == 302
    again = bureau.post("/credit/awards/2026/confirm", data={"note": ""})
    assert again.status_code == 409 and "已确认" in text(again)

    places = {e.enterprise.name: e.award_place for e in db.session.query(CreditEvaluation).filter_by(year=2026)}
    assert places == {"甲化工有限公司": 1, "乙机械制造厂": 1, "戊企业": 3, "己企业": 3, "丙企业": None, "丁企业": None,
                      "庚企业": None}
    notice = db.session.query(BureauNotice).one()
    assert notice.status == "published" and notice.target_kind == "all" and "2026年度“最佳配合企业”名单" in notice.title
    assert "1. 乙机械制造厂" in notice.body and "予以通报表扬" in notice.body
    assert db.session.query(BureauNoticeRecipient).filter_by(notice_id=notice.id).count() == 7
    event = db.session.query(AuditEvent).filter_by(action="credit_award_confirmed").one()
    assert event.subject_id == 2026 and event.details["note"] == "予以通报表扬"
    assert [w["place"] for w in event.details["winners"]] == [1, 1, 3, 3]
    assert event.details["bureau_notice_id"] == notice.id


def test_the_year_must_be_over_and_well_formed(field, login):
    at(2026, 12, 31, 23, 59)
    assert login("bureau").post("/credit/awards/2026/confirm").status_code == 409
    assert login("bureau").post("/credit/awards/2030/confirm").status_code == 400
    assert login("bureau").get("/credit/awards?year=20x6").status_code == 400


@pytest.mark.usefixtures("area")
def test_who_sees_the_proposal_and_the_confirmed_list(field, login):
    for user in ("bureau", "manager", "project_lead", "quality", "admin"):
        page = text(login(user).get("/credit/awards?year=2026"))
        assert "系统拟定" in page and "甲化工有限公司" in page, user
    for user in ("ent_a", "town_a"):
        page = text(login(user).get("/credit/awards?year=2026"))
        assert "尚未确认" in page and "甲化工有限公司" not in page, user
        assert login(user).get("/credit/awards/2026.pdf").status_code == 404, user
    for user in ("inspector", "expert", "project_team"):
        assert login(user).get("/credit/awards").status_code == 403, user
    proposal = login("manager").get("/credit/awards/2026.pdf")
    assert proposal.status_code == 200 and proposal.data.startswith(b"%PDF")
    confirm(field.bureau, 2026)
    confirm_award(field.bureau, 2026, "通报表扬")
    for user in ("ent_b", "town_b"):
        page = text(login(user).get("/credit/awards?year=2026"))
        assert "已确认" in page and "乙机械制造厂" in page and "通报表扬" in page, user
        pdf = login(user).get("/credit/awards/2026.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert 'href="/credit/awards' in text(login("ent_a").get("/credit/enterprises/%d" % field.enterprise_a.id))
