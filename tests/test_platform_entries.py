"""Platform data entry (平台录入跟踪, services/platform_entries.py): 已录入 then 已核对 by someone else (the one who
entered it may not check it: 400), the audit before → after, completeness in the list with its filters and CSV and
on the service project's page, and who may do what from the outside (the enterprise reads its own only, another
area's township office and another enterprise get 404, roles without business 403)."""
from datetime import date

import pytest

from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import PLATFORM_ITEMS, PLATFORMS, AuditEvent, PlatformEntry
from app.services import platform_entries
from app.services.uow import UnitOfWork
from tests.document_support import in_session
from tests.risk_support import township_user
from tests.service_project_support import make_project, put_on
from tests.test_web_support import csv_rows, text

HEBEI, CITY = "hebei_internet_plus", "qinhuangdao_smart"


def record(user, enterprise, platform=HEBEI, item="basic_info", status="entered", on_date="", note=""):
    with UnitOfWork() as uow:
        row = platform_entries.record(uow, in_session(user), enterprise.id, platform, item, status, on_date, note)
        uow.commit()
        return row


def finish(people, enterprise, platforms=tuple(PLATFORMS)):
    for platform in platforms:
        for item in PLATFORM_ITEMS:
            record(people.project_team, enterprise, platform, item, "entered")
            record(people.project_lead, enterprise, platform, item, "checked")


def test_an_item_is_entered_then_checked_by_someone_else_and_audited(people):
    ent = people.enterprise_a
    with pytest.raises(ValidationFailed):  # nothing entered yet
        record(people.project_lead, ent, status="checked")
    record(people.project_team, ent, on_date="2026-11-20", note="已上传营业执照")
    with pytest.raises(ValidationFailed) as caught:
        record(people.project_team, ent, status="checked")
    assert "核对人不能是录入人" in caught.value.message
    with pytest.raises(ValidationFailed):  # checked before it was entered
        record(people.project_lead, ent, status="checked", on_date="2026-11-19")
    row = record(people.project_lead, ent, status="checked", note="已上传营业执照")
    assert row.status == "checked" and row.entered_on == date(2026, 11, 20)
    assert row.entered_by_id == people.project_team.id and row.checked_by_id == people.project_lead.id
    events = db.session.query(AuditEvent).filter_by(action="platform_entry_recorded").order_by(AuditEvent.id).all()
    assert [e.changes["status"] for e in events] == [["pending", "entered"], ["entered", "checked"]]
    assert events[0].subject_type == "enterprise" and events[0].subject_id == ent.id
    assert events[0].details == {"platform": HEBEI, "item": "basic_info"}
    assert events[1].changes["checked_by_id"] == [None, people.project_lead.id]
    record(people.project_lead, ent, status="entered")  # entered again: the check no longer holds
    row = db.session.query(PlatformEntry).one()
    assert row.status == "entered" and row.checked_by_id is None and row.entered_by_id == people.project_lead.id


def test_bad_input_and_roles_without_the_right_to_record(people):
    ent = people.enterprise_a
    with pytest.raises(ValidationFailed) as caught:
        record(people.project_team, ent, status="done", on_date="2099-01-01")
    assert set(caught.value.fields) == {"status", "on_date"}
    for who in ("bureau", "ent_a", "inspector"):
        with pytest.raises(NotAllowed):
            record(people[who], ent)
    assert db.session.query(PlatformEntry).count() == 0


def test_completeness_list_filters_and_csv(people, login):
    a, b = people.enterprise_a, people.enterprise_b
    finish(people, a, platforms=(HEBEI,))
    bureau = login("bureau")
    page = text(bureau.get("/platform-entries"))
    assert a.name in page and b.name in page and "3 / 6" in page
    incomplete = text(bureau.get("/platform-entries?incomplete=1"))
    assert a.name in incomplete and b.name in incomplete  # a lacks the city platform
    only_hebei = text(bureau.get(f"/platform-entries?incomplete=1&platform={HEBEI}"))
    assert a.name not in only_hebei and b.name in only_hebei
    rows = csv_rows(bureau.get(f"/platform-entries.csv?platform={HEBEI}"))
    assert rows[0][:3] == ["企业", "统一社会信用代码", "乡镇/园区"] and len(rows[0]) == 3 + 3 + 3
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[a.name][-3:] == ["3", "3", "是"] and by_name[a.name][3].startswith("已核对 ")
    assert by_name[b.name][-3:] == ["0", "3", "否"] and by_name[b.name][3] == "未录入"
    finish(people, a, platforms=(CITY,))
    assert a.name not in text(bureau.get("/platform-entries?incomplete=1"))


def test_recording_through_the_page(people, login):
    ent_id = people.enterprise_a.id
    team, lead = login("project_team"), login("project_lead")
    url = f"/platform-entries/enterprises/{ent_id}"
    form = {"platform": CITY, "item": "risk_map", "status": "entered", "on_date": "", "note": ""}
    assert 'name="status"' in text(team.get(url))
    assert team.post(url, data=form).status_code == 302
    refused = team.post(url, data={**form, "status": "checked", "note": "核对备注"})
    assert refused.status_code == 400 and "核对人不能是录入人" in text(refused) and "核对备注" in text(refused)
    assert lead.post(url, data={**form, "status": "checked"}).status_code == 302
    assert "已核对" in text(lead.get(url))
    assert team.post(url, data={**form, "platform": "nowhere"}).status_code == 404


def test_who_sees_what_from_the_outside(people, login, make_user, make_enterprise):
    a, b = people.enterprise_a, people.enterprise_b
    record(people.project_team, a)
    far = make_enterprise("远郊化工")
    far.township = "海港区"
    db.session.commit()
    own = login("ent_a")
    page = own.get(f"/platform-entries/enterprises/{a.id}")
    assert page.status_code == 200 and "已录入" in text(page) and 'name="status"' not in text(page)
    assert own.post(f"/platform-entries/enterprises/{a.id}",
                    data={"platform": HEBEI, "item": "basic_info", "status": "checked"}).status_code == 403
    assert own.get(f"/platform-entries/enterprises/{b.id}").status_code == 404
    listing = text(own.get("/platform-entries"))
    assert a.name in listing and b.name not in listing
    township_user(make_user, "城关镇")
    town = login("town")
    assert town.get(f"/platform-entries/enterprises/{a.id}").status_code == 200
    assert town.get(f"/platform-entries/enterprises/{far.id}").status_code == 404
    assert far.name not in text(town.get("/platform-entries"))
    for role in ("inspector", "process_owner"):
        assert login(role).get("/platform-entries").status_code == 403
    assert login("manager").get(f"/platform-entries/enterprises/{far.id}").status_code == 200


def test_the_service_project_page_counts_the_roster_fully_checked(people, login):
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, people.enterprise_a, people.enterprise_b)
    finish(people, people.enterprise_a)
    assert platform_entries.project_figure(db.session, project_id) == (1, 2)
    page = text(login("bureau").get(f"/service-projects/{project_id}"))
    assert "平台录入已全部核对" in page and "50%" in page
