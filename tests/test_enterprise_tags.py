"""The enterprises' risk tags (企业风险标签: 两重点一重大, 涉氨制冷, 粉尘涉爆 …): set in the admin form (bad input back
beside its field, input kept) and in the spreadsheet import, written by the export; used as a campaign's target rule,
a reason and a filter of the priority list, a statistics group on /reports with each tag's coverage, all filtered in
SQL (a join table, the same on SQLite and PostgreSQL)."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Enterprise
from app.services import campaigns, inspection_priority, reports, user_admin
from app.services.uow import UnitOfWork
from tests.campaign_support import make_campaign, start, visit
from tests.test_enterprise_import import csv_bytes, plan, run_import
from tests.test_lifecycle_service import register
from tests.test_web_admin_people import ENTERPRISE, post_form
from tests.test_web_support import csv_rows, text


def tag(enterprise, *codes):
    enterprise.tags = list(codes)
    db.session.commit()


def test_the_admin_form_sets_tags_and_audits_them(people, login):
    admin = login("admin")
    enterprise_id = people.enterprise_a.id
    url = f"/admin/enterprises/{enterprise_id}"
    current = {k: ("" if v is None else str(v)) for k, v in {
        name: getattr(people.enterprise_a, name) for name in ENTERPRISE if name != "credit_code"}.items()}
    data = dict(current, credit_code=people.enterprise_a.credit_code, tags=["combustible_dust", "confined_space"])
    done = post_form(admin, url, data)
    assert done.status_code == 302, text(done)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise_id).tags == ["combustible_dust", "confined_space"]
    event = db.session.query(AuditEvent).filter_by(action="enterprise_updated").one()
    assert event.changes["tags"] == [[], ["combustible_dust", "confined_space"]]
    page = text(admin.get(url))
    assert "粉尘涉爆、有限空间作业" in page  # the history names them
    bad = post_form(admin, url, dict(data, tags=["combustible_dust", "bogus"], address="新地址 9 号"))
    assert bad.status_code == 400 and 'id="err-tags"' in text(bad) and 'value="新地址 9 号"' in text(bad)
    assert 'value="combustible_dust" checked' in text(bad)
    done = post_form(admin, url, dict(data, tags=[]))  # none ticked: none
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise_id).tags == []
    assert people.enterprise_a.name in text(admin.get("/admin/enterprises"))
    tag(db.session.get(Enterprise, enterprise_id), "crowded_place")
    listed = text(admin.get("/admin/enterprises?tag=crowded_place"))
    assert people.enterprise_a.name in listed and people.enterprise_b.name not in listed


def test_the_import_reads_tags_by_name_and_the_export_writes_them(people, login):
    header = ["企业名称", "统一社会信用代码", "风险标签"]
    a, b = people.enterprise_a, people.enterprise_b
    result = run_import(people.admin, "tags.csv", csv_bytes([
        header, [a.name, a.credit_code, "涉氨制冷、有限空间；两重点一重大"], [b.name, b.credit_code, ""]]))
    assert [r.action for r in result.rows] == ["update", "unchanged"]  # an empty cell leaves the tags
    db.session.expire_all()
    assert db.session.get(Enterprise, a.id).tags == ["two_key_one_major", "ammonia_refrigeration", "confined_space"]
    wrong = plan("bad.csv", csv_bytes([header, [b.name, b.credit_code, "涉氨制冷、危险场所"]]))
    (row,) = wrong.errors
    assert "危险场所" in row.errors["tags"]
    rows = csv_rows(login("admin").get("/admin/enterprises/export.csv"))
    column = rows[0].index("风险标签")
    assert {r[0]: r[column] for r in rows[1:]}[a.name] == "两重点一重大、涉氨制冷、有限空间作业"


def test_a_campaign_targets_enterprises_with_any_of_its_tags(people, make_enterprise):
    cold_store = make_enterprise("丙冷库", industry="仓储")
    tag(people.enterprise_a, "ammonia_refrigeration", "hazardous_chemicals")
    tag(cold_store, "ammonia_refrigeration")
    tag(people.enterprise_b, "combustible_dust")
    campaign_id = make_campaign(people.bureau, target_industries=[],
                                target_tags=["ammonia_refrigeration", "combustible_dust"])
    start(people.bureau, campaign_id)
    assert campaigns.target_ids(db.session, campaign_id) == {people.enterprise_a.id, cold_store.id,
                                                             people.enterprise_b.id}
    both = make_campaign(people.bureau, target_industries=["化工"], target_tags=["ammonia_refrigeration"])
    start(people.bureau, both)  # AND with the industry
    assert campaigns.target_ids(db.session, both) == {people.enterprise_a.id}
    with pytest.raises(ValidationFailed) as exc:
        make_campaign(people.bureau, target_tags=["nonsense"])
    assert set(exc.value.fields) == {"target_tags"}


def test_the_campaign_form_offers_the_tags(people, login):
    page = text(login("bureau").get("/campaigns/new"))
    assert 'name="target_tags" value="ammonia_refrigeration"' in page


def test_tags_are_a_reason_and_a_filter_of_the_priority_list(people, login, make_enterprise):
    quiet = make_enterprise("丁商场", industry="商贸")
    tag(quiet, "crowded_place", "special_equipment")
    tag(people.enterprise_b, "confined_space")
    listed = {p.enterprise.name: p for p in inspection_priority.priority_list(db.session)}
    (reason,) = [r for r in listed["丁商场"].reasons]
    assert reason.code == "risk_tags" and reason.tags == ["crowded_place", "special_equipment"]
    only = inspection_priority.priority_list(db.session, tag="confined_space")
    assert [p.enterprise.name for p in only] == ["乙机械制造厂"]
    assert [p.enterprise.name for p in inspection_priority.priority_list(db.session, reason="risk_tags")] == [
        "丁商场", "乙机械制造厂"]
    page = text(login("bureau").get("/supervision/priorities?tag=crowded_place"))
    assert "丁商场" in page and "乙机械制造厂" not in page and "重点监管类别（人员密集场所、特种设备使用单位）" in page


def test_reports_count_cases_by_tag_and_the_coverage_of_each_tag(people, login, make_enterprise):
    idle = make_enterprise("戊化工")
    tag(people.enterprise_a, "two_key_one_major", "hazardous_chemicals")
    tag(idle, "two_key_one_major")
    register(people)  # a case of enterprise A
    register(people, enterprise=people.enterprise_b)  # B has no tag: in no row
    visit(people, people.enterprise_a, date(2026, 11, 20))
    visit(people, idle, date(2025, 12, 20))  # last year: not this year's coverage
    report = reports.build(db.session, people.manager, date(2026, 11, 1), date(2026, 11, 30))
    assert {k: t.registered for k, t in report.by_tag.items()} == {"two_key_one_major": 1, "hazardous_chemicals": 1}
    assert list(report.by_tag) == ["two_key_one_major", "hazardous_chemicals"]
    assert [(c.tag, c.enterprises, c.visited, c.percent) for c in report.tag_coverage] == [
        ("two_key_one_major", 2, 1, 50.0), ("hazardous_chemicals", 1, 1, 100.0)]
    manager = login("manager")
    page = text(manager.get("/reports?start=2026-11-01&end=2026-11-30"))
    assert 'id="by-tag"' in page and "2026 年重点类别排查覆盖率" in page and '<tr data-tag="two_key_one_major">' in page
    rows = csv_rows(manager.get("/reports/export.csv?start=2026-11-01&end=2026-11-30"))
    titles = [r[0] for r in rows if len(r) == 1]
    assert "2026 年重点类别排查覆盖率" in titles


def test_the_statistics_api_has_the_tags(people, api):
    tag(people.enterprise_a, "confined_space")
    register(people)
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    body = api("manager").get("/api/v1/statistics?start=2026-11-01&end=2026-11-30").get_json()
    assert [(g["key"], g["registered"]) for g in body["by_tag"]] == [("confined_space", 1)]
    assert body["tag_coverage_year"] == 2026 and body["tag_coverage"][0]["tag"] == "confined_space"


def test_an_unknown_tag_is_refused_by_the_register_rules(people):
    with UnitOfWork() as uow:
        with pytest.raises(ValidationFailed) as exc:
            user_admin.update_enterprise(uow, people.admin, people.enterprise_a.id, tags="涉氨制冷、飞行器")
    assert set(exc.value.fields) == {"tags"}
