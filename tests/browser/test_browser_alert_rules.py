"""Through a real browser: the bureau writes an alert rule (自定义预警规则) — a case not closed more than 7 days after
its registration — tries it as typed (试运行: the old case listed, the new one not, nothing saved), saves it
(a wrong number first: the error beside the field, the form kept), and runs the saved rule's dry run from the list;
the listed case's link opens the case."""
import re

from app.clock import clock
from app.models import Alert, AlertRule
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.test_lifecycle_service import register


def test_bureau_creates_a_rule_and_its_dry_run_lists_the_matching_case(people, live_server, page):
    old_case = register(people)
    clock.advance(days=8)  # the live server reads the same clock
    new_case = register(people, enterprise=people.enterprise_b)

    log_in(page, live_server, "bureau")
    page.click("nav >> text=预警")
    page.wait_for_url(re.compile(r"/alerts"))
    page.click("a:has-text('预警规则')")
    page.wait_for_url(re.compile(r"/alert-rules$"))
    page.click("a:has-text('新建规则')")
    page.wait_for_url(re.compile(r"/alert-rules/new$"))
    page.fill("#f-name", "隐患超过 7 天未销号")
    page.select_option("#f-kind", "open_days")
    page.fill("#f-n", "-7")
    page.check("#field-channels input[value=sms]")
    page.click("button:has-text('保存')")
    page.wait_for_selector("#err-n")
    assert page.input_value("#f-name") == "隐患超过 7 天未销号" and page.is_checked("#field-channels input[value=sms]")
    assert AlertRule.query.count() == 0

    page.fill("#f-n", "7")
    page.click("button:has-text('试运行')")
    page.wait_for_selector(".dry-run")
    assert page.get_attribute(".dry-run", "data-total") == "1"
    assert page.locator(f".dry-run tr[data-subject='case:{old_case}']").is_visible()
    assert page.locator(f".dry-run tr[data-subject='case:{new_case}']").count() == 0
    assert AlertRule.query.count() == 0  # tried, not saved

    page.click("button:has-text('保存')")
    page.wait_for_url(re.compile(r"/alert-rules$"))
    assert "已保存预警规则" in page.inner_text(".flashes")
    rule = AlertRule.query.one()
    assert (rule.kind, rule.n, rule.channels) == ("open_days", 7, ["sms"])
    page.click(f"tr[data-rule='{rule.id}'] a:has-text('试运行')")
    page.wait_for_url(re.compile(rf"/alert-rules/{rule.id}/dry-run$"))
    row = page.locator(f".dry-run tr[data-subject='case:{old_case}']")
    assert people.enterprise_a.name in row.inner_text() and "登记已 8 天未销号" in row.inner_text()
    assert page.locator(".dry-run tbody tr").count() == 1
    assert Alert.query.count() == 0  # a dry run tells nobody
    row.locator("a").click()
    page.wait_for_url(re.compile(rf"/cases/{old_case}$"))
