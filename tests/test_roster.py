"""The enterprises' training registers (从业人员安全培训台账) from the outside: who reads and writes (another
enterprise's staff 404, roles without business 403, the bureau's and contractor's writers), wrong input (400 with each
field named), the 达标情况 by industry and category, leaving without deleting, audit before → after, the
all-or-nothing sheet import, the API, and the daily certificate notice told once."""
from datetime import date, timedelta

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, Notification, RosterPerson, RosterTraining
from app.services import roster_rules as rules
from scheduler import jobs
from tests.test_web_support import text

PERSON = {"name": "张三", "position": "安全科长", "category": "safety_manager", "hired_on": "2020-03-01"}


def add(client, enterprise, **form):
    response = client.post(f"/enterprises/{enterprise.id}/staff/new", data={**PERSON, **form})
    assert response.status_code == 302, text(response)
    return db.session.query(RosterPerson).order_by(RosterPerson.id.desc()).first()


def train(client, enterprise, person, **form):
    values = {"trained_on": clock.local_now().date().isoformat(), "hours": "8", "kind": "refresher", **form}
    response = client.post(f"/enterprises/{enterprise.id}/staff/{person.id}/trainings", data=values)
    assert response.status_code == 302, text(response)


def test_who_reads_and_who_writes_the_register(people, login, make_user):
    ent_a, ent_b = people.enterprise_a, people.enterprise_b
    own = login("ent_a")
    person = add(own, ent_a)
    url = f"/enterprises/{ent_a.id}/staff"
    assert "张三" in text(own.get(url))
    other = login("ent_b")  # another enterprise's staff: the register does not exist for them
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/{person.id}").status_code == 404
    assert other.post(f"{url}/new", data=PERSON).status_code == 404
    assert other.post(f"{url}/{person.id}/trainings", data={"hours": "8"}).status_code == 404
    assert own.get(f"/enterprises/{ent_b.id}/staff/{person.id}").status_code == 404  # under the wrong enterprise
    for who in ("process_owner",):  # no business here
        assert login(who).get(url).status_code == 403, who
    make_user("tech", "technical_lead")
    assert login("tech").get(url).status_code == 403
    for who in ("quality", "manager", "expert", "supervision"):  # read, do not write
        client = login(who)
        assert client.get(url).status_code == 200, who
        assert client.get(f"{url}/new").status_code == 403, who
        assert client.post(f"{url}/new", data=PERSON).status_code == 403, who
        assert client.post(f"{url}/{person.id}/trainings", data={"hours": "8"}).status_code == 403, who
    for who in ("inspector", "project_lead", "bureau"):  # read all, and write
        client = login(who)
        assert client.get(f"/enterprises/{ent_b.id}/staff").status_code == 200, who
        add(client, ent_b, name=f"李{who}")
    assert db.session.query(RosterPerson).filter_by(enterprise_id=ent_b.id).count() == 3


def test_wrong_input_is_400_with_each_field_named(people, login):
    client = login("ent_a")
    ent = people.enterprise_a
    bad = client.post(f"/enterprises/{ent.id}/staff/new", data={
        "name": "", "category": "boss", "hired_on": "2020-13-01"})
    page = text(bad)
    assert bad.status_code == 400
    for field in ("name", "category", "hired_on"):
        assert f'id="err-{field}"' in page, field
    bad = client.post(f"/enterprises/{ent.id}/staff/new", data={
        **PERSON, "category": "special_worker", "operation_kind": "welding", "certificate_number": "T1",
        "certificate_issued_on": "2024-05-01", "certificate_expires_on": "2024-04-30"})
    assert bad.status_code == 400 and 'id="err-certificate_expires_on"' in text(bad)
    assert 'value="T1"' in text(bad)  # the typed values kept
    assert db.session.query(RosterPerson).count() == 0
    person = add(client, ent)
    for form, field in (({"hours": "0"}, "hours"), ({"hours": "-2"}, "hours"), ({"hours": "abc"}, "hours"),
                        ({"kind": "party"}, "kind"), ({"trained_on": "2999-01-01"}, "trained_on")):
        values = {"trained_on": "2026-01-05", "hours": "8", "kind": "refresher", **form}
        response = client.post(f"/enterprises/{ent.id}/staff/{person.id}/trainings", data=values)
        assert response.status_code == 400 and f'id="err-{field}"' in text(response), form
    assert db.session.query(RosterTraining).count() == 0


def test_compliance_by_industry_and_category_and_the_certificate(people, login):
    today = clock.local_now().date()
    client = login("ent_a")
    chemical = people.enterprise_a  # 化工: high-risk (48 / 16, pre-job 72, yearly 20)
    assert rules.industry_class(chemical.industry) == "high_risk"
    assert rules.industry_class(people.enterprise_b.industry) == "general"
    manager = add(client, chemical)
    train(client, chemical, manager, kind="initial", hours="48", trained_on="2020-03-10")
    train(client, chemical, manager, hours="16")
    short = add(client, chemical, name="王五", category="principal")
    train(client, chemical, short, kind="initial", hours="32", trained_on="2020-03-10")  # 32 < 48
    welder = add(client, chemical, name="赵六", category="special_worker", operation_kind="welding",
                 certificate_number="T370101", certificate_issued_on=(today - timedelta(days=2170)).isoformat())
    assert welder.certificate_review_due == date(welder.certificate_issued_on.year + 3,
                                                 welder.certificate_issued_on.month,
                                                 welder.certificate_issued_on.day) - timedelta(days=1)
    train(client, chemical, welder, kind="pre_job", hours="72", trained_on="2019-01-10")
    train(client, chemical, welder, hours="20")
    newcomer = add(client, chemical, name="钱七", category="new_employee", hired_on=today.isoformat())
    train(client, chemical, newcomer, kind="pre_job", hours="72")
    page = text(client.get(f"/enterprises/{chemical.id}/staff"))
    assert 'data-share="50.0"' in page  # the manager and the newcomer (no yearly hours in the year of hiring)
    assert f'<tr data-person="{manager.id}">' in page
    assert 'data-problem="initial_missing"' in page and 'data-problem="annual_short"' in page
    assert 'data-certificate="expiring"' in page  # issued 2170 days ago: expires within 60 days
    assert "48 / 48" in page or "48 / 48" in page.replace("&nbsp;", " ")
    left = client.post(f"/enterprises/{chemical.id}/staff/{short.id}/edit",
                       data={**PERSON, "name": "王五", "category": "principal", "left_on": today.isoformat()})
    assert left.status_code == 302
    page = text(client.get(f"/enterprises/{chemical.id}/staff"))
    assert 'data-share="66.7"' in page and 'id="left"' in page  # kept, out of the share
    assert db.session.get(RosterPerson, short.id) is not None
    event = db.session.query(AuditEvent).filter_by(action="roster_person_left").one()
    assert event.changes == {"person_left_on": [None, today.isoformat()]}
    assert (event.subject_type, event.subject_id) == ("roster_person", short.id)
    history = text(client.get(f"/enterprises/{chemical.id}/staff/{short.id}"))
    assert "登记人员离职" in history and "登记培训记录" in history


def test_the_import_is_all_or_nothing_and_updates_by_name(people, login):
    client = login("ent_a")
    ent = people.enterprise_a
    add(client, ent, name="张三", position="")
    url = f"/enterprises/{ent.id}/staff/import"
    good = "姓名,岗位,人员类别,入职日期,作业类别,操作证编号,发证日期\n张三,安全科长,安全生产管理人员,,,,\n" \
           "孙八,电工,特种作业人员,2021-04-01,电工作业,T4101,2023-05-01\n"
    bad = good + "周九,,厂长,,,,\n吴十,焊工,特种作业人员,,焊接与热切割作业,,2025-13-01\n"
    from io import BytesIO
    response = client.post(url, data={"file": (BytesIO(bad.encode()), "roster.csv")},
                           content_type="multipart/form-data")
    page = text(response)
    assert response.status_code == 400 and 'id="import-errors"' in page
    assert 'data-line="4"' in page and 'data-field="category"' in page
    assert 'data-line="5"' in page and 'data-field="certificate_issued_on"' in page
    assert db.session.query(RosterPerson).count() == 1
    response = client.post(url, data={"file": (BytesIO(good.encode()), "roster.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    people_now = {p.name: p for p in db.session.query(RosterPerson)}
    assert people_now["张三"].position == "安全科长" and people_now["张三"].hired_on == date(2020, 3, 1)
    sun = people_now["孙八"]
    assert (sun.operation_kind, sun.certificate_expires_on) == ("electrical", date(2029, 4, 30))
    imported = db.session.query(AuditEvent).filter_by(action="roster_imported").one()
    assert imported.details["added"] == 1 and imported.details["updated"] == 1
    assert login("ent_b").post(f"/enterprises/{ent.id}/staff/import",
                               data={"file": (BytesIO(good.encode()), "roster.csv")},
                               content_type="multipart/form-data").status_code == 404
    assert login("quality").post(url, data={"file": (BytesIO(good.encode()), "roster.csv")},
                                 content_type="multipart/form-data").status_code == 403


def test_the_api_lists_adds_and_names_wrong_fields(people, api):
    ent = people.enterprise_a
    own = api("ent_a")
    created = own.post(f"/api/v1/enterprises/{ent.id}/staff", json={"name": "张三", "category": "principal"})
    assert created.status_code == 201, created.get_json()
    person_id = created.get_json()["id"]
    assert created.get_json()["status"]["problems"] == ["initial_missing", "annual_short"]
    bad = own.post(f"/api/v1/enterprises/{ent.id}/staff", json={"name": "李四", "category": "chief"})
    assert bad.status_code == 400 and "category" in bad.get_json()["fields"]
    url = f"/api/v1/enterprises/{ent.id}/staff/{person_id}/trainings"
    for body, field in (({"hours": 0}, "hours"), ({"hours": -1}, "hours"), ({"kind": "x"}, "kind")):
        response = own.post(url, json={"trained_on": "2026-03-01", "hours": 8, "kind": "initial", **body})
        assert response.status_code == 400 and field in response.get_json()["fields"], body
    assert own.post(url, json={"trained_on": "2026-03-01", "hours": 48, "kind": "initial"}).status_code == 201
    listed = own.get(url).get_json()
    assert [t["hours"] for t in listed["items"]] == [48.0] and "initial_missing" not in listed["status"]["problems"]
    staff = api("bureau").get(f"/api/v1/enterprises/{ent.id}/staff").get_json()
    assert staff["industry_class"] == "high_risk" and staff["items"][0]["name"] == "张三"
    assert api("ent_b").get(f"/api/v1/enterprises/{ent.id}/staff").status_code == 404
    assert api("ent_b").get(url).status_code == 404
    assert api("ent_b").post(url, json={"trained_on": "2026-03-01", "hours": 8, "kind": "initial"}).status_code == 404
    assert api("quality").post(f"/api/v1/enterprises/{ent.id}/staff",
                               json={"name": "x", "category": "principal"}).status_code == 403
    assert api("process_owner").get(f"/api/v1/enterprises/{ent.id}/staff").status_code == 403


def test_the_daily_job_tells_the_enterprise_once_30_days_before(people, login):
    today = clock.local_now().date()
    client = login("inspector")
    ent = people.enterprise_a
    welder = add(client, ent, name="赵六", category="special_worker", operation_kind="welding",
                 certificate_number="T370101", certificate_issued_on="2021-01-01",
                 certificate_expires_on=(today + timedelta(days=40)).isoformat())
    add(client, ent, name="孙八", category="special_worker", operation_kind="electrical",
        certificate_number="T4101", certificate_issued_on="2019-01-01",
        certificate_expires_on=(today - timedelta(days=3)).isoformat())  # expired already: the page shows it
    assert jobs.notify_roster_certificate_expiry() == 0
    clock.set(clock.now() + timedelta(days=11))
    try:
        assert jobs.notify_roster_certificate_expiry() == 1
        assert jobs.notify_roster_certificate_expiry() == 0
    finally:
        clock.reset()
    notes = db.session.query(Notification).filter_by(kind="roster_certificate_expiring").all()
    assert [n.user_id for n in notes] == [people.ent_a.id] and "T370101" in notes[0].title
    page = text(login("ent_a").get("/notifications"))
    assert f"/enterprises/{ent.id}/staff/{welder.id}" in page
    assert 'id="expired-certificates"' in text(login("inspector").get(f"/enterprises/{ent.id}/staff"))
    from tests.test_inspections import visit
    visit_id = visit(people.inspector, ent).id
    hint = text(login("inspector").get(f"/inspections/{visit_id}"))
    assert 'id="roster-expired"' in hint and "1 个特种作业操作证已过期" in hint


def test_the_dossier_and_the_supervision_page_carry_the_register(people, login):
    import csv
    import io
    import zipfile
    ent = people.enterprise_a
    client = login("project_lead")
    person = add(client, ent)
    train(client, ent, person, kind="initial", hours="48", trained_on="2020-03-10")
    train(client, ent, person, hours="16")
    add(client, ent, name="钱七", category="employee")
    response = login("bureau").get(f"/supervision/enterprises/{ent.id}/dossier.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    rows = list(csv.reader(io.StringIO(archive.read("roster.csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["姓名", "岗位", "人员类别"] and len(rows) == 3
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["张三"][-1] == "达标" and "岗前" in by_name["钱七"][-1]
    page = text(login("bureau").get(f"/supervision/enterprises/{ent.id}"))
    assert f"/enterprises/{ent.id}/staff" in page and "50.0%" in page
    assert f"/enterprises/{ent.id}/staff" in text(login("ent_a").get(f"/enterprises/{ent.id}/documents"))


def test_the_pages_read_in_english(people, login):
    from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
    ent = people.enterprise_a
    client = login("project_lead")
    client.get("/lang/en")
    welder = add(client, ent, name="赵六", position="焊工", category="special_worker", operation_kind="welding",
                 certificate_number="T370101", certificate_issued_on="2021-01-01")
    train(client, ent, welder, kind="pre_job", hours="24", provider="安全培训中心")
    for url in (f"/enterprises/{ent.id}/staff", f"/enterprises/{ent.id}/staff/{welder.id}",
                f"/enterprises/{ent.id}/staff/new", f"/enterprises/{ent.id}/staff/{welder.id}/edit"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response)).replace("安全培训中心", "")
        assert leftover_chinese(page) == {}, url
    bad = client.post(f"/enterprises/{ent.id}/staff/{welder.id}/trainings", data={"hours": "0", "kind": "x"})
    assert bad.status_code == 400
    assert leftover_chinese(without_user_data(text(bad)).replace("安全培训中心", "")) == {}


def test_the_demo_has_the_three_enterprises_registers(app):
    from app.models import Enterprise, User
    from app.services import roster
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    results = {}
    for username in ("enterprise", "enterprise2", "enterprise3"):
        staff = db.session.query(User).filter_by(username=username).one()
        results[username] = roster.compliance_of(db.session, db.session.get(Enterprise, staff.enterprise_id))
    chemical = results["enterprise"]
    assert chemical.industry_class == "high_risk" and len(chemical.people) == 4 and chemical.expired_certificates == 1
    assert {s.certificate for s in chemical.people} == {None, "expiring", "expired"}
    assert results["enterprise2"].share == 100.0
    assert results["enterprise3"].share == 50.0
    assert jobs.notify_roster_certificate_expiry() == 1  # the welder's, within 30 days
