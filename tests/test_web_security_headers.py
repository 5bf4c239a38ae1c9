"""Every answer carries the security headers (app/web/security_headers.py); the templates stay within the
Content-Security-Policy (no inline scripts or event handlers), which the browser tests check in Chromium."""
import re
from pathlib import Path

import pytest

from app.web.security_headers import CONTENT_SECURITY_POLICY
from test_web_support import upload

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"


def assert_secured(response):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_pages_forbid_inline_scripts_framing_and_caching(client, people, login):
    response = client.get("/login")
    assert_secured(response)
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy and "object-src 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would mean nothing

    inbox = login("project_lead").get("/")
    assert inbox.status_code == 200
    assert_secured(inbox)
    assert inbox.headers["Cache-Control"] == "no-store"  # not kept for the Back button after logging out


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/openapi.json", "/healthz", "/no-such-page"])
def test_api_errors_and_health_are_secured_too(client, people, path):
    response = client.get(path)
    assert_secured(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert_secured(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_an_attachment_keeps_its_stricter_policy(people, login):
    inspector = login("inspector")
    public_id = upload(inspector)
    response = inspector.get(f"/attachments/{public_id}")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    assert response.headers["Cache-Control"] != "no-store"  # photos are cached privately for the thumbnails


def test_hsts_once_served_over_https(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = client.get("/login")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def test_templates_hold_no_inline_script_the_policy_would_block():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    assert offenders == []
