"""State-changing HTML requests need the session's CSRF token; the bearer-token API does not."""
from flask.testing import FlaskClient

from app.extensions import db
from app.models import HumanTask
from tests.conftest import PASSWORD
from tests.test_lifecycle_service import register


def plain_client(app):
    return FlaskClient(app, use_cookies=True)  # no automatic token, like a forged cross-site form


def test_login_without_token_is_refused(app, people):
    response = plain_client(app).post("/login", data={"username": "inspector", "password": PASSWORD})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)


def test_claim_with_wrong_token_changes_nothing(app, people, login):
    case_id = register(people)
    task = HumanTask.query.filter_by(case_id=case_id).one()
    lead = login("project_lead")
    response = lead.post(f"/tasks/{task.id}/claim", headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 400
    assert db.session.get(HumanTask, task.id).assignee_id is None
    assert lead.post(f"/tasks/{task.id}/claim").status_code in (200, 302)  # with the real token it works


def test_api_is_exempt(app, people, api):
    assert api("inspector").get("/api/v1/tasks").status_code == 200


def test_every_post_form_in_the_templates_carries_the_token():
    """The test client sends the token as a header on its own; a browser sends only what the form holds."""
    import re
    from pathlib import Path
    missing = []
    for template in (Path(__file__).resolve().parent.parent / "app" / "templates").rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        for match in re.finditer(r'<form\b[^>]*method="post"', source):
            body = source[match.start():source.find("</form>", match.start())]
            if "csrf_field()" not in body:
                missing.append(f"{template.name}:{source.count(chr(10), 0, match.start()) + 1}")
    assert not missing, missing


def test_starting_a_quality_round_without_the_token_is_refused(app, people):
    client = plain_client(app)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(people.quality.id)
        sess["_fresh"] = True
    response = client.post("/quality/rounds", data={"start": "2026-11-01", "end": "2026-11-30", "percent": "15"})
    assert response.status_code == 400
