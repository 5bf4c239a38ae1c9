"""Enterprises report hazards found in their own self-checks (企业自查上报): only at their own enterprise, marked as
such, then the same process (the project lead assigns, the same deadlines); through the services, pages and API."""
import pytest

from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import HazardCase
from app.services import hazards
from app.services.uow import UnitOfWork
from tests.test_inspections import visit
from tests.test_lifecycle_service import open_tasks, photo, register
from tests.test_web_case_ledger import ledger
from tests.test_web_support import registration, text, upload


def report(user, enterprise, **changes):
    with UnitOfWork() as uow:
        case = hazards.register_hazard(uow, user, {
            "enterprise_id": enterprise.id, "score": 70, "legal_major": False, "hazard_type": "fire_safety",
            "place": "仓库", "description": "自查发现消防通道被占用", "photos": [photo(user)], **changes})
        uow.commit()
        return case.id


def test_an_enterprise_reports_its_own_hazard_into_the_same_process(people):
    case_id = report(people.ent_a, people.enterprise_a)
    case = db.session.get(HazardCase, case_id)
    assert (case.source, case.inspector_id, case.status) == ("self_check", people.ent_a.id, "assigning")
    assert set(open_tasks(case_id)) == {"assignment"}  # the project lead sets the requirements, as for any case
    assert db.session.get(HazardCase, register(people)).source == "inspection"


def test_only_its_own_enterprise_and_no_visit(people):
    with pytest.raises(ValidationFailed) as caught:
        report(people.ent_a, people.enterprise_b)
    assert set(caught.value.fields) == {"enterprise_id"}
    row = visit(people.inspector, people.enterprise_a)
    with pytest.raises(ValidationFailed) as caught:
        report(people.ent_a, people.enterprise_a, inspection_visit_id=row.id)
    assert set(caught.value.fields) == {"inspection_visit_id"}
    for who in ("project_lead", "expert", "supervision"):
        with pytest.raises(NotAllowed):
            report(people[who], people.enterprise_a)
    assert db.session.query(HazardCase).count() == 0


def test_the_pages(people, login):
    ent = login("ent_a")
    assert "自查上报" in text(ent.get("/")).split("</nav>")[0]
    form = text(ent.get("/hazards/new"))
    assert "自查上报" in form and f'<option value="{people.enterprise_a.id}" selected>' in form
    assert f'<option value="{people.enterprise_b.id}"' not in form  # no other enterprise to choose
    picture = upload(ent)
    wrong = ent.post("/hazards/new", data=registration(people.enterprise_b, picture))
    assert wrong.status_code == 400 and "只能上报本企业的隐患" in text(wrong)
    done = ent.post("/hazards/new", data=registration(people.enterprise_a, picture))
    assert done.status_code == 302
    case = db.session.query(HazardCase).one()
    assert "企业自查上报" in text(ent.get(f"/cases/{case.id}"))
    bureau = login("bureau")
    assert case.code in text(bureau.get("/cases?source=self_check"))
    assert case.code not in text(bureau.get("/cases?source=inspection"))
    assert ledger(bureau)[1][-1] == "企业自查上报"
    assert login("project_lead").get("/hazards/new").status_code == 403


def test_the_bureau_registers_what_its_own_checks_find_into_the_same_process(people, login, api):
    """监管单位提出的整改意见纳入统一任务清单: the bureau registers at any enterprise; the case is marked as the bureau's
    and goes the same way (the project lead assigns)."""
    case_id = report(people.bureau, people.enterprise_b)
    case = db.session.get(HazardCase, case_id)
    assert (case.source, case.inspector_id, case.status) == ("supervision", people.bureau.id, "assigning")
    assert set(open_tasks(case_id)) == {"assignment"}
    bureau = login("bureau")
    assert "登记隐患" in text(bureau.get("/")).split("</nav>")[0]
    form = text(bureau.get("/hazards/new"))
    assert f'<option value="{people.enterprise_a.id}"' in form and f'<option value="{people.enterprise_b.id}"' in form
    page = text(bureau.get(f"/cases/{case_id}"))
    assert "监管部门检查发现" in page
    assert case.code in text(bureau.get("/cases?source=supervision"))
    assert case.code not in text(bureau.get("/cases?source=inspection"))
    assert case.code in text(login("ent_b").get(f"/cases/{case_id}"))
    from test_api_support import registration as api_registration
    client = api("bureau")
    made = client.post("/api/v1/hazards", json=api_registration(client, people.enterprise_a.id))
    assert made.status_code == 201 and made.get_json()["source"] == "supervision"


def test_the_api(api, people):
    from test_api_support import registration as api_registration
    ent = api("ent_a")
    made = ent.post("/api/v1/hazards", json=api_registration(ent, people.enterprise_a.id))
    assert made.status_code == 201 and made.get_json()["source"] == "self_check"
    other = ent.post("/api/v1/hazards", json=api_registration(ent, people.enterprise_b.id))
    assert other.status_code == 400 and "enterprise_id" in other.get_json()["fields"]
    found = api("bureau").get("/api/v1/hazards?source=self_check").get_json()
    assert found["total"] == 1
    assert api("ent_b").post("/api/v1/hazards", json=api_registration(api("ent_b"), people.enterprise_a.id)) \
        .status_code == 400
