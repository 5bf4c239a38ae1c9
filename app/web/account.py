"""The signed-in user's own account: changing their password (services/user_admin.change_own_password) and
turning two-factor login on or off (services/two_factor.py)."""
import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Conflict, ValidationFailed
from ..services import two_factor, user_admin
from ..services.uow import UnitOfWork
from .forms_render import bilingual

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "GET":
        return render_template("account/password.html", errors={})
    form = {k: request.form.get(k, "") for k in ("current", "password", "password2")}
    try:
        with UnitOfWork() as uow:
            user = current_user._get_current_object()  # loaded by this request's session
            user_admin.change_own_password(uow, user, form["current"], form["password"], form["password2"])
            uow.commit()
    except ValidationFailed as exc:  # nothing typed is sent back: passwords are never echoed
        return render_template("account/password.html",
                               errors={k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("密码已修改；API 令牌随之失效"), "success")
    return redirect(url_for("inbox.index"))


# ---- two-factor login (services/two_factor.py) ----------------------------------------------------------------
@bp.route("/two-factor", endpoint="two_factor")
@login_required
def two_factor_page():
    return _two_factor_page({})


@bp.route("/two-factor/setup", methods=["POST"])
@login_required
def two_factor_setup():
    """A new secret to scan; it only takes effect once a code from it is confirmed."""
    return _change_two_factor(two_factor.begin_enrollment, None, url_for("account.two_factor"))


@bp.route("/two-factor/confirm", methods=["POST"])
@login_required
def two_factor_confirm():
    return _change_two_factor(lambda uow, user: two_factor.confirm_enrollment(uow, user, request.form.get("code")),
                              _("双因素认证已开启：以后登录时需输入验证器应用的验证码"), url_for("inbox.index"))


@bp.route("/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    return _change_two_factor(lambda uow, user: two_factor.disable(uow, user, request.form.get("password"),
                                                                   request.form.get("code")),
                              _("双因素认证已关闭"), url_for("account.two_factor"))


def _change_two_factor(change, done, then):
    """Run `change(uow, user)` for the signed-in user: wrong fields come back beside them on the page (400), a step
    out of order (already on, nothing to confirm) as a message on it; done: the message `done`, then `then`."""
    try:
        with UnitOfWork() as uow:
            change(uow, current_user._get_current_object())
            uow.commit()
    except ValidationFailed as exc:
        return _two_factor_page({k: bilingual(v) for k, v in exc.fields.items()}, 400)
    except Conflict as exc:
        flash(bilingual(exc.message), "error")
        return redirect(url_for("account.two_factor"))
    if done:
        flash(done, "success")
    return redirect(then)


def _two_factor_page(errors, status=200):
    user = current_user
    setup = None
    if user.totp_secret and not user.two_factor_enabled:  # set up but not confirmed yet: show it again
        uri = two_factor.provisioning_uri(user.totp_secret, user.username, current_app.config["TWO_FACTOR_ISSUER"])
        # Drawn here as inline SVG: the secret never leaves the page for a QR service, and no script is needed.
        qr = segno.make(uri, error="m").svg_inline(scale=4, title=_("用验证器应用扫描"))
        setup = {"secret": two_factor.grouped(user.totp_secret), "uri": uri, "qr": Markup(qr)}
    required = user.has_role(*current_app.config["TWO_FACTOR_ROLES"])
    return render_template("account/two_factor.html", errors=errors, setup=setup, required=required), status
