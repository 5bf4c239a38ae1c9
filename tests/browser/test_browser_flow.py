"""Through a real browser: an inspector registers a hazard with a photo, the project lead assigns it.

The app is served by werkzeug in a thread on a free port; Debian's Chromium is driven by Playwright (never a
downloaded browser)."""
import os
import re
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import HazardCase, HumanTask
from conftest import PASSWORD
from test_web_support import PNG

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (install it with `apt-get install -y chromium`)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page that fails its test when the Content-Security-Policy blocked anything (Chromium reports each
    blocked script, style, image or connection on the console): every browser test also checks the policy."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert blocked == [], blocked


def log_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def log_out(page):
    page.click("form[action='/logout'] button")
    page.wait_for_url(re.compile(r"/login"))


def register_in_browser(page, people, photo):
    """The logged-in inspector registers a general fire-safety hazard at enterprise A (at 30.27415, 120.15515) with
    one photo ({name, mimeType, buffer}); returns on the new case's page."""
    page.click("nav >> text=登记隐患")
    page.select_option("#f-enterprise_id", str(people.enterprise_a.id))
    page.fill("#f-place", "二号仓库")
    page.fill("#f-latitude", "30.27415")
    page.fill("#f-longitude", "120.15515")
    page.select_option("#f-hazard_type", "fire_safety")
    page.fill("#f-description", "灭火器压力不足，疏散通道堆放货物")
    page.set_input_files("#f-photos", files=[photo])
    page.wait_for_selector("#field-photos .thumb img")  # uploaded through fetch, id kept in a hidden input
    page.fill("#f-score", "88")
    page.click("button:has-text('登记')")
    page.wait_for_url(re.compile(r"/cases/\d+$"))


def test_inspector_registers_with_photo_and_lead_assigns(people, live_server, page):
    log_in(page, live_server, "inspector")
    register_in_browser(page, people, {"name": "现场.png", "mimeType": "image/png", "buffer": PNG})
    assert "隐患已登记" in page.inner_text(".flashes")
    case = HazardCase.query.one()
    assert case.place == "二号仓库" and case.grade == "general" and case.status == "assigning"
    assert page.locator(".att-group .tiles img").count() == 1  # the photo is shown on the case page

    log_out(page)
    log_in(page, live_server, "project_lead")
    row = page.locator("table.tasks tbody tr", has_text=case.code)
    row.locator("a:has-text('办理')").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.fill("#f-rectification_requirements", "补充灭火器，清理疏散通道")
    page.fill("#f-contact_person", "王安全")
    page.fill("#f-contact_phone", "13800138000")
    page.click("button:has-text('提交')")
    page.wait_for_url(re.compile(r"/$"))
    assert "已提交" in page.inner_text(".flashes")
    assert HumanTask.query.filter_by(case_id=case.id).one().form_key == "rectification"


def open_task_of(page, code):
    page.locator("table.tasks tbody tr", has_text=code).locator("a:has-text('办理')").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))


def rectify(page, code, text):
    open_task_of(page, code)
    page.fill("#f-measures", text)
    page.fill("#f-progress_percent", "100")
    page.check("#f-completed")
    page.fill("#f-responsible_person", "王安全")
    page.set_input_files("#f-after_photos", files=[{"name": "整改后.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#field-after_photos .thumb img")
    page.click("button:has-text('提交')")
    page.wait_for_url(re.compile(r"/$"))


def verify(page, code, passed, opinion):
    open_task_of(page, code)
    page.check(f"input[name=passed][value={'true' if passed else 'false'}]")
    page.fill("#f-opinion", opinion)
    if not passed:
        page.fill("#f-added_requirements", "疏散指示标志同时更换")
    page.click("button:has-text('提交')")
    page.wait_for_url(re.compile(r"/$"))


def test_rectification_failed_verification_second_round_and_close(people, live_server, page):
    from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    code = db.session.get(HazardCase, case_id).code

    log_in(page, live_server, "ent_a")
    rectify(page, code, "已补充灭火器 4 具并清理通道")
    log_out(page)
    log_in(page, live_server, "project_team")
    verify(page, code, passed=False, opinion="疏散指示标志损坏未处理")
    log_out(page)
    log_in(page, live_server, "ent_a")
    rectify(page, code, "更换疏散指示标志")
    log_out(page)
    log_in(page, live_server, "project_team")
    verify(page, code, passed=True, opinion="复核合格，同意销号")
    page.goto(f"{live_server}/cases/{case_id}")
    assert "已销号" in page.inner_text("body")
    case = db.session.get(HazardCase, case_id)
    assert case.status == "closed" and case.round == 2
