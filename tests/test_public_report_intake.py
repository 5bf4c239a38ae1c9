"""The staff's intake of public reports: who reads them (the bureau all, with the contact; an assigned verifier
theirs; nobody else, from outside through the test client), each step once and in order (409 otherwise), the
verification's 3-working-day deadline and its overdue flag, linking a case (an existing one, or one registered from
the report's prefilled form), the reward's limits, every step audited on the report; and the same through the API."""
import io
import re
from datetime import date, timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, Notification, PublicReport
from app.services import public_report_handling as handling, public_reports
from public_report_support import REPLY, file, report, step, to_confirmed, to_verifying
from test_lifecycle_service import register
from test_web_support import PNG, registration, upload


def test_each_step_once_and_in_order(people):
    report_id, _code = file()
    with pytest.raises(Conflict):
        step(handling.assign, people.bureau, report_id, people.inspector.id)  # not accepted yet
    with pytest.raises(NotFound):
        step(handling.accept, people.inspector, report_id)  # not assigned to them: not there for them
    step(handling.accept, people.bureau, report_id)
    with pytest.raises(Conflict):
        step(handling.accept, people.bureau, report_id)
    with pytest.raises(Conflict):
        step(handling.reject, people.bureau, report_id, "重复")
    with pytest.raises(ValidationFailed, match="inspector or a supervision"):
        step(handling.assign, people.bureau, report_id, people.project_lead.id)
    step(handling.assign, people.bureau, report_id, people.supervision.id)
    row = report(report_id)
    assert row.status == "verifying" and row.verify_due == clock.now() + timedelta(days=3)  # Mon -> Thu
    with pytest.raises(NotAllowed):
        step(handling.verify, people.bureau, report_id, "true", "note", REPLY)  # the verifier's step
    with pytest.raises(Conflict):
        step(handling.link_case, people.bureau, report_id, db.session.get(HazardCase, register(people)))
    with pytest.raises(ValidationFailed) as refused:
        step(handling.verify, people.supervision, report_id, "maybe", "", "")
    assert set(refused.value.fields) == {"result", "note", "reply"}
    step(handling.verify, people.supervision, report_id, "false", "现场未发现堆放", "经核查，未发现举报所述情况。")
    with pytest.raises(Conflict):
        step(handling.verify, people.supervision, report_id, "true", "again", REPLY)
    with pytest.raises(Conflict, match="only a report verified as true"):
        step(handling.propose_reward, people.bureau, report_id, 100, "no")
    assert report(report_id).status == "unfounded"
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="public_report",
                                                                          subject_id=report_id)
               .order_by(AuditEvent.id)]
    assert actions == ["public_report_received", "public_report_accepted", "public_report_assigned",
                       "public_report_verified"]
    assert db.session.query(Notification).filter_by(kind="public_report_assigned",
                                                    user_id=people.supervision.id).count() == 1


def test_a_rejection_gives_its_reason_to_the_reporter(people):
    report_id, code = file()
    with pytest.raises(ValidationFailed):
        step(handling.reject, people.bureau, report_id, " ")
    step(handling.reject, people.bureau, report_id, "不属于安全生产监管范围，请向住建部门反映。")
    facts = public_reports.public_facts(public_reports.by_code(db.session, code))
    assert facts["stage"] == "rejected" and "住建部门" in facts["public_reply"]


def test_the_verification_is_overdue_after_three_working_days(people):
    report_id, _code = to_verifying(people)
    row = report(report_id)
    assert not public_reports.verify_overdue(row)
    clock.set(clock.now() + timedelta(days=3, minutes=1))
    assert public_reports.verify_overdue(row)
    rows, total = public_reports.listing(db.session, people.bureau, public_reports.ReportFilter(state="overdue"))
    assert [r.id for r in rows] == [report_id]


def test_the_reward_needs_a_true_report_at_most_ten_thousand_and_the_bureaus_approval(people):
    report_id, _code = to_confirmed(people)
    with pytest.raises(Conflict, match="no reward awaits"):
        step(handling.approve_reward, people.bureau, report_id)
    for amount in (0, 10_001, "12.5", "abc"):
        with pytest.raises(ValidationFailed, match="1 to 10000"):
            step(handling.propose_reward, people.bureau, report_id, amount, "依据")
    step(handling.propose_reward, people.inspector, report_id, 10_000, "查实重大隐患")  # the verifier proposes
    with pytest.raises(Conflict, match="already proposed"):
        step(handling.propose_reward, people.bureau, report_id, 500, "again")
    with pytest.raises(NotAllowed):
        step(handling.approve_reward, people.inspector, report_id)
    with pytest.raises(Conflict, match="not approved"):
        step(handling.record_payment, people.bureau, report_id, clock.local_now().date())
    step(handling.approve_reward, people.bureau, report_id)
    with pytest.raises(ValidationFailed):
        step(handling.record_payment, people.bureau, report_id, clock.local_now().date() + timedelta(days=1))
    with pytest.raises(ValidationFailed):
        step(handling.record_payment, people.bureau, report_id, clock.local_now().date() - timedelta(days=1))
    step(handling.record_payment, people.bureau, report_id, clock.local_now().date())
    with pytest.raises(Conflict, match="already recorded"):
        step(handling.record_payment, people.bureau, report_id, clock.local_now().date())
    row = report(report_id)
    assert (row.reward_amount, row.reward_paid_on) == (10_000, date(2026, 11, 23))


# ---- from outside ------------------------------------------------------------------------------------------
def test_nobody_but_the_bureau_and_the_verifier_reads_the_intake(people, login, client):
    report_id, code = to_verifying(people)
    other_id, _ = file(text="另一条举报：某厂消防通道被占用超过一周")
    for username in ("ent_a", "project_lead", "quality", "manager", "admin", "expert"):
        c = login(username)
        assert c.get("/public-reports").status_code == 403, username
        assert c.get(f"/public-reports/{report_id}").status_code == 403, username
        assert c.post(f"/public-reports/{other_id}/accept").status_code == 403, username
    assert client.get("/public-reports").status_code == 302  # to sign in
    assert "/login" in client.get(f"/public-reports/{report_id}").headers["Location"]
    inspector = login("inspector")
    assert inspector.get(f"/public-reports/{report_id}").status_code == 200
    assert inspector.get(f"/public-reports/{other_id}").status_code == 404  # not assigned to them
    listed = inspector.get("/public-reports?state=all").get_data(as_text=True)
    assert f'data-report="{report_id}"' in listed and f'data-report="{other_id}"' not in listed
    assert login("supervision").get(f"/public-reports/{report_id}").status_code == 404
    assert client.get("/public/reports/WRONGCODE234").status_code == 404
    assert report(other_id).status == "received"


def test_the_contact_is_for_the_bureau_only(people, login):
    report_id, _code = file(anonymous=False, name="李女士", phone="13900001111")
    step(handling.accept, people.bureau, report_id)
    step(handling.assign, people.bureau, report_id, people.inspector.id)
    assert "13900001111" in login("bureau").get(f"/public-reports/{report_id}").get_data(as_text=True)
    page = login("inspector").get(f"/public-reports/{report_id}").get_data(as_text=True)
    assert "13900001111" not in page and "李女士" not in page


def test_the_bureau_and_the_verifier_work_on_the_pages(people, login):
    report_id, code = file()
    bureau, inspector = login("bureau"), login("inspector")
    listed = bureau.get("/public-reports").get_data(as_text=True)
    assert f'data-report="{report_id}"' in listed
    assert bureau.post(f"/public-reports/{report_id}/accept").status_code == 302
    again = bureau.post(f"/public-reports/{report_id}/accept")
    assert again.status_code == 409
    refused = bureau.post(f"/public-reports/{report_id}/assign", data={"verifier_id": ""})
    assert refused.status_code == 400 and 'class="field-error"' in refused.get_data(as_text=True)
    assert bureau.post(f"/public-reports/{report_id}/assign",
                       data={"verifier_id": str(people.inspector.id)}).status_code == 302
    empty = inspector.post(f"/public-reports/{report_id}/verify", data={"result": "true", "note": "现场核实"})
    assert empty.status_code == 400 and "现场核实" in empty.get_data(as_text=True)  # kept
    done = inspector.post(f"/public-reports/{report_id}/verify", data={
        "result": "true", "note": "现场核实存在违规堆放", "reply": REPLY, "photos": (io.BytesIO(PNG), "核查.png")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    page = inspector.get(f"/public-reports/{report_id}").get_data(as_text=True)
    [photo_url] = re.findall(rf'src="(/public-reports/{report_id}/photos/[0-9a-f]+)"', page)
    assert inspector.get(photo_url).data == PNG
    assert login("ent_a").get(photo_url).status_code == 403
    # The verifier registers the hazard from the report's prefilled form: the case is made on submit, and linked.
    form = inspector.get(f"/hazards/new?public_report={report_id}").get_data(as_text=True)
    assert "违规堆放危险化学品" in form and f'name="public_report_id" value="{report_id}"' in form
    assert db.session.query(HazardCase).count() == 0
    photo_id = upload(inspector)
    response = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo_id),
                                                    "public_report_id": str(report_id)})
    assert response.status_code == 302
    row = report(report_id)
    assert row.status == "case_opened" and row.case.code in page_of(bureau, report_id)
    assert row.township == "城关镇"
    assert login("ent_a").get(f"/hazards/new?public_report={report_id}").status_code == 403
    assert inspector.get(f"/hazards/new?public_report={report_id}").status_code == 409  # linked already
    # The reward: proposed by the verifier, approved and paid by the bureau.
    assert bureau.post(f"/public-reports/{report_id}/reward", data={"amount": "20000", "reward_note": "x"}) \
        .status_code == 400
    assert inspector.post(f"/public-reports/{report_id}/reward", data={"amount": "3000", "reward_note": "查实"}) \
        .status_code == 302
    assert inspector.post(f"/public-reports/{report_id}/reward/approve").status_code == 403
    assert bureau.post(f"/public-reports/{report_id}/reward/approve").status_code == 302
    assert bureau.post(f"/public-reports/{report_id}/reward/paid", data={"paid_on": "2026-11-23"}).status_code == 302
    assert public_reports.public_facts(report(report_id))["reward"] == "paid"
    audit_page = login("manager").get("/audit").get_data(as_text=True)
    assert "群众举报" in audit_page


def page_of(client, report_id):
    return client.get(f"/public-reports/{report_id}").get_data(as_text=True)


def test_link_an_existing_case_by_its_code(people, login):
    report_id, _code = to_confirmed(people)
    case = db.session.get(HazardCase, register(people))
    bureau = login("bureau")
    wrong = bureau.post(f"/public-reports/{report_id}/link", data={"case_code": "YH-0000"})
    assert wrong.status_code == 400 and 'id="err-case_code"' in wrong.get_data(as_text=True)
    assert bureau.post(f"/public-reports/{report_id}/link", data={"case_code": case.code}).status_code == 302
    assert bureau.post(f"/public-reports/{report_id}/link", data={"case_code": case.code}).status_code == 409
    assert report(report_id).case_id == case.id


def test_the_list_filters_by_status_township_and_day(people, login, make_enterprise):
    first, _ = file()
    clock.set(clock.now() + timedelta(days=2))
    second, _ = file(text="另一条举报：某厂消防通道被占用超过一周")
    report(second).township = "工业园区"
    db.session.commit()
    step(handling.accept, people.bureau, second)
    bureau = login("bureau")

    def listed(query):
        page = bureau.get(f"/public-reports?state=all&{query}").get_data(as_text=True)
        return sorted(int(n) for n in re.findall(r'data-report="(\d+)"', page))
    assert listed("") == sorted([first, second])
    assert listed("status=accepted") == [second]
    assert listed("township=工业园区") == [second]
    assert listed("received_from=2026-11-24") == [second]
    assert listed("received_to=2026-11-23") == [first]
    assert bureau.get("/public-reports?received_from=nonsense").status_code == 200


# ---- the API -------------------------------------------------------------------------------------------------
def test_the_api_flow(api, people):
    report_id, code = file(anonymous=False, name="李女士", phone="13900001111")
    bureau, inspector, outsider = api("bureau"), api("inspector"), api("ent_a")
    assert outsider.get("/api/v1/public-reports").status_code == 403
    assert outsider.get(f"/api/v1/public-reports/{report_id}").status_code == 403
    assert inspector.get(f"/api/v1/public-reports/{report_id}").status_code == 404
    body = bureau.get(f"/api/v1/public-reports/{report_id}").get_json()
    assert body["reporter_phone"] == "13900001111" and body["status"] == "received"
    assert bureau.post(f"/api/v1/public-reports/{report_id}/accept").status_code == 200
    assert bureau.post(f"/api/v1/public-reports/{report_id}/accept").status_code == 409
    assert bureau.post(f"/api/v1/public-reports/{report_id}/assign", json={"verifier_id": people.inspector.id}) \
        .get_json()["status"] == "verifying"
    seen = inspector.get(f"/api/v1/public-reports/{report_id}").get_json()
    assert seen["reporter_phone"] is None and seen["reporter_name"] is None and seen["verify_overdue"] is False
    photo = inspector.post("/api/v1/attachments", data={"file": (io.BytesIO(PNG), "p.png")},
                           content_type="multipart/form-data").get_json()["id"]
    verified = inspector.post(f"/api/v1/public-reports/{report_id}/verify", json={
        "result": "true", "note": "属实", "reply": REPLY, "photos": [photo]})
    assert verified.status_code == 200 and verified.get_json()["status"] == "confirmed"
    assert len(public_reports.photos(db.session, report_id, "verification")) == 1
    case = db.session.get(HazardCase, register(people))
    assert bureau.post(f"/api/v1/public-reports/{report_id}/case", json={"case_code": case.code}) \
        .get_json()["case_code"] == case.code
    assert bureau.post(f"/api/v1/public-reports/{report_id}/reward", json={"amount": 10_001, "note": "x"}) \
        .status_code == 400
    assert bureau.post(f"/api/v1/public-reports/{report_id}/reward", json={"amount": 800, "note": "x"}) \
        .status_code == 200
    assert bureau.post(f"/api/v1/public-reports/{report_id}/reward/approve").status_code == 200
    paid = bureau.post(f"/api/v1/public-reports/{report_id}/reward/paid", json={"paid_on": "2026-11-23"})
    assert paid.get_json()["reward_paid_on"] == "2026-11-23"
    listed = bureau.get("/api/v1/public-reports?state=all&status=case_opened").get_json()
    assert [r["id"] for r in listed["items"]] == [report_id] and listed["total"] == 1
    public = bureau.c.get(f"/api/v1/public/reports/{code}").get_json()
    assert public["stage"] == "case_opened" and public["reward"] == "paid" and public["reward_amount"] == 800


@pytest.mark.parametrize("path", ["/api/v1/public-reports", "/api/v1/public-reports/{report_id}",
                                  "/api/v1/public/reports/{code}",
                                  "/api/v1/public-reports/{report_id}/reward/paid"])
def test_the_routes_are_documented(client, path):
    document = client.get("/api/v1/openapi.json").get_json()
    assert path in document["paths"]
    if path == "/api/v1/public/reports/{code}":
        assert document["paths"][path]["get"].get("security") == []


def test_a_report_nobody_may_read_is_not_found(people):
    report_id, _ = file()
    with pytest.raises(NotFound):
        public_reports.get_visible(db.session, people.inspector, report_id)
    with pytest.raises(NotAllowed):
        public_reports.get_visible(db.session, people.project_lead, report_id)


def test_the_demo_has_one_report_in_handling(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    [row] = db.session.query(PublicReport).all()
    assert row.status == "verifying" and row.verifier.username == "inspector" and row.anonymous
    assert not public_reports.verify_overdue(row)
