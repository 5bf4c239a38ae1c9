"""The emergency supplies' pages, downloads and API over HTTP: who may read and write what (enterprise staff and
township offices refused everywhere, a keeper only at their own point), refused forms coming back with their input
and the error next to the field (400) or the stock's message (409), the 资源调配表 as CSV and PDF, GET /api/v1/supplies,
the English pages, the demo."""
import pytest

from app.extensions import db
from app.models import AuditEvent, EmergencyEvent, SupplyKind, SupplyPoint
from tests.pdf_support import missing
from tests.supply_support import issue, kind, point, receive
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_restricted_pages import routes
from tests.test_web_support import csv_rows, field_html, text


@pytest.fixture
def store(people, make_user):
    keeper = make_user("liwei", "inspector")
    other = make_user("zhaomin", "project_team")
    lead = people.project_lead

    class Store:
        pass
    s = Store()
    s.keeper, s.other = keeper, other
    s.warehouse = point(lead, "安全物资仓库", keeper, place="化工园区管委会一楼", phone="0373-5550001")
    s.vehicle = point(lead, "应急指挥车", other, place="项目部停车场", phone="13900000002")
    s.masks = kind(lead, "防毒面具", unit="套", shelf_life_months="60")
    s.extinguishers = kind(lead, "手提式灭火器", category="firefighting", unit="个")
    receive(keeper, s.warehouse, s.masks, 20, expires_on="2026-12-10", batch_no="M-01")
    receive(other, s.vehicle, s.extinguishers, 15)
    return s


def test_every_route_refuses_enterprise_staff_and_township_offices(app, people, login, client, make_user, store):
    make_user("town", "township")
    urls = routes(app, "supplies")
    assert len(urls) >= 15
    for username in ("ent_a", "town"):
        user = login(username)
        for url, method in urls:
            assert user.open(url, method=method).status_code == 403, (username, method, url)
        assert 'href="/supplies"' not in text(user.get("/"))
    for url, method in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    for username in ("inspector", "bureau"):
        assert 'href="/supplies"' in text(login(username).get("/"))


def test_staff_and_the_bureau_read_only_keepers_record_at_their_own_point(login, store):
    for username in ("inspector", "bureau"):
        user = login(username)
        assert user.get("/supplies").status_code == 200
        assert user.get(f"/supplies/points/{store.warehouse}").status_code == 200
        assert user.get(f"/supplies/points/{store.warehouse}/movements/issue").status_code == 403
        refused = user.post(f"/supplies/points/{store.warehouse}/movements/issue",
                            data={"kind_id": store.masks, "quantity": "1", "purpose": "x"})
        assert refused.status_code == 403
        assert user.post("/supplies/points/new", data={"name": "x"}).status_code == 403
        assert user.post(f"/supplies/points/{store.warehouse}/minimums",
                         data={"kind_id": store.masks, "minimum": "5"}).status_code == 403
    vehicle_keeper = login("zhaomin")
    assert vehicle_keeper.post(f"/supplies/points/{store.warehouse}/movements/issue",
                               data={"kind_id": store.masks, "quantity": "1", "purpose": "x"}).status_code == 403
    assert vehicle_keeper.post(f"/supplies/points/{store.warehouse}/count", data={}).status_code == 403
    assert vehicle_keeper.get("/supplies/points/999/movements/issue").status_code == 404
    assert vehicle_keeper.get(f"/supplies/points/{store.vehicle}/movements/lend").status_code == 404
    keeper = login("liwei")
    done = keeper.post(f"/supplies/points/{store.warehouse}/movements/issue",
                       data={"kind_id": store.masks, "quantity": "2", "purpose": "泄漏处置"})
    assert done.status_code == 302
    page = text(keeper.get(f"/supplies/points/{store.warehouse}"))
    assert 'data-quantity="18"' in page and "泄漏处置" in page


def test_a_refused_movement_comes_back_with_its_input_and_the_reason(login, store):
    keeper = login("liwei")
    url = f"/supplies/points/{store.warehouse}/movements/issue"
    bad = keeper.post(url, data={"kind_id": store.masks, "quantity": "二十", "purpose": "", "incident_code": "TF-1"})
    assert bad.status_code == 400
    page = text(bad)
    assert "数量请填写" in field_html(page, "quantity") and 'value="二十"' in field_html(page, "quantity")
    assert "请填写用途" in field_html(page, "purpose")
    assert "没有这个编号的突发状况" in field_html(page, "incident_code") and 'value="TF-1"' in page
    too_many = keeper.post(url, data={"kind_id": store.masks, "quantity": "21", "purpose": "演练"})
    assert too_many.status_code == 409
    page = text(too_many)
    assert "库存不足" in page and "可用 20" in page and 'value="21"' in page and 'value="演练"' in page
    receipt = keeper.post(f"/supplies/points/{store.warehouse}/movements/receipt",
                          data={"kind_id": store.masks, "quantity": "5", "batch_no": "M-02"})
    assert receipt.status_code == 400 and "该物资有保质期" in field_html(text(receipt), "expires_on")
    assert 'value="M-02"' in text(receipt)


def test_points_and_kinds_are_kept_by_the_project_leads_with_errors_next_to_the_fields(login, people, store):
    lead = login("project_lead")
    bad = lead.post("/supplies/points/new", data={"name": "", "place": "园区东门", "keeper_id": "", "phone": "abc"})
    assert bad.status_code == 400
    page = text(bad)
    assert "请填写储备点名称" in field_html(page, "name") and "请选择责任人" in field_html(page, "keeper_id")
    assert "联系电话只能包含" in field_html(page, "phone") and 'value="园区东门"' in page
    clash = lead.post("/supplies/points/new", data={"name": "安全物资仓库", "place": "x", "keeper_id": people.inspector.id,
                                                     "phone": "1"})
    assert clash.status_code == 409 and "储备点名称已被使用" in field_html(text(clash), "name")
    made = lead.post("/supplies/points/new", data={"name": "东区应急站", "place": "园区东门", "phone": "13900000003",
                                                    "keeper_id": people.inspector.id, "active": "1"})
    assert made.status_code == 302
    closing = lead.post(f"/supplies/points/{store.warehouse}/edit",
                        data={"name": "安全物资仓库", "place": "x", "keeper_id": store.keeper.id, "phone": "1"})
    assert closing.status_code == 409 and "尚有库存" in text(closing)
    bad_kind = lead.post("/supplies/kinds/new", data={"name": "警戒带", "category": "tape", "unit": "",
                                                       "shelf_life_months": "0"})
    assert bad_kind.status_code == 400
    page = text(bad_kind)
    assert set(k for k in ("category", "unit", "shelf_life_months") if "field-error" in field_html(page, k)) == \
        {"category", "unit", "shelf_life_months"}
    assert 'value="警戒带"' in page
    assert lead.post("/supplies/kinds/new", data={"name": "警戒带", "category": "cordon", "unit": "卷",
                                                  "active": "1"}).status_code == 302
    assert db.session.query(SupplyKind).filter_by(name="警戒带").one().category == "cordon"
    assert db.session.query(SupplyPoint).filter_by(name="东区应急站").one().keeper_id == people.inspector.id
    minimum = lead.post(f"/supplies/points/{store.vehicle}/minimums", data={"kind_id": store.masks, "minimum": "-3"})
    assert minimum.status_code == 400 and 'value="-3"' in text(minimum)
    assert lead.post(f"/supplies/points/{store.vehicle}/minimums",
                     data={"kind_id": store.masks, "minimum": "10"}).status_code == 302
    overview = text(lead.get("/supplies"))
    assert 'id="below-minimum"' in overview and 'id="expiring"' in overview
    saved = db.session.query(AuditEvent).filter_by(action="supply_minimum_set").one()
    assert saved.changes == {"supply_minimum": [None, 10]}
    assert "设置最低储备量" in text(login("admin").get("/audit"))


def test_the_incident_page_lists_the_supplies_issued_for_it(login, people, store):
    from tests.emergency_support import receive as receive_call
    event_id = receive_call(people.inspector, enterprise_id=str(people.enterprise_a.id))
    code = db.session.get(EmergencyEvent, event_id).code
    issue(store.keeper, store.warehouse, store.masks, 4, purpose="泄漏处置", incident_code=code)
    page = text(login("bureau").get(f"/emergencies/{event_id}"))
    assert 'id="supplies"' in page and "防毒面具 4 套" in page
    assert 'id="supplies"' not in text(login("ent_a").get(f"/emergencies/{event_id}"))


def test_the_expiry_notice_links_to_the_storage_point(login, store):
    from app.services import supply_expiry
    from app.services.uow import UnitOfWork
    with UnitOfWork() as uow:
        assert supply_expiry.notify_due(uow) == 1  # M-01 expires on 2026-12-10
        uow.commit()
    page = text(login("liwei").get("/notifications"))
    assert "应急物资即将过期" in page and f'href="/supplies/points/{store.warehouse}"' in page


def test_a_count_over_http(login, store):
    keeper = login("liwei")
    url = f"/supplies/points/{store.warehouse}/count"
    assert keeper.get(url).status_code == 200
    refused = keeper.post(url, data={f"counted_{store.masks}": "18", "reason": ""})
    assert refused.status_code == 400 and "请填写差异原因" in field_html(text(refused), "reason")
    assert 'value="18"' in text(refused)
    done = keeper.post(url, data={f"counted_{store.masks}": "18", "reason": "2 套滤毒罐破损已送修"})
    assert done.status_code == 302
    page = text(keeper.get(done.headers["Location"]))
    assert 'data-difference="-2"' in page and "2 套滤毒罐破损已送修" in page


def test_the_resource_table_as_csv_and_pdf(login, store):
    user = login("inspector")
    rows = csv_rows(user.get("/supplies/table.csv"))
    assert rows[0][:4] == ["资源类别", "物资名称", "数量", "单位"]
    assert ["个体防护", "防毒面具", "20", "套"] == rows[1][:4] and rows[1][-3:] == ["化工园区管委会一楼", "liwei",
                                                                             "0373-5550001"]
    assert [r[1] for r in csv_rows(user.get("/supplies/table.csv?category=firefighting"))[1:]] == ["手提式灭火器"]
    pdf = user.get("/supplies/table.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert missing(pdf.data, "应急资源调配表", "防毒面具", "20 套", "安全物资仓库", "liwei", "0373-5550001",
                   "手提式灭火器", "15 个", "有效期至 2026-12-10") == []


def test_the_api_lists_the_stock_and_refuses_area_roles(api, make_user, store, people):
    issue(people.project_lead, store.vehicle, store.extinguishers, 3)
    body = api("bureau").get("/api/v1/supplies").get_json()
    by_kind = {i["kind"]["name"]: i for i in body["items"]}
    assert by_kind["手提式灭火器"]["quantity"] == 12 and by_kind["手提式灭火器"]["point"]["keeper_username"] == "zhaomin"
    assert by_kind["防毒面具"]["next_expiry"] == "2026-12-10" and by_kind["防毒面具"]["below_minimum"] is False
    assert [(b["batch_no"], b["quantity"], b["expired"]) for b in body["expiring"]] == [("M-01", 20, False)]
    only = api("inspector").get(f"/api/v1/supplies?point_id={store.vehicle}").get_json()["items"]
    assert [i["kind"]["name"] for i in only] == ["手提式灭火器"]
    bad = api("inspector").get("/api/v1/supplies?category=weapons")
    assert bad.status_code == 400 and "category" in bad.get_json()["fields"]
    make_user("town", "township")
    for username in ("ent_a", "town"):
        refused = api(username).get("/api/v1/supplies")
        assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    doc = api("bureau").get("/api/v1/openapi.json").get_json()
    assert {p["name"] for p in doc["paths"]["/api/v1/supplies"]["get"]["parameters"]} == \
        {"category", "point_id", "below_minimum"}


def test_english_pages_show_no_chinese_outside_user_data(login, store):
    client = login("project_lead")
    client.get("/lang/en")
    for url in ("/supplies", "/supplies/kinds", "/supplies/kinds/new", f"/supplies/kinds/{store.masks}/edit",
                "/supplies/points/new", f"/supplies/points/{store.warehouse}",
                f"/supplies/points/{store.warehouse}/edit",
                f"/supplies/points/{store.warehouse}/movements/receipt",
                f"/supplies/points/{store.warehouse}/movements/issue",
                f"/supplies/points/{store.warehouse}/movements/transfer",
                f"/supplies/points/{store.warehouse}/movements/scrap", f"/supplies/points/{store.warehouse}/count"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url
    done = client.post(f"/supplies/points/{store.warehouse}/count", data={f"counted_{store.masks}": "20"})
    count_id = done.headers["Location"].rsplit("/", 1)[1]
    page = without_user_data(text(client.get(f"/supplies/counts/{count_id}")))
    assert leftover_chinese(page) == {}
    auditor = login("admin")
    auditor.get("/lang/en")
    page = without_user_data(text(auditor.get("/audit")))
    assert "Supplies received" in page and "Added a storage point" in page
    assert leftover_chinese(page) == {}


def test_the_demo_has_two_points_with_stock_and_a_batch_expiring_soon(app):
    from app.services import supply_stock
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.session.query(SupplyPoint).count() == 2
    lines = supply_stock.stock(db.session)
    assert len({s.point.id for s in lines}) == 2 and all(s.quantity > 0 for s in lines)
    assert [(s.point.name, s.kind.name, s.usable) for s in supply_stock.below_minimum(db.session)] == \
        [("安全物资仓库", "防毒面具", 18)]
    assert [(b.batch_no, n) for b, n in supply_stock.expiring(db.session, 30)] == [("JJ-2024-12", 3)]
    (issued,) = supply_stock.movements(db.session, event_id=db.session.query(EmergencyEvent.id).scalar())
    assert issued.kind.name == "防毒面具" and issued.quantity == 2
