"""Key parts under tag management and their electronic patrol cards (重点部位挂牌, 电子巡检卡) from the outside: the
enterprise tags a part (bad input beside its fields, the kind's default items), another enterprise's staff 404 and
read-only roles 403 on writes (pages and API), a visit's completeness (未巡检 on its page, in its report and in the
pre-submission checks), cards at a visit and daily ones, an 异常 item registered as a hazard through the
registration's prefill, the printable tag, and the API."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import DEFAULT_CHECK_ITEMS, AuditEvent, HazardCase, InspectionVisit, KeyPart, PatrolCard
from app.services import inspections, key_parts, visit_checks
from app.services.uow import UnitOfWork
from tests.pdf_support import pdf_text
from tests.risk_support import in_session
from tests.test_web_support import PNG, registration, text, upload

TAG = {"name": "1号配电室", "kind": "switch_room", "location": "综合楼一层", "responsible_name": "赵电工",
       "responsible_phone": "13900000000", "responsible_user_id": "", "risk_point_id": "", "check_items": ""}


def tag_part(people, **changes):
    with UnitOfWork() as uow:
        part = key_parts.create(uow, in_session(people.ent_a), people.enterprise_a.id, {**TAG, **changes})
        uow.commit()
        return part.id


def record_visit(people, day=None):
    with UnitOfWork() as uow:
        visit = inspections.record(uow, in_session(people.inspector), people.enterprise_a.id,
                                   (day or clock.local_now().date()).isoformat(), "inspector", "配电室、仓库")
        uow.commit()
        return visit.id


def card_form(count, abnormal=(), visit_id=None):
    form = {f"items.{n}.result": "abnormal" if n in abnormal else "normal" for n in range(1, count + 1)}
    form.update({f"items.{n}.note": "绝缘垫破损" for n in abnormal})
    if visit_id:
        form["visit_id"] = str(visit_id)
    return form


def test_the_enterprise_tags_a_part_with_the_kinds_default_items_and_bad_input_comes_back(people, login):
    ent = login("ent_a")
    url = f"/enterprises/{people.enterprise_a.id}/key-parts/new"
    assert 'name="check_items"' in text(ent.get(url))
    bad = ent.post(url, data={**TAG, "name": "", "kind": "garage", "responsible_phone": "", "risk_point_id": "99999"})
    page = text(bad)
    assert bad.status_code == 400
    for field in ("name", "kind", "responsible_phone", "risk_point_id"):
        assert f'id="err-{field}"' in page, field
    assert "综合楼一层" in page  # the typed values are kept
    done = ent.post(url, data=TAG)
    assert done.status_code == 302
    part = db.session.query(KeyPart).one()
    assert part.check_items == DEFAULT_CHECK_ITEMS["switch_room"]
    assert done.headers["Location"].endswith(f"/key-parts/{part.id}")
    edited = ent.post(f"/key-parts/{part.id}/edit", data={**TAG, "responsible_name": "钱电工",
                                                           "check_items": "绝缘垫完好\n灭火器在位"})
    assert edited.status_code == 302
    db.session.refresh(part)
    assert part.check_items == ["绝缘垫完好", "灭火器在位"]
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="key_part", subject_id=part.id)
               .order_by(AuditEvent.id)]
    assert actions == ["key_part_tagged", "key_part_updated"]
    changed = db.session.query(AuditEvent).filter_by(action="key_part_updated").one().changes
    assert changed["responsible_name"] == ["赵电工", "钱电工"]
    shown = text(ent.get(f"/key-parts/{part.id}"))
    assert "钱电工" in shown and "修改重点部位挂牌信息" in shown


def test_other_enterprises_get_404_and_read_only_roles_403_on_writes(people, login, api):
    part_id = tag_part(people)
    enterprise_id = people.enterprise_a.id
    other = login("ent_b")
    for url in (f"/enterprises/{enterprise_id}/key-parts", f"/key-parts/{part_id}", f"/key-parts/{part_id}/tag.pdf",
                f"/key-parts/{part_id}/card"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/key-parts/{part_id}/card", data=card_form(5)).status_code == 404
    assert api("ent_b").get(f"/api/v1/enterprises/{enterprise_id}/key-parts").status_code == 404
    assert api("ent_b").post(f"/api/v1/key-parts/{part_id}/cards", json={"items": []}).status_code == 404
    bureau = login("bureau")
    assert bureau.get(f"/key-parts/{part_id}").status_code == 200
    assert bureau.get(f"/enterprises/{enterprise_id}/key-parts/new").status_code == 403
    assert bureau.post(f"/key-parts/{part_id}/edit", data=TAG).status_code == 403
    assert bureau.post(f"/key-parts/{part_id}/card", data=card_form(5)).status_code == 403
    assert bureau.get(f"/key-parts/{part_id}/card").status_code == 302  # a reader's scan: the part's page
    assert api("bureau").post(f"/api/v1/enterprises/{enterprise_id}/key-parts", json=TAG).status_code == 403
    assert api("manager").post(f"/api/v1/key-parts/{part_id}/cards", json={"items": []}).status_code == 403
    assert login("inspector").post(f"/key-parts/{part_id}/retire", data={"retire_reason": "x"}).status_code == 403
    assert login("process_owner").get(f"/enterprises/{enterprise_id}/key-parts").status_code == 403
    assert db.session.query(PatrolCard).count() == 0


def test_a_visit_shows_the_parts_without_a_card_until_the_inspector_fills_them(people, login):
    clock.set(clock.now() - timedelta(days=3))
    part_id = tag_part(people)
    tag_part(people, name="危化品库", kind="chemical_store", location="北侧 A 库")
    clock.set(clock.now() + timedelta(days=3))
    visit_id = record_visit(people)
    inspector = login("inspector")
    page = text(inspector.get(f"/inspections/{visit_id}"))
    assert 'id="patrol-cards" data-missing="2"' in page and "未巡检" in page
    assert f"/key-parts/{part_id}/card?visit={visit_id}" in page
    report = inspector.get(f"/inspections/{visit_id}/report.pdf")
    assert "未巡检" in pdf_text(report.get_data())
    visit = db.session.get(InspectionVisit, visit_id)
    missing = [c for c in visit_checks.for_visit(db.session, visit) if c.code == "patrol_cards_missing"]
    assert missing and not missing[0].blocking and sorted(missing[0].subjects) == ["1号配电室", "危化品库"]
    bad = inspector.post(f"/key-parts/{part_id}/card", data={**card_form(5, visit_id=visit_id),
                                                             "items.2.result": "", "items.3.result": "abnormal"})
    assert bad.status_code == 400
    shown = text(bad)
    assert 'id="err-items.2.result"' in shown and 'id="err-items.3.note"' in shown
    photo = upload(inspector)
    done = inspector.post(f"/key-parts/{part_id}/card", data={**card_form(5, abnormal=(3,), visit_id=visit_id),
                                                              "pending": photo, "scanned": "1"})
    assert done.status_code == 302, text(done)
    card = db.session.query(PatrolCard).one()
    assert (card.kind, card.visit_id, card.abnormal_count, card.scanned) == ("visit", visit_id, 1, True)
    again = inspector.post(f"/key-parts/{part_id}/card", data=card_form(5, visit_id=visit_id))
    assert again.status_code == 409
    page = text(inspector.get(f"/inspections/{visit_id}"))
    assert 'data-missing="1"' in page and "1 项异常" in page
    card_page = text(inspector.get(f"/patrol-cards/{card.id}"))
    assert f"/attachments/{photo}" in card_page or photo in card_page
    history = text(inspector.get(f"/key-parts/{part_id}"))
    assert f"/patrol-cards/{card.id}" in history and "inspector" in history
    # The enterprise sees neither the visit nor its cards before the report is released.
    ent = login("ent_a")
    assert ent.get(f"/patrol-cards/{card.id}").status_code == 404
    assert f"/patrol-cards/{card.id}" not in text(ent.get(f"/key-parts/{part_id}"))


def test_the_enterprise_fills_daily_patrol_cards_and_the_inspector_needs_a_visit(people, login):
    part_id = tag_part(people, check_items="绝缘垫完好\n灭火器在位")
    ent = login("ent_a")
    assert ent.post(f"/key-parts/{part_id}/card", data=card_form(2)).status_code == 302
    card = db.session.query(PatrolCard).one()
    assert card.kind == "daily" and card.visit_id is None
    assert "日常巡检" in text(ent.get(f"/key-parts/{part_id}"))
    missing_visit = login("inspector").post(f"/key-parts/{part_id}/card", data=card_form(2))
    assert missing_visit.status_code == 400 and 'id="err-visit_id"' in text(missing_visit)


def test_an_abnormal_item_is_registered_as_a_hazard_with_the_parts_location(people, login):
    part_id = tag_part(people)
    visit_id = record_visit(people)
    inspector = login("inspector")
    assert inspector.post(f"/key-parts/{part_id}/card",
                          data=card_form(5, abnormal=(1,), visit_id=visit_id)).status_code == 302
    card = db.session.query(PatrolCard).one()
    item = card.items[0]
    assert f"/hazards/new?patrol_item={item.id}" in text(inspector.get(f"/patrol-cards/{card.id}"))
    assert inspector.get(f"/hazards/new?patrol_item={card.items[1].id}").status_code == 409  # a 正常 item
    page = text(inspector.get(f"/hazards/new?patrol_item={item.id}&visit={visit_id}"))
    assert "综合楼一层（1号配电室）" in page and "绝缘垫破损" in page and f'name="patrol_item_id" value="{item.id}"' in page
    photo = upload(inspector)
    done = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo, place="综合楼一层（1号配电室）"),
                                                "patrol_item_id": str(item.id), "inspection_visit_id": str(visit_id)})
    assert done.status_code == 302, text(done)
    case = db.session.query(HazardCase).one()
    db.session.refresh(item)
    assert item.case_id == case.id and case.inspection_visit_id == visit_id
    assert case.code in text(inspector.get(f"/patrol-cards/{card.id}"))
    assert inspector.get(f"/hazards/new?patrol_item={item.id}").status_code == 409  # registered already
    assert login("ent_b").get(f"/hazards/new?patrol_item={item.id}").status_code in (403, 404)


def test_the_tag_pdf_opens_with_the_part_and_its_responsible_person(people, login):
    part_id = tag_part(people)
    response = login("ent_a").get(f"/key-parts/{part_id}/tag.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF")
    shown = pdf_text(body).replace("\n", "")
    assert "1号配电室" in shown and "赵电工" in shown and "13900000000" in shown


def test_the_api_tags_fills_and_lists_a_visits_cards(people, api):
    enterprise_id = people.enterprise_a.id
    ent = api("ent_a")
    bad = ent.post(f"/api/v1/enterprises/{enterprise_id}/key-parts", json={**TAG, "kind": "garage", "name": ""})
    assert bad.status_code == 400 and "kind" in bad.get_json()["fields"]
    created = ent.post(f"/api/v1/enterprises/{enterprise_id}/key-parts",
                       json={k: v for k, v in TAG.items() if k not in ("responsible_user_id", "risk_point_id")}
                       | {"check_items": ["绝缘垫完好", "灭火器在位"]})
    assert created.status_code == 201, created.get_data(as_text=True)
    part = created.get_json()
    assert part["check_items"] == ["绝缘垫完好", "灭火器在位"] and part["card_url"].endswith(f"/key-parts/{part['id']}/card?scan=1")
    listed = api("bureau").get(f"/api/v1/enterprises/{enterprise_id}/key-parts").get_json()
    assert [p["name"] for p in listed["items"]] == ["1号配电室"]
    visit_id = record_visit(people)
    inspector = api("inspector")
    wrong = inspector.post(f"/api/v1/key-parts/{part['id']}/cards",
                           json={"visit_id": visit_id, "items": [{"position": 1, "result": "abnormal"}]})
    assert wrong.status_code == 400 and set(wrong.get_json()["fields"]) == {"items.1.note", "items.2.result"}
    photo = upload_api(inspector)
    done = inspector.post(f"/api/v1/key-parts/{part['id']}/cards", json={
        "visit_id": visit_id, "photos": [photo], "items": [{"position": 1, "result": "abnormal", "note": "破损"},
                                                           {"position": 2, "result": "normal"}]})
    assert done.status_code == 201, done.get_data(as_text=True)
    assert done.get_json()["abnormal_count"] == 1 and done.get_json()["photos"][0]["public_id"] == photo
    listed = inspector.get(f"/api/v1/inspections/{visit_id}/patrol-cards").get_json()
    assert (listed["due"], listed["missing"]) == (1, 0) and listed["parts"][0]["card"]["kind"] == "visit"
    assert api("ent_b").get(f"/api/v1/inspections/{visit_id}/patrol-cards").status_code == 404


def upload_api(client):
    import io
    response = client.post("/api/v1/attachments", data={"file": (io.BytesIO(PNG), "card.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def test_the_demo_tags_three_parts_of_the_chemical_plant_with_cards_at_its_latest_visit(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    parts = db.session.query(KeyPart).order_by(KeyPart.id).all()
    assert [p.kind for p in parts] == ["switch_room", "chemical_store", "boiler_room"]
    assert parts[0].risk_point is not None and parts[0].risk_point.name == "变配电室"
    visit_cards = db.session.query(PatrolCard).filter_by(kind="visit").all()
    assert len(visit_cards) == 3 and sum(c.abnormal_count for c in visit_cards) == 1
    latest = db.session.query(InspectionVisit).filter_by(enterprise_id=parts[0].enterprise_id) \
        .order_by(InspectionVisit.visited_on.desc(), InspectionVisit.id.desc()).first()
    assert {c.visit_id for c in visit_cards} == {latest.id}
    assert db.session.query(PatrolCard).filter_by(kind="daily").count() == 1
