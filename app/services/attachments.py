"""Photos and files: sniffed by content, size-limited, stored outside the web root under random names."""
import hashlib
import secrets
from pathlib import Path

from sqlalchemy import and_, bindparam, or_, select, update

from ..clock import clock
from ..errors import NotAllowed, NotFound, ValidationFailed
from ..models import Attachment, RectificationCheck
from ..models.attachment import free_of_owners
from . import (bureau_notices, effect_evaluations, enterprise_documents, followups, meetings, photo_metadata,
               projection, quality_incidents, questions, rectification_checks, risk_map, self_checks,
               staff_certificates, trainings)
from .access import get_visible_case
from .inspections import get_visible_visit
from . import patrol_cards

# Accepted kinds, recognised by their first bytes (the client's content type is not trusted).
_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"%PDF-", "application/pdf", ".pdf"),
]


VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm")
_ISO_IMAGE_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"avif")  # ISO media files that are still images
_CHUNK = 1024 * 1024


def sniff(head):
    for signature, content_type, suffix in _SIGNATURES:
        if head.startswith(signature):
            return content_type, suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    # On-site videos (现场视频): ISO media (MP4 / QuickTime: a "ftyp" box first) and WebM (a Matroska header).
    if head[4:8] == b"ftyp" and head[8:12] not in _ISO_IMAGE_BRANDS:
        return ("video/quicktime", ".mov") if head[8:12] == b"qt  " else ("video/mp4", ".mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm", ".webm"
    return None, None


def store_upload(uow, actor, filename, stream, upload_dir, max_bytes, field="", max_video_bytes=None,
                 device_position=None, images_only=False):
    """Keep an upload: its kind sniffed from its first bytes, at most `max_bytes` (a video at most
    `max_video_bytes`, by default the same), written to the upload directory as it is read (a video is not held
    in memory whole); a refused or too large upload leaves no file behind. An image's place and time are read
    from its EXIF tags; `device_position` (latitude, longitude), sent by the browser, stands in for a place the
    file does not carry. `actor` None: a photo sent with a public report, which the caller gives its owner (the
    report); `images_only`: anything but an image is refused (the public form takes photos only)."""
    head = stream.read(16)
    if not head:
        raise ValidationFailed("空文件 / empty file", fields={field or "file": "empty"})
    content_type, suffix = sniff(head)
    if content_type is None:
        raise ValidationFailed("只接受 JPEG、PNG、GIF、WebP 图片，PDF 文件或 MP4、MOV、WebM 视频 / "
                               "only images, PDF and MP4 / MOV / WebM videos are accepted",
                               fields={field or "file": "unsupported type"})
    if images_only and not content_type.startswith("image/"):
        raise ValidationFailed("只接受 JPEG、PNG、GIF、WebP 图片 / only JPEG, PNG, GIF and WebP images are accepted",
                               fields={field or "file": "not an image"})
    limit = (max_video_bytes or max_bytes) if content_type in VIDEO_TYPES else max_bytes
    stored_name = secrets.token_hex(16) + suffix
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path, digest, size = directory / stored_name, hashlib.sha256(head), len(head)
    try:
        with path.open("wb") as out:
            out.write(head)
            while size <= limit:
                chunk = stream.read(min(_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        if size > limit:
            raise ValidationFailed(f"文件超过大小限制 {limit // (1024 * 1024)} MB / file too large",
                                   fields={field or "file": "too large"})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    attachment = Attachment(public_id=secrets.token_hex(8), uploader_id=getattr(actor, "id", None),
                            original_name=(filename or "upload")[:255], stored_name=stored_name,
                            content_type=content_type, size=size, sha256=digest.hexdigest(),
                            field=field or "", created_at=clock.now())
    if content_type.startswith("image/"):
        _place_and_time(attachment, path, device_position)
    uow.session.add(attachment)
    uow.session.flush()
    return attachment


def _place_and_time(attachment, path, device_position):
    taken_at, latitude, longitude = photo_metadata.read(path)
    attachment.taken_at = taken_at
    if latitude is not None:
        attachment.latitude, attachment.longitude, attachment.location_source = latitude, longitude, "exif"
    elif device_position is not None:
        (attachment.latitude, attachment.longitude), attachment.location_source = device_position, "device"


_table = Attachment.__table__
# Only the uploader's own uploads owned by nothing else (models/attachment.py: another case, a visit, a public report,
# a notice, an enforcement record, a check's record, an archive document, a training session, a risk map, a meeting or
# a question), or files already on this case for the same field (a task's saved draft linked them, and a colleague
# finishes the task); what it did not link is refused (and the caller's transaction, with this statement, rolled back).
_LINK = update(_table).where(_table.c.public_id.in_(bindparam("b_public_ids", expanding=True)), or_(
    and_(_table.c.uploader_id == bindparam("b_uploader_id"), free_of_owners(_table.c, "case_id"),
         or_(_table.c.case_id.is_(None), _table.c.case_id == bindparam("b_case_id"))),
    and_(_table.c.case_id == bindparam("b_case_id"), _table.c.field == bindparam("b_field")))) \
    .values(case_id=bindparam("case_id"), field=bindparam("field")).returning(_table.c.id, _table.c.public_id)


# The same, for one file and without RETURNING: a write a step's pipeline sends without waiting (`linking`).
_LINK_ONE = update(_table).where(_table.c.public_id == bindparam("b_public_id"), or_(
    and_(_table.c.uploader_id == bindparam("b_uploader_id"), free_of_owners(_table.c, "case_id"),
         or_(_table.c.case_id.is_(None), _table.c.case_id == bindparam("b_case_id"))),
    and_(_table.c.case_id == bindparam("b_case_id"), _table.c.field == bindparam("b_field")))) \
    .values(case_id=bindparam("case_id"), field=bindparam("field"))
_LINKED = select(_table.c.public_id).where(_table.c.public_id.in_(bindparam("ids", expanding=True)),
                                           _table.c.case_id == bindparam("case_id"),
                                           _table.c.field == bindparam("field"))


def linking(uow, actor, case, public_ids, field):
    """`link` as one of a step's pipelined writes (case_store.save / start `writes`), or None with no files: a
    function of the pipeline that sends one UPDATE per file without waiting for it, and returns the check to run
    once the pipeline has ended, which refuses what was not linked as `link` does (the step, with everything it
    wrote, is then rolled back). On PostgreSQL that spares a step with photos a round trip."""
    wanted = list(dict.fromkeys(str(public_id) for public_id in public_ids))
    if not wanted:
        return None

    def write(pipe):
        counted = pipe.counted(_LINK_ONE, [{
            "b_public_id": public_id, "b_uploader_id": actor.id, "b_case_id": case.id, "b_field": field or "",
            "case_id": case.id, "field": field} for public_id in wanted])
        return lambda: _check_linked(uow, case, field, wanted, counted.rowcount)
    return write


def _check_linked(uow, case, field, wanted, linked_count):
    if linked_count != len(wanted):  # which ones: asked only when something was refused
        linked = set(uow.session.connection().execute(_LINKED, {"ids": wanted, "case_id": case.id,
                                                                "field": field}).scalars())
        refused = [public_id for public_id in wanted if public_id not in linked] or wanted
        raise ValidationFailed("附件无效 / unknown attachment", fields={field: f"unknown attachment {refused[0]}"})
    wanted = set(wanted)
    for obj in list(uow.session.identity_map.values()):  # keep objects of these rows in step with them
        if isinstance(obj, Attachment) and obj.public_id in wanted:
            projection.set_committed(obj, {"case_id": case.id, "field": field})


def link(uow, actor, case, public_ids, field):
    """Attach uploads to a case; only the uploader's own, not yet linked elsewhere."""
    wanted = [str(public_id) for public_id in public_ids]
    if not wanted:
        return
    linked = dict(uow.session.connection().execute(_LINK, {
        "b_public_ids": wanted, "b_uploader_id": actor.id, "b_case_id": case.id, "b_field": field or "",
        "case_id": case.id, "field": field}).all())
    refused = [public_id for public_id in wanted if public_id not in linked.values()]
    if refused:
        raise ValidationFailed("附件无效 / unknown attachment", fields={field: f"unknown attachment {refused[0]}"})
    for row_id in linked:  # keep an object of the row already in this session in step with it
        obj = projection.loaded_object(uow.session, Attachment, row_id)
        if obj is not None:
            projection.set_committed(obj, {"case_id": case.id, "field": field})


def unlink_dropped(uow, case, field, dropped, still_used):
    """Take files a task's saved draft had put on the case, and that a later draft or the submission left out,
    off the case again (back to their uploader's own uploads): a photo removed from a draft must not stay on the
    case for everyone on it to see. Files that `still_used` names (a completed step's submission or another
    task's draft refers to them) stay. Returns the public ids taken off."""
    ids = sorted(set(dropped) - set(still_used))
    if not ids:
        return []
    rows = uow.session.connection().execute(_UNLINK, {"b_ids": ids, "b_case_id": case.id, "b_field": field}).all()
    for row_id, _public_id in rows:
        obj = projection.loaded_object(uow.session, Attachment, row_id)
        if obj is not None:
            projection.set_committed(obj, {"case_id": None, "field": ""})
    return sorted(public_id for _row_id, public_id in rows)


_UNLINK = update(_table).where(_table.c.public_id.in_(bindparam("b_ids", expanding=True)),
                               _table.c.case_id == bindparam("b_case_id"), _table.c.field == bindparam("b_field")) \
    .values(case_id=None, field="").returning(_table.c.id, _table.c.public_id)


def for_case(session, case_id):
    return session.query(Attachment).filter_by(case_id=case_id).order_by(Attachment.id).all()


def open_for_user(uow, user, public_id, upload_dir):
    """(attachment, path) if the user may see it: the uploader, or anyone who may see its case or its inspection
    visit; a supervision check's or a re-inspection's file: whoever sees that record; a notice's file: anyone who may
    read the notice (its recipients' staff, and the bureau's side); an archive document's: anyone who may read the
    enterprise's archive; a training session's material: anyone who may read the session; a staff certificate's scan:
    its holder, administrators and project leads; a self-check's photo: whoever reads the self-check; a risk map's
    site plan: anyone who may read the enterprise's risk register; a meeting's file: anyone who may read its minutes; a
    question's file: anyone who may read the question; a quality incident's recording: anyone who may read the
    incident; an effect evaluation's report scans and visit photos: its commissioners and named experts (not the
    enterprise).
    A public report's photos and an enforcement record's documents are served by their own pages, which know who may
    read them."""
    attachment = uow.session.query(Attachment).filter_by(public_id=public_id).first()
    # A public report's photos and an enforcement record's documents are served by their own pages only.
    if attachment is None or attachment.report_id is not None or attachment.enforcement_referral_id is not None:
        raise NotFound("attachment not found")
    if attachment.notice_id is not None:
        if not bureau_notices.may_read(user):
            raise NotFound("attachment not found")
        bureau_notices.get(uow.session, user, attachment.notice_id)
    elif attachment.check_id is not None or attachment.follow_up_id is not None:
        _record_visible(uow.session, user, attachment)
    elif attachment.document_id is not None:
        try:
            enterprise_documents.readable_document(uow.session, user, attachment.document_id)
        except (NotFound, NotAllowed):
            raise NotFound("attachment not found") from None
    elif attachment.certificate_id is not None:  # the holder's and its keepers' only
        staff_certificates.readable(uow.session, user, attachment.certificate_id)
    elif attachment.risk_plan_enterprise_id is not None:
        try:
            risk_map.readable_plan(uow.session, user, attachment.risk_plan_enterprise_id)
        except (NotFound, NotAllowed):
            raise NotFound("attachment not found") from None
    elif attachment.training_id is not None:
        if not trainings.may_read(user):
            raise NotFound("attachment not found")
        trainings.get(uow.session, user, attachment.training_id)
    elif attachment.meeting_id is not None:
        if not meetings.may_read(user) or not meetings.sees_minutes(
                user, meetings.get(uow.session, user, attachment.meeting_id)):
            raise NotFound("attachment not found")
    elif attachment.question_id is not None:
        try:
            questions.get_visible(uow.session, user, attachment.question_id)
        except (NotFound, NotAllowed):
            raise NotFound("attachment not found") from None
    elif attachment.self_check_id is not None:  # a self-check's photo: whoever reads the self-check
        self_checks.get_visible(uow.session, user, attachment.self_check_id)
    elif attachment.quality_incident_id is not None:  # enterprise staff: 404, like the incident
        if not quality_incidents.may_read(user):
            raise NotFound("attachment not found")
        quality_incidents.get(uow.session, user, attachment.quality_incident_id)
    elif attachment.effect_evaluation_id is not None:
        _evaluation_file_visible(uow.session, user, attachment)
    elif attachment.patrol_card_id is not None:  # a patrol card's photo: whoever reads the card
        try:
            patrol_cards.get_card(uow.session, user, attachment.patrol_card_id)
        except (NotFound, NotAllowed):
            raise NotFound("attachment not found") from None
    elif attachment.visit_id is not None:
        try:
            get_visible_visit(uow.session, user, attachment.visit_id)
        except NotFound:
            raise NotFound("attachment not found") from None
    elif attachment.case_id is None:
        if attachment.uploader_id != user.id:
            raise NotFound("attachment not found")
    else:
        get_visible_case(uow.session, user, attachment.case_id)
    return attachment, Path(upload_dir) / attachment.stored_name


def _evaluation_file_visible(session, user, attachment):
    """404 unless the user sees the evaluation's internal side (the enterprise reads its conclusion, not its files)."""
    evaluation = session.get(effect_evaluations.EffectEvaluation, attachment.effect_evaluation_id)
    try:
        evaluation = effect_evaluations.get_visible(session, user, evaluation.case_id)
    except (NotFound, NotAllowed):
        raise NotFound("attachment not found") from None
    if not effect_evaluations.sees_internal(user, evaluation):
        raise NotFound("attachment not found")


def _record_visible(session, user, attachment):
    """A file of a supervision check or a re-inspection: 404 unless the user sees that record (a check's files are
    not for those who see the case but not its checks)."""
    try:
        if attachment.check_id is not None:
            check = session.get(RectificationCheck, attachment.check_id)
            rectification_checks.get_visible(session, user, check.case_id, check.id)
        else:
            followups.get_visible(session, user, attachment.follow_up_id)
    except (NotFound, NotAllowed):
        raise NotFound("attachment not found") from None
