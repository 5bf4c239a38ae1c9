"""The files of an enterprise's question (附件上传, seed 000 line 710): the asker's — or a replier's — own free uploads
(PDF or images, through the common upload endpoints) put on the question, the attachment's tenth owner, `question_id`
(one owner at most, the table's CHECK); `field` says whether a file came with the question itself ("question") or with
a message of its thread ("message:<id>"). Served to whoever reads the question (services/questions.py)."""
from sqlalchemy import update as sql_update

from ..errors import NotFound, ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners

FILE_TYPES = ("application/pdf",)  # and images

_table = Attachment.__table__


def attach(uow, user, question, file_ids, field):
    """Put the user's own free uploads (PDF or images) on the question under `field`; the public ids linked."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return []
    kinds = _table.c.content_type.in_(FILE_TYPES) | _table.c.content_type.like("image/%")
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), kinds)
        .values(question_id=question.id, field=field).returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image "
                               "uploads", fields={"files": f"unknown attachment {refused[0]}"})
    return sorted(linked)


def by_field(question):
    """{field: [attachments]} of the question ("question", "message:<id>")."""
    found = {}
    for item in question.attachments:
        found.setdefault(item.field, []).append(item)
    return found


def file_of(session, question, public_id):
    """A file of the question `question` (which the caller read through questions.get_visible); NotFound otherwise."""
    item = session.query(Attachment).filter_by(public_id=str(public_id), question_id=question.id).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item
