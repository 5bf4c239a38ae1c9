"""The PDF of a knowledge base entry (the text of a law or standard; services/knowledge_edit.py): the editor's own
free PDF uploads put on the entry — the attachment's owner `knowledge_entry_id` (one owner at most, the table's
CHECK) — served to whoever reads the entry (services/knowledge.py), taken off again by an edit (back to the
uploader's own uploads). The files are not versioned: the entry's history names each one added or taken off."""
from sqlalchemy import update as sql_update

from ..errors import NotFound, ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners

FILE_TYPES = ("application/pdf",)
MAX_FILES = 5

_table = Attachment.__table__


def attach(uow, user, row, file_ids):
    """Put the user's own free PDF uploads on the entry; the public ids linked. ValidationFailed for another's
    upload, one already on something else, a file that is not a PDF, or more than MAX_FILES on the entry."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return []
    held = uow.session.query(Attachment).filter_by(knowledge_entry_id=row.id).count()
    if held + len(wanted) > MAX_FILES:
        raise ValidationFailed(f"每个条目最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files per entry",
                               fields={"files": f"at most {MAX_FILES} files"})
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), _table.c.content_type.in_(FILE_TYPES))
        .values(knowledge_entry_id=row.id, field="knowledge").returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 文件 / unknown attachment: only your own PDF uploads",
                               fields={"files": f"unknown attachment {refused[0]}"})
    return sorted(linked)


def detach(uow, row, file_ids):
    """Take files off the entry (back to their uploader's own uploads); the public ids taken off."""
    ids = sorted({str(i) for i in file_ids if i})
    if not ids:
        return []
    return sorted(uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(ids), _table.c.knowledge_entry_id == row.id)
        .values(knowledge_entry_id=None, field="").returning(_table.c.public_id)).scalars().all())


def file_of(session, row, public_id):
    """A file of the entry `row` (which the caller read through knowledge.get); NotFound otherwise."""
    item = session.query(Attachment).filter_by(public_id=str(public_id), knowledge_entry_id=row.id).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item
