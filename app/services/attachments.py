"""Photos and files: sniffed by content, size-limited, stored outside the web root under random names."""
import hashlib
import secrets
from pathlib import Path

from sqlalchemy import and_, bindparam, or_, update

from ..clock import clock
from ..errors import NotFound, ValidationFailed
from ..models import Attachment
from . import projection
from .access import get_visible_case

# Accepted kinds, recognised by their first bytes (the client's content type is not trusted).
_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"%PDF-", "application/pdf", ".pdf"),
]


def sniff(head):
    for signature, content_type, suffix in _SIGNATURES:
        if head.startswith(signature):
            return content_type, suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None, None


def store_upload(uow, actor, filename, stream, upload_dir, max_bytes, field=""):
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationFailed(f"文件超过大小限制 {max_bytes // (1024 * 1024)} MB / file too large",
                               fields={field or "file": "too large"})
    if not data:
        raise ValidationFailed("空文件 / empty file", fields={field or "file": "empty"})
    content_type, suffix = sniff(data[:16])
    if content_type is None:
        raise ValidationFailed("只接受 JPEG、PNG、GIF、WebP 图片或 PDF 文件 / only images and PDF are accepted",
                               fields={field or "file": "unsupported type"})
    stored_name = secrets.token_hex(16) + suffix
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / stored_name).write_bytes(data)
    attachment = Attachment(public_id=secrets.token_hex(8), uploader_id=actor.id,
                            original_name=(filename or "upload")[:255], stored_name=stored_name,
                            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                            field=field or "", created_at=clock.now())
    uow.session.add(attachment)
    uow.session.flush()
    return attachment


_table = Attachment.__table__
# Only the uploader's own uploads, not linked to another case, or files already on this case for the same field
# (a task's saved draft linked them, and a colleague finishes the task); what it did not link is refused (and the
# caller's transaction, with this statement, rolled back).
_LINK = update(_table).where(_table.c.public_id.in_(bindparam("b_public_ids", expanding=True)), or_(
    and_(_table.c.uploader_id == bindparam("b_uploader_id"),
         or_(_table.c.case_id.is_(None), _table.c.case_id == bindparam("b_case_id"))),
    and_(_table.c.case_id == bindparam("b_case_id"), _table.c.field == bindparam("b_field")))) \
    .values(case_id=bindparam("case_id"), field=bindparam("field")).returning(_table.c.id, _table.c.public_id)


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


def for_case(session, case_id):
    return session.query(Attachment).filter_by(case_id=case_id).order_by(Attachment.id).all()


def open_for_user(uow, user, public_id, upload_dir):
    """(attachment, path) if the user may see it: the uploader, or anyone who may see its case."""
    attachment = uow.session.query(Attachment).filter_by(public_id=public_id).first()
    if attachment is None:
        raise NotFound("attachment not found")
    if attachment.case_id is None:
        if attachment.uploader_id != user.id:
            raise NotFound("attachment not found")
    else:
        get_visible_case(uow.session, user, attachment.case_id)
    return attachment, Path(upload_dir) / attachment.stored_name
