"""The map of enterprises (services/enterprise_map.py, web/enterprise_map.py): the placed enterprises a user may see,
coloured by the chosen attribute, with filters by township / park and tag, the popup's facts and links, the list of
those without a position; scoped from the outside (township offices their area, enterprise staff no layer: 403),
bad filters 400 naming the field, on the page (input kept), its JSON and the API."""
import pytest

from app.extensions import db
from app.models import EnterpriseTag
from app.services import enterprise_map
from tests.risk_support import township_user
from tests.test_lifecycle_service import register
from tests.test_web_support import text


def place(enterprise, latitude, longitude, **changes):
    enterprise.latitude, enterprise.longitude = latitude, longitude
    for name, value in changes.items():
        setattr(enterprise, name, value)
    db.session.commit()


@pytest.fixture
def county(people, make_enterprise, make_user):
    """A (城关镇): an open 重大 case, a major hazard source in the old text and two risk tags, placed; B (城关镇)
    placed, nothing else; C (南湖镇) placed; D (南湖镇) not placed. A township office for 城关镇."""
    a, b = people.enterprise_a, people.enterprise_b
    place(a, 35.4627, 113.8015, major_hazard_sources="液氨储罐")
    db.session.add_all([EnterpriseTag(enterprise_id=a.id, tag="confined_space"),
                        EnterpriseTag(enterprise_id=a.id, tag="ammonia_refrigeration")])
    db.session.commit()
    register(people, score=60)  # 重大 at A
    register(people, score=90, enterprise=b)  # 一般 at B
    place(b, 35.5012, 113.8321)
    c = make_enterprise("丙纺织有限公司", industry="纺织")
    place(c, 35.4108, 113.7526, township="南湖镇")
    d = make_enterprise("丁建材商行", industry="建材")
    place(d, None, None, township="南湖镇")
    township_user(make_user, "城关镇")
    return a, b, c, d


def features(response):
    assert response.status_code == 200, text(response)
    return {f["properties"]["name"]: f for f in response.get_json()["features"]}


def test_the_bureau_sees_every_placed_enterprise_coloured_by_each_attribute(people, county, login):
    a, b, c, d = county
    bureau = login("bureau")
    data = bureau.get("/map/enterprises.json").get_json()
    assert (data["by"], data["matching"], data["located"], data["unlocated"]) == ("priority", 4, 3, 1)
    by_name = features(bureau.get("/map/enterprises.json"))
    assert by_name[a.name]["geometry"] == {"type": "Point", "coordinates": [113.8015, 35.4627]}
    props = by_name[a.name]["properties"]
    # A: open major hazard, major hazard source, risk tags → three reasons, the high band
    assert props["priority_band"] == "high" and props["category"] == "high" and props["colour"] == "#c53030"
    assert set(props["priority_reasons"]) == {"major_hazard_source", "risk_tags", "open_major_hazard"}
    assert (props["open_cases"], props["open_major"], props["has_hazard_sources"]) == (1, 1, True)
    assert props["tags"] == ["ammonia_refrigeration", "confined_space"] and props["cooperation_class"] == ""
    assert by_name[b.name]["properties"]["category"] == "none"
    assert {item["code"]: item["count"] for item in data["legend"]} == {"high": 1, "medium": 0, "low": 0, "none": 2}
    expected = {"open_major": {a.name: "yes", b.name: "no", c.name: "no"},
                "hazard_sources": {a.name: "yes", b.name: "no", c.name: "no"},
                "tag": {a.name: "ammonia_refrigeration", b.name: "none", c.name: "none"},
                "cooperation": {a.name: "none", b.name: "none", c.name: "none"}}
    for by, categories in expected.items():
        got = features(bureau.get(f"/map/enterprises.json?by={by}"))
        assert {name: f["properties"]["category"] for name, f in got.items()} == categories, by
    levels = features(bureau.get("/map/enterprises.json?by=area_risk"))
    assert levels[a.name]["properties"]["category"] == levels[b.name]["properties"]["area_level"]
    assert levels[c.name]["properties"]["category"] == "blue"  # 南湖镇: nothing open


def test_filters_by_township_and_tag(people, county, login):
    a, b, c, d = county
    bureau = login("bureau")
    assert set(features(bureau.get("/map/enterprises.json?township=南湖镇"))) == {c.name}
    assert set(features(bureau.get("/map/enterprises.json?tag=confined_space"))) == {a.name}
    assert features(bureau.get("/map/enterprises.json?tag=crowded_place")) == {}
    data = bureau.get("/map/enterprises.json?township=南湖镇").get_json()
    assert (data["matching"], data["located"], data["unlocated"]) == (2, 1, 1)


def test_the_popup_has_the_facts_and_only_the_links_the_reader_may_open(people, county, login):
    a = county[0]
    links = {name: [link["url"] for link in f["properties"]["links"]]
             for name, f in features(login("admin").get("/map/enterprises.json")).items()}
    assert f"/cases?enterprise_id={a.id}" in links[a.name]
    assert f"/supervision/enterprises/{a.id}" in links[a.name]
    assert f"/admin/enterprises/{a.id}#field-position" in links[a.name]
    inspector = features(login("inspector").get("/map/enterprises.json"))[a.name]["properties"]
    assert not any("/admin/" in link["url"] or "/supervision/enterprises" in link["url"]
                   for link in inspector["links"])
    facts = dict(inspector["facts"])
    assert facts["未销号隐患"] == "1 件，其中重大 1 件" and facts["重大危险源"] == "有（登记簿原文）"
    assert facts["风险标签"] == "涉氨制冷、有限空间作业" and facts["在用监测设备"] == "0 台"
    assert "配合评分等级" not in facts  # the scores are the oversight roles' (services/cooperation.py)
    assert inspector["category_name"] == "高（3 项及以上理由）"
    bureau = dict(features(login("bureau").get("/map/enterprises.json"))[a.name]["properties"]["facts"])
    assert bureau["配合评分等级"] == "尚未评分"


def test_a_township_office_sees_its_area_and_what_its_role_reads(people, county, login):
    a, b, c, d = county
    town = login("town")
    got = features(town.get("/map/enterprises.json"))
    assert set(got) == {a.name, b.name}  # 城关镇 only
    props = got[a.name]["properties"]
    assert "cooperation_class" not in props and "iot_devices" not in props  # not readable for a township office
    assert "配合评分等级" not in dict(props["facts"])
    assert town.get("/map/enterprises.json?by=cooperation").status_code == 403
    assert features(town.get("/map/enterprises.json?township=南湖镇")) == {}  # another area: nothing
    page = town.get("/map?layer=enterprises")
    assert page.status_code == 200
    body = text(page)
    assert 'value="cooperation"' not in body and 'value="area_risk"' in body
    assert "未标注位置的企业" in body and d.name not in body and "标注位置</a>" not in body


def test_enterprise_staff_get_no_layer(people, county, login, api):
    staff = login("ent_a")
    assert staff.get("/map/enterprises.json").status_code == 403
    assert staff.get("/map?layer=enterprises").status_code == 403
    assert 'id="layer-enterprises"' not in text(staff.get("/map"))
    response = api("ent_a").get("/api/v1/map/enterprises")
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_a_role_colours_only_by_what_it_reads(people, county, login):
    assert enterprise_map.colour_choices(people.process_owner) == ["open_major", "tag"]
    owner = login("process_owner")
    assert owner.get("/map/enterprises.json").get_json()["by"] == "open_major"  # its first choice
    assert owner.get("/map/enterprises.json?by=priority").status_code == 403
    assert enterprise_map.colour_choices(people.bureau) == list(enterprise_map.COLOUR_BY)
    assert enterprise_map.colour_choices(people.ent_a) == []


def test_bad_filters_are_400_naming_the_field_with_the_input_kept(people, county, login, api):
    bureau = login("bureau")
    for query, field in (("by=colour", "by"), ("tag=unknown", "tag"), ("township=" + "镇" * 101, "township")):
        response = bureau.get(f"/map/enterprises.json?{query}")
        assert response.status_code == 400 and set(response.get_json()["fields"]) == {field}, query
        assert response.get_json()["error"] == "validation_failed"
        bad = api("bureau").get(f"/api/v1/map/enterprises?{query}")
        assert bad.status_code == 400 and field in bad.get_json()["fields"], query
    page = bureau.get("/map?layer=enterprises&by=colour&tag=crowded_place")
    assert page.status_code == 400
    body = text(page)
    assert 'id="err-by"' in body and "未知的着色依据" in body
    assert '<option value="colour" selected>' in body and '<option value="crowded_place" selected>' in body
    assert 'data-url=""' in body  # nothing to draw


def test_the_page_switches_layers_and_lists_the_unplaced_with_a_link_for_admins(people, county, login):
    d = county[3]
    bureau = text(login("bureau").get("/map?layer=enterprises&township=南湖镇"))
    assert 'id="layer-enterprises"' in bureau and 'data-layer="enterprises"' in bureau
    assert 'data-url="/map/enterprises.json?by=priority&amp;township=' in bureau
    assert f'data-enterprise="{d.id}"' in bureau and "标注位置</a>" not in bureau
    admin = text(login("admin").get("/map?layer=enterprises"))
    assert f'href="/admin/enterprises/{d.id}#field-position"' in admin
    cases = text(login("bureau").get("/map"))
    assert 'id="layer-cases"' in cases and 'aria-current="page"' in cases and "data-layer" not in cases


def test_the_api_gives_codes_and_figures(people, county, api):
    a, b, c, d = county
    data = api("manager").get("/api/v1/map/enterprises?by=open_major").get_json()
    assert data["by"] == "open_major" and data["legend"] == [{"code": "yes", "count": 1}, {"code": "no", "count": 2}]
    props = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert props[a.name]["category"] == "yes" and "links" not in props[a.name] and "facts" not in props[a.name]
    town = api("town")
    assert {f["properties"]["name"] for f in town.get("/api/v1/map/enterprises").get_json()["features"]} == \
        {a.name, b.name}


def test_anonymous_is_sent_to_log_in(client):
    assert client.get("/map/enterprises.json").status_code == 302
    assert client.get("/api/v1/map/enterprises").status_code == 401


def test_names_facts_and_links_follow_the_language(people, county, login):
    a = county[0]
    bureau = login("bureau")
    bureau.get("/lang/en?next=/")
    props = features(bureau.get("/map/enterprises.json"))[a.name]["properties"]
    facts = dict(props["facts"])
    assert props["category_name"] == "High (3 or more reasons)"
    assert facts["Open hazards"] == "1, of them 1 major"
    assert facts["Risk tags"] == "Ammonia refrigeration, Confined-space work"
    assert facts["Major hazard sources"] == "Yes (register text)"
    assert [link["label"] for link in props["links"]][:2] == ["Hazard list", "Supervision record"]
    legend = bureau.get("/map/enterprises.json?by=cooperation").get_json()["legend"]
    assert [item["name"] for item in legend] == ["Class A", "Class B", "Class C", "Not scored yet"]
    page = text(bureau.get("/map?layer=enterprises"))
    assert "Enterprises without a position" in page and "Colour by" in page
