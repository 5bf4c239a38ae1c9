"""The staff's intake of reports from the public (举报受理, services/public_reports.py and public_report_handling.py):
the list with its filters, a report's page with the forms of the steps the user may take, and the report's photos.
The bureau reads every report (with the reporter's contact); an inspector or supervision user the ones assigned to
them; anyone else is refused (403). The statistics pages own /reports, hence /public-reports."""
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import PUBLIC_REPORT_STATUSES, Attachment
from ..services import attachments, audit, public_report_handling as handling, public_reports, users
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label
from .query_args import page_count, page_number, read_days

bp = Blueprint("report_intake", __name__, url_prefix="/public-reports")
restrict(bp, "may_see_public_reports", public_reports.may_see_reports,
         N_("群众举报仅供应急管理局和受指派的核查人员查看"))
# The audited fields of a report, as the audit log names them.
REPORT_TITLES = {"report_status": N_("举报状态"), "public_reply": N_("给举报人的答复"), "reward_amount": N_("奖励金额（元）")}
STEP_FIELDS = ("reason", "verifier_id", "result", "note", "reply", "case_code", "amount", "reward_note", "paid_on")


@bp.app_template_global()
def report_status(code):
    return label(PUBLIC_REPORT_STATUSES, code)


def audit_labels(catalog):
    """The report statuses' names for the audit log."""
    catalog.labels.setdefault("report_status", {code: report_status(code) for code in PUBLIC_REPORT_STATUSES})


@bp.route("")
@login_required
def index():
    errors = {}
    days = read_days(request.args, ("received_from", "received_to"), errors)
    args = {"state": request.args.get("state") if request.args.get("state") in public_reports.STATES else "open",
            "status": request.args.get("status") if request.args.get("status") in PUBLIC_REPORT_STATUSES else "",
            "township": request.args.get("township", "").strip()[:100],
            "received_from": request.args.get("received_from", ""), "received_to": request.args.get("received_to", "")}
    page = page_number(request.args)
    rows, total = public_reports.listing(db.session, current_user, public_reports.ReportFilter(
        state=args["state"], status=args["status"], township=args["township"], received_from=days["received_from"],
        received_to=days["received_to"], limit=public_reports.PAGE_SIZE, offset=(page - 1) * public_reports.PAGE_SIZE))
    return render_template("report_intake/index.html", rows=rows, total=total, args=args, errors=errors, page=page,
                           pages=page_count(total, public_reports.PAGE_SIZE), statuses=PUBLIC_REPORT_STATUSES,
                           townships=public_reports.townships(db.session, current_user),
                           overdue=public_reports.verify_overdue,
                           names=users.display_names(db.session, [r.verifier_id for r in rows]))


@bp.route("/<int:report_id>")
@login_required
def show(report_id):
    return _show_page(_visible(report_id))


def _visible(report_id):
    return public_reports.get_visible(db.session, current_user, report_id)


def _show_page(row, step=None, form=None, errors=None, message=None):
    events = list(reversed(audit.subject_history(db.session, "public_report", row.id)))  # oldest first
    people = [e.actor_id for e in events] + [row.decided_by_id, row.verifier_id, row.verified_by_id,
                                             row.reward_proposed_by_id, row.reward_approved_by_id]
    bureau = public_reports.is_bureau(current_user)
    verifier = handling.is_verifier(current_user, row)
    return render_template(
        "report_intake/show.html", row=row, events=events, names=users.display_names(db.session, people),
        step=step, form=form or {}, errors=errors or {}, message=message, bureau=bureau, verifier=verifier,
        contact=public_reports.shows_contact(current_user), overdue=public_reports.verify_overdue(row),
        report_photos=public_reports.photos(db.session, row.id, "report"),
        verification_photos=public_reports.photos(db.session, row.id, "verification"),
        verifiers=handling.verifier_choices(db.session) if bureau and row.status == "accepted" else [],
        may_register_hazard=verifier and current_user.has_role("inspector") and row.status == "confirmed",
        max_reward=handling.MAX_REWARD)


def _step(report_id, step, action, done):
    """Run one step from its form; the page again with the errors (400) or the refusal (403/409)."""
    row = _visible(report_id)
    form = {name: request.form.get(name, "") for name in STEP_FIELDS}
    try:
        with UnitOfWork() as uow:
            action(uow, form)
            uow.commit()
    except DomainError as exc:
        db.session.rollback()
        db.session.expire_all()
        row = _visible(report_id)
        if exc.fields:
            return _show_page(row, step, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
        if exc.status == 403:
            abort(403, bilingual(exc.message))
        return _show_page(row, step, form, message=bilingual(exc.message)), exc.status
    flash(done, "success")
    return redirect(url_for("report_intake.show", report_id=row.id))


@bp.route("/<int:report_id>/accept", methods=["POST"])
@login_required
def accept(report_id):
    return _step(report_id, "decide", lambda uow, f: handling.accept(uow, current_user, report_id), _("已受理"))


@bp.route("/<int:report_id>/reject", methods=["POST"])
@login_required
def reject(report_id):
    return _step(report_id, "decide", lambda uow, f: handling.reject(uow, current_user, report_id, f["reason"]),
                 _("已不予受理，理由已答复举报人"))


@bp.route("/<int:report_id>/assign", methods=["POST"])
@login_required
def assign(report_id):
    return _step(report_id, "assign", lambda uow, f: handling.assign(uow, current_user, report_id, f["verifier_id"]),
                 _("已指派核查"))


@bp.route("/<int:report_id>/verify", methods=["POST"])
@login_required
def verify(report_id):
    def action(uow, form):
        handling.check_verifier(current_user, public_reports.get_visible(uow.session, current_user, report_id))
        photos = [_store_photo(uow, f) for f in request.files.getlist("photos") if f and f.filename]
        handling.verify(uow, current_user, report_id, form["result"], form["note"], form["reply"], photos)
    return _step(report_id, "verify", action, _("核查结果已登记"))


def _store_photo(uow, upload):
    try:
        return attachments.store_upload(uow, current_user, upload.filename, upload.stream,
                                        upload_dir=current_app.config["UPLOAD_DIR"],
                                        max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field="verification",
                                        images_only=True)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"photos": exc.message}) from exc


@bp.route("/<int:report_id>/link", methods=["POST"])
@login_required
def link(report_id):
    def action(uow, form):
        handling.check_bureau_or_verifier(current_user, public_reports.get_visible(uow.session, current_user,
                                                                                  report_id))
        handling.link_case(uow, current_user, report_id, handling.case_by_code(uow.session, form["case_code"]))
    return _step(report_id, "link", action, _("已关联隐患案件"))


@bp.route("/<int:report_id>/reward", methods=["POST"])
@login_required
def propose_reward(report_id):
    return _step(report_id, "reward", lambda uow, f: handling.propose_reward(uow, current_user, report_id, f["amount"],
                                                                             f["reward_note"]), _("已提出奖励"))


@bp.route("/<int:report_id>/reward/approve", methods=["POST"])
@login_required
def approve_reward(report_id):
    return _step(report_id, "approve", lambda uow, f: handling.approve_reward(uow, current_user, report_id),
                 _("奖励已批准"))


@bp.route("/<int:report_id>/reward/paid", methods=["POST"])
@login_required
def record_payment(report_id):
    def action(uow, form):
        errors = {}
        day = read_days(form, ("paid_on",), errors, required=True)["paid_on"]
        if errors:
            raise ValidationFailed(errors["paid_on"], fields=errors)
        handling.record_payment(uow, current_user, report_id, day)
    return _step(report_id, "paid", action, _("奖励发放已登记"))


@bp.route("/<int:report_id>/photos/<public_id>")
@login_required
def photo(report_id, public_id):
    row = _visible(report_id)
    item = db.session.query(Attachment).filter_by(report_id=row.id, public_id=public_id).first()
    if item is None:
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / item.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=item.content_type, download_name=item.original_name, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.cache_control.private = True
    response.cache_control.public = False
    return response
