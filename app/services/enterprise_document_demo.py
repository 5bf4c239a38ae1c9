"""Demo data of the enterprises' safety archives (`make run`, services/demo.py): the chemical plant's archive is
complete and reviewed, but its licence and its emergency plan's revision fall due within the month and a welder's
certificate has expired (the scheduler tells the plant on its first run); the machinery works has two of its three
systems, one returned by the project team; the food company has nothing yet (the completeness list shows both)."""
import io
from datetime import timedelta

from flask import current_app

from ..clock import clock
from . import attachments, enterprise_documents
from .enterprise_documents import with_id_check_character as demo_id_number

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def seed(uow, users):
    today = clock.local_now().date()
    chemical, machinery = users["enterprise"], users["enterprise2"]
    team = users["project_team"]
    for kind, title in (("responsibility_system", "全员安全生产责任制（2026版）"),
                        ("management_rules", "安全生产管理制度汇编"),
                        ("operating_procedures", "岗位安全操作规程汇编")):
        row = _add(uow, chemical, kind, {"title": title, "valid_from": (today - timedelta(days=200)).isoformat()})
        enterprise_documents.review(uow, team, row.enterprise_id, row.id, "reviewed", "与企业存档原件一致")
    filed = today + timedelta(days=22) - timedelta(days=3 * 365 + 1)  # its revision falls due in about three weeks
    _add(uow, chemical, "emergency_plan", {"title": "生产安全事故综合应急预案", "number": "410782-2023-0117",
                                           "issuer": "县应急管理局", "valid_from": filed.isoformat()})
    _add(uow, chemical, "production_licence", {
        "title": "危险化学品安全生产许可证", "number": "（豫）WH安许证字〔2023〕000217", "issuer": "省应急管理厅",
        "valid_from": (today - timedelta(days=3 * 365 - 18)).isoformat(),
        "valid_to": (today + timedelta(days=18)).isoformat()})
    _add(uow, chemical, "manager_certificate", {
        "holder_name": "陈安全", "holder_id_number": demo_id_number("41078219800612003"), "category": "principal",
        "number": "HX-ZFR-2024-0031", "issuer": "市应急管理局", "valid_from": "2024-05-20", "valid_to": "2027-05-19"})
    _add(uow, chemical, "operator_certificate", {
        "holder_name": "赵电工", "holder_id_number": demo_id_number("41078219900305151"), "category": "electrical",
        "number": "T410782199003051518", "issuer": "市应急管理局", "valid_from": "2022-03-01",
        "valid_to": "2028-02-29"})
    _add(uow, chemical, "operator_certificate", {
        "holder_name": "钱焊工", "holder_id_number": demo_id_number("41078219871121203"), "category": "welding",
        "number": "T410782198711212036", "issuer": "市应急管理局",
        "valid_from": (today - timedelta(days=6 * 365)).isoformat(),
        "valid_to": (today - timedelta(days=5)).isoformat()})
    _add(uow, machinery, "responsibility_system", {"title": "安全生产责任制"})
    rules = _add(uow, machinery, "management_rules", {"title": "安全管理制度"})
    enterprise_documents.review(uow, team, rules.enterprise_id, rules.id, "returned",
                                "缺少有限空间作业和动火作业管理制度，请补充后重新上传")


def _add(uow, user, kind, values):
    stored = attachments.store_upload(uow, user, f"{values.get('title') or kind}.pdf", io.BytesIO(PDF),
                                      upload_dir=current_app.config["UPLOAD_DIR"],
                                      max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                                      field=enterprise_documents.FILE_FIELD)
    return enterprise_documents.create(uow, user, user.enterprise_id, kind, values, [stored.public_id])

