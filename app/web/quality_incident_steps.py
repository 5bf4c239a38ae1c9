"""A quality incident's steps on its page (services/quality_incident_handling.py): start the investigation, record the
handling, hold to account and notify the company, close with the learning; its files (the investigation's recordings)
and the handling report PDF (质量事故处置报告). Routes on the quality_incidents blueprint, under its guard."""

from flask import Response, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..services import attachments, quality_incident_files
from ..services import quality_incident_handling as handling
from ..services import quality_incidents as incidents
from ..services.uow import UnitOfWork
from . import quality_incident_pdf
from .forms_render import bilingual
from .quality_incidents import bp, show_page
from .stored_files import send_stored

MAX_FILES = 10


def _post(incident_id, step, form, write, done):
    try:
        with UnitOfWork() as uow:
            write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = incidents.get(db.session, current_user, incident_id)
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return show_page(row, {step: form}, {step: fields}, None if fields else bilingual(exc.message), exc.status)
    flash(done, "success")
    return redirect(url_for("quality_incidents.show", incident_id=incident_id))


@bp.route("/<int:incident_id>/investigate", methods=["POST"])
@login_required
def investigate(incident_id):
    form = {"investigator_ids": [v for v in request.form.getlist("investigator_ids") if v]}
    return _post(incident_id, "investigate", form,
                 lambda uow: handling.investigate(uow, current_user, incident_id, form), _("已启动调查"))


@bp.route("/<int:incident_id>/handle", methods=["POST"])
@login_required
def handle(incident_id):
    form = {name: request.form.get(name, "") for name in ("findings", "cause", "remedy")}
    return _post(incident_id, "handle", form,
                 lambda uow: handling.handle(uow, current_user, incident_id, form), _("已登记原因和补救方案"))


@bp.route("/<int:incident_id>/notify", methods=["POST"])
@login_required
def notify(incident_id):
    people = [k.removeprefix("measures_") for k in request.form if k.startswith("measures_")]
    people += [k.removeprefix("note_") for k in request.form if k.startswith("note_")]
    form = {"lesson": request.form.get("lesson", ""),
            "accountability": {p: {"measures": request.form.getlist(f"measures_{p}"),
                                   "note": request.form.get(f"note_{p}", "")} for p in people}}
    return _post(incident_id, "notify", form,
                 lambda uow: handling.notify(uow, current_user, incident_id, form), _("已追责并全公司通报"))


@bp.route("/<int:incident_id>/close", methods=["POST"])
@login_required
def close(incident_id):
    form = {"training_id": request.form.get("training_id", "")}
    return _post(incident_id, "close", form,
                 lambda uow: handling.close(uow, current_user, incident_id, form), _("质量事故已关闭"))


@bp.route("/<int:incident_id>/files", methods=["POST"])
@login_required
def add_files(incident_id):
    """Upload and put on the incident at once (videos up to MAX_VIDEO_BYTES: the endpoint is in UPLOAD_ENDPOINTS)."""
    row = incidents.get(db.session, current_user, incident_id)
    incidents.check_may_manage(current_user)
    handling.check_files_allowed(row)  # before any file is written
    chosen = [f for f in request.files.getlist("upload") if f and f.filename][:MAX_FILES]

    def write(uow):
        if not chosen:
            raise ValidationFailed("请选择文件 / choose a file", fields={"files": "请选择文件 / choose a file"})
        config = current_app.config
        ids = [attachments.store_upload(uow, current_user, f.filename, f.stream, upload_dir=config["UPLOAD_DIR"],
                                        max_bytes=config["MAX_UPLOAD_BYTES"], field="quality_incident",
                                        max_video_bytes=config["MAX_VIDEO_BYTES"]).public_id for f in chosen]
        uow.session.flush()
        quality_incident_files.add(uow, current_user, row.id, ids)
    return _post(incident_id, "files", {}, write, _("文件已上传"))


@bp.route("/<int:incident_id>/files/<public_id>")
@login_required
def file(incident_id, public_id):
    row = incidents.get(db.session, current_user, incident_id)
    item = quality_incident_files.file_of(db.session, row, public_id)
    return send_stored(item)


@bp.route("/<int:incident_id>/report.pdf")
@login_required
def report_pdf(incident_id):
    row = incidents.get(db.session, current_user, incident_id)
    body = quality_incident_pdf.render(row, incidents.cases_of(db.session, row), incidents.visits_of(db.session, row))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="quality-incident-{row.id}-report.pdf"'})
