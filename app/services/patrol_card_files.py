"""The photos of a patrol card (巡检卡照片): the filler's own free image uploads (the page's file input, or the API's
upload endpoint) put on the card when it is filled, the attachment's owner `patrol_card_id`. Served to whoever reads
the card (services/attachments.py)."""
from sqlalchemy import update as sql_update

from ..errors import ValidationFailed
from ..models import Attachment
from ..models.attachment import free_of_owners

MAX_PHOTOS = 10  # per card

_table = Attachment.__table__


def attach(uow, user, card, public_ids, error_field="photos"):
    """Put the user's own free image uploads on `card`; the public ids linked. ValidationFailed under `error_field`
    for anything else, or more than MAX_PHOTOS."""
    wanted = sorted({str(i) for i in public_ids if i})
    if not wanted:
        return []
    if len(wanted) > MAX_PHOTOS:
        raise ValidationFailed(f"每张巡检卡最多 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos a card",
                               fields={error_field: f"每张巡检卡最多 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos "
                                                    "a card"})
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), _table.c.content_type.like("image/%"))
        .values(patrol_card_id=card.id, field="photos").returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed("照片无效：只能附上自己上传的图片 / unknown photo: only your own image uploads",
                               fields={error_field: f"unknown attachment {refused[0]}"})
    return sorted(linked)


def photos_of(session, card):
    return session.query(Attachment).filter_by(patrol_card_id=card.id).order_by(Attachment.id).all()
