"""The review of a visit's report from the outside: the card on the visit's page with its check list, submitting,
approving and returning over HTTP and the API, field errors kept, the enterprise's 404 until the final review, the
team's edit, the list's filter, and the existing visits released by migration 0063."""
import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.models import InspectionVisit
from tests.test_checklist_results import standard  # noqa: F401
from tests.test_inspections import visit
from tests.test_web_support import text
from tests.visit_review_support import finish_checklist


@pytest.fixture
def tech(make_user):
    return make_user("tech", "technical_lead")


def status(row):
    db.session.expire_all()
    return db.session.get(InspectionVisit, row.id).review_status


def test_the_card_the_submission_and_the_enterprise_s_404_until_the_final_review(people, tech, login):
    row = visit(people.inspector, people.enterprise_a, inspectors="inspector")
    page = f"/inspections/{row.id}"
    inspector = login("inspector")
    card = text(inspector.get(page))
    assert 'data-check="checklist_unfinished" data-level="blocking"' in card and "初审通过，提交复审" in card
    assert 'data-check="no_check_in" data-level="warning"' in card and "disabled" in card
    refused = inspector.post(f"/inspections/{row.id}/review/submit")
    assert refused.status_code == 409 and "请先处理阻断项" in text(refused) and status(row) == "draft"
    finish_checklist(people.inspector, row)
    enterprise = login("ent_a")
    for url in (page, f"{page}/report.pdf", f"{page}/rate"):
        assert enterprise.get(url).status_code == 404, url
    assert "配电房、危化品仓库" not in text(enterprise.get("/inspections"))
    assert login("project_lead").post(f"/inspections/{row.id}/review/submit").status_code == 403
    assert login("ent_b").post(f"/inspections/{row.id}/review/submit").status_code == 404
    assert inspector.post(f"/inspections/{row.id}/review/submit").status_code == 302
    assert status(row) == "awaiting_second"
    waiting = text(login("project_lead").get("/inspections?review=awaiting_second"))
    assert f'data-visit="{row.id}"' in waiting and "待复审" in waiting
    assert f'data-visit="{row.id}"' not in text(login("project_lead").get("/inspections?review=released"))
    lead_page = text(login("project_lead").get(page))
    assert 'action="/inspections/%d/review/approve"' % row.id in lead_page and "复审通过" in lead_page
    assert "review/approve" not in text(login("inspector").get(page))


def test_decisions_with_field_errors_kept_and_who_decides(people, tech, login):
    row = visit(people.inspector, people.enterprise_a, inspectors="inspector")
    finish_checklist(people.inspector, row)
    login("inspector").post(f"/inspections/{row.id}/review/submit")
    approve, back = f"/inspections/{row.id}/review/approve", f"/inspections/{row.id}/review/return"
    for who in ("project_team", "quality", "inspector", "tech", "bureau"):
        assert login(who).post(approve).status_code == 403, who
        assert login(who).post(back, data={"reason": "x"}).status_code == 403, who
    for who in ("ent_a", "ent_b"):
        assert login(who).post(approve).status_code == 404, who
    lead = login("project_lead")
    empty = lead.post(back, data={"reason": ""})
    assert empty.status_code == 400 and 'id="err-reason"' in text(empty)
    long = lead.post(approve, data={"remark": "意" * 2001})
    assert long.status_code == 400 and 'id="err-remark"' in text(long) and "意" * 2001 in text(long)
    assert lead.post(back, data={"reason": "检查内容过于笼统"}).status_code == 302 and status(row) == "returned"
    page = text(login("inspector").get(f"/inspections/{row.id}"))
    assert "检查内容过于笼统" in page and "修改排查记录" in page
    login("inspector").post(f"/inspections/{row.id}/review/submit")
    assert lead.post(approve, data={"remark": "同意"}).status_code == 302 and status(row) == "awaiting_final"
    assert lead.post(approve).status_code == 403  # 终审 is the technical lead's
    assert login("tech").post(approve).status_code == 302 and status(row) == "released"
    enterprise = text(login("ent_a").get(f"/inspections/{row.id}"))
    assert "确认排查结果" in enterprise and "报告审核" not in enterprise  # the card is the contractor's
    assert login("tech").post(approve).status_code == 409  # nothing waits any more


def test_the_team_edits_the_text_while_it_may_change(people, login):
    row = visit(people.inspector, people.enterprise_a, inspectors="inspector")
    url = f"/inspections/{row.id}/edit"
    inspector = login("inspector")
    assert 'name="scope"' in text(inspector.get(url))
    for who in ("quality", "bureau", "project_team"):
        assert login(who).get(url).status_code == 403, who
        assert login(who).post(url, data={"inspectors": "x", "scope": "y"}).status_code == 403, who
    assert login("ent_a").get(url).status_code == 404
    bad = inspector.post(url, data={"inspectors": "inspector、王五", "scope": "", "findings": "建议"})
    assert bad.status_code == 400 and 'id="err-scope"' in text(bad) and "inspector、王五" in text(bad)
    assert inspector.post(url, data={"inspectors": "inspector", "scope": "仓库", "findings": "建议"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(InspectionVisit, row.id).findings == "建议"
    finish_checklist(people.inspector, row)
    inspector.post(f"/inspections/{row.id}/review/submit")
    assert inspector.get(url).status_code == 409
    assert inspector.post(url, data={"inspectors": "inspector", "scope": "改", "findings": ""}).status_code == 409


def test_the_api(people, tech, api):
    row = visit(people.inspector, people.enterprise_a, inspectors="inspector")
    base = f"/api/v1/inspections/{row.id}/review"
    shown = api("inspector").get(base).get_json()
    assert shown["status"] == "draft" and {"code": "checklist_unfinished", "level": "blocking"}.items() <= \
        shown["checks"][0].items()
    assert api("inspector").post(f"{base}/submit").status_code == 409
    assert api("ent_a").get(base).status_code == 404
    assert api("ent_a").get(f"/api/v1/inspections/{row.id}").status_code == 404
    finish_checklist(people.inspector, row)
    done = api("inspector").post(f"{base}/submit")
    assert done.status_code == 200 and done.get_json()["status"] == "awaiting_second"
    assert done.get_json()["checks"] == []
    bad = api("project_lead").post(f"{base}/return", json={"reason": ""})
    assert bad.status_code == 400 and "reason" in bad.get_json()["fields"]
    assert api("tech").post(f"{base}/approve", json={}).status_code == 403
    assert api("project_lead").post(f"{base}/approve", json={"remark": "同意"}).get_json()["status"] == "awaiting_final"
    final = api("tech").post(f"{base}/approve", json={}).get_json()
    assert final["status"] == "released" and [s["level"] for s in final["steps"]] == [1, 2, 3]
    assert api("ent_a").get(f"/api/v1/inspections/{row.id}").get_json()["review_status"] == "released"


def test_migration_0063_releases_the_visits_recorded_before(tmp_path):
    """Visits recorded before the review were shown to their enterprises already: released, from when recorded."""
    from app import create_app
    from app.scratch_db import throwaway_database
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tmp_path, "rrev")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": "test-secret", "UPLOAD_DIR": tmp_path / "uploads"})
    try:
        with app.app_context():
            upgrade(revision="0054")
            now = "2026-11-23 09:00:00+00:00"
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO enterprise (id, name, credit_code, address, township, industry, main_products, "
                    "employees, safety_managers, special_workers, main_risks, major_hazard_sources, contact_person, "
                    "contact_phone) VALUES (1, '甲', '91330100MA0000001X', '', '', '', '', 1, 1, 0, '', '', '', '')"))
                conn.execute(sa.text("INSERT INTO app_user (id, username, display_name, password_hash, active, "
                                     "created_at) VALUES (1, 'insp', '排查员', 'x', TRUE, :now)"), {"now": now})
                conn.execute(sa.text("INSERT INTO inspection_visit (id, enterprise_id, visited_on, inspectors, scope, "
                                     "findings, created_at, created_by_id) VALUES (7, 1, '2026-11-23', '排查员', '', "
                                     "'', :now, 1)"), {"now": now})
            upgrade()
            with db.engine.connect() as conn:
                row = conn.execute(sa.text("SELECT review_status, released_at, created_at FROM inspection_visit")).one()
            assert row[0] == "released" and row[1] == row[2]
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
