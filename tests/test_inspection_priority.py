"""Accident records (services/accidents.py) and the inspection priority list (services/inspection_priority.py):
the rules, the pages /supervision/priorities and the accident section of /supervision/enterprises/<id>."""
from datetime import date, timedelta

import pytest

from app.clock import clock
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AccidentRecord, AuditEvent
from app.services import accidents, inspection_priority
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import register
from tests.test_sla_service import overdue_case
from tests.test_web_support import csv_rows, text


def record(actor, enterprise, **fields):
    with UnitOfWork() as uow:
        row = accidents.add(uow, actor, enterprise.id, **{"occurred_on": "2025-06-01", "level": "一般", **fields})
        uow.commit()
        return row


def listed(**filters):
    return {p.enterprise.name: [r.code for r in p.reasons]
            for p in inspection_priority.priority_list(db.session, **filters)}


def test_an_accident_in_the_last_three_years_lists_the_enterprise(people):
    today = clock.local_now().date()
    record(people.bureau, people.enterprise_a, occurred_on=today.replace(year=today.year - 4).isoformat())
    assert listed() == {}  # four years ago: history, not a reason
    record(people.bureau, people.enterprise_a, occurred_on=(today - timedelta(days=400)).isoformat(),
           level="较大事故", accident_type="高处坠落", deaths="1", injuries="2", direct_loss="150.5")
    rows = inspection_priority.priority_list(db.session)
    assert [(p.enterprise.name, [(r.code, r.count) for r in p.reasons]) for p in rows] == \
        [("甲化工有限公司", [("accident", 1)])]
    stored = db.session.query(AccidentRecord).order_by(AccidentRecord.id).all()[-1]
    assert (stored.level, stored.deaths, str(stored.direct_loss), stored.recorded_by) == \
        ("larger", 1, "150.50", "bureau")
    audit = db.session.query(AuditEvent).filter_by(action="accident_recorded").order_by(AuditEvent.id).all()
    assert len(audit) == 2 and audit[-1].changes["direct_loss"] == [None, "150.50"]


def test_each_rule_gives_its_reason_and_the_most_reasons_come_first(people, make_enterprise):
    a, b = people.enterprise_a, people.enterprise_b
    c = make_enterprise("丙仓储公司", industry="仓储")
    a.major_hazard_sources = "液氨储罐 1 座（三级）"
    b.major_hazard_sources = "无"  # said in words: none
    c.trial_operation_until = clock.local_now().date() + timedelta(days=30)
    db.session.commit()
    register(people, score=60)  # an open 重大 hazard at enterprise A
    assert listed() == {"甲化工有限公司": ["major_hazard_source", "open_major_hazard"],
                        "丙仓储公司": ["trial_operation"]}
    assert list(listed()) == ["甲化工有限公司", "丙仓储公司"]
    assert listed(reason="trial_operation") == {"丙仓储公司": ["trial_operation"]}
    assert listed(industry="化工", township="城关镇") == {"甲化工有限公司": ["major_hazard_source", "open_major_hazard"]}
    c.trial_operation_until = clock.local_now().date() - timedelta(days=1)
    db.session.commit()
    assert "丙仓储公司" not in listed()


def test_two_missed_rectification_deadlines_list_the_enterprise(people):
    overdue_case(people)
    assert listed() == {}
    overdue_case(people)
    assert listed() == {"甲化工有限公司": ["repeated_overdue"]}


@pytest.mark.parametrize("fields, wrong", [
    ({"occurred_on": ""}, "occurred_on"),
    ({"occurred_on": "2025-02-30"}, "occurred_on"),
    ({"occurred_on": "2099-01-01"}, "occurred_on"),
    ({"level": "小事故"}, "level"),
    ({"deaths": "-1"}, "deaths"),
    ({"injuries": "两"}, "injuries"),
    ({"direct_loss": "很多"}, "direct_loss"),
    ({"direct_loss": "-3"}, "direct_loss"),
    ({"direct_loss": "9999999999.999"}, "direct_loss"),  # rounds up past what the column holds
    ({"direct_loss": "1e30"}, "direct_loss"),
    ({"direct_loss": "NaN"}, "direct_loss"),
    ({"accident_type": "x" * 51}, "accident_type"),
])
def test_bad_accident_fields_are_named(people, fields, wrong):
    with pytest.raises(ValidationFailed) as caught:
        record(people.bureau, people.enterprise_a, **fields)
    assert set(caught.value.fields) == {wrong}
    assert db.session.query(AccidentRecord).count() == 0


def test_only_the_bureau_and_admins_record_and_removal_needs_a_reason(people):
    with pytest.raises(NotAllowed):
        record(people.project_lead, people.enterprise_a)
    row = record(people.admin, people.enterprise_a, occurred_on="2025/6/1", level="major")
    assert row.occurred_on == date(2025, 6, 1)
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):
        accidents.remove(uow, people.bureau, people.enterprise_a.id, row.id, " ")
    with UnitOfWork() as uow:
        accidents.remove(uow, people.bureau, people.enterprise_a.id, row.id, "录入错误")
        uow.commit()
    assert db.session.query(AccidentRecord).count() == 0
    removed = db.session.query(AuditEvent).filter_by(action="accident_removed").one()
    assert removed.reason == "录入错误" and removed.changes["level"] == ["major", None]


# ---- the pages ----------------------------------------------------------------------------------------------
def test_the_bureau_records_an_accident_on_the_enterprise_page_and_it_shows_on_the_list(people, login):
    bureau, enterprise = login("bureau"), people.enterprise_a
    page_url = f"/supervision/enterprises/{enterprise.id}"
    bad = bureau.post(f"{page_url}/accidents", data={"occurred_on": "", "level": "larger", "summary": "留着"})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-occurred_on"' in page and "留着" in page
    assert 'value="larger" selected' in page
    done = bureau.post(f"{page_url}/accidents", data={"occurred_on": "2025-06-01", "level": "larger",
                                                      "accident_type": "中毒和窒息", "deaths": "1"})
    assert done.status_code == 302
    page = text(bureau.get(page_url))
    assert "较大事故" in page and "中毒和窒息" in page and "已登记事故记录" in page

    listing = text(login("inspector").get("/supervision/priorities"))
    assert enterprise.name in listing and "近三年发生生产安全事故（1 起，最近 2025-06-01）" in listing
    assert people.enterprise_b.name not in listing
    rows = csv_rows(login("inspector").get("/supervision/priorities.csv"))
    assert rows[0][0] == "企业名称" and rows[1][0] == enterprise.name and "近三年发生生产安全事故" in rows[1][4]
    assert login("manager").get("/supervision/priorities.xlsx").status_code == 200

    accident = db.session.query(AccidentRecord).one()
    gone = bureau.post(f"{page_url}/accidents/{accident.id}/remove", data={"reason": "重复登记"})
    assert gone.status_code == 302 and db.session.query(AccidentRecord).count() == 0


def test_who_may_see_and_edit(people, login):
    enterprise = people.enterprise_a
    row = record(people.bureau, enterprise)
    for who in ("ent_a", "project_team"):
        assert login(who).get("/supervision/priorities").status_code == 403
        assert login(who).get("/supervision/priorities.csv").status_code == 403
    lead = login("project_lead")  # sees the enterprise page and its accidents, may not change them
    page = text(lead.get(f"/supervision/enterprises/{enterprise.id}"))
    assert "一般事故" in page and "登记事故记录" not in page
    assert lead.post(f"/supervision/enterprises/{enterprise.id}/accidents",
                     data={"occurred_on": "2025-01-01", "level": "general"}).status_code == 403
    assert lead.post(f"/supervision/enterprises/{enterprise.id}/accidents/{row.id}/remove",
                     data={"reason": "x"}).status_code == 403
    other = people.enterprise_b.id  # a record is removed only through its own enterprise
    assert login("bureau").post(f"/supervision/enterprises/{other}/accidents/{row.id}/remove",
                                data={"reason": "x"}).status_code == 404
    assert db.session.query(AccidentRecord).count() == 1


def test_the_demo_data_fills_the_list(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    assert listed() == {"华东精细化工有限公司": ["major_hazard_source", "risk_tags", "open_major_hazard"],
                        "绿源食品有限公司": ["accident", "major_hazard_source", "risk_tags"],
                        "新城机械制造厂": ["risk_tags", "trial_operation"]}


# ---- importing the history ----------------------------------------------------------------------------------
def test_cli_imports_the_accident_history_once(app, people, tmp_path):
    code = people.enterprise_a.credit_code
    path = tmp_path / "事故.csv"
    path.write_text("统一社会信用代码,事故日期,事故等级,事故类别,死亡人数,直接经济损失（万元）\n"
                    f"{code},2025/3/9,较大,高处坠落,3,210\n{code},2021-01-05,一般事故,物体打击,0,\n",
                    encoding="utf-8-sig")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["accidents", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "2 to add" in dry.output and db.session.query(AccidentRecord).count() == 0
    done = runner.invoke(args=["accidents", "import", str(path)])
    assert done.exit_code == 0 and "2 added" in done.output
    assert sorted((a.occurred_on.isoformat(), a.level, a.deaths) for a in db.session.query(AccidentRecord)) == \
        [("2021-01-05", "general", 0), ("2025-03-09", "larger", 3)]
    again = runner.invoke(args=["accidents", "import", str(path)])
    assert again.exit_code == 0 and "0 added, 2 already on record" in again.output
    assert db.session.query(AuditEvent).filter_by(action="accidents_imported").count() == 2


def test_cli_accident_import_reports_every_bad_row_and_writes_nothing(app, people, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("统一社会信用代码,事故日期,事故等级\n"
                    f"{people.enterprise_a.credit_code},2025-01-01,一般\n"
                    "91330100MA9999999X,2025-01-01,一般\n"
                    f"{people.enterprise_a.credit_code},明年,不知道\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["accidents", "import", str(path)])
    assert result.exit_code == 1
    assert "line 3 (统一社会信用代码)" in result.output and "line 4 (事故日期)" in result.output \
        and "line 4 (事故等级)" in result.output
    assert db.session.query(AccidentRecord).count() == 0
    twice = tmp_path / "twice.csv"
    code = people.enterprise_a.credit_code
    twice.write_text(f"统一社会信用代码,事故日期,事故等级,事故类别\n{code},2025-01-01,一般,坍塌\n{code},2025-1-1,一般事故,坍塌\n",
                     encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["accidents", "import", str(twice)])
    assert result.exit_code == 1 and "line 3 (事故日期)" in result.output and "line 2" in result.output
    assert db.session.query(AccidentRecord).count() == 0
    missing = tmp_path / "missing.csv"
    missing.write_text("企业,日期\nx,y\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["accidents", "import", str(missing)])
    assert result.exit_code == 2 and "统一社会信用代码" in result.output


def test_accident_changes_read_in_words_in_the_enterprise_history_and_the_audit_log(people, login):
    record(people.bureau, people.enterprise_a, level="major", accident_type="火灾", direct_loss="12")
    page = text(login("admin").get(f"/admin/enterprises/{people.enterprise_a.id}"))
    history = page[page.index('id="history"'):]
    assert "登记事故记录" in history and "事故等级" in history and "重大事故" in history
    assert "直接经济损失（万元）" in history and "occurred_on" not in history
    log = text(login("manager").get("/audit?scope=system"))
    assert "事故等级" in log and "重大事故" in log


def test_anonymous_is_sent_to_log_in_and_other_roles_refused_on_every_list(client, people, login):
    for path in ("/supervision/priorities", "/supervision/priorities.xlsx", "/supervision/regions",
                 "/supervision/regions.csv"):
        assert client.get(path).status_code == 302
        assert login("ent_a").get(path).status_code == 403
        assert login("inspector").get(path).status_code == 200
