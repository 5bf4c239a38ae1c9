"""The signed-in user's own account: changing their password (services/user_admin.change_own_password)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import ValidationFailed
from ..services import user_admin
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
