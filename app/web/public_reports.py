"""隐患举报 for the public, without login (services/public_reports.py): the form, and the page where the reporter
follows a report by its query code.

Abuse controls: the app's CSRF token (the session cookie every page sets), a honeypot field a person never sees
(filled: 400, nothing stored), length limits, at most 3 photos (images only, sniffed, the upload size limit), and
at most RATE_LIMIT reports an hour from one address (counted in the database: it holds across processes). Photos
sent with a form that had errors are kept (stored, owned by no one yet, their ids in the signed session) so the
reporter does not send them again; the report takes them when it is filed."""
from dataclasses import asdict

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import Attachment
from ..services import attachments, public_reports
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import label

bp = Blueprint("public_reports", __name__)
KEPT = "report_photos"  # the session's list of the photos kept from a form with errors
HONEYPOT = "website"


@bp.app_template_global()
def public_report_stage(stage):
    return label(public_reports.PUBLIC_STAGE_NAMES, stage)


@bp.route("/public/reports", methods=["GET"])
def lookup():
    """The query form; `?code=` goes to the report's page."""
    code = "".join(request.args.get("code", "").split()).upper()
    if code:
        return redirect(url_for("public_reports.show", code=code[:20]))
    return render_template("public/reports_lookup.html")


@bp.route("/public/reports/new", methods=["GET", "POST"])
def new():
    if request.method == "GET":
        session.pop(KEPT, None)  # a new form starts without the photos of an abandoned one
        return _page(public_reports.Filing(), {})
    if request.form.get(HONEYPOT):
        abort(400, _("无法提交举报，请刷新页面后重试"))
    filing = _filing(request.form)
    address = public_reports.address_key(current_app.config["SECRET_KEY"], request.remote_addr)
    try:
        public_reports.check_rate(db.session, address, current_app.config["PUBLIC_REPORTS_PER_HOUR"])
    except DomainError as exc:
        return _page(filing, {}, bilingual(exc.message)), exc.status
    errors = _keep_photos()
    errors.update(public_reports.check_filing(db.session, filing))
    if errors:
        return _page(filing, {k: bilingual(v) for k, v in errors.items()}), 400
    try:
        with UnitOfWork() as uow:
            row = public_reports.file_report(uow, filing, address, session.get(KEPT, []),
                                             current_app.config["PUBLIC_REPORTS_PER_HOUR"])
            code = row.code
            uow.commit()
    except DomainError as exc:  # the rate limit reached by a concurrent request, say
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _page(filing, errors, None if errors else bilingual(exc.message)), exc.status
    session.pop(KEPT, None)
    flash(_("举报已提交。查询码：%(code)s，请妥善保存，凭此码查询办理进展和领取奖励。", code=code), "success")
    return redirect(url_for("public_reports.show", code=code))


def _filing(form):
    return public_reports.Filing(
        text=form.get("text", ""), place=form.get("place", ""), enterprise_id=form.get("enterprise_id", ""),
        anonymous=form.get("anonymous", "1") != "0", name=form.get("name", ""), phone=form.get("phone", ""),
        consent=form.get("consent") == "1")


def _keep_photos():
    """Store the photos of this submission (images only, each within the upload limit, at most MAX_PHOTOS with
    those kept before); {"photos": error} for a refused one, the others are kept."""
    kept = list(session.get(KEPT, []))
    sent = [f for f in request.files.getlist("photos") if f and f.filename]
    errors = {}
    if len(kept) + len(sent) > public_reports.MAX_PHOTOS:
        return {"photos": f"最多 {public_reports.MAX_PHOTOS} 张照片 / at most {public_reports.MAX_PHOTOS} photos"}
    for upload in sent:
        try:
            with UnitOfWork() as uow:
                stored = attachments.store_upload(uow, None, upload.filename, upload.stream,
                                                  upload_dir=current_app.config["UPLOAD_DIR"],
                                                  max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field="report",
                                                  images_only=True)
                kept.append(stored.public_id)
                uow.commit()
        except ValidationFailed as exc:
            errors["photos"] = f"{upload.filename[:80]}: {exc.message}"
    session[KEPT] = kept
    return errors


def _page(filing, errors, message=None):
    kept = session.get(KEPT, [])
    photos = db.session.query(Attachment).filter(Attachment.public_id.in_(kept), Attachment.report_id.is_(None),
                                                 Attachment.uploader_id.is_(None)) \
        .order_by(Attachment.id).all() if kept else []
    return render_template("public/report_new.html", form=asdict(filing), errors=errors, message=message, photos=photos,
                           enterprises=public_reports.public_enterprises(db.session),
                           max_text=public_reports.MAX_TEXT, max_place=public_reports.MAX_PLACE,
                           max_photos=public_reports.MAX_PHOTOS, honeypot=HONEYPOT)


@bp.route("/public/reports/<code>")
def show(code):
    try:
        row = public_reports.by_code(db.session, code)
    except DomainError:
        abort(404, _("查询码不存在，请核对后重试"))
    return render_template("public/report.html", report=public_reports.public_facts(row))
