"""Through a real browser without network (离线登记): the inspector opens the offline page once online, the network
goes, the page is reloaded from the service worker's cache, a hazard is captured with a photo and waits on the
device; the network comes back, the draft is synced, the case code shows; exactly one case exists, with the photo
and the discovery time as entered, however often the page syncs or is reloaded.

Going offline: Playwright's `context.set_offline(True)` takes the page offline (navigator.onLine, the online and
offline events, the page's own requests) but, in this Chromium, not its service worker, whose requests still reach
the server (`context.route` does not see them either). So going offline also takes the server off its port, and
coming back puts it on the same port again: no request of the page or of its worker can reach it, as in a plant
without signal, and the tests check that the server saw none."""
import re
import threading

import pytest
from flask import request, request_started
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Attachment, AuditEvent, HazardCase
from test_browser_flow import browser, log_in, log_out  # noqa: F401
from test_web_support import PNG


class Network:
    """The server on a fixed port, which `off` takes away (with the browser context's network) and `on` brings back."""

    def __init__(self, app):
        self.app, self.port, self.server = app, 0, None
        self._serve()
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def off(self, context):
        context.set_offline(True)
        self._stop()

    def on(self, context):
        self._serve()
        context.set_offline(False)  # the page's `online` event


@pytest.fixture
def network(app):
    net = Network(app)
    yield net
    net._stop()


def _context(browser, **options):
    """A context of its own (the position, its permission and the offline switch are per context); anything the
    Content-Security-Policy blocked fails the test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.blocked = []
    page.on("console", lambda message: page.blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return context, page


def open_offline_page(page, base):
    """Online: the page, its service worker in control and its cache filled, the setup kept."""
    page.goto(f"{base}/hazards/offline")
    page.wait_for_selector("#offline-app[data-worker-ready='1']")
    page.wait_for_selector("#offline-app[data-ready='1']")
    page.wait_for_selector("#f-enterprise_id option:nth-child(2)", state="attached")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def capture(page, people, place="二号仓库"):
    page.select_option("#f-enterprise_id", str(people.enterprise_a.id))
    page.fill("#f-place", place)
    page.select_option("#f-hazard_type", "fire_safety")
    page.fill("#f-description", "灭火器压力不足，疏散通道堆放货物")
    page.set_input_files("#f-photos", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#field-photos .thumb img")
    page.fill("#f-score", "88")
    page.fill("#f-found_at", "2026-11-20T15:30")
    page.click("#save-draft")
    page.wait_for_selector(f"#draft-rows tr.draft:has-text('{place}')")


@pytest.fixture
def served(app):
    """The paths the server answered, in order (to tell that nothing reached it while the browser was offline)."""
    paths = []

    def note(sender, **extra):
        paths.append(request.path)
    request_started.connect(note, app)
    yield paths
    request_started.disconnect(note, app)


def synced_case_count():
    db.session.expire_all()
    return db.session.query(HazardCase).count()


def test_captured_offline_synced_once_when_the_network_is_back(people, network, browser, served):
    context, page = _context(browser, permissions=["geolocation"],
                             geolocation={"latitude": 30.27445, "longitude": 120.15515})
    try:
        log_in(page, network.url, "inspector")
        open_offline_page(page, network.url)

        network.off(context)
        served.clear()
        page.reload()  # from the service worker's cache: no network reaches the server
        page.wait_for_selector("#offline-app[data-ready='1']")
        assert "离线" in page.inner_text("#net-state")
        assert "当前用户：inspector" in page.inner_text("#offline-user")
        capture(page, people)
        row = page.locator("#draft-rows tr.draft")
        assert row.count() == 1 and "待同步" in row.inner_text() and "照片 1 张" in row.inner_text()
        page.reload()  # still offline: the draft is kept on the device
        page.wait_for_selector("#draft-rows tr.draft")
        assert synced_case_count() == 0 and served == []  # two loads of the page, a capture: none reached the server

        network.on(context)  # the page's `online` event syncs
        page.wait_for_selector("#synced-rows a.code")
        assert page.locator("#draft-rows tr.draft").count() == 0
        case = db.session.query(HazardCase).one()
        assert page.inner_text("#synced-rows a.code") == case.code
        assert (case.place, case.inspector.username, case.client_ref is not None) == ("二号仓库", "inspector", True)
        [photo] = db.session.query(Attachment).filter_by(case_id=case.id).all()
        assert (photo.field, photo.original_name, photo.location_source) == ("photos", "现场.png", "device")
        [event] = db.session.query(AuditEvent).filter_by(case_id=case.id, action="hazard_registered").all()
        assert event.changes["found_at"] == [None, "2026-11-20T15:30:00+08:00"] and event.details["offline"] is True

        page.click("#sync-now")  # again, and after a reload: nothing is sent twice
        page.wait_for_selector("#sync-status:has-text('没有需要同步的登记')")
        page.reload()
        page.wait_for_selector("#offline-app[data-ready='1']")
        page.wait_for_selector("#sync-status:has-text('没有需要同步的登记')")
        assert synced_case_count() == 1

        page.click(f"#synced-rows a:has-text('{case.code}')")
        page.wait_for_url(re.compile(rf"/cases/{case.id}$"))
        assert "离线采集，同步于" in page.inner_text(".timeline")
        assert page.locator(".att-group .tiles img").count() == 1
    finally:
        context.close()
    assert page.blocked == [], page.blocked


def test_a_draft_the_server_refuses_stays_marked_and_is_sent_again_once_changed(people, network, browser):
    context, page = _context(browser)
    try:
        log_in(page, network.url, "ent_a")  # an enterprise's self-check report
        open_offline_page(page, network.url)
        network.off(context)
        page.reload()
        page.wait_for_selector("#offline-app[data-ready='1']")
        assert page.input_value("#f-enterprise_id") == str(people.enterprise_a.id)
        page.fill("#f-place", "锅炉房")
        page.select_option("#f-hazard_type", "special_equipment")
        page.fill("#f-description", "压力表超期未检")
        page.set_input_files("#f-photos", files=[{"name": "表.png", "mimeType": "image/png", "buffer": PNG}])
        page.wait_for_selector("#field-photos .thumb img")
        page.fill("#f-score", "150")  # out of range: the server refuses it
        page.click("#save-draft")
        page.wait_for_selector("#draft-rows tr.draft")

        network.on(context)
        page.wait_for_selector("#draft-rows tr.draft[data-state='rejected']")
        row = page.locator("#draft-rows tr.draft")
        assert "被退回" in row.inner_text() and "不能大于 100" in row.inner_text()
        assert synced_case_count() == 0
        page.click("#sync-now")  # a refused draft waits for a change: not sent again as it is
        page.wait_for_selector("#sync-status:has-text('没有需要同步的登记')")
        assert page.locator("#draft-rows tr.draft").count() == 1

        row.locator("button.draft-edit").click()
        page.wait_for_selector("#editing-note")
        assert page.input_value("#f-place") == "锅炉房" and page.locator("#field-photos .thumb img").count() == 1
        assert "不能大于 100" in page.inner_text("#err-score")
        page.fill("#f-score", "80")
        page.click("#save-draft")
        page.wait_for_selector("#synced-rows a.code")
        case = db.session.query(HazardCase).one()
        assert (case.score, case.source, case.enterprise_id) == (80, "self_check", people.enterprise_a.id)
        assert db.session.query(Attachment).filter_by(case_id=case.id).count() == 1
    finally:
        context.close()
    assert page.blocked == [], page.blocked


def test_another_users_drafts_are_not_sent_under_the_current_login(people, network, browser):
    context, page = _context(browser)
    try:
        log_in(page, network.url, "inspector")
        open_offline_page(page, network.url)
        network.off(context)
        page.reload()
        page.wait_for_selector("#offline-app[data-ready='1']")
        capture(page, people, place="化验室")
        page.close()  # closed before the network came back: the draft waits on the device
        network.on(context)
        # The inspector signs out; another user of the device signs in and opens the page.
        page = context.new_page()
        page.blocked = []
        page.goto(f"{network.url}/")
        log_out(page)
        log_in(page, network.url, "ent_a")
        page.goto(f"{network.url}/hazards/offline")
        page.wait_for_selector("#offline-app[data-ready='1']")
        page.wait_for_selector("#sync-status:has-text('没有需要同步的登记')")
        row = page.locator("#draft-rows tr.draft")
        assert "属于用户 inspector" in row.inner_text() and row.locator("button").count() == 0
        assert synced_case_count() == 0

        page.goto(f"{network.url}/")
        log_out(page)
        log_in(page, network.url, "inspector")
        page.goto(f"{network.url}/hazards/offline")
        page.wait_for_selector("#synced-rows a.code")
        assert db.session.query(HazardCase).one().inspector.username == "inspector"
    finally:
        context.close()
    assert page.blocked == [], page.blocked


def test_a_draft_may_be_deleted_by_its_user_and_stays_deleted(people, network, browser):
    context, page = _context(browser)
    try:
        log_in(page, network.url, "inspector")
        open_offline_page(page, network.url)
        network.off(context)
        page.reload()
        page.wait_for_selector("#offline-app[data-ready='1']")
        capture(page, people, place="东门")
        capture(page, people, place="西门")
        page.on("dialog", lambda dialog: dialog.accept())  # 删除这条未同步的登记？
        page.locator("#draft-rows tr.draft:has-text('东门') button.draft-delete").click()
        page.wait_for_selector("#draft-rows tr.draft:has-text('东门')", state="detached")
        page.reload()
        page.wait_for_selector("#offline-app[data-ready='1']")
        page.wait_for_selector("#draft-rows tr.draft")
        rows = page.locator("#draft-rows tr.draft")
        assert rows.count() == 1 and rows.locator("td").nth(2).inner_text() == "西门"
        network.on(context)
        page.wait_for_selector("#synced-rows a.code")
        assert [c.place for c in db.session.query(HazardCase).all()] == ["西门"]
    finally:
        context.close()
    assert page.blocked == [], page.blocked
