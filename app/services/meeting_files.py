"""A meeting's files (会议材料: the signed minutes' scan, slides, the attendance sheet): the uploader's own free uploads
(PDF or images, through the common upload endpoints) put on the meeting — the attachment's owner `meeting_id`, one
owner at most (the table's CHECK) — served to whoever may read the meeting's minutes (services/meetings.py), taken
off again by an edit (back to the uploader's own uploads)."""
from sqlalchemy import update as sql_update

from ..errors import NotFound, ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners

FILE_TYPES = ("application/pdf",)  # and images

_table = Attachment.__table__


def attach(uow, user, row, file_ids):
    """Put the user's own free uploads (PDF or images) on the meeting; the public ids linked."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return []
    kinds = _table.c.content_type.in_(FILE_TYPES) | _table.c.content_type.like("image/%")
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), kinds)
        .values(meeting_id=row.id, field="meeting").returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image "
                               "uploads", fields={"files": f"unknown attachment {refused[0]}"})
    return sorted(linked)


def detach(uow, row, file_ids):
    """Take files off the meeting (back to their uploader's own uploads); the public ids taken off."""
    ids = sorted({str(i) for i in file_ids if i})
    if not ids:
        return []
    return sorted(uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(ids), _table.c.meeting_id == row.id)
        .values(meeting_id=None, field="").returning(_table.c.public_id)).scalars().all())


def file_of(session, row, public_id):
    """A file of the meeting `row` (which the caller read through meetings.get); NotFound otherwise."""
    item = session.query(Attachment).filter_by(public_id=str(public_id), meeting_id=row.id).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item
