"""Through a real browser: the bureau records a stop-work order (停产停业整顿) for enterprise A by hand from its
supervision page; the enterprise is marked 停产整顿中 there, on its resumption page and on the supervision list; its
safety officer applies for resumption (an empty application shows the errors beside the fields); the bureau finds
the application in the list awaiting acceptance and agrees; every 停产整顿中 mark is gone."""
import re

from app.models import ResumptionApplication, StopWorkOrder
from test_browser_flow import PNG, browser, live_server, log_in, log_out, page  # noqa: F401


def test_order_by_hand_application_and_agreement_lift_the_mark(people, live_server, page):
    ent = people.enterprise_a
    log_in(page, live_server, "bureau")
    page.goto(f"{live_server}/supervision/enterprises/{ent.id}")
    assert page.locator("#stopped-tag").count() == 0
    page.click(".page-head a:has-text('复工复产')")
    page.wait_for_url(re.compile(rf"/resumption/enterprises/{ent.id}$"))
    assert page.locator("#not-stopped").is_visible()
    page.fill("#record #f-order_number", "（县）应急停〔2026〕9号")
    page.fill("#record #f-reason", "液氨制冷车间安全联锁失效，依法责令停产整顿")
    page.fill("#record #f-scope", "液氨制冷车间")
    page.fill("#record #f-resumption_conditions", "恢复安全联锁并经验收")
    page.click("#record button:has-text('登记')")
    page.wait_for_url(re.compile(rf"/resumption/enterprises/{ent.id}#orders$"))
    assert "已登记停产停业整顿" in page.inner_text(".flashes")
    assert page.locator("#stopped-tag").is_visible() and page.locator("#stopped-banner").is_visible()
    order = StopWorkOrder.query.one()
    assert order.status == "active" and order.source == "manual"
    page.goto(f"{live_server}/supervision/enterprises/{ent.id}")
    assert page.locator("#stopped-tag").is_visible()
    page.goto(f"{live_server}/supervision")
    assert ent.name in page.inner_text("#stopped-enterprises")
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.click("nav >> text=复工复产")
    page.wait_for_url(re.compile(rf"/resumption/enterprises/{ent.id}$"))
    assert "停产整顿中" in page.inner_text("#stopped-banner")
    assert "液氨制冷车间" in page.inner_text(f"article[data-order='{order.id}']")
    page.click("#applications button:has-text('提交申请')")  # nothing filled in
    page.wait_for_selector("#err-measures")
    assert page.locator("#err-self_check").is_visible()
    page.fill("#f-measures", "更换液位联锁装置，完成全员培训")
    page.fill("#f-self_check", "自查合格，具备复产条件")
    page.set_input_files("#applications input[name=upload]",
                         files=[{"name": "联锁测试记录.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#applications button:has-text('提交申请')")
    page.wait_for_url(re.compile(rf"/resumption/enterprises/{ent.id}#applications$"))
    assert "已提交复工复产申请" in page.inner_text(".flashes")
    application = ResumptionApplication.query.one()
    box = f"#application-{application.id}"
    assert "联锁测试记录.png" in page.inner_text(box) and "待验收" in page.inner_text(box)
    log_out(page)

    log_in(page, live_server, "bureau")
    page.click("nav >> text=复工复产")
    page.wait_for_url(re.compile(r"/resumption$"))
    page.click(f"#pending tr[data-application='{application.id}'] a")
    page.wait_for_url(re.compile(rf"/resumption/enterprises/{ent.id}#application-{application.id}$"))
    assert page.input_value(f"{box} #f-inspected_on") == "2026-11-23"  # the app clock's day
    page.fill(f"{box} #f-participants", "县应急管理局 王科长、李工")
    page.fill(f"{box} #f-findings", "联锁装置测试正常，培训记录齐全")
    page.check(f"{box} input[name=conclusion][value=agreed]")
    here = re.compile(rf"/resumption/enterprises/{ent.id}#application-{application.id}$")
    with page.expect_navigation(url=here):  # the same address again
        page.click(f"{box} button:has-text('登记验收结论')")
    assert "已登记复工验收结论" in page.inner_text(".flashes")
    assert page.locator("#stopped-tag").count() == 0 and page.locator("#stopped-banner").count() == 0
    assert page.locator("#not-stopped").is_visible()
    assert "同意复工复产" in page.inner_text(f"{box} .decision")
    assert "已复工复产" in page.inner_text(f"article[data-order='{order.id}'] .status")
    page.goto(f"{live_server}/supervision/enterprises/{ent.id}")
    assert page.locator("#stopped-tag").count() == 0
    page.goto(f"{live_server}/supervision")
    assert page.locator("#stopped-enterprises").count() == 0
    page.goto(f"{live_server}/resumption")
    assert page.locator(f"#stopped tr[data-enterprise='{ent.id}']").count() == 0
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/resumption/enterprises/{ent.id}")
    assert page.locator("#stopped-tag").count() == 0 and page.locator("#applications").count() == 0
