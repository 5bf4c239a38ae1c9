"""Through a real browser: a manager reads the statistics (heat map, trend) and downloads them as an Excel
workbook and as a PDF."""
import io
import zipfile
from datetime import datetime

from app.clock import SHANGHAI, clock
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401 (fixtures)
from test_lifecycle_service import register


def test_manager_reads_the_statistics_and_downloads_them(people, live_server, page):  # noqa: F811
    for month in (9, 10, 10, 11):
        clock.set(datetime(2026, month, 12, 9, 0, tzinfo=SHANGHAI))
        register(people)
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    log_in(page, live_server, "manager")
    page.click("nav >> text=统计报表")
    page.fill("input[name=start]", "2026-09-01")
    page.fill("input[name=end]", "2026-11-30")
    page.click("button:has-text('统计')")
    page.wait_for_selector("text=区域隐患热力图")
    assert page.inner_text("table.heat td.heat-4") == "4"  # 城关镇 × 电气安全, the busiest cell
    assert "上升" in page.inner_text("table.trend")
    with page.expect_download() as excel:
        page.click("a:has-text('导出 Excel'):not(:has-text('CSV'))")
    assert excel.value.suggested_filename == "hazard-statistics-20260901-20261130.xlsx"
    book = zipfile.ZipFile(io.BytesIO(open(excel.value.path(), "rb").read()))
    assert "xl/worksheets/sheet1.xml" in book.namelist()
    with page.expect_download() as pdf:
        page.click("a:has-text('导出 PDF')")
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
