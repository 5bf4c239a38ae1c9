"""Through a real browser: the manager opens the cooperation ranking (配合评分) from the navigation, picks the month
and sees both enterprises ranked; an enterprise's safety officer sees only its own enterprise's row and place."""
import re

from app.extensions import db
from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_cooperation import FULL_PROFILE, OCTOBER, assigned, at, score


def test_manager_sees_the_ranking_and_the_enterprise_only_its_own_row(people, live_server, page):
    for name, value in FULL_PROFILE.items():
        setattr(people.enterprise_a, name, value)
    db.session.commit()
    at(12, month=10)
    for _n in range(3):
        assigned(people, enterprise=people.enterprise_b)
    at(1, month=11)
    score(OCTOBER)
    at(1, month=12)
    score()

    log_in(page, live_server, "manager")
    page.click("nav >> text=配合评分")
    page.wait_for_url(re.compile(r"/cooperation$"))
    ranking = page.locator("table.cooperation-ranking tbody tr")
    assert ranking.count() == 2
    assert "甲化工有限公司" in ranking.nth(0).inner_text() and "乙机械制造厂" in ranking.nth(1).inner_text()
    assert "乙机械制造厂" in page.inner_text("#special-supervision")
    page.select_option("select[name=month]", "2026-10")
    page.click("button:has-text('查看')")
    page.wait_for_url(re.compile(r"/cooperation\?month=2026-10$"))
    assert "本月没有需要专项督导的企业" in page.inner_text("#special-supervision")
    log_out(page)

    log_in(page, live_server, "ent_b")
    page.click("nav >> text=配合评分")
    page.wait_for_url(re.compile(r"/cooperation$"))
    rows = page.locator("table.cooperation-own tbody tr")
    assert rows.count() == 2  # November and October, its own only
    assert "第 2 / 2 名" in rows.nth(0).inner_text()
    body = page.inner_text("main")
    assert "乙机械制造厂" in body and "甲化工有限公司" not in body
