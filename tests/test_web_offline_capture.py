"""The offline registration page (离线登记) over HTTP: the shell holds no user data, the setup gives the form and the
enterprise choices, the sync registers a draft once under its client_ref (a replay returns the same case, another
user's same reference makes a case of its own), refuses bad drafts with field errors and keeps the enterprise rule;
the service worker's route; the links; English."""
import re

import pytest

from app.models import AuditEvent, HazardCase
from test_web_i18n_coverage import catalogs, leftover_chinese, without_user_data  # noqa: F401
from test_web_support import text, upload

REF = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def draft(enterprise, photo_id, **changes):
    """A draft's fields as the page sends them: the strings of the form, each a list."""
    fields = {"enterprise_id": [str(enterprise.id)], "place": ["三号仓库"], "hazard_type": ["fire_safety"],
              "description": ["灭火器过期，通道堆放纸箱"], "photos": [photo_id], "score": ["88"],
              "legal_major": ["false"], "found_at": ["2026-11-20T15:30"]}
    fields.update(changes)
    return fields


def sync(client, fields, ref=REF, **headers):
    return client.post("/hazards/offline-sync", json={"client_ref": ref, "fields": fields}, headers=headers or None)


def only_case():
    [case] = HazardCase.query.all()
    return case


# ---- the page and its setup ------------------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["inspector", "ent_a"])
def test_the_page_is_a_shell_without_user_data(people, login, username):
    response = login(username).get("/hazards/offline")
    assert response.status_code == 200
    page = text(response)
    assert 'id="offline-app"' in page and 'data-setup-url="/hazards/offline/setup"' in page
    assert 'data-worker-url="/sw.js"' in page and 'data-scope="/hazards/offline"' in page
    assert "/static/offline.js" in page and "/static/app.js" not in page  # its own scripts only
    # exactly the files the service worker keeps with the page
    assert re.findall(r'(?:src|href)="/static/([^"]+)"', page) == ["app.css", "offline_store.js", "offline_form.js",
                                                                   "offline.js"]
    # What the service worker keeps for whoever comes next: no name, no token, no enterprise, no per-role menu.
    for private in (username, people[username].display_name, "csrf-token", "_csrf", "甲化工有限公司", "乙机械制造厂",
                    "/logout", "/cases\""):
        assert private not in page, private
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("username", ["project_lead", "supervision", "admin"])
def test_only_who_may_register_gets_the_page_and_its_setup(people, login, username):
    client = login(username)
    assert client.get("/hazards/offline").status_code == 403
    response = client.get("/hazards/offline/setup")
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    assert sync(client, {}).status_code == 403


def test_signed_out_the_page_and_the_sync_go_to_the_login(client, people):
    for response in (client.get("/hazards/offline"), client.get("/hazards/offline/setup"),
                     client.post("/hazards/offline-sync", json={"client_ref": REF, "fields": {}})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_setup_gives_the_user_the_form_and_every_enterprise_to_an_inspector(people, login):
    client = login("inspector")
    setup = client.get("/hazards/offline/setup").get_json()
    assert setup["user"] == {"username": "inspector", "display_name": "inspector"} and not setup["self_check"]
    with client.session_transaction() as session:
        assert setup["csrf_token"] == session["_csrf"]
    fields = {f["name"]: f for row in setup["form"]["rows"] for f in row}
    assert list(fields)[:3] == ["enterprise_id", "place", "latitude"]
    assert sorted(fields["enterprise_id"]["options"]) == [[str(people.enterprise_a.id), "甲化工有限公司"],
                                                          [str(people.enterprise_b.id), "乙机械制造厂"]]
    assert (fields["photos"]["widget"], fields["photos"]["required"]) == ("photos", True)
    assert (fields["found_at"]["widget"], fields["legal_major"]["value"]) == ("datetime", "false")
    assert ["fire_safety", "消防安全"] in fields["hazard_type"]["options"]
    assert [[f["name"] for f in row] for row in setup["form"]["rows"] if len(row) > 1] == [["latitude", "longitude"]]


def test_an_enterprises_setup_offers_only_its_own_enterprise(people, login):
    setup = login("ent_a").get("/hazards/offline/setup").get_json()
    fields = {f["name"]: f for row in setup["form"]["rows"] for f in row}
    assert setup["self_check"] and fields["enterprise_id"]["options"] == [[str(people.enterprise_a.id), "甲化工有限公司"]]
    assert fields["enterprise_id"]["value"] == str(people.enterprise_a.id)


# ---- syncing a draft -------------------------------------------------------------------------------------------
def test_a_draft_is_registered_once_and_a_replay_returns_the_same_case(people, login):
    client = login("inspector")
    fields = draft(people.enterprise_a, upload(client))
    first = sync(client, fields)
    assert first.status_code == 201, first.get_json()
    case = only_case()
    assert first.get_json() == {"id": case.id, "code": case.code, "url": f"/cases/{case.id}", "created": True}
    again = sync(client, fields)  # the answer was lost: the page sends the draft again
    assert again.status_code == 200 and again.get_json() == {**first.get_json(), "created": False}
    assert only_case().id == case.id and (case.place, case.client_ref, case.source) == ("三号仓库", REF, "inspection")
    assert [a.field for a in case_attachments(case)] == ["photos"]
    [event] = AuditEvent.query.filter_by(case_id=case.id, action="hazard_registered").all()
    assert event.details == {"client_ref": REF, "offline": True}
    assert event.changes["found_at"] == [None, "2026-11-20T15:30:00+08:00"]  # found then; registered now
    assert case.registered_at == event.created_at
    page = text(client.get(f"/cases/{case.id}"))
    assert "离线采集，同步于 2026-11-23 09:00" in page


def case_attachments(case):
    from app.models import Attachment
    return Attachment.query.filter_by(case_id=case.id).order_by(Attachment.id).all()


def test_another_users_same_reference_makes_a_case_of_its_own(people, login, make_user):
    make_user("inspector2", "inspector")
    mine, theirs = login("inspector"), login("inspector2")
    assert sync(mine, draft(people.enterprise_a, upload(mine))).status_code == 201
    response = sync(theirs, draft(people.enterprise_a, upload(theirs)))
    assert response.status_code == 201
    assert sorted(c.inspector.username for c in HazardCase.query.all()) == ["inspector", "inspector2"]


@pytest.mark.parametrize("ref", [None, "", "abc", "x" * 65, "not a uuid but long enough", 42])
def test_a_bad_reference_is_refused_with_a_field_error(people, login, ref):
    client = login("inspector")
    response = sync(client, draft(people.enterprise_a, upload(client)), ref=ref)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "validation_failed" and "client_ref" in body["fields"]
    assert HazardCase.query.count() == 0


def test_a_refused_draft_says_why_next_to_its_fields_and_may_be_sent_again_corrected(people, login):
    client = login("inspector")
    photo = upload(client)
    response = sync(client, draft(people.enterprise_a, photo, place=[], score=["一百"]))
    assert response.status_code == 400
    body = response.get_json()
    assert body["fields"] == {"place": "必填项", "score": "请输入整数"} and body["message"]
    assert HazardCase.query.count() == 0
    assert sync(client, draft(people.enterprise_a, photo)).status_code == 201  # nothing was made: the same ref
    assert only_case().client_ref == REF


def test_an_enterprise_cannot_sync_into_another_enterprise(people, login):
    client = login("ent_a")
    response = sync(client, draft(people.enterprise_b, upload(client)))
    assert response.status_code == 400 and "enterprise_id" in response.get_json()["fields"]
    assert HazardCase.query.count() == 0
    assert sync(client, draft(people.enterprise_a, upload(client))).status_code == 201
    assert only_case().source == "self_check"


def test_a_photo_of_someone_else_is_refused(people, login, make_user):
    make_user("inspector2", "inspector")
    theirs = upload(login("inspector2"))
    response = sync(login("inspector"), draft(people.enterprise_a, theirs))
    assert response.status_code == 400 and "photos" in response.get_json()["fields"]


@pytest.mark.parametrize("body", [None, [], {"client_ref": REF}, {"client_ref": REF, "fields": []},
                                  {"client_ref": REF, "fields": {"place": {"nested": 1}}},
                                  {"client_ref": REF, "fields": {"photos": ["x"] * 51}}])
def test_a_malformed_body_is_a_400(people, login, body):
    response = login("inspector").post("/hazards/offline-sync", json=body)
    assert response.status_code == 400 and response.get_json()["error"] == "validation_failed"


def test_the_sync_needs_the_sessions_csrf_token(people, login):
    client = login("inspector")
    response = sync(client, draft(people.enterprise_a, upload(client)), **{"X-CSRF-Token": "forged"})
    assert response.status_code == 400 and HazardCase.query.count() == 0


# ---- the service worker and the links ---------------------------------------------------------------------------
def test_the_service_worker_is_served_from_the_root_without_login(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript" and response.headers["Cache-Control"] == "no-cache"
    # Registered with the page as its scope, inside the root's: no Service-Worker-Allowed needed.
    assert "Service-Worker-Allowed" not in response.headers
    assert "Content-Security-Policy" in response.headers
    code = text(response)
    assert 'self.registration.scope' in code
    assert '["static/app.css", "static/offline_store.js", "static/offline_form.js", "static/offline.js"]' in code
    assert 'request.method === "GET"' in code and "if (!key) return;" in code  # the rest passes through, unkept


def test_the_links_to_the_page_are_for_who_may_register(people, login):
    for username, expected in (("inspector", True), ("ent_a", True), ("project_lead", False), ("bureau", True), ("supervision", False)):
        assert ('href="/hazards/offline"' in text(login(username).get("/"))) is expected, username
    assert 'href="/hazards/offline"' in text(login("inspector").get("/hazards/new"))


# ---- English ------------------------------------------------------------------------------------------------------
def test_in_english_the_page_the_setup_and_the_history_line_have_no_chinese(people, login):
    client = login("inspector")
    assert sync(client, draft(people.enterprise_a, upload(client))).status_code == 201
    client.get("/lang/en")
    page = text(client.get("/hazards/offline"))
    assert '<html lang="en">' in page and "Offline registration" in page
    assert leftover_chinese(without_user_data(page)) == {}
    setup = client.get("/hazards/offline/setup").get_json()
    # The titles and choices (the form's help texts are the deployed form's own: its photos help has no English).
    words = [setup["form"]["title"]] + [part for row in setup["form"]["rows"] for f in row
                                        for part in [f["title"]] + [o[1] for o in f["options"]
                                                                    if f["name"] != "enterprise_id"]]
    assert leftover_chinese(" ".join(words)) == {} and "Hazard type" in words
    case_page = text(client.get(f"/cases/{only_case().id}"))
    assert "Captured offline, synced on 2026-11-23 09:00" in case_page
    refused = sync(client, draft(people.enterprise_a, upload(client), place=[]), ref="0" * 16)
    assert refused.get_json()["fields"] == {"place": "Required"}
