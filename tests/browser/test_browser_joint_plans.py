"""Through a real browser: a project lead plans a joint inspection (联合检查) of enterprise A with the fire brigade
as a participating unit and sends it; the brigade's user logs in, finds the plan from the notice and from their
navigation, and signs it with a remark; the lead's plan page and list show it signed (已签收)."""
import re

from app.extensions import db
from app.models import InspectionPlan
from conftest import PASSWORD
from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.referral_support import department

DAY = "2026-12-01"  # the clock's Monday 2026-11-23 + 8 days: five working days and a week ahead


def log_in_department(page, base, username):
    """A department's user lands on its referrals, not on the task inbox."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/referrals$"))


def test_lead_plans_and_sends_the_department_signs(people, live_server, page, make_user):
    fire = department(people.bureau, "县消防救援大队", "fire", "xf@example.gov.cn")
    fire_user = make_user("fire_user", "department")
    fire_user.department_id = fire
    db.session.commit()
    unit = f"#field-unit_dept_{fire}"

    log_in(page, live_server, "project_lead")
    page.click("nav >> text=排查记录")
    page.click("a:has-text('排查计划')")
    page.wait_for_url(re.compile(r"/inspections/plans$"))
    page.click("a:has-text('制定排查计划')")
    page.wait_for_url(re.compile(r"/inspections/plans/new$"))
    page.select_option("#f-enterprise_id", str(people.enterprise_a.id))
    page.fill("#f-planned_on", DAY)
    page.select_option("#f-kind", "joint")
    page.fill("#f-team", "联合检查组")
    page.fill("#f-areas", "危化品仓库、配电室")
    page.check(f"{unit} input[name=units]")
    page.fill(f"{unit} input[name^=names_]", "王参谋")
    page.click("button:has-text('保存计划')")  # no division of work yet: the error beside the unit
    page.wait_for_selector(f"{unit} .field-error")
    assert page.is_checked(f"{unit} input[name=units]") and page.input_value(f"{unit} input[name^=names_]") == "王参谋"
    assert page.input_value("#f-areas") == "危化品仓库、配电室"
    page.fill(f"{unit} textarea[name^=duties_]", "消防设施、疏散通道")
    page.click("button:has-text('保存计划')")
    page.wait_for_url(re.compile(r"/inspections/plans$"))
    plan = db.session.query(InspectionPlan).one()
    page.click(f"tr[data-plan='{plan.id}'] a:has-text('{DAY}')")
    page.wait_for_url(re.compile(rf"/inspections/plans/{plan.id}$"))
    row = f"#joint-units tr[data-unit='{plan.units[0].id}']"
    assert "消防设施、疏散通道" in page.inner_text(row) and "王参谋" in page.inner_text(row)
    with page.expect_navigation(url=re.compile(rf"/inspections/plans/{plan.id}$")):  # the same address again
        page.click("button:has-text('发送至各参加单位')")
    assert "已将联合检查计划发送至各参加单位" in page.inner_text(".flashes")
    assert "待签收" in page.inner_text(row)
    log_out(page)

    log_in_department(page, live_server, "fire_user")
    page.click("nav >> text=通知")
    page.locator(".notice", has_text="请签收").locator("a:has-text('查看联合检查计划')").click()
    page.wait_for_url(re.compile(rf"/inspections/plans/{plan.id}$"))
    page.click("nav >> text=联合检查计划")  # their plans are in their navigation too
    page.wait_for_url(re.compile(r"/inspections/plans$"))
    assert page.locator("main a:has-text('排查记录')").count() == 0  # closed to a department: not linked
    page.click(f"tr[data-plan='{plan.id}'] a:has-text('{DAY}')")
    page.wait_for_url(re.compile(rf"/inspections/plans/{plan.id}$"))
    assert "消防设施、疏散通道" in page.inner_text(row)
    page.fill(f"{row} input[name=remark]", "参加人员改为李参谋")
    with page.expect_navigation(url=re.compile(rf"/inspections/plans/{plan.id}$")):  # the same address again
        page.click(f"{row} button:has-text('签收确认')")
    assert "已签收联合检查计划" in page.inner_text(".flashes")
    log_out(page)

    log_in(page, live_server, "project_lead")
    page.goto(f"{live_server}/inspections/plans/{plan.id}")
    signed = page.inner_text(row)
    assert "已签收" in signed and "fire_user" in signed and "参加人员改为李参谋" in signed
    assert page.get_attribute(row, "data-signed") == "1"
    page.goto(f"{live_server}/inspections/plans")
    assert "已签收 1 / 1" in page.inner_text(f"tr[data-plan='{plan.id}']")
