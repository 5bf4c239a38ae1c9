"""Through a real browser: the quality supervisor starts a sampling round and records a conclusion (the forms
must carry their CSRF token; the HTTP tests' client adds it on its own)."""
import re
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import QualitySample
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401 (fixtures)
from test_quality import closed_case


def test_quality_supervisor_draws_and_reviews(people, live_server, page):  # noqa: F811
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    closed_case(people)
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    log_in(page, live_server, "quality")
    page.click("nav >> text=质量抽查")
    assert page.input_value("input[name=start]") == "2026-11-01"  # last month by default
    page.click("button:has-text('随机抽取')")
    page.wait_for_url(re.compile(r"/quality/rounds/\d+$"))
    assert "已随机抽取 1 件案件" in page.inner_text(".flashes")
    page.check("input[name=result][value=confirmed]")
    page.fill("textarea[name=opinion]", "现场复查属实")
    page.click("button:has-text('保存结论')")
    page.wait_for_selector("text=抽查结论已保存")
    db.session.expire_all()
    sample = db.session.query(QualitySample).one()
    assert (sample.result, sample.opinion) == ("confirmed", "现场复查属实")
