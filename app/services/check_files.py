"""Photos and files of a supervision check (督导检查) or a re-inspection after closing (回头看): uploaded through the
same endpoints as a case's (services/attachments.py: kind sniffed from the content, size-limited, EXIF and device
position), then put on the record when it is saved. They belong to the record, not to the case (the attachment
table's one-owner CHECK), so they are served to whoever sees that record — for a check, the check readers and the
case's own enterprise (rectification_checks.may_see_checks) — and stay off the case's own attachments. Linked files
are not taken off again: like the readings, they are the record of what was seen on site."""
from sqlalchemy import bindparam, update

from ..errors import ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners
from . import projection

FIELD = "check_files"
MAX_FILES = 20

_table = Attachment.__table__
# Only the actor's own uploads that belong to nothing yet.
_FREE = free_of_owners(_table.c)


def clean_ids(public_ids, errors):
    """The public ids of the uploads to put on the record, each once."""
    if not isinstance(public_ids, (list, tuple, type(None))):
        errors[FIELD] = "附件应为列表 / files must be a list"
        return []
    wanted = list(dict.fromkeys(str(p).strip() for p in (public_ids or ()) if str(p).strip()))
    if len(wanted) > MAX_FILES:
        errors[FIELD] = f"一次最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files"
    return wanted


def link(uow, actor, public_ids, check=None, follow_up=None):
    """Put the actor's free uploads on the check or the re-inspection; returns the files. ValidationFailed when one
    of them is not the actor's own free upload (and the caller's transaction is rolled back)."""
    if check is not None:
        return link_to(uow, actor, public_ids, "check_id", check)
    return link_to(uow, actor, public_ids, "follow_up_id", follow_up)


def link_to(uow, actor, public_ids, owner_column, owner, field=FIELD, error_field=FIELD):
    """Put the actor's free uploads on `owner` (its id in the attachment's `owner_column`, one of OWNER_COLUMNS)
    under `field`; returns the files. ValidationFailed under `error_field` when one of them is not the actor's own
    free upload (and the caller's transaction is rolled back). `owner.files` is expired (loaded before, perhaps)."""
    if not public_ids:
        return []
    values = {owner_column: owner.id}
    statement = update(_table).where(_table.c.public_id.in_(bindparam("ids", expanding=True)),
                                     _table.c.uploader_id == actor.id, _FREE) \
        .values(field=field, **values).returning(_table.c.id, _table.c.public_id)
    linked = dict(uow.session.connection().execute(statement, {"ids": list(public_ids)}).all())
    refused = [p for p in public_ids if p not in linked.values()]
    if refused:
        raise ValidationFailed(f"附件无效：{refused[0]} / unknown attachment {refused[0]}",
                               fields={error_field: f"附件无效：{refused[0]} / unknown attachment {refused[0]}"})
    for row_id in linked:  # an object of the row already in this session follows it
        obj = projection.loaded_object(uow.session, Attachment, row_id)
        if obj is not None:
            projection.set_committed(obj, {"field": field, **values})
    uow.session.expire(owner, ["files"])
    return uow.session.query(Attachment).filter(Attachment.id.in_(linked)).order_by(Attachment.id).all()
