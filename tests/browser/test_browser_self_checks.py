"""Through a real browser: the enterprise's safety officer starts a self-check (企业自查) with the general list, marks
every item, one of them 不符合; submitting without the item's place, score and photo shows the errors beside the
item and keeps what was marked; with them the draft is saved (the photo shown), then submitted: the item links the
hazard case it became, and the link opens the case."""
import re

from app.models import HazardCase, SelfCheck
from test_browser_flow import PNG, browser, live_server, log_in, page  # noqa: F401
from tests.test_self_checks import load_lists


def test_enterprise_fills_saves_and_submits_a_self_check(people, live_server, page):
    load_lists()
    log_in(page, live_server, "ent_a")
    page.click("nav >> text=企业自查")
    page.wait_for_url(re.compile(r"/self-checks$"))
    page.select_option("#f-checklist", "general")
    page.fill("#start-self-check #f-note", "安全员与车间主任")
    page.click("#start-self-check button:has-text('开始自查')")
    page.wait_for_url(re.compile(r"/self-checks/\d+$"))
    assert "已开始自查" in page.inner_text(".flashes")
    row = SelfCheck.query.one()
    items = row.items
    first = items[0]
    for item in items[1:]:
        page.check(f"input[name='result.{item.id}'][value=conform]")
    box = f"#item-{first.id}"
    page.check(f"{box} input[value=nonconform]")
    page.fill(f"#f-note-{first.id}", "安全生产责任制未公示")
    assert page.is_checked(f"{box} input[name='report.{first.id}']")  # reported by default

    # Submitted without the place, the score and a photo: the errors beside the item, nothing lost, nothing made.
    page.click("button:has-text('提交自查')")
    page.wait_for_selector(f"{box} .field-error")
    for field in ("place", "score", "photos"):  # each message in the field's own box, under its input
        assert page.locator(f"{box} .has-error:has(#f-{field}-{first.id}) .field-error").is_visible(), field
    assert page.is_checked(f"{box} input[value=nonconform]")
    assert page.input_value(f"#f-note-{first.id}") == "安全生产责任制未公示"
    assert page.is_checked(f"input[name='result.{items[-1].id}'][value=conform]")
    assert HazardCase.query.count() == 0

    # The place, the score and a photo: saved as a draft, the photo shown on the item.
    page.fill(f"#f-place-{first.id}", "办公楼一层")
    page.fill(f"#f-score-{first.id}", "90")
    page.set_input_files(f"#f-photos-{first.id}",
                         files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    with page.expect_navigation(url=re.compile(rf"/self-checks/{row.id}$")):  # the same address again
        page.click("button:has-text('保存草稿')")
    assert "草稿已保存" in page.inner_text(".flashes")
    assert page.locator(f"{box} .tiles img").count() == 1
    assert page.input_value(f"#f-place-{first.id}") == "办公楼一层"
    assert page.locator(".field-error").count() == 0

    with page.expect_navigation(url=re.compile(rf"/self-checks/{row.id}$")):  # the same address again
        page.click("button:has-text('提交自查')")
    assert "不符合项已上报 1 条隐患" in page.inner_text(".flashes")
    case = HazardCase.query.one()
    assert case.source == "self_check" and case.place == "办公楼一层" and case.score == 90
    assert page.locator("button:has-text('提交自查')").count() == 0  # submitted: no more form
    page.click(f"{box} a.code:has-text('{case.code}')")
    page.wait_for_url(re.compile(rf"/cases/{case.id}$"))
    assert case.code in page.inner_text("main") and "安全生产责任制未公示" in page.inner_text("main")
    assert page.locator(".att-group .tiles img").count() == 1  # the item's photo went over to the case


def _start_with_a_photo(page, base):
    """Logged in as ent_a: a started self-check whose first item is 不符合 with its place, score and one photo, saved;
    returns (the self-check, its items)."""
    load_lists()
    log_in(page, base, "ent_a")
    page.goto(f"{base}/self-checks")
    page.select_option("#f-checklist", "general")
    page.click("#start-self-check button:has-text('开始自查')")
    page.wait_for_url(re.compile(r"/self-checks/\d+$"))
    row = SelfCheck.query.one()
    first = row.items[0].id
    page.check(f"#item-{first} input[value=nonconform]")
    page.fill(f"#f-note-{first}", "安全生产责任制未公示")
    page.fill(f"#f-place-{first}", "办公楼一层")
    page.fill(f"#f-score-{first}", "90")
    page.set_input_files(f"#f-photos-{first}", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    with page.expect_navigation(url=re.compile(rf"/self-checks/{row.id}$")):  # the same address again
        page.click("button:has-text('保存草稿')")
    assert page.locator(f"#item-{first} .tiles img").count() == 1
    return row, row.items


def test_enter_in_a_field_saves_the_draft_and_removing_a_photo_keeps_what_was_typed(people, live_server, page):
    row, items = _start_with_a_photo(page, live_server)
    first, second = items[0].id, items[1].id
    # Enter in a text field submits the form with its default button: the draft is saved, no photo removed.
    page.check(f"#item-{second} input[value=nonconform]")
    page.fill(f"#f-note-{second}", "应急预案未演练")
    page.fill(f"#f-place-{second}", "二号车间")
    with page.expect_navigation():
        page.press(f"#f-place-{second}", "Enter")
    assert "草稿已保存" in page.inner_text(".flashes")
    assert page.locator(f"#item-{first} .tiles img").count() == 1
    assert page.input_value(f"#f-place-{second}") == "二号车间"

    # Removing the photo keeps what was typed meanwhile (it is saved with the removal).
    page.fill(f"#f-note-{second}", "应急预案未按期演练")
    page.check(f"input[name='result.{items[2].id}'][value=not_applicable]")
    with page.expect_navigation():
        page.click(f"#item-{first} button:has-text('移除')")
    assert "照片已移除" in page.inner_text(".flashes")
    assert page.locator(f"#item-{first} .tiles img").count() == 0
    assert page.input_value(f"#f-note-{second}") == "应急预案未按期演练"
    assert page.is_checked(f"input[name='result.{items[2].id}'][value=not_applicable]")


def test_a_photo_chosen_before_an_error_is_kept_and_goes_to_the_case(people, live_server, page):
    load_lists()
    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/self-checks")
    page.click("#start-self-check button:has-text('开始自查')")
    page.wait_for_url(re.compile(r"/self-checks/\d+$"))
    items = SelfCheck.query.one().items
    first = items[0].id
    for item in items[1:]:
        page.check(f"input[name='result.{item.id}'][value=conform]")
    page.check(f"#item-{first} input[value=nonconform]")
    page.fill(f"#f-note-{first}", "安全生产责任制未公示")
    page.fill(f"#f-place-{first}", "办公楼一层")
    page.set_input_files(f"#f-photos-{first}", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("button:has-text('提交自查')")  # no score
    page.wait_for_selector(f"#item-{first} .has-error:has(#f-score-{first}) .field-error")
    assert page.locator(f"#item-{first} .has-error:has(#f-photos-{first})").count() == 0
    assert "1" in page.inner_text(f"#item-{first} .pending-photos")  # the user is told the photo is kept
    page.fill(f"#f-score-{first}", "90")
    with page.expect_navigation(url=re.compile(r"/self-checks/\d+$")):  # the same address again
        page.click("button:has-text('提交自查')")
    case = HazardCase.query.one()
    page.goto(f"{live_server}/cases/{case.id}")
    assert page.locator(".att-group .tiles img").count() == 1
