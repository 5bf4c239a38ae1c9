"""Through a real browser (Debian Chromium): the process owner renames a task in the bpmn-js modeler, deploys,
sees version 2; a running case's diagram shows its current task marked."""
import re

from app.extensions import db
from app.models import ProcessVersion
from process_support import BPMN, deploy_as, edited, restore_versions  # noqa: F401
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from test_lifecycle_service import register

NEW_NAME = "整改指派（浏览器改名）"


def test_owner_renames_a_task_in_the_modeler_and_deploys_version_2(people, live_server, page, restore_versions):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "process_owner")
    page.click("nav >> text=流程管理")
    page.wait_for_url(re.compile(r"/processes/$"))
    assert page.locator("table.versions tbody tr").count() == 1
    page.click("a:has-text('以此编辑')")
    page.wait_for_selector("#bpmn-canvas [data-element-id=Task_assignment]")

    page.click("#bpmn-canvas [data-element-id=Task_assignment]")
    name = page.locator("#props input[name=name]")
    assert name.input_value() == "整改指派"
    assert page.locator("#props select[name=formKey]").input_value() == "assignment"
    name.fill(NEW_NAME)
    name.press("Tab")  # the panel applies a field on change, through the modeling API (undoable)
    page.wait_for_selector(f"#bpmn-canvas [data-element-id=Task_assignment] >> text={NEW_NAME[:4]}")

    page.click("#validate-btn")
    page.wait_for_selector("#problems li.ok")
    page.fill("#deploy-comment", "整改指派改名")
    page.click("#deploy-btn")
    page.wait_for_url(re.compile(r"/processes/$"))
    assert "已部署版本 2" in page.inner_text(".flashes")
    deployed_row = page.locator("table.versions tr.is-deployed")
    assert deployed_row.get_attribute("data-version") == "2" and "整改指派改名" in deployed_row.inner_text()
    db.session.expire_all()
    version = db.session.query(ProcessVersion).filter_by(is_deployed=True).one()
    assert version.version == 2 and f'name="{NEW_NAME}"' in version.files[BPMN]
    assert errors == []


def test_case_diagram_marks_the_current_task(people, live_server, page):
    case_id = register(people)
    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/processes/case/{case_id}/diagram")
    page.wait_for_selector("#case-canvas[data-ready=true]")
    current = page.locator(".djs-element.st-current[data-element-id=Task_assignment]")
    assert current.count() == 1
    assert page.locator(".djs-element.st-completed[data-element-id=Task_grading]").count() == 1
    assert page.locator(".djs-element.st-waiting[data-element-id=Timer_assignment_overdue]").count() == 1
    assert "2小时未指派" in page.inner_text(".timer-list")


def test_migration_page_ticks_and_clears_every_case_from_its_header_box(people, live_server, page,
                                                                         restore_versions):
    first_case, second_case = register(people), register(people)
    first = db.session.query(ProcessVersion).filter_by(is_deployed=True).one().id
    second, _ = deploy_as(people.process_owner, *edited('name="整改指派"', 'name="指派（新）"'))
    log_in(page, live_server, "process_owner")
    page.goto(f"{live_server}/processes/migrate?from={first}&to={second}")
    boxes = page.locator("input[name=case_id]")
    assert boxes.count() == 2 and all(boxes.nth(i).is_checked() for i in range(2))
    page.click("input[data-check-all]")
    assert not any(boxes.nth(i).is_checked() for i in range(2))
    page.click("input[data-check-all]")
    assert all(boxes.nth(i).is_checked() for i in range(2))
    assert {first_case, second_case} == {int(boxes.nth(i).get_attribute("value")) for i in range(2)}


def test_every_editor_tab_renders_within_the_content_security_policy(people, live_server, page):
    """The DMN decision table (dmn-js) and the form editor open without errors or blocked resources (the page
    fixture fails on anything the policy blocked)."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "process_owner")
    page.goto(f"{live_server}/processes/editor")
    page.wait_for_selector("#bpmn-canvas [data-element-id=Task_assignment]")
    page.click("button.tab[data-kind=dmn]")
    page.wait_for_selector("#dmn-canvas .tjs-table")
    assert "score" in page.inner_text("#dmn-canvas")
    page.click("button.tab[data-kind=forms]")
    page.wait_for_selector("#form-select option")
    assert errors == []
