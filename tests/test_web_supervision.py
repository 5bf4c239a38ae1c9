"""The bureau's lists over HTTP: key supervision, enforcement referrals and an enterprise's credit record."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from tests.test_lifecycle_service import case_row, complete, open_tasks, rectify_data
from tests.test_sla_service import overdue_case
from tests.test_timers_service import sweep
from tests.test_web_support import text

ALLOWED = ("bureau", "manager", "admin", "quality", "project_lead")
REFUSED = ("ent_a", "inspector", "project_team", "supervision", "expert", "process_owner")


@pytest.mark.parametrize("path", ["/supervision", "/supervision/enterprises/{id}"])
def test_who_may_see_the_lists(people, login, client, path):
    path = path.format(id=people.enterprise_a.id)
    for username in ALLOWED:
        assert login(username).get(path).status_code == 200, username
    for username in REFUSED:
        assert login(username).get(path).status_code == 403, username
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_enterprise_is_404(people, login):
    assert login("bureau").get("/supervision/enterprises/999999").status_code == 404


def test_empty_lists(people, login):
    page = text(login("bureau").get("/supervision"))
    assert "重点监管名单为空" in page and "暂无移送执法的案件" in page


def test_overdue_case_puts_the_enterprise_on_the_list(people, login):
    case_id = overdue_case(people)
    code = case_row(case_id).code
    page = text(login("bureau").get("/supervision"))
    listed = page[page.index('id="key-supervision"'):page.index('id="enforcement"')]
    assert people.enterprise_a.name in listed and code in listed and f'/cases/{case_id}"' in listed
    assert "整改逾期未完成" in listed and "在列" in listed
    assert f'/supervision/enterprises/{people.enterprise_a.id}"' in listed
    assert people.enterprise_b.name not in listed
    assert "1 家企业在列" in page


def test_referral_and_credit_record_after_the_grace_period(people, login):
    case_id = overdue_case(people)
    clock.set(case_row(case_id).rectification_due + timedelta(days=8))
    sweep()
    code = case_row(case_id).code
    bureau = login("bureau")
    page = text(bureau.get("/supervision"))
    referrals = page[page.index('id="enforcement"'):]
    assert code in referrals and people.enterprise_a.name in referrals and "第 1 轮" in referrals
    assert "宽限期内仍未整改" in referrals
    assert "信用记录 1 条" in page

    page = text(bureau.get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    credit = page[page.index('id="credit"'):page.index('id="referrals"')]
    assert "移送执法" in credit and code in credit and "宽限期内仍未整改" in credit
    assert "仍在列" in page
    other = text(bureau.get(f"/supervision/enterprises/{people.enterprise_b.id}"))
    assert "暂无不良信用记录" in other and "从未列入重点监管名单" in other


def test_closed_case_leaves_the_list_and_shows_with_past_entries(people, login):
    case_id = overdue_case(people)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    code = case_row(case_id).code
    manager = login("manager")
    current = text(manager.get("/supervision"))
    assert "重点监管名单为空" in current and code not in current
    past = text(manager.get("/supervision?all=1"))
    listed = past[past.index('id="key-supervision"'):past.index('id="enforcement"')]
    assert code in listed and "移出" in listed
    page = text(manager.get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    assert "移出" in page and "仍在列" not in page
    assert db.session.query(type(people.enterprise_a)).count() == 2
