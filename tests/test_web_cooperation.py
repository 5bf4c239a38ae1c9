"""The cooperation scores from outside: the ranking page, its CSV and the API for the oversight roles, an enterprise's
own scores for its staff (no other enterprise's name), 403 for everyone else, the month argument, the navigation, the
enterprise's page, the inspection priority list's use of the class, and `flask cooperation score`."""
from datetime import date

import pytest

from app.extensions import db
from app.models import CooperationScore
from app.services import inspection_priority
from tests.test_cooperation import FULL_PROFILE, OCTOBER, assigned, at, score
from tests.test_web_support import csv_rows, text

OVERSIGHT = ("bureau", "manager", "quality", "project_lead", "admin")
OTHERS = ("inspector", "project_team", "supervision", "expert", "process_owner")


@pytest.fixture
def scored(people):
    """October and November scored: 甲 with a full register is A both months, 乙 with three cases overdue since
    October is C both months (专项督导)."""
    for name, value in FULL_PROFILE.items():
        setattr(people.enterprise_a, name, value)
    db.session.commit()
    at(12, month=10)
    for _n in range(3):
        assigned(people, enterprise=people.enterprise_b)
    at(1, month=11)
    score(OCTOBER)
    at(1, month=12)
    return score()


def test_the_oversight_roles_see_the_ranking_with_its_counts_and_the_supervision_list(scored, people, login):
    for role in OVERSIGHT:
        page = text(login(role).get("/cooperation"))
        assert "2026-11" in page and "甲化工有限公司" in page and "乙机械制造厂" in page, role
    page = text(login("manager").get("/cooperation"))
    ranking = page[page.index('class="table cooperation-ranking"'):]
    assert ranking.index("甲化工有限公司") < ranking.index("乙机械制造厂")
    assert f'data-enterprise="{people.enterprise_b.id}" data-class="C"' in ranking
    supervision = page[page.index('id="special-supervision"'):page.index('class="table cooperation-ranking"')]
    assert "乙机械制造厂" in supervision and "甲化工有限公司" not in supervision
    assert '<option value="2026-10">' in page and '<option value="2026-11" selected>' in page
    october = text(login("manager").get("/cooperation?month=2026-10"))
    assert "本月没有需要专项督导的企业" in october  # one month of C is not yet two
    assert "该月尚无配合评分" in text(login("manager").get("/cooperation?month=2026-06"))
    assert login("manager").get("/cooperation?month=2026-13").status_code == 400


def test_the_ranking_as_csv(scored, login):
    rows = csv_rows(login("bureau").get("/cooperation/export.csv?month=2026-11"))
    assert rows[0][:7] == ["排名", "企业名称", "统一社会信用代码", "乡镇/园区", "行业", "综合得分", "类别"]
    assert [(r[0], r[1], r[6], r[-1]) for r in rows[1:]] == [("1", "甲化工有限公司", "A", ""),
                                                           ("2", "乙机械制造厂", "C", "是")]
    assert rows[2][14] == "3"  # overdue at the month's end
    assert login("bureau").get("/cooperation/export.csv?month=2026-06").status_code == 404
    assert login("ent_a").get("/cooperation/export.csv").status_code == 403


def test_enterprise_staff_see_only_their_own_scores(scored, people, login):
    page = text(login("ent_b").get("/cooperation"))
    assert "乙机械制造厂" in page and "甲化工有限公司" not in page
    assert "第 2 / 2 名" in page and 'data-month="2026-11" data-class="C"' in page
    assert 'data-month="2026-10"' in page  # the months before, to compare
    mine = text(login("ent_a").get("/cooperation?month=2026-10"))
    assert "第 1 / 2 名" in mine and "乙机械制造厂" not in mine
    assert "2026-10 得分说明" in mine


def test_everyone_else_is_refused(scored, login, api, client):
    for url in ("/cooperation", "/cooperation/export.csv"):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.get("/api/v1/cooperation").status_code == 401
    for role in OTHERS:
        assert login(role).get("/cooperation").status_code == 403, role
        assert login(role).get("/cooperation/export.csv").status_code == 403, role
        assert api(role).get("/api/v1/cooperation").status_code == 403, role
    assert login("ent_a").get("/cooperation").status_code == 200


def test_the_navigation_links_the_page_for_those_who_see_it(people, login):
    for role in OVERSIGHT + ("ent_a",):
        assert 'href="/cooperation"' in text(login(role).get("/")), role
    for role in OTHERS:
        assert 'href="/cooperation"' not in text(login(role).get("/")), role
    assert "尚无配合评分" in text(login("manager").get("/cooperation"))
    assert "尚无配合评分" in text(login("ent_a").get("/cooperation"))


def test_the_enterprise_page_shows_its_months(scored, people, login):
    page = text(login("quality").get(f"/supervision/enterprises/{people.enterprise_b.id}"))
    history = page[page.index('id="cooperation"'):page.index('id="referrals"')]
    assert 'data-month="2026-11"' in history and 'data-month="2026-10"' in history and "第 2 / 2 名" in history


def test_the_api_gives_the_same_rows(scored, people, api):
    body = api("bureau").get("/api/v1/cooperation").get_json()
    assert body["month"] == "2026-11" and body["enterprises"] == 2
    assert [(i["enterprise"], i["rank"], i["cooperation_class"], i["special_supervision"]) for i in body["items"]] == \
        [("甲化工有限公司", 1, "A", False), ("乙机械制造厂", 2, "C", True)]
    assert body["items"][1]["factors"]["rectification"]["overdue_open"] == 3
    own = api("ent_a").get("/api/v1/cooperation?month=2026-10").get_json()
    assert own["month"] == "2026-10" and own["enterprises"] == 2
    assert [i["enterprise_id"] for i in own["items"]] == [people.enterprise_a.id]
    bad = api("bureau").get("/api/v1/cooperation?month=2026-1")
    assert bad.status_code == 400 and "month" in bad.get_json()["fields"]


def test_the_priority_list_raises_class_c_and_lowers_class_a(scored, people, make_enterprise, login):
    rows = {p.enterprise.name: p for p in inspection_priority.priority_list(db.session)}
    b = rows["乙机械制造厂"]
    assert b.cooperation_class == "C" and [(r.code, r.last) for r in b.reasons if r.code == "cooperation_c"] == \
        [("cooperation_c", date(2026, 11, 1))]
    # as many reasons: class A after an enterprise not scored A
    a, other = people.enterprise_a, make_enterprise("丙仓储公司")
    a.major_hazard_sources = other.major_hazard_sources = "液氨储罐"
    db.session.commit()
    names = [p.enterprise.name for p in inspection_priority.priority_list(db.session, reason="major_hazard_source")]
    assert names == ["丙仓储公司", "甲化工有限公司"]  # 甲 (A) would come first by name
    page = text(login("inspector").get("/supervision/priorities"))
    assert "配合评分 C 类（2026-11）" in page and 'class="coop coop-A"' in page
    assert csv_rows(login("inspector").get("/supervision/priorities.csv"))[0][-1] == "配合评分类别"


def test_the_cli_scores_the_previous_month_or_the_one_given(app, people):
    at(3, month=12)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["cooperation", "score"])
    assert done.exit_code == 0 and done.output.startswith("2026-11: 2 enterprises scored, A 2, B 0, C 0")
    assert runner.invoke(args=["cooperation", "score", "--month", "2026-10"]).exit_code == 0
    again = runner.invoke(args=["cooperation", "score", "--month", "2026-10"])
    assert again.exit_code == 0 and db.session.query(CooperationScore).count() == 4
    for bad in ("2026-13", "11/2026", "2026-12", "2027-01"):  # malformed, or not over yet
        result = runner.invoke(args=["cooperation", "score", "--month", bad])
        assert result.exit_code == 2 and "error:" in result.output, bad


def test_the_demo_has_last_month_scored(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    rows = db.session.query(CooperationScore).all()
    assert len(rows) == 9 and {r.month for r in rows} == {OCTOBER}  # the clock stands in November
    by_name = {r.enterprise.name: r for r in rows}
    assert by_name["华东精细化工有限公司"].profile_score == 20
    assert by_name["城关木业有限公司"].profile_score == 8  # a smaller firm's register: 4 of its 10 fields
    assert {r.cooperation_class for r in rows} <= {"A", "B"}
