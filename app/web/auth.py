"""Login, logout and the language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..clock import clock
from ..errors import AccountLocked, NotAllowed
from ..models import User
from ..extensions import db
from ..services import two_factor, users
from ..services.uow import UnitOfWork
from .forms_render import bilingual

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        config = current_app.config
        try:
            with UnitOfWork() as uow:
                user = users.authenticate(uow, request.form.get("username"), request.form.get("password"),
                                          config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_MINUTES"])
                uow.commit()  # a failure is counted even though nobody logs in
        except AccountLocked as exc:
            error, status = bilingual(exc.message), 429
        else:
            if user is None:
                error, status = _("用户名或密码错误"), 401
            elif user.two_factor_enabled:  # half way: the code page finishes the login
                session[PENDING] = {"uid": user.id, "at": clock.now().timestamp(),
                                    "next": _safe_next(request.args.get("next"))}
                return redirect(url_for("auth.login_code"))
            else:
                return _logged_in(user, request.args.get("next"))
    return render_template("login.html", error=error), status


PENDING = "two_factor_pending"  # {uid, at, next} between a right password and the code


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step for users with two-factor login: the 6-digit code from their authenticator app."""
    pending = session.get(PENDING)
    user = db.session.get(User, pending["uid"]) if isinstance(pending, dict) else None
    if user is None or clock.now().timestamp() - pending["at"] > two_factor.PENDING_SECONDS:
        session.pop(PENDING, None)
        flash(_("请重新输入用户名和密码"))
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        config = current_app.config
        try:
            with UnitOfWork() as uow:
                user = uow.session.get(User, user.id)
                ok = two_factor.verify_login(uow, user, request.form.get("code"), config["LOGIN_MAX_FAILURES"],
                                             config["LOGIN_LOCK_MINUTES"])
                uow.commit()
        except (AccountLocked, NotAllowed) as exc:
            session.pop(PENDING, None)
            error, status = bilingual(exc.message), 429 if isinstance(exc, AccountLocked) else 403
        else:
            if ok:
                session.pop(PENDING, None)
                return _logged_in(user, pending.get("next"))
            error, status = _("验证码不正确或已使用"), 401
    return render_template("login_code.html", error=error), status


def _logged_in(user, next_path):
    login_user(user)
    session.permanent = False
    session[SEEN_AT] = clock.now().timestamp()
    return redirect(_safe_next(next_path) or url_for("inbox.index"))


SEEN_AT = "seen_at"  # the session's last request (clock seconds), for the idle timeout


@bp.before_app_request
def end_idle_sessions():
    """A browser session ends after SESSION_IDLE_MINUTES without a request (等保: sessions time out); the
    next page asks to log in again. Checked on the app's clock, so tests move time instead of waiting."""
    if request.path.startswith(("/api/", "/static/", "/healthz")) or not current_user.is_authenticated:
        return None  # the path first: static files need no user loaded
    now = clock.now().timestamp()
    seen = session.get(SEEN_AT)
    if seen is not None and now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        logout_user()
        session.pop(SEEN_AT, None)
        flash(_("长时间未操作，已自动退出，请重新登录"))
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session[SEEN_AT] = now
    return None


# What a user who must set up two-factor login (TWO_FACTOR_ROLES) may open before doing so.
SETUP_ENDPOINTS = {"account.two_factor", "account.two_factor_setup", "account.two_factor_confirm", "auth.logout",
                   "auth.switch_language", "static"}


@bp.before_app_request
def require_two_factor_setup():
    if request.path.startswith(("/api/", "/static/", "/healthz")) or not current_user.is_authenticated:
        return None
    if request.endpoint in SETUP_ENDPOINTS or \
            not two_factor.required_for(current_user, current_app.config["TWO_FACTOR_ROLES"]):
        return None
    flash(_("您的角色要求开启双因素认证，请先完成设置"))
    return redirect(url_for("account.two_factor"))


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
