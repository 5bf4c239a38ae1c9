"""Files owned by a record (an attachment owner column of OWNER_COLUMNS): the user's own free uploads put on the
record, taken off again (back to the uploader's own uploads), and one of them looked up for its record's page. The
features' file modules (knowledge_files, meeting_files, training_files, quality_incident_files) keep their own rules
— which kinds, how many, who may — and call these for the statements they share."""
from sqlalchemy import update

from ..errors import NotFound, ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners

_table = Attachment.__table__
PDF_OR_IMAGE = _table.c.content_type.in_(("application/pdf",)) | _table.c.content_type.like("image/%")


def wanted_ids(file_ids):
    """The distinct public ids given, blanks dropped, sorted."""
    return sorted({str(i) for i in file_ids if i})


def link_own(uow, user, owner_column, owner_id, field, wanted, kinds, refusal):
    """Put the user's own free uploads among `wanted` (public ids) whose content type meets `kinds` on the owner; the
    public ids linked. ValidationFailed (`refusal`, under "files") when one of them is not such an upload."""
    if not wanted:
        return []
    linked = uow.session.connection().execute(
        update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                             free_of_owners(_table.c), kinds)
        .values({owner_column: owner_id, "field": field}).returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed(refusal, fields={"files": f"unknown attachment {refused[0]}"})
    return sorted(linked)


def detach(uow, owner_column, owner_id, file_ids):
    """Take files off the owner (back to their uploader's own uploads); the public ids taken off."""
    ids = wanted_ids(file_ids)
    if not ids:
        return []
    return sorted(uow.session.connection().execute(
        update(_table).where(_table.c.public_id.in_(ids), _table.c[owner_column] == owner_id)
        .values({owner_column: None, "field": ""}).returning(_table.c.public_id)).scalars().all())


def file_of(session, owner_column, owner_id, public_id):
    """A file of the owner (which the caller read through its feature's visibility rules); NotFound otherwise."""
    item = session.query(Attachment).filter_by(public_id=str(public_id), **{owner_column: owner_id}).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item
