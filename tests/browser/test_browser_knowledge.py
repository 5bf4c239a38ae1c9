"""Through a real browser: on the assignment task page the project lead copies the knowledge base's advice for the
case's hazard type into the requirements, after what was typed there, and a second click does not add it twice."""
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.knowledge_support import ADVICE, add, technical_lead
from tests.test_lifecycle_service import open_tasks, register


def test_the_advice_is_copied_into_the_requirements(people, make_user, live_server, page):
    add(technical_lead(make_user), publish=True)
    task = open_tasks(register(people))["assignment"]
    log_in(page, live_server, "project_lead")
    page.goto(f"{live_server}/tasks/{task.id}")
    page.fill("#f-rectification_requirements", "限3日内整改。")
    page.click(".kb-copy")
    assert page.locator("#f-rectification_requirements").input_value() == "限3日内整改。\n" + ADVICE["body"]
    page.click(".kb-copy")
    assert page.locator("#f-rectification_requirements").input_value().count(ADVICE["body"]) == 1
