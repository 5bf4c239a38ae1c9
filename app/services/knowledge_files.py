"""The PDF of a knowledge base entry (the text of a law or standard; services/knowledge_edit.py): the editor's own
free PDF uploads put on the entry — the attachment's owner `knowledge_entry_id` (one owner at most, the table's
CHECK) — served to whoever reads the entry (services/knowledge.py), taken off again by an edit (back to the
uploader's own uploads). The files are not versioned: the entry's history names each one added or taken off."""
from ..errors import ValidationFailed
from ..models import Attachment
from . import owned_files

FILE_TYPES = ("application/pdf",)
MAX_FILES = 5

_REFUSAL = "附件无效：只能附上自己上传的 PDF 文件 / unknown attachment: only your own PDF uploads"


def attach(uow, user, row, file_ids):
    """Put the user's own free PDF uploads on the entry; the public ids linked. ValidationFailed for another's
    upload, one already on something else, a file that is not a PDF, or more than MAX_FILES on the entry."""
    wanted = owned_files.wanted_ids(file_ids)
    if not wanted:
        return []
    held = uow.session.query(Attachment).filter_by(knowledge_entry_id=row.id).count()
    if held + len(wanted) > MAX_FILES:
        raise ValidationFailed(f"每个条目最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files per entry",
                               fields={"files": f"at most {MAX_FILES} files"})
    return owned_files.link_own(uow, user, "knowledge_entry_id", row.id, "knowledge", wanted,
                                Attachment.__table__.c.content_type.in_(FILE_TYPES), _REFUSAL)


def detach(uow, row, file_ids):
    """Take files off the entry (back to their uploader's own uploads); the public ids taken off."""
    return owned_files.detach(uow, "knowledge_entry_id", row.id, file_ids)


def file_of(session, row, public_id):
    """A file of the entry `row` (which the caller read through knowledge.get); NotFound otherwise."""
    return owned_files.file_of(session, "knowledge_entry_id", row.id, public_id)
