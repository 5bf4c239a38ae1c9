"""Shared by the archive tests (企业安全管理档案): ID numbers with their check character, uploads and documents made
through the services."""
import io

from flask import current_app

from app.extensions import db
from app.models import Notification, User
from app.services import attachments, enterprise_documents
from app.services.uow import UnitOfWork

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17="41078219850315123"):
    """An 18-character ID number with the right GB 11643 check character."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


LICENCE = {"number": "（豫）WH安许证字〔2025〕000123", "issuer": "河南省应急管理厅", "valid_from": "2025-01-10",
           "valid_to": "2028-01-09"}
PLAN = {"number": "410782-2026-0042", "issuer": "辉县市应急管理局", "valid_from": "2026-03-01"}


def operator(**changes):
    return {"holder_name": "王电工", "holder_id_number": id_number(), "number": "T410782198503151234",
            "category": "electrical", "issuer": "新乡市应急管理局", "valid_from": "2021-06-01",
            "valid_to": "2027-05-31", **changes}


def in_session(user):
    return db.session.get(User, user.id)


def upload(user, name="scan.pdf", data=PDF):
    with UnitOfWork() as uow:
        row = attachments.store_upload(uow, in_session(user), name, io.BytesIO(data),
                                       upload_dir=current_app.config["UPLOAD_DIR"],
                                       max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                                       field=enterprise_documents.FILE_FIELD)
        uow.commit()
        return row.public_id


def add(user, kind, files=None, enterprise_id=None, **values):
    files = [upload(user)] if files is None else files
    with UnitOfWork() as uow:
        row = enterprise_documents.create(uow, in_session(user), enterprise_id or user.enterprise_id, kind, values,
                                          files)
        uow.commit()
        return row.id


def change(user, document_id, values, files=(), removed=(), version=None, enterprise_id=None):
    with UnitOfWork() as uow:
        row = enterprise_documents.update(uow, in_session(user), enterprise_id or user.enterprise_id, document_id,
                                          values, files, removed, version)
        uow.commit()
        return row.version


def review(user, enterprise_id, document_id, decision="reviewed", note="", version=None):
    with UnitOfWork() as uow:
        enterprise_documents.review(uow, in_session(user), enterprise_id, document_id, decision, note, version)
        uow.commit()


def retire(user, document_id, reason="人员已离职"):
    with UnitOfWork() as uow:
        enterprise_documents.retire(uow, in_session(user), user.enterprise_id, document_id, reason)
        uow.commit()


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).count()
