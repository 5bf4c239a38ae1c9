"""Through a real browser: a citizen, without an account, files a report with a photo from the login page, keeps
the query code; the bureau accepts it; the citizen follows its status with the code."""
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from test_web_support import PNG

from app.extensions import db
from app.models import Attachment, PublicReport
from tests.public_report_support import PLACE, TEXT


def test_a_citizen_files_a_report_with_a_photo_and_follows_it(people, live_server, page, tmp_path):
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page.goto(f"{live_server}/login")
    page.click("text=隐患举报")
    page.wait_for_url(re.compile(r"/public/reports/new$"))
    page.fill("#f-text", TEXT)
    page.fill("#f-place", PLACE)
    page.set_input_files("#f-photos", str(photo))
    page.check("#f-consent")
    page.click("button:has-text('提交举报')")
    page.wait_for_url(re.compile(r"/public/reports/[A-Z0-9]{12}$"))
    code = page.inner_text("#report-code").strip()
    assert code in page.inner_text(".flashes") and "已收到，待受理" in page.inner_text("#report-stage")
    row = db.session.query(PublicReport).one()
    assert row.code == code and db.session.query(Attachment).filter_by(report_id=row.id).count() == 1

    log_in(page, live_server, "bureau")
    page.click("nav >> text=群众举报")
    page.click(f"tr[data-report='{row.id}'] a.code")
    assert page.locator(".tiles img").count() == 1
    page.click("#decide button.primary")  # 受理
    page.wait_for_url(re.compile(rf"/public-reports/{row.id}$"))
    assert "受理中" in page.inner_text("#report-status")
    log_out(page)

    page.goto(f"{live_server}/public/reports")
    page.fill("input[name=code]", code.lower())
    page.click("button:has-text('查询')")
    page.wait_for_url(re.compile(rf"/public/reports/{code}$"))
    assert "受理中" in page.inner_text("#report-stage")
