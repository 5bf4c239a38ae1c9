"""Simplified Chinese by default, English after /lang/en, for the chrome, the forms and the messages."""
import pytest
from flask_babel import get_domain

from test_web_support import (ASSIGNMENT, compile_translations, open_task,  # noqa: F401
                              register, text)


@pytest.fixture(autouse=True)
def catalogs(app):
    compile_translations()
    get_domain().cache.clear()  # a catalog looked up before compiling would otherwise stay cached


def test_chinese_by_default_english_after_switch(people, login):
    lead = login("project_lead")
    page = text(lead.get("/"))
    assert '<html lang="zh-CN">' in page and "我的任务" in page and "隐患排查治理闭环管理系统" in page
    assert 'href="/lang/en?next=/"' in page

    response = lead.get("/lang/en?next=/cases")
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
    page = text(lead.get("/"))
    assert '<html lang="en">' in page
    for english in ("My tasks", "Cases", "Notifications", "Log out", "Nothing to do", "Project lead"):
        assert english in page
    assert "我的任务" not in page

    lead.get("/lang/zh")
    assert "我的任务" in text(lead.get("/"))


def test_english_forms_history_and_messages(people, login):
    case = register(login("inspector"), people.enterprise_a)
    lead = login("project_lead")
    lead.get("/lang/en")
    task = open_task(case, "assignment")
    page = text(lead.get(f"/tasks/{task.id}"))
    assert "Rectification requirements" in page and "Contact phone" in page  # title_en of the form
    assert "General" in page and "Awaiting assignment" in page and "registered the hazard" in page
    assert "Electrical safety" in page and "due in 2 hours" in page

    response = lead.post(f"/tasks/{task.id}", data=dict(ASSIGNMENT, contact_phone="x"))
    assert response.status_code == 400
    page = text(response)
    assert "the form has errors" in page and "Invalid format" in page

    page = text(lead.post(f"/tasks/{task.id}", data=ASSIGNMENT, follow_redirects=True))
    assert f"Submitted “Assignment” ({case.code})" in page


def test_upload_error_in_english(people, login):
    import io
    inspector = login("inspector")
    inspector.get("/lang/en")
    response = inspector.post("/attachments", data={"file": (io.BytesIO(b"hello"), "a.jpg")},
                              content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["message"] == "only images, PDF and MP4 / MOV / WebM videos are accepted"


def test_login_page_in_english(client):
    client.get("/lang/en")
    page = text(client.get("/login"))
    assert "Log in" in page and "Username" in page
    response = client.post("/login", data={"username": "nobody", "password": "x"})
    assert response.status_code == 401 and "Wrong username or password" in text(response)


def test_every_form_text_shown_to_people_has_its_english():
    """Each form's titles and help texts (forms/<formKey>.json) carry an English one beside them."""
    import json
    from pathlib import Path
    missing = []
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("forms").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        for name, hints in schema.get("ui", {}).items():
            if "help" in hints and not hints.get("help_en"):
                missing.append(f"{path.name}: ui.{name}.help")
        for name, prop in schema.get("properties", {}).items():
            hints = schema.get("ui", {}).get(name, {})
            if prop.get("title") and not (prop.get("title_en") or hints.get("title_en")):
                missing.append(f"{path.name}: {name}.title")
    assert missing == []
