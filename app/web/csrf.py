"""CSRF protection for the cookie-authenticated HTML app.

A random token lives in the signed session; every state-changing request must echo it in the `_csrf`
form field or the `X-CSRF-Token` header. The JSON API authenticates with bearer tokens, which a
cross-site page cannot attach, so it is exempt.
"""
import hmac
import secrets

from flask import abort, request, session
from markupsafe import Markup

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def csrf_token():
    token = session.get("_csrf")
    if not token:
        token = session["_csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_field():
    return Markup(f'<input type="hidden" name="_csrf" value="{csrf_token()}">')


def _check():
    if request.method in SAFE_METHODS or request.path.startswith("/api/"):
        return
    sent = request.form.get("_csrf") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("_csrf") or ""
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="表单已过期，请刷新页面后重试 / the form expired (CSRF token missing or wrong); "
                               "reload the page and try again")


def init_csrf(app):
    app.before_request(_check)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
