"""Finding cases in the case list (and its ledger and the API): keyword, township, hazard type, overdue and
registration days, within what the user may see; a malformed day is a 400 next to the field."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import HazardCase
from app.services import hazards
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register
from tests.test_web_case_ledger import ledger
from tests.test_web_support import text


def codes(user, **filters):
    rows, total = hazards.list_cases(UnitOfWork(), user, **filters)
    assert total == len(rows)
    return {r.code for r in rows}


def cases(people):
    """A: registered three days ago, assigned, its rectification running; B: today at enterprise B, 乙机械制造厂 in
    another township; C: today at A, a fire hazard in the warehouse."""
    clock.set(clock.now() - timedelta(days=3))
    a = register(people)
    complete(people.project_lead, open_tasks(a)["assignment"], ASSIGN)
    clock.set(clock.now() + timedelta(days=3))
    b = register(people, enterprise=people.enterprise_b)
    people.enterprise_b.township = "南湖镇"
    c = register(people)
    case_c = db.session.get(HazardCase, c)
    case_c.hazard_type, case_c.place, case_c.description = "fire_safety", "成品仓库", "灭火器过期_100%未检"
    db.session.commit()
    return {name: db.session.get(HazardCase, i).code for name, i in (("a", a), ("b", b), ("c", c))}


def test_each_filter_narrows_the_list(people):
    code = cases(people)
    bureau = people.bureau
    assert codes(bureau) == set(code.values())
    assert codes(bureau, q="仓库") == {code["c"]}
    assert codes(bureau, q="乙机械") == {code["b"]}  # the enterprise's name
    assert codes(bureau, q=code["a"][-6:]) == {code["a"]}  # part of the case code
    assert codes(bureau, q="_100%") == {code["c"]} and codes(bureau, q="灭%过期") == set()  # wildcards are plain text
    assert codes(bureau, township="南湖镇") == {code["b"]}
    assert codes(bureau, hazard_type="fire_safety") == {code["c"]}
    today = clock.local_now().date()
    assert codes(bureau, since=today) == {code["b"], code["c"]}
    assert codes(bureau, until=today - timedelta(days=1)) == {code["a"]}
    assert codes(bureau, overdue=True) == set()  # the two new ones have 2 hours, A's rectification runs for days
    clock.set(clock.now() + timedelta(hours=3))
    assert codes(bureau, overdue=True) == {code["b"], code["c"]}  # their assignment is now overdue
    assert codes(people.ent_a, q="乙机械") == set() and codes(people.ent_a) == {code["a"], code["c"]}


def test_the_page_ledger_and_api_take_the_filters(people, login, api):
    code = cases(people)
    bureau = login("bureau")
    page = text(bureau.get("/cases?q=仓库"))
    assert code["c"] in page and code["a"] not in page and 'value="仓库"' in page and "清除筛选" in page
    page = text(bureau.get("/cases?township=南湖镇"))
    assert code["b"] in page and code["c"] not in page and '<option value="南湖镇" selected>' in page
    assert code["c"] in text(bureau.get("/cases?hazard_type=fire_safety"))
    rows = ledger(bureau, "?q=仓库")
    assert [r[0] for r in rows[1:]] == [code["c"]]
    bad = bureau.get("/cases?since=2026-02-30")
    assert bad.status_code == 400 and "日期格式应为" in text(bad)
    backwards = bureau.get("/cases?since=2026-11-23&until=2026-11-01")
    assert backwards.status_code == 400 and "结束日期不能早于开始日期" in text(backwards)
    assert bureau.get("/cases/export.csv?until=bad").status_code == 400  # not a ledger of everything
    assert "乡镇/园区" not in text(login("ent_a").get("/cases"))  # enterprise staff have their own cases only
    found = api("bureau").get("/api/v1/hazards?q=仓库&hazard_type=fire_safety").get_json()
    assert [c["code"] for c in found["items"]] == [code["c"]] and found["total"] == 1
    assert api("bureau").get("/api/v1/hazards?since=2026-13-01").status_code == 400
    assert api("ent_b").get("/api/v1/hazards?q=仓库").get_json()["total"] == 0
