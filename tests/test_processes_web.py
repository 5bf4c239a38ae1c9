"""The process pages and endpoints over HTTP: process owners only (403 for everyone else), hostile uploads,
validate / deploy / preview, rollback and migration forms, the case diagram's visibility, the vendor files."""
import io
import json

import pytest

from app.extensions import db
from app.models import HazardCase
from process_support import BPMN, DMN, deployed, edited, restore_versions, shipped  # noqa: F401
from test_web_support import ASSIGNMENT, open_task, register, submit, text

pytestmark = pytest.mark.usefixtures("restore_versions")
API = "/processes/api"


def pages(version_id):
    return [("get", "/processes/"), ("get", "/processes/editor"), ("get", f"/processes/editor?version={version_id}"),
            ("get", "/processes/diff"), ("get", f"/processes/migrate?from={version_id}"),
            ("get", f"/processes/versions/{version_id}/files/{BPMN}"),
            ("get", f"/processes/versions/{version_id}/forms/assignment.json"),
            ("post", f"/processes/versions/{version_id}/rollback"), ("post", "/processes/migrate"),
            ("post", f"{API}/upload"), ("post", f"{API}/validate"), ("post", f"{API}/deploy"),
            ("post", f"{API}/form-preview")]


@pytest.mark.parametrize("username", ["inspector", "bureau", "admin", "manager", "ent_a"])
def test_every_page_and_endpoint_is_403_for_others(people, login, username):
    client = login(username)
    for method, url in pages(deployed().id):
        response = getattr(client, method)(url, json={} if method == "post" else None)
        assert response.status_code == 403, (url, response.status_code)


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/processes/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_owner_pages_render(people, login):
    client = login("process_owner")
    version = deployed()
    index = text(client.get("/processes/"))
    assert f"v{version.version}" in index and version.content_hash[:12] in index and "已部署" in index
    editor = client.get("/processes/editor")
    assert editor.status_code == 200 and "bpmn-modeler.production.min.js" in text(editor)
    assert "dmn-modeler.production.min.js" in text(editor) and 'id="editor-data"' in text(editor)
    assert client.get("/processes/diff").status_code == 200
    assert client.get(f"/processes/migrate?from={version.id}").status_code == 200
    download = client.get(f"/processes/versions/{version.id}/files/{BPMN}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert "<bpmn:definitions" in text(download)
    form = client.get(f"/processes/versions/{version.id}/forms/assignment.json")
    assert json.loads(text(form))["schema"]["title"]
    assert client.get(f"/processes/versions/{version.id}/files/nope.bpmn").status_code == 404


# ---- uploads --------------------------------------------------------------------------------------------------
def upload(client, name, data):
    return client.post(f"{API}/upload", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.mark.parametrize("name, data, message", [
    ("bad.bpmn", b"<bpmn:definitions", "XML 格式错误"),
    ("xxe.bpmn", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "实体"),
    ("lol.dmn", b'<!DOCTYPE l [<!ENTITY a "a"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>', "实体"),
    ("form.json", b"{not json", "JSON"),
    ("form.json", b'{"schema": {"type": "nonsense"}}', "JSON Schema"),
    ("script.sh", b"echo hi", ".bpmn"),
    ("latin1.bpmn", "<d>é</d>".encode("latin-1"), "UTF-8"),
])
def test_hostile_or_broken_uploads_are_rejected(people, login, name, data, message):
    response = upload(login("process_owner"), name, data)
    assert response.status_code == 400 and message in response.get_json()["message"]


def test_an_upload_over_the_size_limit_is_rejected(people, login, app):
    app.config["MAX_DIAGRAM_BYTES"] = 1000
    try:
        response = upload(login("process_owner"), DMN, b"<a>" + b" " * 2000 + b"</a>")
    finally:
        app.config["MAX_DIAGRAM_BYTES"] = 2 * 1024 * 1024
    assert response.status_code == 400 and "1000" in response.get_json()["message"]


def test_a_good_upload_comes_back_for_the_editor(people, login):
    files, forms = shipped()
    body = upload(login("process_owner"), DMN, files[DMN].encode()).get_json()
    assert body == {"kind": "dmn", "name": DMN, "text": files[DMN]}
    body = upload(login("process_owner"), "assignment.json", json.dumps(forms["assignment"]).encode()).get_json()
    assert body["kind"] == "form" and body["name"] == "assignment"


# ---- validate, deploy, preview --------------------------------------------------------------------------------
def test_validate_reports_problems_by_element(people, login):
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">PT2H</bpmn:timeDate>")
    body = login("process_owner").post(f"{API}/validate", json={"files": files, "forms": forms}).get_json()
    assert body["ok"] is False and body["problems"][0]["element_id"] == "Timer_assignment_overdue"
    assert "要加引号：'PT2H'" in body["problems"][0]["message"]  # the user's language (zh by default)
    body = login("process_owner").post(f"{API}/validate", json=dict(zip(("files", "forms"), shipped()))).get_json()
    assert body == {"ok": True, "problems": []}


def test_deploy_rejects_errors_and_deploys_a_valid_version(people, login):
    client = login("process_owner")
    before = deployed()
    files, forms = edited("round = 1\n", "round = 1\n__import__('os')\n")
    response = client.post(f"{API}/deploy", json={"files": files, "forms": forms, "comment": "坏的"})
    assert response.status_code == 400 and response.get_json()["problems"][0]["element_id"] == "Script_init"
    assert deployed().id == before.id
    files, forms = edited('name="整改指派"', 'name="整改指派（改）"')
    response = client.post(f"{API}/deploy", json={"files": files, "forms": forms, "comment": "改名"})
    assert response.status_code == 201 and response.get_json()["version"] == before.version + 1
    assert "已部署版本" in text(client.get("/processes/"))
    assert client.post(f"{API}/deploy", json={"files": "x"}).status_code == 400


def test_form_preview_renders_the_schema(people, login):
    forms = shipped()[1]
    body = login("process_owner").post(f"{API}/form-preview", json={"form": forms["assignment"]}).get_json()
    assert 'id="f-rectification_requirements"' in body["html"]
    bad = login("process_owner").post(f"{API}/form-preview", json={"form": {"schema": {"type": 3}}})
    assert bad.status_code == 400


# ---- rollback and migration through the pages -----------------------------------------------------------------
def test_rollback_and_migration_forms(people, login):
    owner, inspector = login("process_owner"), login("inspector")
    first = deployed()
    old_case = register(inspector, people.enterprise_a)
    owner.post(f"{API}/deploy", json=dict(zip(("files", "forms"), edited('name="整改指派"', 'name="指派（新）"')),
                                          comment="新"))
    second = deployed()
    dry = text(owner.post("/processes/migrate", data={"from": first.id, "to": second.id, "case_id": [old_case.id],
                                                      "action": "dry_run"}))
    assert "试运行结果" in dry and "可以迁移" in dry
    assert db.session.get(HazardCase, old_case.id).process_version_id == first.id
    done = text(owner.post("/processes/migrate", data={"from": first.id, "to": second.id,
                                                       "case_id": [old_case.id], "action": "migrate"}))
    assert "已迁移" in done
    assert db.session.get(HazardCase, old_case.id).process_version_id == second.id
    response = owner.post(f"/processes/versions/{first.id}/rollback", data={"comment": "撤回"})
    assert response.status_code == 302
    assert deployed().content_hash == first.content_hash and deployed().version == second.version + 1


# ---- the case diagram -----------------------------------------------------------------------------------------
def test_case_diagram_for_those_who_see_the_case_and_404_for_other_enterprises(people, login):
    case = register(login("inspector"), people.enterprise_a)
    submit(login("project_lead"), open_task(case, "assignment"), ASSIGNMENT)
    page = login("ent_a").get(f"/processes/case/{case.id}/diagram")
    assert page.status_code == 200
    data = json.loads(text(page).split('id="case-diagram-data">', 1)[1].split("</script>", 1)[0])
    assert data["states"]["Task_rectification"] == "current"
    assert data["states"]["Task_assignment"] == "completed"
    assert {t["id"] for t in data["timers"]} >= {"Timer_rect_due", "Timer_rect_reminder"}
    assert login("ent_b").get(f"/processes/case/{case.id}/diagram").status_code == 404
    assert login("bureau").get(f"/processes/case/{case.id}/diagram").status_code == 200


# ---- vendor files ---------------------------------------------------------------------------------------------
def test_only_allow_listed_vendor_files_are_served(client):
    from app.web.vendor import NODE_MODULES
    if not (NODE_MODULES / "bpmn-js").is_dir():
        pytest.skip("node_modules not installed (make install)")
    response = client.get("/vendor/bpmn-js/dist/bpmn-modeler.production.min.js")
    assert response.status_code == 200 and b"bpmn.io" in response.data  # the watermark's link is in the bundle
    for path in ("bpmn-js/package.json", "../package.json", "bpmn-js/dist/bpmn-modeler.development.js"):
        assert client.get(f"/vendor/{path}").status_code == 404
