"""Through a real browser: the project team opens the verification task of a rectified case and finds the online
initial review (线上初审) not done yet; they return it for supplements (资料不全); the enterprise reads what is
missing, reached from its notice and the case page, and sends a supplement note with a file; the project team
reviews again from the same task page and passes it."""
import re

from app.extensions import db
from app.models import InitialReview
from test_browser_flow import PNG, browser, live_server, log_in, log_out, open_task_of, page  # noqa: F401
from tests.test_initial_review import to_verification
from tests.test_lifecycle_service import open_tasks


def current_review(case_id):
    db.session.expire_all()
    return db.session.query(InitialReview).filter_by(case_id=case_id).one()


def test_return_for_supplements_supplement_and_pass(people, live_server, page):
    case_id = to_verification(people)
    code = current_review(case_id).case.code
    task_id = open_tasks(case_id)["verification"].id
    card = "#initial-review-card"

    log_in(page, live_server, "project_team")
    open_task_of(page, code)
    assert page.url.endswith(f"/tasks/{task_id}")
    assert "尚未进行线上初审" in page.inner_text(f"{card} .initial-review-missing")
    # Returning needs the missing items: without them the error is beside the field (on the review page).
    page.check(f"{card} input[name=materials_complete][value=no]")
    page.check(f"{card} input[name=consistent][value=yes]")
    page.check(f"{card} input[name=conclusion][value=returned]")
    page.click(f"{card} button:has-text('登记初审')")
    page.wait_for_selector("#err-missing_items")
    assert page.is_checked("input[name=conclusion][value=returned]")  # what was chosen is kept
    assert current_review(case_id).status == "pending"
    page.fill("#f-missing_items", "缺少灭火器检测报告")
    page.click("#review button:has-text('登记初审')")
    page.wait_for_url(re.compile(rf"/tasks/{task_id}$"))  # back to the task the review was started from
    assert "已登记线上初审" in page.inner_text(".flashes")
    assert current_review(case_id).status == "returned"
    assert "已退回补正" in page.inner_text(card)
    assert page.locator(f"{card} form.initial-review-form").count() == 0  # waiting for the enterprise now
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.click("nav >> text=通知")
    page.locator(".notice", has_text="缺少灭火器检测报告").locator("button:has-text('查看案件')").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    page.click(f"{card} a:has-text('提交补正材料')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/initial-review#supplement$"))
    assert "缺少灭火器检测报告" in page.inner_text("#supplement .notice")
    page.fill("#supplement #f-note", "已补充灭火器检测报告")
    page.set_input_files("#f-upload", files=[{"name": "检测报告.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#supplement button:has-text('提交补正材料')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/initial-review$"))
    assert "补正材料已提交" in page.inner_text(".flashes")
    assert "检测报告.png" in page.inner_text(f"#round-1")
    assert current_review(case_id).status == "resubmitted"
    log_out(page)

    log_in(page, live_server, "project_team")
    open_task_of(page, code)
    assert "企业已补正，待重新初审" in page.inner_text(card)
    page.click(f"{card} summary:has-text('登记线上初审')")  # the form folds once a review exists
    page.check(f"{card} input[name=materials_complete][value=yes]")
    page.check(f"{card} input[name=consistent][value=yes]")
    page.check(f"{card} input[name=conclusion][value=passed]")
    page.fill(f"{card} #f-note", "检测报告齐全")
    with page.expect_navigation(url=re.compile(rf"/tasks/{task_id}$")):  # the same address again
        page.click(f"{card} button:has-text('登记初审')")
    assert "已登记线上初审" in page.inner_text(".flashes")
    assert "通过初审（无需现场复核）" in page.inner_text(f"{card} .initial-review-done")
    assert current_review(case_id).status == "passed"
    page.click(f"{card} a:has-text('初审记录与补正材料')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/initial-review$"))
    history = page.inner_text("#round-1 .initial-review-entries")
    assert history.index("缺少灭火器检测报告") < history.index("已补充灭火器检测报告") < history.index("检测报告齐全")
