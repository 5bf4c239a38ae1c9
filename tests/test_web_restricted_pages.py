"""The audit log, the statistics and quality sampling are for a few roles: every one of their routes (pages and
files alike, whatever the route's own code checks) answers other signed-in users with 403 and anonymous visitors
with the sign-in page; the navigation shows the link only to those admitted."""
import pytest

from tests.test_web_support import text

READERS = {"audit": {"manager", "bureau", "admin"}, "reports": {"manager", "bureau", "admin"},
           "quality": {"quality", "manager", "bureau", "admin"}}
NAV = {"audit": "/audit", "reports": "/reports", "quality": "/quality"}


def routes(app, blueprint):
    """(url, method) of every route of the blueprint, with 1 for each path argument."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(blueprint + "."):
            url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
            found += [(url, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


@pytest.mark.parametrize("blueprint", sorted(READERS))
def test_every_route_refuses_other_roles(app, people, login, client, blueprint):
    urls = routes(app, blueprint)
    assert len(urls) >= 2
    for username in ("inspector", "ent_a", "project_lead"):
        user = login(username)
        for url, method in urls:
            response = user.open(url, method=method)
            assert response.status_code == 403, (username, method, url, response.status_code)
        assert f'href="{NAV[blueprint]}"' not in text(user.get("/"))
    for url, method in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


@pytest.mark.parametrize("blueprint", sorted(READERS))
def test_readers_see_the_link_and_the_page(people, login, blueprint):
    for username in sorted(READERS[blueprint]):
        user = login(username)
        assert f'href="{NAV[blueprint]}"' in text(user.get("/")), username
        assert user.get(NAV[blueprint]).status_code == 200, username
