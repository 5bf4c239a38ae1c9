"""Stop-work orders and the resumption of production (停产停业整顿 / 复工复产验收, services/stop_work.py and
services/resumption.py): the bureau's list of stopped enterprises and applications awaiting acceptance; one
enterprise's page with its orders, each application and its acceptance, and the forms (the enterprise's staff apply;
the bureau records an order by hand or from an enforcement decision, withdraws one, records the acceptance); the
acceptance's PDF (复工复产验收意见书) and the files. The lists and pages of other features mark a stopped enterprise
through `stop_work_enterprise_ids()`."""

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import ACCEPTANCE_CONCLUSIONS, APPLICATION_STATUSES, STOP_WORK_SOURCES, STOP_WORK_STATUSES
from ..services import resumption, stop_work, users
from ..services.access import covered_townships, get_visible_enterprise, sees_all_cases
from ..services.uow import UnitOfWork
from . import resumption_pdf
from .forms_render import bilingual
from .names import N_, label
from .stored_files import send_stored
from .uploads import store_chosen_files

bp = Blueprint("resumption", __name__, url_prefix="/resumption")
# Field titles of the records' audited changes (/audit, the order's history).
RESUMPTION_TITLES = {"order_number": N_("指令书编号"), "scope": N_("停产停业范围"), "reason": N_("理由及依据"),
                     "resumption_conditions": N_("复产复业条件"), "effective_at": N_("生效时间"),
                     "source": N_("来源"), "case_id": N_("隐患案件"), "enforcement_referral_id": N_("执法移送"),
                     "status": N_("状态"), "measures": N_("已采取的整改措施"), "self_check": N_("自查结论"),
                     "cases": N_("涉及的隐患案件"), "files": N_("附件"), "inspected_on": N_("验收日期"),
                     "participants": N_("参加验收人员"), "expert_ids": N_("参加验收的专家"),
                     "findings": N_("验收情况"), "requirements": N_("整改要求"), "next_date": N_("整改完成期限")}
ORDER_FIELDS = ("order_number", "scope", "reason", "resumption_conditions", "effective_at")
APPLICATION_FIELDS = ("order_id", "measures", "self_check")
DECISION_FIELDS = ("conclusion", "inspected_on", "participants", "findings", "requirements", "next_date")


@bp.app_template_filter("stop_work_source")
def stop_work_source(code):
    return label(STOP_WORK_SOURCES, code)


@bp.app_template_filter("stop_work_status")
def stop_work_status(code):
    return label(STOP_WORK_STATUSES, code)


@bp.app_template_filter("resumption_status")
def resumption_status(code):
    return label(APPLICATION_STATUSES, code)


@bp.app_template_filter("acceptance_conclusion")
def acceptance_conclusion(code):
    return label(ACCEPTANCE_CONCLUSIONS, code)


@bp.app_template_global()
def stop_work_enterprise_ids():
    """The enterprises under a standing stop-work order that the user sees (once per request): 停产整顿中 marks."""
    if not current_user.is_authenticated:
        return set()
    if "stop_work_ids" not in g:
        g.stop_work_ids = stop_work.stopped_enterprise_ids(db.session, current_user)
    return g.stop_work_ids


@bp.app_template_global()
def may_see_resumption():
    """The list for those who see the county or an area; an enterprise's staff their own enterprise's page."""
    return current_user.is_authenticated and (_reads_list(current_user) or resumption.may_apply(current_user))


def _reads_list(user):
    return sees_all_cases(user) or bool(covered_townships(user))


@bp.route("")
@login_required
def index():
    if not _reads_list(current_user):
        if resumption.may_apply(current_user):
            return redirect(url_for("resumption.enterprise", enterprise_id=current_user.enterprise_id))
        abort(403, _("只有监管部门、项目人员和企业安全员可以查看复工复产"))
    rows = resumption.pending(db.session, current_user)
    now = clock.now()
    return render_template("resumption/index.html", stopped=stop_work.stopped_enterprises(db.session, current_user),
                           pending=rows, overdue={r.id for r in rows if resumption.is_overdue(r, now)},
                           due_days=resumption.ANSWER_WORKING_DAYS)


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id):
    return _page(enterprise_id)


def _page(enterprise_id, form=None, errors=None, which=None, target=None, status=200):
    company = get_visible_enterprise(db.session, current_user, enterprise_id)
    orders = stop_work.orders_of(db.session, company.id)
    applications = [a for o in orders for a in o.applications]
    experts = {a.id: resumption.experts_of(db.session, a) for a in applications}
    cases = {a.id: resumption.cases_of(db.session, a) for a in applications}
    today = clock.local_now().date().isoformat()
    may_record = stop_work.may_record(current_user)
    histories = {o.id: resumption.history(db.session, o.id) for o in orders}
    return render_template(
        "resumption/enterprise.html", enterprise=company, orders=orders, experts=experts, cases=cases,
        histories=histories,
        actor_names=users.display_names(db.session, (e.actor_id for rows in histories.values() for e in rows)),
        standing=[o for o in orders if o.is_active], now=clock.now(),
        may_apply=resumption.may_apply(current_user) and current_user.enterprise_id == company.id,
        may_decide=resumption.may_decide(current_user), may_record=may_record,
        suspensions=stop_work.suspensions_without_order(db.session, company.id) if may_record else [],
        expert_choices=resumption.expert_choices(db.session), conclusions=ACCEPTANCE_CONCLUSIONS,
        open_cases=resumption.cases_to_cover(db.session, company.id), form=form or {"inspected_on": today}, errors=errors or {},
        which=which, target=target, due_days=resumption.ANSWER_WORKING_DAYS,
        field_titles={k: _(v) for k, v in RESUMPTION_TITLES.items()}), status


def _handle(enterprise_id, which, target, form, write, success, anchor, files_field=None):
    """Keep the chosen files (their own transaction), then run `write(uow, file ids)`; an error shows the page again
    with the form as typed, the message next to its field or above the form (400/409)."""
    # the files kept from a form sent back with errors (by id, the user's own uploads: checked when attached)
    files = [i for i in request.form.getlist("files") if i] if files_field else []
    try:
        files += store_chosen_files(files_field, limit=resumption.MAX_FILES) if files_field else []
        with UnitOfWork() as uow:
            write(uow, files)
            uow.commit()
    except DomainError as exc:
        db.session.rollback()
        db.session.expire_all()
        if exc.status in (403, 404):
            raise
        # sent back with the page, so the corrected form keeps them (not when they are what is wrong)
        form["files"] = [] if "files" in exc.fields else files
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        if not fields:
            fields = {"_form": bilingual(exc.message)}
        return _page(enterprise_id, form, fields, which, target, exc.status)
    flash(success, "success")
    return redirect(url_for("resumption.enterprise", enterprise_id=enterprise_id, _anchor=anchor))


@bp.route("/enterprises/<int:enterprise_id>/orders", methods=["POST"])
@login_required
def record_order(enterprise_id):
    form = {name: request.form.get(name, "") for name in ORDER_FIELDS}
    return _handle(enterprise_id, "order", None, form,
                   lambda uow, files: stop_work.record_by_hand(uow, current_user, enterprise_id, form),
                   _("已登记停产停业整顿"), "orders")


@bp.route("/enforcement/<int:referral_id>/order", methods=["POST"])
@login_required
def order_from_enforcement(referral_id):
    with UnitOfWork() as uow:
        order = stop_work.record_from_enforcement(uow, current_user, referral_id)
        uow.commit()
    flash(_("已按执法决定登记停产停业整顿"), "success")
    return redirect(url_for("resumption.enterprise", enterprise_id=order.enterprise_id, _anchor="orders"))


@bp.route("/orders/<int:order_id>/withdraw", methods=["POST"])
@login_required
def withdraw(order_id):
    order = stop_work.get_visible(db.session, current_user, order_id)
    form = {"withdraw_reason": request.form.get("withdraw_reason", "")}
    return _handle(order.enterprise_id, "withdraw", order.id, form,
                   lambda uow, files: stop_work.withdraw(uow, current_user, order_id, form["withdraw_reason"]),
                   _("已撤销停产停业指令"), "orders")


@bp.route("/enterprises/<int:enterprise_id>/applications", methods=["POST"])
@login_required
def apply(enterprise_id):
    form = {name: request.form.get(name, "") for name in APPLICATION_FIELDS}
    form["case_ids"] = request.form.getlist("case_ids")
    return _handle(enterprise_id, "apply", None, form,
                   lambda uow, files: resumption.apply(uow, current_user, enterprise_id, form, files),
                   _("已提交复工复产申请"), "applications", files_field="application")


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@login_required
def decide(application_id):
    row = resumption.get_visible(db.session, current_user, application_id)
    form = {name: request.form.get(name, "") for name in DECISION_FIELDS}
    form["expert_ids"] = request.form.getlist("expert_ids")
    return _handle(row.enterprise_id, "decide", row.id, form,
                   lambda uow, files: resumption.decide(uow, current_user, application_id, form, files),
                   _("已登记复工验收结论"), f"application-{row.id}", files_field="acceptance")


@bp.route("/applications/<int:application_id>/decision.pdf")
@login_required
def decision_pdf(application_id):
    row = resumption.get_visible(db.session, current_user, application_id)
    if not row.is_decided:
        abort(404)
    body = resumption_pdf.render(row, resumption.experts_of(db.session, row), resumption.cases_of(db.session, row))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="resumption-{row.id}-{row.inspected_on:%Y%m%d}.pdf"'})


@bp.route("/applications/<int:application_id>/files/<public_id>")
@login_required
def file(application_id, public_id):
    item = resumption.file_of(db.session, current_user, application_id, public_id)
    return send_stored(item)
