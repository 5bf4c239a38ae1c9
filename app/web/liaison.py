"""Liaison officers and the contact log (services/liaisons.py, contact_log.py, liaison_weeks.py): the enterprises with
their liaison, last contact and open commitments; an enterprise's page — its liaison and their history (a project
lead assigns), the contact log with the form to add a contact and to settle commitments, its questions —; the weekly
gaps; the non-cooperation report (PDF). The staff side only: enterprise users are refused (403)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import COMMITMENT_STATUSES, CONTACT_WAYS, Enterprise
from ..services import contact_log, liaison_weeks, liaisons, noncooperation, questions
from ..services.access import township_choices
from ..services.uow import UnitOfWork
from . import noncooperation_pdf
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label
from .query_args import page_count, page_number

bp = Blueprint("liaison", __name__)
PAGE_SIZE = 50
SCOPES = ("all", "mine", "none")
ENTRY_FIELDS = ("contacted_at", "way", "counterpart", "content", "follow_up", "refused") + tuple(
    f"{part}_{n}" for n in range(contact_log.MAX_COMMITMENTS) for part in ("commitment", "commitment_due"))
# The audited fields of the log, as the audit log names them.
LIAISON_TITLES = {"liaison": N_("联络专员"), "contacted_at": N_("沟通时间"), "way": N_("沟通方式"),
                  "counterpart": N_("企业对接人"), "content": N_("沟通内容"), "follow_up": N_("后续跟进"),
                  "refused": N_("企业拒绝配合"), "commitments": N_("整改承诺"), "settle_note": N_("兑现情况说明"),
                  "subject": N_("主题"), "description": N_("问题描述"), "urgency": N_("紧急程度"),
                  "message": N_("留言内容"), "question_status": N_("咨询状态"), "commitment_status": N_("兑现情况")}

restrict(bp, "may_read_liaison", liaisons.may_read_log,
         N_("联络专员和沟通记录供项目人员、督导组、质量监督专员、应急管理局、管理人员和属地监管查看"))


@bp.app_template_global()
def contact_way(code):
    return label(CONTACT_WAYS, code)


@bp.app_template_global()
def commitment_status(code):
    return label(COMMITMENT_STATUSES, code)


@bp.app_template_global()
def my_liaison():
    """The signed-in enterprise user's liaison (name, phone), for the enterprise's pages; None for anyone else."""
    if not current_user.is_authenticated:
        return None
    return liaisons.liaison_of_user(db.session, current_user)


@bp.route("/liaison")
@login_required
def index():
    scope = request.args.get("scope") if request.args.get("scope") in SCOPES else "all"
    township = request.args.get("township", "")
    q = request.args.get("q", "")[:100]
    page = page_number(request.args)
    rows, total = contact_log.overview(db.session, current_user, township=township, scope=scope, q=q,
                                       limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("liaison/index.html", rows=rows, total=total, scope=scope, township=township, q=q,
                           page=page, pages=page_count(total, PAGE_SIZE),
                           townships=township_choices(db.session, current_user), today=clock.local_now().date())


@bp.route("/liaison/gaps")
@login_required
def gaps():
    errors = {}
    try:
        monday = liaison_weeks.parse_week(request.args.get("week")) or liaison_weeks.last_complete_week()
    except DomainError as exc:
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        monday = liaison_weeks.last_complete_week()
    rows = liaison_weeks.visible_gaps(db.session, current_user, monday)
    covered = liaison_weeks.covered_count(db.session, monday, liaisons.log_condition(current_user, Enterprise.id))
    start, end = liaison_weeks.week_bounds(monday)
    page = render_template("liaison/gaps.html", rows=rows, covered=covered, week=liaison_weeks.week_label(monday),
                           typed=request.args.get("week", ""), errors=errors, start=start, end=end,
                           previous=liaison_weeks.week_label(monday.fromordinal(monday.toordinal() - 7)),
                           following=liaison_weeks.week_label(monday.fromordinal(monday.toordinal() + 7)),
                           in_progress=end > clock.now())
    return (page, 400) if errors else page


@bp.route("/liaison/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id):
    return _enterprise_page(liaisons.get_enterprise(db.session, current_user, enterprise_id))


def _enterprise_page(row, step=None, form=None, errors=None, message=None):
    now = clock.local_now()
    entry_form = form if step == "contact" else {"contacted_at": now.strftime("%Y-%m-%dT%H:%M")}
    recent = questions.listing(db.session, current_user, questions.QuestionFilter(
        state="all", enterprise_id=row.id, limit=20))[0] if questions.may_see_questions(current_user) else None
    return render_template("liaison/enterprise.html", row=row, current=liaisons.current(db.session, row.id),
                           assignments=liaisons.history(db.session, row.id),
                           entries=contact_log.entries(db.session, row.id), step=step, form=form or {},
                           entry_form=entry_form, errors=errors or {}, message=message,
                           may_assign=liaisons.may_assign(current_user),
                           may_write=liaisons.may_write_log(current_user),
                           choices=liaisons.choices(db.session) if liaisons.may_assign(current_user) else [],
                           ways=CONTACT_WAYS, today=now.date(), questions=recent,
                           max_commitments=contact_log.MAX_COMMITMENTS)


def _step(enterprise_id, step, action, flash_text, fields):
    """Run one write from the enterprise page's form; the page again with the errors (400) or the refusal."""
    row = liaisons.get_enterprise(db.session, current_user, enterprise_id)  # 404 outside the reader's area
    form = {name: request.form.get(name, "") for name in fields}
    try:
        with UnitOfWork() as uow:
            action(uow, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = liaisons.get_enterprise(db.session, current_user, enterprise_id)
        if exc.fields:
            return _enterprise_page(row, step, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
        return _enterprise_page(row, step, form, message=bilingual(exc.message)), exc.status
    flash(flash_text, "success")
    return redirect(url_for("liaison.enterprise", enterprise_id=row.id, _anchor=step))


@bp.route("/liaison/enterprises/<int:enterprise_id>/assign", methods=["POST"])
@login_required
def assign(enterprise_id):
    return _step(enterprise_id, "assign", lambda uow, form: liaisons.assign(
        uow, current_user, enterprise_id, form["liaison_id"], form["note"]), _("联络专员已指定"), ("liaison_id", "note"))


@bp.route("/liaison/enterprises/<int:enterprise_id>/release", methods=["POST"])
@login_required
def release(enterprise_id):
    return _step(enterprise_id, "assign", lambda uow, form: liaisons.release(uow, current_user, enterprise_id),
                 _("已取消联络专员，企业咨询改由项目负责人答复"), ())


@bp.route("/liaison/enterprises/<int:enterprise_id>/contacts", methods=["POST"])
@login_required
def add_contact(enterprise_id):
    return _step(enterprise_id, "contact", lambda uow, form: contact_log.record(
        uow, current_user, enterprise_id, form), _("沟通记录已登记"), ENTRY_FIELDS)


@bp.route("/liaison/enterprises/<int:enterprise_id>/commitments/<int:commitment_id>", methods=["POST"])
@login_required
def settle(enterprise_id, commitment_id):
    return _step(enterprise_id, f"commitment-{commitment_id}", lambda uow, form: contact_log.settle(
        uow, current_user, commitment_id, form["outcome"], form["note"], enterprise_id=enterprise_id),
        _("承诺兑现情况已登记"), ("outcome", "note"))


@bp.route("/liaison/enterprises/<int:enterprise_id>/noncooperation.pdf")
@login_required
def report_pdf(enterprise_id):
    """The non-cooperation report over ?since=&until= (days; by default the last 180 days)."""
    row = liaisons.get_enterprise(db.session, current_user, enterprise_id)
    try:
        since, until = noncooperation.period(request.args.get("since"), request.args.get("until"))
    except DomainError as exc:
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _enterprise_page(row, "report", dict(request.args), fields), 400
    report = noncooperation.build(db.session, current_user, row.id, since, until)
    body = noncooperation_pdf.render(report, current_user)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="noncooperation-{row.id}-{since:%Y%m%d}-{until:%Y%m%d}.pdf"'})
