"""Through a real browser (Debian Chromium): an administrator imports the enterprise register from Excel —
the check's plan, then the confirmation — and finds the new enterprise in the list."""
import re

from app.models import Enterprise
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from test_enterprise_import import CODE_1, HEADER, xlsx_bytes


def test_admin_checks_and_confirms_an_excel_import(people, live_server, page, tmp_path):
    workbook = tmp_path / "企业名录.xlsx"
    workbook.write_bytes(xlsx_bytes([HEADER, ["丙化工有限公司", CODE_1, "城东园区", "化工", 12, "0571-1234567"],
                                     [people.enterprise_a.name, people.enterprise_a.credit_code, "新区", "", "", ""]]))
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/enterprises")
    page.click("a:has-text('批量导入')")
    page.wait_for_url(re.compile(r"/admin/enterprises/import$"))
    page.set_input_files("#f-file", str(workbook))
    page.click("button:has-text('检查文件')")
    page.wait_for_selector(".import-plan")
    assert "新增 1 家，更新 1 家" in page.inner_text(".import-counts")
    assert page.locator(".import-plan tr[data-action=add]").count() == 1
    assert Enterprise.query.filter_by(credit_code=CODE_1).count() == 0
    page.click("button:has-text('确认导入')")
    page.wait_for_url(re.compile(r"/admin/enterprises$"))
    assert "已导入 企业名录.xlsx" in page.inner_text(".flashes")
    assert "丙化工有限公司" in page.inner_text("table.enterprises")
