"""Effect evaluations of closed major hazards (services/effect_evaluations.py, effect_evaluation_facts.py): the list
of evaluations in observation, due, overdue and concluded; one evaluation (the enterprise's view shows the conclusion
only); commissioning the evaluator; a visit of the period; the conclusion; the report (整改效果评估报告, PDF); and the
cards on the case page and the major hazard page."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import EFFECT_CONCLUSIONS, EFFECT_DIMENSIONS, EFFECT_STATES, Expert
from ..services import audit, effect_evaluation_facts as facts, effect_evaluations as evaluations, evaluation_bodies, \
    followups
from ..services.major_hazards import record_of as major_record_of
from ..services.uow import UnitOfWork
from . import effect_evaluation_pdf
from .forms_render import bilingual
from .names import N_, label
from .query_args import page_count, page_number
from .uploads import store_chosen_files

bp = Blueprint("effect_evaluations", __name__)
PAGE_SIZE = 50
VISIT_FIELDS = ("visited_on", "findings")
CONCLUSION_FIELDS = tuple(EFFECT_DIMENSIONS) + ("conclusion", "summary", "internal_note")
# The audit rows' field names, as the evaluation's history shows them.
EVALUATION_TITLES = {"body": N_("第三方评估机构"), "experts": N_("评估专家"), "commission_note": N_("委托说明"),
                     "visited_on": N_("走访日期"), "findings": N_("走访发现"), "quality_score": N_("整改质量"),
                     "equipment_score": N_("设备设施更换情况"), "system_score": N_("制度完善程度"),
                     "risk_control_score": N_("风险控制有效性"), "conclusion": N_("评估结论"),
                     "summary": N_("评估意见"), "internal_note": N_("内部意见"),
                     "overdue_notified_at": N_("逾期提醒时间")}


@bp.app_template_global()
def effect_evaluation_card(case):
    """(evaluation, state) for the case page's and the major hazard page's card; (None, None) when the case has none
    or the user does not read evaluations."""
    row = evaluations.of_case(db.session, case.id)
    if row is None or not evaluations.may_read(current_user, row):
        return None, None
    return row, facts.state(row)


@bp.app_template_global()
def may_list_effect_evaluations():
    return current_user.is_authenticated and evaluations.may_list(current_user)


@bp.app_template_global()
def effect_state_name(code):
    return label(EFFECT_STATES, code)


@bp.app_template_global()
def effect_conclusion_name(code):
    return label(EFFECT_CONCLUSIONS, code)


@bp.app_template_global()
def effect_dimension_name(code):
    return label(EFFECT_DIMENSIONS, code)


def failed_form(render, exc):
    """A domain error as the form again: field errors → 400 with the input kept; other errors as a message."""
    if exc.fields:
        return render({k: bilingual(v) for k, v in exc.fields.items()}, None), 400
    return render({}, bilingual(exc.message)), exc.status


def _check_lister():
    if not evaluations.may_list(current_user):
        abort(403, _("整改效果评估供应急管理局、项目负责人、受托专家和本企业查看"))


# ---- the list and one evaluation -------------------------------------------------------------------------------
@bp.route("/effect-evaluations")
@login_required
def index():
    _check_lister()
    state = request.args.get("state", "open")
    state = state if state in facts.STATE_FILTERS else "open"
    page = page_number(request.args)
    rows, total = facts.listing(db.session, current_user, facts.EvaluationFilter(
        state=state, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))
    today = facts.today()
    return render_template("effect_evaluations/index.html", rows=rows, total=total, state=state, page=page,
                           pages=page_count(total, PAGE_SIZE), states={r.id: facts.state(r, today) for r in rows},
                           may_keep_bodies=evaluation_bodies.may_keep(current_user))


@bp.route("/effect-evaluations/<int:case_id>")
@login_required
def show(case_id):
    row = evaluations.get_visible(db.session, current_user, case_id)  # 404 another enterprise's, 403 other roles
    internal = evaluations.sees_internal(current_user, row)
    files = row.files if internal else []
    return render_template(
        "effect_evaluations/show.html", row=row, case=row.case, state=facts.state(row), internal=internal,
        recurrences=facts.recurrences(db.session, row), satisfaction=facts.satisfaction(db.session, row),
        follow_ups=followups.for_case(db.session, row.case_id), major=major_record_of(db.session, row.case_id),
        report_files=[f for f in files if f.field == evaluations.REPORT_FIELD],
        visit_files={v.id: [f for f in files if f.field == f"{evaluations.VISIT_FIELD}:{v.id}"] for v in row.visits},
        may_commission=evaluations.is_commissioner(current_user) and row.concluded_at is None,
        may_record=evaluations.may_record(current_user, row) and row.concluded_at is None,
        events=audit.subject_history(db.session, "effect_evaluation", row.id) if internal else [],
        titles=EVALUATION_TITLES, today=facts.today())


@bp.route("/effect-evaluations/<int:case_id>/report.pdf")
@login_required
def report_pdf(case_id):
    row = evaluations.get_visible(db.session, current_user, case_id)
    internal = evaluations.sees_internal(current_user, row)
    pdf = effect_evaluation_pdf.render(row, facts.recurrences(db.session, row), facts.satisfaction(db.session, row),
                                       internal)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="effect-evaluation-{row.case.code}.pdf"'})


# ---- commissioning, visits, the conclusion --------------------------------------------------------------------
@bp.route("/effect-evaluations/<int:case_id>/commission", methods=["GET", "POST"])
@login_required
def commission(case_id):
    row = evaluations.get_visible(db.session, current_user, case_id)
    if not evaluations.is_commissioner(current_user):
        abort(403, _("只有应急管理局和项目负责人可以委托整改效果评估"))
    if request.method == "GET":
        form = {"body_id": str(row.body_id or ""), "expert_ids": [str(e.id) for e in row.experts],
                "note": row.commission_note}
    else:
        form = {"body_id": request.form.get("body_id", ""), "expert_ids": request.form.getlist("expert_ids"),
                "note": request.form.get("note", "")}

    def render(errors, message):
        experts = db.session.query(Expert).filter(Expert.active.is_(True) | Expert.id.in_(
            [e.id for e in row.experts] or [0])).order_by(Expert.name).all()
        return render_template("effect_evaluations/commission.html", row=row, case=row.case, form=form,
                               errors=errors, message=message, experts=experts,
                               bodies=evaluation_bodies.active_choices(db.session))
    if request.method == "GET":
        return render({}, None)
    try:
        with UnitOfWork() as uow:
            evaluations.commission(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        return failed_form(render, exc)
    flash(_("已委托整改效果评估"), "success")
    return redirect(url_for("effect_evaluations.show", case_id=case_id))


@bp.route("/effect-evaluations/<int:case_id>/visits/new", methods=["GET", "POST"])
@login_required
def visit(case_id):
    row = evaluations.get_visible(db.session, current_user, case_id)
    if not evaluations.may_record(current_user, row):
        abort(403, _("只有评估委托方和受托专家可以登记评估走访"))
    form = {name: request.form.get(name, "").strip() for name in VISIT_FIELDS}
    form["files"] = [i for i in request.form.getlist("files") if i]

    def render(errors, message):
        return render_template("effect_evaluations/visit.html", row=row, case=row.case, form=form, errors=errors,
                               message=message, today=facts.today())
    if request.method == "GET":
        form["visited_on"] = facts.today().isoformat()
        return render({}, None)
    try:
        form["files"] += store_chosen_files(evaluations.VISIT_FIELD)
        with UnitOfWork() as uow:
            evaluations.record_visit(uow, current_user, case_id, form, form["files"])
            uow.commit()
    except DomainError as exc:
        return failed_form(render, exc)
    flash(_("已登记评估走访"), "success")
    return redirect(url_for("effect_evaluations.show", case_id=case_id) + "#visits")


@bp.route("/effect-evaluations/<int:case_id>/conclusion", methods=["GET", "POST"])
@login_required
def conclusion(case_id):
    row = evaluations.get_visible(db.session, current_user, case_id)
    if not evaluations.may_record(current_user, row):
        abort(403, _("只有评估委托方和受托专家可以出具评估结论"))
    form = {name: request.form.get(name, "").strip() for name in CONCLUSION_FIELDS}
    form["files"] = [i for i in request.form.getlist("files") if i]

    def render(errors, message):
        return render_template("effect_evaluations/conclusion.html", row=row, case=row.case, form=form,
                               errors=errors, message=message, dimensions=EFFECT_DIMENSIONS,
                               conclusions=EFFECT_CONCLUSIONS, recurrences=facts.recurrences(db.session, row),
                               satisfaction=facts.satisfaction(db.session, row))
    if request.method == "GET":
        return render({}, None)
    try:
        form["files"] += store_chosen_files(evaluations.REPORT_FIELD)
        with UnitOfWork() as uow:
            evaluations.conclude(uow, current_user, case_id, form, form["files"])
            uow.commit()
    except DomainError as exc:
        return failed_form(render, exc)
    flash(_("已出具整改效果评估结论"), "success")
    return redirect(url_for("effect_evaluations.show", case_id=case_id))
