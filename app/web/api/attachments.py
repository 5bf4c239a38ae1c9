"""Uploads (photos, PDFs) before they are linked to a case by a form, and download for allowed users."""
from flask import current_app, g, request, send_file
from marshmallow import ValidationError

from ...errors import NotFound
from ...services import attachments
from ...services.uow import UnitOfWork
from .. import uploads
from . import api
from .auth import token_required
from .schemas import AttachmentSchema


@api.post("/attachments")
@token_required
def upload_attachment():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError({"file": ["缺少文件 / a multipart field `file` is required"]})
    field = (request.form.get("field") or "")[:64]
    with UnitOfWork() as uow:
        attachment = attachments.store_upload(uow, g.api_user, upload.filename, upload.stream,
                                              upload_dir=current_app.config["UPLOAD_DIR"],
                                              max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field=field,
                                              max_video_bytes=current_app.config["MAX_VIDEO_BYTES"],
                                              device_position=uploads.device_position())
        uow.commit()
        body = AttachmentSchema().dump(attachment)
    return body, 201


@api.get("/attachments/<public_id>")
@token_required
def download_attachment(public_id):
    with UnitOfWork() as uow:
        attachment, path = attachments.open_for_user(uow, g.api_user, public_id, current_app.config["UPLOAD_DIR"])
        content_type, name, inline = attachment.content_type, attachment.original_name, attachment.is_image
    if not path.is_file():
        raise NotFound("attachment file is missing")
    # Images may show inline; anything else (PDF) downloads. The type was sniffed at upload: never re-sniff.
    response = send_file(path, mimetype=content_type, as_attachment=not inline, download_name=name,
                         conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
