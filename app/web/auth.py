"""Login, logout and the language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from ..extensions import db
from ..services import users

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        user = users.authenticate(db.session, request.form.get("username"), request.form.get("password"))
        if user is None:
            error = _("用户名或密码错误")
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("inbox.index"))
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("已退出登录"))
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def switch_language(code):
    if code in ("zh", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or request.referrer or url_for("inbox.index"))


def _safe_next(target):
    """Only same-site relative paths: an open redirect would let a phishing link borrow our login page."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None
