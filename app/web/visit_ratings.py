"""Rating an inspection visit (满意度评价, services/visit_ratings.py): the form the visited enterprise's staff rate it
with, and the card on the visit's page (inspections/_ratings.html) with its link or the ratings."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import RATING_DIMENSIONS
from ..services import inspections, visit_ratings
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import N_, label

bp = Blueprint("visit_ratings", __name__, url_prefix="/inspections")
SCORE_NAMES = {1: N_("很不满意"), 2: N_("不满意"), 3: N_("一般"), 4: N_("满意"), 5: N_("非常满意")}


@bp.app_template_filter("rating_dimension")
def rating_dimension(code):
    return label(RATING_DIMENSIONS, code)


@bp.app_template_filter("score_name")
def score_name(score):
    return _(SCORE_NAMES[score]) if score in SCORE_NAMES else ""


@bp.app_template_global()
def rating_dimensions():
    return list(RATING_DIMENSIONS)


@bp.app_template_test("low_score")
def is_low_score(score):
    """A score that makes a rating a complaint (services/visit_ratings.LOW_SCORE)."""
    return score <= visit_ratings.LOW_SCORE


@bp.app_template_global()
def visit_rating_card(visit):
    """The rating card of the visit for the signed-in user (services/visit_ratings.card), None to show none."""
    if not current_user.is_authenticated:
        return None
    return visit_ratings.card(db.session, current_user, visit)


@bp.route("/<int:visit_id>/rate", methods=["GET", "POST"])
@login_required
def rate(visit_id):
    visit = inspections.get_visible_visit(db.session, current_user, visit_id)  # 404 for another enterprise's staff
    if not visit_ratings.is_rater(current_user, visit):
        abort(403, _("只有被排查企业的人员可以评价本次排查"))
    visit_ratings.check_open(db.session, current_user, visit)
    form = {name: request.form.get(name, "") for name in (*RATING_DIMENSIONS, "comment")}
    form["anonymous"] = request.form.get("anonymous") == "1"
    if request.method == "GET":
        return _form_page(visit, form, {})
    try:
        with UnitOfWork() as uow:
            visit_ratings.rate(uow, current_user, visit.id, form, form["comment"], form["anonymous"])
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            abort(exc.status, bilingual(exc.message))
        return _form_page(visit, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("感谢您的评价，您的意见将用于改进排查服务"), "success")
    return redirect(url_for("inspections.show", visit_id=visit.id, _anchor="ratings"))


def _form_page(visit, form, errors):
    return render_template("inspections/rate.html", visit=visit, form=form, errors=errors,
                           scores=sorted(SCORE_NAMES),
                           last_day=visit_ratings.last_day(visit))
