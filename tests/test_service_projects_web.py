"""Service projects in the browser's pages over HTTP: creating and editing with errors next to their fields, the
roster by hand and from a file (check, then confirm; nothing half-imported), the project page's coverage and
"not yet" lists, its CSV, the roster figure beside the register-wide one on the inspection list, who may open and
do what (enterprise staff: their own row; another enterprise's staff: 404), and the pages in English."""
import io
import re

from app.clock import clock
from app.extensions import db
from app.models import ServiceProject, ServiceProjectEnterprise
from tests.service_project_support import SUMMER, day, make_project, put_on, visit_on
from tests.test_enterprise_import import csv_bytes
from tests.test_web_enterprise_import import confirmation
from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
from tests.test_web_support import csv_rows, text


def roster_ids(project_id):
    return {e for (e,) in db.session.query(ServiceProjectEnterprise.enterprise_id).filter_by(project_id=project_id)}


def test_a_lead_creates_a_project_puts_enterprises_on_it_and_takes_one_off(people, login):
    lead = login("project_lead")
    assert 'value="85"' in text(lead.get("/service-projects/new"))
    refused = lead.post("/service-projects/new", data={**SUMMER, "name": "", "end_on": "2026-05-01"})
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-name"' in page and 'id="err-end_on"' in page
    assert SUMMER["contract_no"] in page  # what was typed is kept
    created = lead.post("/service-projects/new", data=SUMMER)
    project = db.session.query(ServiceProject).one()
    assert created.status_code == 302 and created.headers["Location"].endswith(f"/service-projects/{project.id}")
    page = text(lead.get(f"/service-projects/{project.id}"))
    assert "服务对象名单还是空的" in page and 'name="_csrf"' in page
    added = lead.post(f"/service-projects/{project.id}/roster",
                      data={"enterprise_ids": [people.enterprise_a.id, people.enterprise_b.id]})
    assert added.status_code == 302 and roster_ids(project.id) == {people.enterprise_a.id, people.enterprise_b.id}
    assert "已将 2 家企业加入服务对象名单" in text(lead.get(f"/service-projects/{project.id}"))
    nothing = lead.post(f"/service-projects/{project.id}/roster", data={})
    assert nothing.status_code == 400 and 'id="err-enterprise_ids"' in text(nothing)
    removed = lead.post(f"/service-projects/{project.id}/roster/{people.enterprise_b.id}/remove")
    assert removed.status_code == 302 and roster_ids(project.id) == {people.enterprise_a.id}
    assert lead.post(f"/service-projects/{project.id}/roster/{people.enterprise_b.id}/remove").status_code == 404
    edited = lead.post(f"/service-projects/{project.id}/edit", data={**SUMMER, "target_percent": "90"})
    assert edited.status_code == 302 and db.session.get(ServiceProject, project.id).target_percent == 90


def upload(client, project_id, data, filename="名单.csv"):
    return client.post(f"/service-projects/{project_id}/roster/import",
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_the_roster_is_imported_after_a_check_and_never_half(people, login, make_enterprise):
    project_id = make_project(people.bureau)
    bureau = login("bureau")
    assert "统一社会信用代码" in text(bureau.get(f"/service-projects/{project_id}/roster/import"))
    bad = upload(bureau, project_id, csv_bytes([["企业名称"], [people.enterprise_a.name], ["查无此厂"]]))
    page = text(bad)
    assert bad.status_code == 400 and "有错误 1 行" in page and "查无此厂" in page and 'name="token"' not in page
    assert roster_ids(project_id) == set()
    good = upload(bureau, project_id, csv_bytes([["统一社会信用代码"], [people.enterprise_a.credit_code],
                                                 [people.enterprise_b.credit_code]]))
    page = text(good)
    assert good.status_code == 200 and "加入名单 2 家" in page and roster_ids(project_id) == set()
    make_enterprise("乙机械制造厂")  # the list became ambiguous? no: it names codes; still fine at confirming
    done = bureau.post(f"/service-projects/{project_id}/roster/import/confirm", data=confirmation(page))
    assert done.status_code == 302 and roster_ids(project_id) == {people.enterprise_a.id, people.enterprise_b.id}
    assert "已导入 名单.csv：加入 2 家" in text(bureau.get(f"/service-projects/{project_id}"))
    gone = bureau.post(f"/service-projects/{project_id}/roster/import/confirm", data=confirmation(page))
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"/service-projects/{project_id}/roster/import")


def test_the_project_page_shows_coverage_lists_and_a_csv(people, login, make_enterprise):
    third = make_enterprise("丙五金加工部")
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, people.enterprise_a, people.enterprise_b, third)
    visit_on(people, people.enterprise_a, day(5, 31))  # the day before: not counted
    visit_on(people, people.enterprise_b, day(6, 1), confirmed_by=people.ent_b)
    visit_on(people, third, day(8, 31))
    page = text(login("manager").get(f"/service-projects/{project_id}"))
    assert "服务对象名单 3 家，期间内已排查 2 家，覆盖率 66.7%（目标 85%）" in page and "还需排查 1 家" in page
    lists = {kind: set(re.findall(r'data-enterprise="(\d+)"', body.split("</ul>")[0]))
             for kind, body in re.findall(r'data-list="(\w+)"(.*?)</section>', page, re.S)}
    assert lists == {"not_visited": {str(people.enterprise_a.id)},
                     "not_confirmed": {str(people.enterprise_a.id), str(third.id)},
                     "not_reported": {str(people.enterprise_a.id), str(people.enterprise_b.id), str(third.id)}}
    assert "移出名单" not in page  # managers read, do not manage
    rows = csv_rows(login("quality").get(f"/service-projects/{project_id}/coverage.csv"))
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"] and len(rows) == 4
    assert {row[0]: row[4] for row in rows[1:]} == {people.enterprise_a.name: "0", people.enterprise_b.name: "1",
                                                    third.name: "1"}


def test_the_inspection_list_shows_a_current_project_beside_the_register(people, login):
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, people.enterprise_a)
    visit_on(people, people.enterprise_a, day(6, 2))
    inspector = login("inspector")
    assert f'data-project="{project_id}"' not in text(inspector.get("/inspections"))  # November: not current
    clock.set(clock.now().replace(month=7, day=15))
    page = text(inspector.get("/inspections"))
    assert "占企业名录 2 家的" in page  # the register-wide figure keeps its meaning
    assert f'data-project="{project_id}"' in page and "已排查名单内 1 家，占服务对象名单 1 家的 100.0%（目标 85%）" in page
    assert f'data-project="{project_id}"' not in text(login("ent_a").get("/inspections"))


def test_who_opens_and_does_what(people, login):
    project_id = make_project(people.bureau)
    put_on(people.bureau, project_id, people.enterprise_a)
    base = f"/service-projects/{project_id}"
    for role in ("inspector", "project_team", "supervision", "expert", "quality", "manager", "admin"):
        client = login(role)
        assert client.get("/service-projects").status_code == 200, role
        assert client.get(base).status_code == 200, role
        assert client.get(f"{base}/coverage.csv").status_code == 200, role
        assert client.get("/service-projects/new").status_code == 403, role
        assert client.get(f"{base}/edit").status_code == 403, role
        assert client.post(f"{base}/roster", data={"enterprise_ids": people.enterprise_b.id}).status_code == 403
        assert client.get(f"{base}/roster/import").status_code == 403, role
    ent_a, ent_b = login("ent_a"), login("ent_b")
    page = text(ent_a.get(base))
    assert "本企业在服务对象名单中" in page and people.enterprise_a.name in page and "名单覆盖情况" not in page
    assert f'href="{base}"' in text(ent_a.get("/service-projects"))
    for url in ("/service-projects/new", f"{base}/edit", f"{base}/roster/import"):
        assert ent_a.get(url).status_code == 403, url
    assert ent_a.post(f"{base}/roster/{people.enterprise_a.id}/remove").status_code == 403
    assert f'href="{base}"' not in text(ent_b.get("/service-projects"))
    for url in (base, f"{base}/edit", f"{base}/coverage.csv", f"{base}/roster/import"):
        assert ent_b.get(url).status_code == 404, url  # another enterprise's project: none
    assert ent_b.post(f"{base}/roster", data={"enterprise_ids": people.enterprise_b.id}).status_code == 404
    assert roster_ids(project_id) == {people.enterprise_a.id}
    assert login("inspector").get("/service-projects/999999").status_code == 404


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login):
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, people.enterprise_a)
    visit_on(people, people.enterprise_a, day(6, 2))
    clock.set(clock.now().replace(month=7, day=15))
    base = f"/service-projects/{project_id}"
    pages = {"project_lead": ["/service-projects", "/service-projects/new", base, f"{base}/edit",
                              f"{base}/roster/import", "/inspections"],
             "ent_a": ["/service-projects", base]}
    for username, urls in pages.items():
        client = login(username)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = without_user_data(text(response))
            assert '<html lang="en">' in page and leftover_chinese(page) == {}, (url, leftover_chinese(page))
    lead = login("project_lead")
    lead.get("/lang/en")
    checked = text(upload(lead, project_id, csv_bytes([["Name"], ["No such firm"]]), "list.csv"))
    assert "is not on the register" in checked and leftover_chinese(without_user_data(checked)) == {}
    assert csv_rows(lead.get(f"{base}/coverage.csv"))[0][:2] == ["Enterprise name", "Credit code"]
