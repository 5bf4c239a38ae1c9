"""Through a real browser: the enterprise's safety officer opens the four-colour risk map, picks a risk point, clicks
its place on the site plan and saves; the marker is drawn there in the point's colour, and the register keeps the
position as fractions of the plan (static/risk_map.js)."""
import re

from app.extensions import db
from app.models import RiskPoint
from app.services.risk_point_demo import site_plan_png
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.risk_support import add, plan


def test_the_enterprise_places_a_point_on_its_site_plan(people, live_server, page):
    point_id = add(people.ent_a, likelihood="4", severity="5", control_level="company")
    plan(people.ent_a, data=site_plan_png())
    log_in(page, live_server, "ent_a")
    page.click("nav >> text=风险分级管控")
    page.wait_for_url(re.compile(rf"/enterprises/{people.enterprise_a.id}/risk-points$"))
    page.click("nav.subnav >> text=四色风险分布图")
    page.wait_for_url(re.compile(r"/risk-map$"))
    marker = page.locator(f"#marker-{point_id}")
    assert marker.is_hidden()  # not placed yet
    page.click(f"button.place-marker[data-point='{point_id}']")
    assert page.locator("#risk-plan.placing").count() == 1
    image = page.locator("#risk-plan-image")
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    assert marker.is_visible() and "risk-red" in marker.get_attribute("class")
    x, y = float(page.input_value(f"#f-x_{point_id}")), float(page.input_value(f"#f-y_{point_id}"))
    assert abs(x - 0.25) < 0.01 and abs(y - 0.5) < 0.01
    marker_box = marker.bounding_box()  # centred where the click was
    assert abs(marker_box["x"] + marker_box["width"] / 2 - (box["x"] + box["width"] * 0.25)) < 3
    page.click("button:has-text('保存位置')")
    page.wait_for_url(re.compile(r"/risk-map$"))
    assert "已保存 1 个风险点的位置" in page.inner_text(".flashes")
    row = db.session.get(RiskPoint, point_id)
    db.session.refresh(row)
    assert abs(row.map_x - 0.25) < 0.01 and abs(row.map_y - 0.5) < 0.01
    assert page.locator(f"#marker-{point_id}").is_visible()  # drawn by the page itself after the reload
    page.fill(f"#f-x_{point_id}", "0.9")  # typing moves the marker too
    moved = page.locator(f"#marker-{point_id}").bounding_box()
    assert abs(moved["x"] + moved["width"] / 2 - (box["x"] + box["width"] * 0.9)) < 3
