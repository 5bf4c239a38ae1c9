"""The case ledger (隐患台账) as CSV from the case list: the list's filters, only the cases the user may see."""
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register
from tests.test_web_support import csv_rows


def ledger(client, query=""):
    return csv_rows(client.get(f"/cases/export.csv{query}"))


def test_the_ledger_follows_the_filters_and_the_users_visibility(people, login):
    a = register(people, score=90)
    complete(people.project_lead, open_tasks(a)["assignment"], ASSIGN)
    register(people, score=60)
    register(people, enterprise=people.enterprise_b)
    rows = ledger(login("manager"))
    assert rows[0][:4] == ["案件编号", "企业", "统一社会信用代码", "乡镇/园区"]
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"甲化工有限公司", "乙机械制造厂"}
    rectifying = ledger(login("manager"), "?status=rectifying")
    assert len(rectifying) == 2 and rectifying[1][10] == "整改中" and rectifying[1][9] == "一般隐患"
    assert rectifying[1][6] == "电气安全" and rectifying[1][14].startswith("2026-")  # the rectification deadline
    assert len(ledger(login("manager"), "?grade=major")) == 2
    own = ledger(login("ent_a"))
    assert len(own) == 3 and {r[1] for r in own[1:]} == {"甲化工有限公司"}  # never another enterprise's case
    assert len(ledger(login("ent_b"), f"?enterprise_id={people.enterprise_a.id}")) == 1  # the header only


def test_the_list_links_to_its_ledger_and_visitors_must_log_in(people, login, client):
    page = login("manager").get("/cases?status=closed").get_data(as_text=True)
    assert 'href="/cases/export.csv?status=closed"' in page
    assert client.get("/cases/export.csv").status_code == 302


def test_text_excel_would_run_as_a_formula_is_defused(people, login):
    """CSV injection: a description typed as a formula reaches Excel as text (a leading apostrophe)."""
    from app.extensions import db
    from app.models import HazardCase
    for text_ in ('=HYPERLINK("http://example.com","点这里")', "+1+1", "-2+3", "@SUM(A1)"):
        case_id = register(people)
        db.session.get(HazardCase, case_id).description = text_
    db.session.commit()
    rows = ledger(login("manager"))
    column = rows[0].index("隐患描述")
    assert {r[column] for r in rows[1:]} == {"'" + t for t in (
        '=HYPERLINK("http://example.com","点这里")', "+1+1", "-2+3", "@SUM(A1)")}
    assert all(not r[0].startswith("'") for r in rows[1:])  # other cells untouched
