"""Shared by the warning-case tests: a library entry of the first enterprise's case with two photos in the upload
directory (one a JPEG carrying GPS tags, named after the enterprise), its public version, publishing and withdrawing
through the services, and enterprises in chosen industries and townships."""
import io

from flask import current_app
from PIL import Image

from app.extensions import db
from app.models import Attachment
from app.services import attachments, case_publications, warning_cases
from app.services.uow import UnitOfWork
from tests.bureau_notice_support import add_enterprise, in_session
from tests.test_typical_cases import add, closed_after_two_rounds

PUBLIC = {"title": "配电线路整改不到位反复出现的警示",
          "body": "某化工企业配电房线路老化、未接地，首轮整改只换线未做接地检测，复核未通过。\n\n"
                  "警示：整改要对照要求逐项落实，电气整改须做接地检测并留存记录。"}


def gps_jpeg():
    """A small JPEG whose EXIF says where it was taken."""
    image = Image.new("RGB", (16, 12), "orange")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 27.0, 0.0), 3: "E", 4: (113.0, 48.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def photo_on_case(user, case_id, name, data):
    """An image stored in the app's upload directory and put on the case (as a registration photo)."""
    with UnitOfWork() as uow:
        stored = attachments.store_upload(uow, user, name, io.BytesIO(data), current_app.config["UPLOAD_DIR"],
                                          200_000)
        stored.case_id, stored.field = case_id, "photos"
        uow.commit()
        return stored.id


def entry_with_photos(people):
    """(the library entry of a closed case of enterprise A, [its two photo ids in the upload directory])."""
    case_id = closed_after_two_rounds(people)
    entry = add(people.quality, case_id)
    ids = [photo_on_case(people.inspector, case_id, f"{people.enterprise_a.name}配电房.jpg", gps_jpeg()),
           photo_on_case(people.inspector, case_id, "接地.jpg", gps_jpeg())]
    return entry, ids


def case_photo_ids(case_id):
    return [a.id for a in db.session.query(Attachment).filter_by(case_id=case_id).order_by(Attachment.id)]


def publish(user, entry_id, **changes):
    with UnitOfWork() as uow:
        row = case_publications.publish(uow, in_session(user), entry_id, {**PUBLIC, **changes})
        uow.commit()
        return row.id


def withdraw(user, publication_id, reason="文字需更正"):
    with UnitOfWork() as uow:
        case_publications.withdraw(uow, in_session(user), publication_id, reason)
        uow.commit()


def learn(user, publication_id):
    with UnitOfWork() as uow:
        receipt, recorded = warning_cases.confirm_learned(uow, in_session(user), publication_id)
        uow.commit()
        return receipt, recorded


def more_enterprises():
    """Three more: 化工 in 滨江工业园区, 机械 in 滨江工业园区, 化工 in 城关镇 (A is 化工 / 城关镇, B 机械 / 城关镇)."""
    return (add_enterprise("丙化工科技", "滨江工业园区", "化工", 1),
            add_enterprise("丁机械配件", "滨江工业园区", "机械", 2),
            add_enterprise("戊化工材料", "城关镇", "化工", 3))
