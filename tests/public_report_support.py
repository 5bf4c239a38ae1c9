"""Shared steps of the public reports' tests: file a report as the public does, and move it through the staff's
handling (services/public_reports.py, public_report_handling.py)."""
from app.extensions import db
from app.models import PublicReport
from app.services import public_report_handling as handling, public_reports
from app.services.uow import UnitOfWork

TEXT = "城关镇某化工厂仓库违规堆放危险化学品，已经多日无人整改"
PLACE = "城关镇工业路8号仓库"
REPLY = "经现场核查，举报情况属实，已责令企业立即整改。"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FORM = {"text": TEXT, "place": PLACE, "enterprise_id": "", "anonymous": "1", "name": "", "phone": "", "consent": "1"}


def file(text=TEXT, place=PLACE, address="203.0.113.9", **kw):
    """A report filed through the service; (its id, its query code)."""
    with UnitOfWork() as uow:
        row = public_reports.file_report(uow, public_reports.Filing(text=text, place=place, consent=True, **kw),
                                         public_reports.address_key("test-secret", address))
        uow.commit()
        return row.id, row.code


def step(action, *args):
    with UnitOfWork() as uow:
        row = action(uow, *args)
        uow.commit()
        return row


def to_verifying(people, verifier=None):
    report_id, code = file()
    step(handling.accept, people.bureau, report_id)
    step(handling.assign, people.bureau, report_id, (verifier or people.inspector).id)
    return report_id, code


def to_confirmed(people):
    report_id, code = to_verifying(people)
    step(handling.verify, people.inspector, report_id, "true", "现场发现约20桶未登记的溶剂", REPLY)
    return report_id, code


def report(report_id):
    db.session.expire_all()
    return db.session.get(PublicReport, report_id)
