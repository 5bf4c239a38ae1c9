"""隐患举报 from the public, without login: the form (valid; invalid with its errors next to the fields and nothing
lost, photos included; the honeypot; the rate limit on the app's clock; photos sniffed and limited), the query code
and its page, which shows only what the reporter may read; a wrong code is a 404."""
import io
import re
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import Attachment, AuditEvent, Notification, PublicReport
from app.services import public_report_handling as handling
from public_report_support import FORM, PLACE, REPLY, TEXT, file, report, step, to_confirmed
from test_public_hazards import publish
from test_lifecycle_service import register
from test_web_support import PNG


def post(client, photos=(), **changes):
    data = {**FORM, **changes}
    if photos:
        data["photos"] = [(io.BytesIO(body), name) for name, body in photos]
    return client.post("/public/reports/new", data=data, content_type="multipart/form-data")


def code_of(response):
    return re.search(r"/public/reports/([A-Z0-9]{12})$", response.headers["Location"]).group(1)


def test_the_public_files_a_report_without_login_and_reads_its_code(client, people):
    page = client.get("/public/reports/new")
    assert page.status_code == 200 and 'name="_csrf"' in page.get_data(as_text=True)
    assert 'name="website"' in page.get_data(as_text=True)  # the honeypot
    response = post(client, photos=[("现场.png", PNG)])
    assert response.status_code == 302
    code = code_of(response)
    row = db.session.query(PublicReport).one()
    assert (row.code, row.text, row.place, row.status, row.anonymous) == (code, TEXT, PLACE, "received", True)
    assert row.reporter_name is None and row.ip_hash and "127.0.0.1" not in row.ip_hash
    [photo] = db.session.query(Attachment).filter_by(report_id=row.id).all()
    assert (photo.uploader_id, photo.field, photo.content_type) == (None, "report", "image/png")
    shown = client.get(f"/public/reports/{code}")
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and code in body and "已收到，待受理" in body and "请妥善保存" in body
    assert TEXT not in body  # the page shows the stage, not the report again
    # The bureau is told; the audit row has the report as subject and no contact or text.
    assert [n.user_id for n in db.session.query(Notification).filter_by(kind="public_report_received")] == \
        [people.bureau.id]
    [event] = db.session.query(AuditEvent).filter_by(action="public_report_received").all()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("public_report", row.id, None)


def test_a_named_report_keeps_the_contact_for_the_bureau(client, people):
    response = post(client, anonymous="0", name="王先生", phone="138 0000 1234")
    assert response.status_code == 302
    row = db.session.query(PublicReport).one()
    assert (row.anonymous, row.reporter_name, row.reporter_phone) == (False, "王先生", "138 0000 1234")


def test_invalid_fields_come_back_with_their_errors_and_nothing_is_lost(client, people):
    response = post(client, photos=[("a.png", PNG)], text="太短", place="", anonymous="0", name="", phone="abc",
                    consent="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("text", "place", "name", "phone", "consent"):
        assert f'id="err-{field}"' in page, field
    assert "太短" in page and "已上传：a.png" in page  # what was typed and the photo are kept
    assert db.session.query(PublicReport).count() == 0
    # Corrected, the report takes the photo kept from the first try.
    response = post(client, text=TEXT, place=PLACE)
    assert response.status_code == 302
    row = db.session.query(PublicReport).one()
    assert [a.original_name for a in db.session.query(Attachment).filter_by(report_id=row.id)] == ["a.png"]


def test_length_limits_and_the_enterprise_list(client, people):
    page = post(client, text="长" * 2001, place="址" * 201).get_data(as_text=True)
    assert 'id="err-text"' in page and 'id="err-place"' in page
    # Only enterprises the public already sees (a published hazard) are offered; others are refused.
    assert people.enterprise_a.name not in client.get("/public/reports/new").get_data(as_text=True)
    assert 'id="err-enterprise_id"' in post(client, enterprise_id=str(people.enterprise_a.id)).get_data(as_text=True)
    publish(people.bureau, register(people))
    assert people.enterprise_a.name in client.get("/public/reports/new").get_data(as_text=True)
    assert post(client, place="", enterprise_id=str(people.enterprise_a.id)).status_code == 302
    row = db.session.query(PublicReport).one()
    assert (row.enterprise_id, row.place, row.township) == (people.enterprise_a.id, people.enterprise_a.name, "城关镇")


def test_the_honeypot_refuses_and_stores_nothing(client, people):
    response = post(client, photos=[("a.png", PNG)], website="http://spam.example")
    assert response.status_code == 400
    assert db.session.query(PublicReport).count() == 0 and db.session.query(Attachment).count() == 0


def test_without_the_csrf_token_nothing_is_filed(app, people):
    raw = app.test_client()
    with raw.session_transaction() as sess:
        sess["_csrf"] = "the-right-one"
    response = raw.post("/public/reports/new", data={**FORM, "_csrf": "wrong"}, headers={"X-CSRF-Token": "wrong"})
    assert response.status_code == 400 and db.session.query(PublicReport).count() == 0


def test_five_reports_an_hour_from_one_address(client, people):
    for _ in range(5):
        assert post(client).status_code == 302
    refused = post(client, photos=[("a.png", PNG)])
    assert refused.status_code == 429 and "一小时内最多提交 5 条" in refused.get_data(as_text=True)
    assert TEXT in refused.get_data(as_text=True)  # the text is still in the form
    assert db.session.query(PublicReport).count() == 5 and db.session.query(Attachment).count() == 0
    clock.set(clock.now() + timedelta(minutes=61))  # the first ones leave the window
    assert post(client).status_code == 302


def test_another_address_is_counted_apart(app, people):
    for address in ["198.51.100.1"] * 5:
        file(address=address)
    client = app.test_client()
    refused = client.post("/public/reports/new", data=FORM, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert refused.status_code == 429
    assert client.post("/public/reports/new", data=FORM, environ_base={"REMOTE_ADDR": "198.51.100.2"}) \
        .status_code == 302


def test_photos_are_sniffed_limited_in_number_and_size(app, client, people):
    page = post(client, photos=[("fake.png", b"MZ\x90\x00not an image")]).get_data(as_text=True)
    assert 'id="err-photos"' in page and "fake.png" in page
    pdf = post(client, photos=[("a.pdf", b"%PDF-1.4 text")]).get_data(as_text=True)
    assert "only JPEG" in pdf or "只接受" in pdf
    big = post(client, photos=[("big.png", PNG + b"\x00" * app.config["MAX_UPLOAD_BYTES"])])
    assert big.status_code == 400 and 'id="err-photos"' in big.get_data(as_text=True)
    client.get("/public/reports/new")  # a new form drops the kept ones
    many = post(client, photos=[(f"{n}.png", PNG) for n in range(4)])
    assert many.status_code == 400 and "最多 3 张" in many.get_data(as_text=True)
    assert db.session.query(PublicReport).count() == 0


def test_the_query_page_shows_only_public_fields(client, people):
    report_id, code = to_confirmed(people)
    step(handling.propose_reward, people.bureau, report_id, 2000, "线索具体，查实重大隐患")
    step(handling.approve_reward, people.bureau, report_id)
    page = client.get(f"/public/reports/{code.lower()}").get_data(as_text=True)  # any case
    assert "已核实" in page and REPLY in page and "2000" in page
    for internal in ("现场发现约20桶", people.inspector.display_name, people.bureau.display_name, "线索具体"):
        assert internal not in page
    assert client.get("/public/reports/ABCDEFGHJKLM").status_code == 404
    assert client.get("/public/reports/short").status_code == 404
    assert client.get(f"/public/reports?code={code}").headers["Location"].endswith(f"/public/reports/{code}")


def test_the_public_json_has_the_status_only(client, people):
    report_id, code = to_confirmed(people)
    body = client.get(f"/api/v1/public/reports/{code}").get_json()
    assert body["stage"] == "confirmed" and body["public_reply"] == REPLY and body["reward"] is None
    assert set(body) == {"code", "stage", "received_at", "updated_at", "place", "public_reply", "reward",
                         "reward_amount"}
    assert client.get("/api/v1/public/reports/ZZZZZZZZZZZZ").status_code == 404
    assert report(report_id).status == "confirmed"


def test_the_login_and_public_pages_link_to_the_form(client, people):
    for url in ("/login", "/public/hazards", "/public/spot-checks"):
        assert "/public/report" in client.get(url).get_data(as_text=True), url
