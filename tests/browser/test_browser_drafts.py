"""Through a real browser: the enterprise saves its rectification as a draft (with an after photo) while work goes
on, finds it again on the task page, and submits it later; the case page shows the progress meanwhile."""
import re

from app.extensions import db
from app.models import HazardCase
from test_browser_flow import PNG, browser, live_server, log_in, page  # noqa: F401
from tests.test_task_drafts import rectification_task


def test_enterprise_saves_a_draft_and_submits_it_later(people, live_server, page):
    task = rectification_task(people)
    code = db.session.get(HazardCase, task.case_id).code
    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/tasks/{task.id}")
    page.fill("#f-measures", "已停用老旧线路，新线缆到货后更换")
    page.fill("#f-progress_percent", "40")
    page.set_input_files("#f-after_photos", files=[{"name": "进度.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#field-after_photos .thumb img")
    page.click("button:has-text('保存草稿')")  # nothing required yet: the browser does not stop it either
    page.wait_for_url(re.compile(rf"/tasks/{task.id}$"))
    assert "草稿已保存" in page.inner_text(".flashes")
    page.goto(f"{live_server}/cases/{task.case_id}")
    assert "整改进度 40%" in page.inner_text(".open-tasks")

    page.goto(f"{live_server}/tasks/{task.id}")
    assert "已载入" in page.inner_text(".draft-note")
    assert page.locator("#f-measures").input_value() == "已停用老旧线路，新线缆到货后更换"
    assert page.locator("#field-after_photos .thumb img").count() == 1  # the draft's photo is shown again
    page.fill("#f-progress_percent", "100")
    page.check("#f-completed")
    page.fill("#f-responsible_person", "王安全")
    page.click("button:has-text('提交')")
    page.wait_for_url(re.compile(r"/$"))
    assert code in page.inner_text(".flashes")
