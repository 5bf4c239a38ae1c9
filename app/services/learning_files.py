"""A lesson's file (services/learning_edit.py): a video lesson's MP4 / WebM / MOV or a document lesson's PDF — the
editor's own free upload put on the lesson, the attachment's owner `lesson_id` (one owner at most, the table's CHECK)
— served to whoever may open the lesson (services/learning.py); a new file replaces the old one, which goes back to
its uploader's own uploads. One file per lesson."""
from sqlalchemy import update as sql_update

from ..errors import NotFound, ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners
from .attachments import VIDEO_TYPES

FILE_TYPES = {"video": VIDEO_TYPES, "document": ("application/pdf",), "text": ()}
FIELD = "lesson"

_table = Attachment.__table__


def _refuse(message):
    raise ValidationFailed(message, fields={"files": message})


def check_kind(files, kind):
    """The lesson's kept files must suit a kind it is changed to."""
    if any(f.content_type not in FILE_TYPES[kind] for f in files):
        _refuse("课时类型与已上传的文件不符，请同时上传新文件 / the file does not suit that kind: upload a new one with it")


def attach(uow, user, lesson, file_ids, kind=None):
    """Put the user's own free upload on the lesson: a video for a video lesson, a PDF for a document; the public
    ids linked. ValidationFailed for another's upload, one already on something else, the wrong type, or a second
    file."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return []
    kind = kind or lesson.kind
    if kind == "text":
        _refuse("图文课时不附文件 / a text lesson has no file")
    held = uow.session.query(Attachment).filter_by(lesson_id=lesson.id).count()
    if held + len(wanted) > 1:
        _refuse("每个课时一个文件 / one file per lesson")
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), _table.c.content_type.in_(FILE_TYPES[kind]))
        .values(lesson_id=lesson.id, field=FIELD).returning(_table.c.public_id)).scalars().all()
    if sorted(linked) != wanted:
        _refuse("文件无效：视频课时须上传 MP4、WebM 或 MOV 视频，文档课时须上传 PDF / unknown file: a video lesson takes "
                "your own MP4, WebM or MOV upload, a document lesson your own PDF")
    uow.session.expire(lesson, ["files"])
    return sorted(linked)


def detach_all(uow, lesson):
    """Take the lesson's files off (back to their uploader's own uploads); their public ids."""
    removed = uow.session.connection().execute(
        sql_update(_table).where(_table.c.lesson_id == lesson.id).values(lesson_id=None, field="")
        .returning(_table.c.public_id)).scalars().all()
    uow.session.expire(lesson, ["files"])
    return sorted(removed)


def file_of(session, lesson, public_id):
    """A file of `lesson` (which the caller read through learning.lesson_of); NotFound otherwise."""
    item = session.query(Attachment).filter_by(public_id=str(public_id), lesson_id=lesson.id).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item
