"""What the upload endpoints (the pages' and the API's) share."""
from flask import current_app, request
from flask_login import current_user

from ..errors import ValidationFailed
from ..services import attachments, photo_metadata
from ..services.uow import UnitOfWork


def allow_video_bodies():
    """An upload endpoint takes a request body up to the video limit (MAX_VIDEO_BYTES and a margin for the multipart
    envelope), above the app-wide MAX_CONTENT_LENGTH; set before the body is read."""
    config = current_app.config
    request.max_content_length = max(config["MAX_CONTENT_LENGTH"], config["MAX_VIDEO_BYTES"] + 1024 * 1024)


UPLOAD_ENDPOINTS = frozenset({"cases.upload", "api.upload_attachment", "quality_incidents.add_files"})
UPLOAD_ENDPOINTS = UPLOAD_ENDPOINTS | {"learning.new_lesson", "learning.edit_lesson"}  # a lesson's video (学习中心)


def init_upload_limits(app):
    """Registered before the CSRF check, which reads the form (and so the body) of every page's POST."""
    @app.before_request
    def _video_bodies():
        if request.endpoint in UPLOAD_ENDPOINTS:
            allow_video_bodies()


def device_position():
    """The (latitude, longitude) the browser sent with a photo (`device_latitude`, `device_longitude`: where the
    device was), None when it sent none; a malformed one is a 400 (ValidationFailed), nothing is stored."""
    position, errors = photo_metadata.device_position(request.form.get("device_latitude"),
                                                      request.form.get("device_longitude"))
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    return position


def store_chosen_files(field, limit=None):
    """The files chosen in a page form's `upload` input kept as the user's own uploads, in their own transaction (a
    form sent back with errors keeps them, by id), the first `limit` of them when given: their public ids.
    ValidationFailed for a wrong or too large file."""
    chosen = [f for f in request.files.getlist("upload") if f and f.filename][:limit]
    if not chosen:
        return []
    ids = []
    with UnitOfWork() as uow:
        for upload in chosen:
            stored = attachments.store_upload(uow, current_user, upload.filename, upload.stream,
                                              upload_dir=current_app.config["UPLOAD_DIR"],
                                              max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field=field)
            ids.append(stored.public_id)
        uow.commit()
    return ids
