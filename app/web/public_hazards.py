"""隐患整改公众查询: the bureau opens a case to the public from the case page; anyone, without login, searches the
public cases by keyword, reads one's rectification progress, and sees them on a map (services/public_hazards.py
says what is public)."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import GRADES
from ..services import hazards, public_hazards
from ..services.uow import UnitOfWork
from .forms_render import Catalog, bilingual
from .hazard_map import map_page
from .names import label
from .query_args import page_count, page_number

bp = Blueprint("public_hazards", __name__)
STAGES = {"assigning": ("待指派", "Awaiting assignment"), "rectifying": ("整改中", "Under rectification"),
          "verifying": ("待复核验收", "Awaiting verification"), "enforcement": ("移送执法", "Referred for enforcement"),
          "closed": ("已销号", "Closed")}


@bp.app_template_filter("public_stage")
def public_stage(code):
    return label(STAGES, code)


@bp.app_template_global()
def public_case_card(case):
    """(the case's publication or None, whether the user may change it) for the case page."""
    return public_hazards.publication(db.session, case.id), public_hazards.may_publish(current_user)


# ---- the bureau, from the case page --------------------------------------------------------------------------
@bp.route("/cases/<int:case_id>/public", methods=["GET", "POST"])
@login_required
def publish(case_id):
    case = _case_for_publisher(case_id)
    form = {"title": request.form.get("title", "").strip(), "reason": ""}
    if request.method == "GET":
        form["title"] = _suggested_title(case)
        return _page(case, form, {})
    return _change(case, form, lambda uow: public_hazards.publish(uow, current_user, case.id, form["title"]),
                   _("已向社会公开，公众可在隐患整改公众查询中看到"))


@bp.route("/cases/<int:case_id>/public/withdraw", methods=["POST"])
@login_required
def withdraw(case_id):
    case = _case_for_publisher(case_id)
    form = {"title": "", "reason": request.form.get("reason", "").strip()}
    return _change(case, form, lambda uow: public_hazards.withdraw(uow, current_user, case.id, form["reason"]),
                   _("已撤回公开"))


def _change(case, form, action, done):
    """Publish or withdraw in one unit of work: back to the case with `done`, or the page again with what is
    wrong (next to the field) and what was typed."""
    try:
        with UnitOfWork() as uow:
            action(uow)
            uow.commit()
    except DomainError as exc:
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _page(case, form, errors, None if errors else bilingual(exc.message)), exc.status
    flash(done, "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _case_for_publisher(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for a case the user may not see
    if not public_hazards.may_publish(current_user):
        abort(403, _("只有应急管理局可以向社会公开隐患"))
    return case


def _suggested_title(case):
    """A start for the public title, in Chinese whatever the page's language (it is what the public reads): the
    enterprise and the grade; the internal description stays internal."""
    return f"{case.enterprise.name}{GRADES.get(case.grade, ('隐患',))[0]}"


def _page(case, form, errors, message=None):
    return render_template("public/case_publication.html", case=case, form=form, errors=errors, message=message,
                           publication=public_hazards.publication(db.session, case.id),
                           title_max=public_hazards.TITLE_MAX, reason_max=public_hazards.REASON_MAX)


# ---- the public ----------------------------------------------------------------------------------------------
@bp.route("/public/hazards")
def index():
    args = {"q": request.args.get("q", "").strip()[:100], "stage": request.args.get("stage", "")}
    if args["stage"] not in ("", "open", "closed"):
        args["stage"] = ""
    page = page_number(request.args)
    rows, total = public_hazards.search(db.session, args["q"], args["stage"], page)
    return render_template("public/hazards.html", rows=[r.facts() for r in rows], total=total, args=args,
                           page=page, pages=page_count(total, public_hazards.PAGE_SIZE), catalog=Catalog.deployed())


@bp.route("/public/hazards/<code>")
def show(code):
    try:
        found = public_hazards.by_code(db.session, code)
    except DomainError:
        abort(404)
    return render_template("public/hazard.html", hazard=found.facts(), catalog=Catalog.deployed())


@bp.route("/public/hazards/map")
def public_map():
    return map_page("public/hazards_map.html", data_url=url_for("public_hazards.map_data"), grades=GRADES)


@bp.route("/public/hazards/map.json")
def map_data():
    catalog = Catalog.deployed()
    features = []
    for hazard in public_hazards.map_points(db.session):
        facts = hazard.facts()
        features.append({"type": "Feature", "id": facts["code"],
                         "geometry": {"type": "Point", "coordinates": [facts["longitude"], facts["latitude"]]},
                         "properties": {"code": facts["code"], "grade": facts["grade"], "overdue": facts["overdue"],
                                        "enterprise": facts["enterprise"], "place": facts["title"],
                                        "grade_name": label(GRADES, facts["grade"]),
                                        "status_name": label(STAGES, facts["stage"]),
                                        "hazard_type": catalog.show("hazard_type", facts["hazard_type"]),
                                        "overdue_name": _("已逾期"),
                                        "url": url_for("public_hazards.show", code=facts["code"])}})
    return jsonify({"type": "FeatureCollection", "features": features, "matching": len(features),
                    "located": len(features), "shown": len(features)})
