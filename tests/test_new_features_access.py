"""Today's features from the outside: every route of their pages and API asks anonymous visitors to sign in (401 for
the API); on the demo data, each enterprise-owned record (self-check, key part, patrol card, roster person,
resumption application, effect evaluation, initial review) and its files answer its own enterprise's user and give
another enterprise's user 404; an id beyond an integer column is 404, not a database overflow (PostgreSQL: 500);
a self-check list filtered to the last day of the calendar is a page, not a 500."""
import pytest

from app.extensions import db
from app.models import (Attachment, EffectEvaluation, InitialReview, KeyPart, PatrolCard, ResumptionApplication,
                        RosterPerson, SelfCheck, User)

# The blueprints and API modules of today's features (README: online initial review … dispatch).
PAGES = ("initial_reviews", "roster", "self_checks", "resumption", "knowledge", "quality_incidents",
         "effect_evaluations", "alert_rules", "alerts", "learning", "key_parts", "patrol_cards", "rankings",
         "recurrence", "dispatch", "inspection_plans")
API_MODULES = ("initial_reviews", "roster", "self_checks", "resumption", "knowledge", "quality_incidents",
               "effect_evaluations", "alert_rules", "learning", "key_parts", "dispatch", "joint_plans",
               "statistics_analysis")
DEMO_PASSWORD = "demo-pass-2026"
HUGE_IDS = (2**31, 10**11)


def feature_rules(app):
    """(rule, is_api) of every route of today's pages and API modules."""
    found = []
    for rule in app.url_map.iter_rules():
        module = app.view_functions[rule.endpoint].__module__
        if module.startswith("app.web.api."):
            if module.rsplit(".", 1)[1] in API_MODULES:
                found.append((rule, True))
        elif rule.endpoint.split(".")[0] in PAGES:
            found.append((rule, False))
    return found


def url_of(rule, value):
    return rule.build({name: value if name != "public_id" else "x" for name in rule.arguments},
                      append_unknown=False)[1]


def test_every_route_asks_anonymous_visitors_to_sign_in(app, client):
    rules = feature_rules(app)
    assert len(rules) > 120
    for rule, is_api in rules:
        url = url_of(rule, 1)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if is_api:
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.get_json()["error"], (method, url)
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_an_id_beyond_an_integer_column_is_404(app, people, login, api):
    """Without the bounded `int` converter PostgreSQL refused the query (integer out of range): a 500."""
    web, token = login("bureau"), api("bureau")
    checked = 0
    for rule, is_api in feature_rules(app):
        if "GET" not in rule.methods or not any(rule._converters[name].regex == r"\d+" for name in rule.arguments):
            continue
        for value in HUGE_IDS:
            url = url_of(rule, value)
            response = token.get(url) if is_api else web.get(url)
            assert response.status_code == 404, (url, response.status_code)
            checked += 1
    assert checked > 60
    assert web.get(f"/cases/{10**11}").status_code == 404  # the older pages share the converter


def test_self_checks_until_the_last_day_of_the_calendar(people, login):
    user = login("bureau")
    assert user.get("/self-checks?until=9999-12-31").status_code == 200
    assert user.get("/self-checks?since=0001-01-01&until=9999-12-31&enterprise_id=99999999999").status_code == 200


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output


def _sign_in(app, username):
    c = app.test_client()
    assert c.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    token = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    return c, {"Authorization": f"Bearer {token.get_json()['token']}"}


def _owned_urls():
    """[(enterprise id, [page or API url of one of its records, ...])] from the demo's records."""
    rows = []
    for check in db.session.query(SelfCheck):
        urls = [f"/self-checks/{check.id}", f"/api/v1/self-checks/{check.id}"]
        urls += [f"/attachments/{a.public_id}" for a in db.session.query(Attachment).filter_by(self_check_id=check.id)]
        rows.append((check.enterprise_id, urls))
    for part in db.session.query(KeyPart):
        rows.append((part.enterprise_id, [f"/key-parts/{part.id}", f"/key-parts/{part.id}/tag.pdf",
                                          f"/key-parts/{part.id}/edit"]))
    for card in db.session.query(PatrolCard):
        urls = [f"/patrol-cards/{card.id}"]
        urls += [f"/attachments/{a.public_id}" for a in db.session.query(Attachment).filter_by(patrol_card_id=card.id)]
        rows.append((card.enterprise_id, urls))
    for person in db.session.query(RosterPerson):
        rows.append((person.enterprise_id, [f"/enterprises/{person.enterprise_id}/staff/{person.id}",
                                            f"/api/v1/enterprises/{person.enterprise_id}/staff/{person.id}/trainings"]))
    for application in db.session.query(ResumptionApplication):
        urls = [f"/resumption/enterprises/{application.enterprise_id}",
                f"/api/v1/enterprises/{application.enterprise_id}/stop-work"]
        urls += [f"/resumption/applications/{application.id}/files/{a.public_id}"
                 for a in db.session.query(Attachment).filter_by(resumption_id=application.id)]
        rows.append((application.enterprise_id, urls))
    for evaluation in db.session.query(EffectEvaluation):
        rows.append((evaluation.case.enterprise_id, [f"/effect-evaluations/{evaluation.case_id}",
                                                     f"/api/v1/hazards/{evaluation.case_id}/effect-evaluation"]))
    for review in db.session.query(InitialReview):
        rows.append((review.case.enterprise_id, [f"/cases/{review.case_id}/initial-review",
                                                 f"/api/v1/hazards/{review.case_id}/initial-review"]))
    return rows


def test_enterprise_records_are_their_own_enterprise_s_only(app, demo):
    staff = {u.enterprise_id: u.username for u in db.session.query(User).filter(User.enterprise_id.isnot(None))}
    clients = {enterprise_id: _sign_in(app, username) for enterprise_id, username in staff.items()}
    rows = _owned_urls()
    kinds = {url.split("/")[1 if not url.startswith("/api") else 3] for _owner, urls in rows for url in urls}
    assert {"self-checks", "key-parts", "patrol-cards", "enterprises", "resumption", "effect-evaluations", "cases",
            "hazards"} <= kinds, kinds
    read_by_owner = set()  # the kinds of page its own enterprise read (a card at an unreleased visit is not yet)
    for owner, urls in rows:
        for url in urls:
            for enterprise_id, (web, headers) in clients.items():
                api = url.startswith("/api/")
                response = app.test_client().get(url, headers=headers) if api else web.get(url)
                if enterprise_id == owner:
                    assert response.status_code in (200, 404), (staff[enterprise_id], url, response.status_code)
                    if response.status_code == 200:
                        read_by_owner.add((url.split("/")[3 if api else 1], owner))
                else:
                    assert response.status_code == 404, (staff[enterprise_id], url, response.status_code)
    assert {kind for kind, _owner in read_by_owner} == kinds
    assert len({owner for _kind, owner in read_by_owner}) >= 2
