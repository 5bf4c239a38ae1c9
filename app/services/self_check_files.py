"""The photos of a self-check's items (自查照片): the user's own free image uploads (through the common upload
endpoints, or the page's file inputs) put on the self-check, the attachment's owner `self_check_id`, `field`
"item:<self-check item id>". Served to whoever reads the self-check (services/attachments.py). On submit a reported
item's photos go over to the case it became (`hand_over`): the case's registration needs its photos, and a file has
one owner; the self-check's page then shows them through the case."""
from sqlalchemy import update as sql_update

from ..errors import ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners

MAX_PHOTOS = 10  # per item

_table = Attachment.__table__


def field_of(item):
    return f"item:{item.id}"


def attach(uow, user, row, item, file_ids, error_field):
    """Put the user's own free image uploads on `item` of the self-check `row`; the public ids linked.
    ValidationFailed under `error_field` for anything else, or more than MAX_PHOTOS on the item."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return []
    if len(photos_of(uow.session, item)) + len(wanted) > MAX_PHOTOS:
        raise ValidationFailed(f"每项最多 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos per item",
                               fields={error_field: f"每项最多 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos per "
                                                    "item"})
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), _table.c.content_type.like("image/%"))
        .values(self_check_id=row.id, field=field_of(item)).returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed("照片无效：只能附上自己上传的图片 / unknown photo: only your own image uploads",
                               fields={error_field: f"unknown attachment {refused[0]}"})
    return sorted(linked)


def remove(uow, row, public_id):
    """Take a photo off a draft's item (back to its uploader's own uploads); the item's code, None if no such photo."""
    found = uow.session.query(Attachment).filter_by(public_id=str(public_id), self_check_id=row.id).first()
    if found is None:
        return None
    field = found.field
    found.self_check_id, found.field = None, ""
    uow.session.flush()
    return field


def photos_of(session, item):
    return session.query(Attachment).filter_by(self_check_id=item.self_check_id, field=field_of(item)) \
        .order_by(Attachment.id).all()


def by_item(session, row):
    """{self-check item id: [attachments]} still on the self-check."""
    found = {}
    for attachment in session.query(Attachment).filter_by(self_check_id=row.id).order_by(Attachment.id):
        if attachment.field.startswith("item:") and attachment.field[5:].isdigit():
            found.setdefault(int(attachment.field[5:]), []).append(attachment)
    return found


def hand_over(uow, item, case, public_ids, field):
    """Move the item's photos `public_ids` from the self-check to `case` under `field` (in the submit's transaction);
    ValidationFailed when one is not the item's."""
    wanted = sorted({str(i) for i in public_ids})
    moved = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.self_check_id == item.self_check_id,
                                 _table.c.field == field_of(item))
        .values(self_check_id=None, case_id=case.id, field=field).returning(_table.c.public_id)).scalars().all()
    if set(moved) != set(wanted):
        raise ValidationFailed("照片无效 / unknown photo", fields={field: "unknown attachment"})
    for attachment in uow.session.query(Attachment).filter(Attachment.public_id.in_(wanted)):
        uow.session.refresh(attachment)
