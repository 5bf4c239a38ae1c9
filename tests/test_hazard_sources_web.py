"""The major hazard source register (重大危险源登记) from the outside: the enterprise's form and its bad input shown beside
its fields with everything typed kept, the source's page with the review, the old text shown as 登记簿原文 until
structured sources exist, another enterprise's staff and another area's office (404) and roles without business (403)
in the pages and the API, the county list's filters and CSV, the API's JSON."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import HazardSource, UserTownship
from tests.hazard_source_support import SOURCE, add, review, source
from tests.iot_support import reading, register, send
from tests.test_web_support import csv_rows, text


def form(**changes):
    values = {k: v for k, v in SOURCE.items() if k != "substances"}
    values.update({"substance_name": ["液氨", "甲醇", ""], "substance_quantity": ["30", "50", ""],
                   "substance_critical": ["10", "500", ""]})
    values.update(changes)
    return values


def test_the_enterprise_registers_a_source_and_another_person_reviews_it(people, login):
    ent, enterprise_id = login("ent_a"), people.enterprise_a.id
    page = text(ent.get(f"/enterprises/{enterprise_id}/hazard-sources"))
    assert "尚未逐个登记重大危险源" in page and f"/enterprises/{enterprise_id}/hazard-sources/new" in page
    assert 'name="substance_name"' in text(ent.get(f"/enterprises/{enterprise_id}/hazard-sources/new"))
    done = ent.post(f"/enterprises/{enterprise_id}/hazard-sources/new", data=form())
    assert done.status_code == 302, text(done)
    row = db.session.query(HazardSource).one()
    assert done.headers["Location"].endswith(f"/enterprises/{enterprise_id}/hazard-sources/{row.id}")
    assert [s["name"] for s in row.substances] == ["液氨", "甲醇"]  # the empty row dropped
    shown = text(ent.get(f"/enterprises/{enterprise_id}/hazard-sources/{row.id}"))
    assert "2027-01-09" in shown and 'id="r-value">3.1<' in shown and 'id="review"' not in shown
    inspector = login("inspector")
    page = text(inspector.get(f"/enterprises/{enterprise_id}/hazard-sources/{row.id}"))
    assert 'id="review"' in page and "王厂长" in page
    done = inspector.post(f"/enterprises/{enterprise_id}/hazard-sources/{row.id}/review",
                          data={"decision": "reviewed", "version": str(row.version)})
    assert done.status_code == 302 and source(row.id).status == "reviewed"
    assert "审核重大危险源" in text(ent.get(f"/enterprises/{enterprise_id}/hazard-sources/{row.id}"))  # history


def test_bad_input_comes_back_beside_its_fields_and_nothing_is_lost(people, login):
    ent, enterprise_id = login("ent_a"), people.enterprise_a.id
    bad = ent.post(f"/enterprises/{enterprise_id}/hazard-sources/new",
                   data=form(name="", level="9", principal_phone="abc", filed_on="",
                             substance_quantity=["30", "很多", ""], unit="二号罐区"))
    page = text(bad)
    assert bad.status_code == 400
    for field in ("name", "level", "principal_phone", "filed_on", "substances"):
        assert f'id="err-{field}"' in page, field
    assert 'value="二号罐区"' in page and 'value="很多"' in page and 'value="410782-WHY-2024-007"' in page
    assert "第2行" in page
    assert db.session.query(HazardSource).count() == 0


def test_the_old_text_shows_until_structured_sources_exist(people, login):
    people.enterprise_a.major_hazard_sources = "液氨储罐 1 座（三级）"
    db.session.commit()
    ent, enterprise_id = login("ent_a"), people.enterprise_a.id
    page = text(ent.get(f"/enterprises/{enterprise_id}/hazard-sources"))
    assert 'id="legacy-text"' in page and "登记簿原文" in page and "液氨储罐 1 座（三级）" in page
    add(people.ent_a, enterprise_id)
    page = text(ent.get(f"/enterprises/{enterprise_id}/hazard-sources"))
    assert 'id="legacy-text"' not in page and "液氨储罐区" in page
    assert login("ent_a").get(f"/api/v1/enterprises/{enterprise_id}/hazard-sources").status_code == 401  # no token


def test_who_may_read_and_write(people, login, make_user, api):
    source_id = add(people.ent_a, people.enterprise_a.id)
    base = f"/enterprises/{people.enterprise_a.id}/hazard-sources"
    other = login("ent_b")
    for path in (base, f"{base}/new", f"{base}/{source_id}", f"{base}/{source_id}/edit"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"{base}/{source_id}/review", data={"decision": "reviewed"}).status_code == 404
    assert api("ent_b").get(f"/api/v1{base}").status_code == 404
    owner = login("process_owner")
    assert owner.get(base).status_code == 403 and owner.get("/hazard-sources").status_code == 403
    assert api("process_owner").get(f"/api/v1{base}").status_code == 403
    team = login("project_team")  # reads and reviews, never writes
    assert team.get(base).status_code == 200 and team.get(f"{base}/new").status_code == 403
    town = make_user("town", "township")
    town.townships_rel = [UserTownship(township="高新区")]
    db.session.commit()
    assert login("town").get(f"{base}/{source_id}").status_code == 404  # another area
    assert login("inspector").get(f"{base}/{source_id}/edit").status_code == 200  # staff keep it too
    assert login("ent_a").get("/hazard-sources").headers["Location"].endswith(base)  # own enterprise


def test_the_county_list_filters_and_exports(people, login):
    ok = add(people.ent_a, people.enterprise_a.id, name="甲醇罐区", level="4", assessed_on="2026-01-10",
             filed_on="2026-02-01", filing_number="F-2")
    lapsed = add(people.ent_a, people.enterprise_a.id, name="液氨储罐区", assessed_on="2023-03-01",
                 filed_on="2023-03-20", filing_number="F-1")
    unfiled = add(people.ent_b, people.enterprise_b.id, name="液氯库", level="2", filing_number="", filed_on="",
                  assessed_on="2026-06-01")
    device_id, key = register(people.project_lead, people.enterprise_b, "GD-B-9")
    with_alarm = add(people.ent_b, people.enterprise_b.id, name="氯气钢瓶间", device_ids=[str(device_id)],
                     assessed_on="2026-06-01", filed_on="2026-06-02", filing_number="F-3")
    send(key, reading("h2s", 30))
    bureau = login("bureau")

    def listed(query):
        return {int(i) for i in _ids(text(bureau.get(f"/hazard-sources?{query}")))}
    assert listed("") == {ok, lapsed, unfiled, with_alarm}
    assert listed("level=2") == {unfiled}
    assert listed("lapsed=assessment") == {lapsed}
    assert listed("lapsed=filing") == {lapsed, unfiled}
    assert listed("lapsed=any") == {lapsed, unfiled}
    assert listed("alarm=1") == {with_alarm}
    assert listed("name=乙机械") == {unfiled, with_alarm}
    rows = csv_rows(bureau.get("/hazard-sources.csv?lapsed=assessment"))
    assert len(rows) == 2 and rows[1][3] == "液氨储罐区" and rows[1][11] == "评估已过期"
    assert rows[1][16] == "3.1"


def _ids(page):
    import re
    return re.findall(r'<tr data-source="(\d+)"', page)


def test_the_api_gives_the_sources_with_their_states_and_the_enterprise_tags(people, api):
    people.enterprise_a.tags = ["ammonia_refrigeration", "two_key_one_major"]
    people.enterprise_a.major_hazard_sources = "液氨储罐"
    db.session.commit()
    device_id, key = register(people.project_lead, people.enterprise_a, "GD-A-9")
    source_id = add(people.ent_a, people.enterprise_a.id, device_ids=[str(device_id)])
    review(people.inspector, people.enterprise_a.id, source_id)
    send(key, reading("h2s", 30))
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    body = api("bureau").get(f"/api/v1/enterprises/{people.enterprise_a.id}/hazard-sources").get_json()
    assert body["tags"] == ["two_key_one_major", "ammonia_refrigeration"] and body["register_text"] == "液氨储罐"
    (item,) = body["items"]
    assert item["assessment_due_on"] == "2027-01-09" and item["assessment_state"] == "due"
    assert item["filing_state"] == "valid" and item["level"] == 3 and item["r_value"] == 3.1
    assert item["responsible"]["technical"] == {"name": "李工", "phone": "13800000002"}
    assert item["devices"][0]["code"] == "GD-A-9" and item["open_alarms"][0]["device_code"] == "GD-A-9"
    assert item["status"] == "reviewed"
    assert api("ent_a").get(f"/api/v1/enterprises/{people.enterprise_a.id}/hazard-sources").status_code == 200
    assert "/api/v1/enterprises/{enterprise_id}/hazard-sources" in text(api("bureau").get("/api/v1/openapi.json"))


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login):
    from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
    people.enterprise_a.tags = ["ammonia_refrigeration"]
    db.session.commit()
    device_id, key = register(people.project_lead, people.enterprise_a, "GD-A-7")
    source_id = add(people.ent_a, people.enterprise_a.id, device_ids=[str(device_id)])
    send(key, reading("h2s", 30))
    base = f"/enterprises/{people.enterprise_a.id}/hazard-sources"
    client = login("inspector")
    client.get("/lang/en")
    for url in (base, f"{base}/new", f"{base}/{source_id}", f"{base}/{source_id}/edit", "/hazard-sources",
                "/hazard-sources?lapsed=any&alarm=1"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert '<html lang="en">' in page and leftover_chinese(page) == {}, (url, leftover_chinese(page))
    bureau = login("bureau")
    bureau.get("/lang/en")
    page = without_user_data(text(bureau.get(f"/supervision/enterprises/{people.enterprise_a.id}")))
    assert leftover_chinese(page) == {} and f"{base}" in page
    bad = client.post(f"{base}/new", data=form(name="", level="9"))
    assert bad.status_code == 400 and leftover_chinese(without_user_data(text(bad))) == {}
