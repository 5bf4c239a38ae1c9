"""The 一企一档 dossier ZIP (services/enterprise_dossier.py) from the outside: its index with the "as of" moment and
every file, the cases, documents and platform entry as CSV, the archive's stored files; who gets it (staff who see
the enterprise; another area's township office and every enterprise user 404, roles without business 403); 413
beyond the size cap."""
import csv
import io
import zipfile

from app.clock import clock
from app.extensions import db
from app.models import HazardCase
from tests.document_support import PDF, add
from tests.risk_support import township_user
from tests.test_lifecycle_service import register
from tests.test_platform_entries import record
from tests.test_web_support import text


def rows_of(archive, name):
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_the_dossier_holds_the_index_the_records_and_the_files(people, login):
    ent = people.enterprise_a
    case_id = register(people, enterprise=ent)
    doc_id = add(people.ent_a, "management_rules")
    record(people.project_team, ent, note="=1+1")
    register(people, enterprise=people.enterprise_b)  # another enterprise's case stays out
    response = login("bureau").get(f"/supervision/enterprises/{ent.id}/dossier.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"dossier-{ent.id}-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    index = rows_of(archive, "index.csv")
    assert index[0] == ["一企一档", ent.name]
    assert index[4][0] == "截至" and index[4][1].startswith(clock.local_now().strftime("%Y-%m-%d %H:%M"))
    listed = {r[0]: r for r in index[8:]}
    for name in ("cases.csv", "visits.csv", "checks.csv", "trainings.csv", "drills.csv", "documents.csv",
                 "credit_records.csv", "notice_receipts.csv", "platform_entries.csv"):
        assert name in archive.namelist() and name in listed
    assert listed["cases.csv"][2] == "1" and listed["documents.csv"][2] == "1"
    case = db.session.get(HazardCase, case_id)
    cases = rows_of(archive, "cases.csv")
    assert cases[0][:2] == ["编号", "来源"] and len(cases) == 2 and cases[1][0] == case.code
    assert cases[1][5] == {"general": "一般隐患", "larger": "较大隐患", "major": "重大隐患", None: ""}[case.grade]
    assert cases[1][6] and cases[1][9].startswith(case.registered_at.astimezone(clock.local_now().tzinfo)
                                                 .strftime("%Y-%m-%d"))
    documents = rows_of(archive, "documents.csv")
    assert documents[1][0] == str(doc_id) and documents[1][1] == "安全管理制度" and documents[1][-1] == "1"
    entries = rows_of(archive, "platform_entries.csv")
    assert entries[1][:3] == ["河北省“互联网+安全生产”平台", "企业基本信息", "已录入"] and entries[1][-1] == "'=1+1"
    (stored,) = [n for n in archive.namelist() if n.startswith("files/")]
    assert stored.startswith(f"files/{doc_id}-安全管理制度/") and stored.endswith("-scan.pdf")
    assert archive.read(stored) == PDF and stored in listed


def test_who_gets_the_dossier(people, login, make_user, make_enterprise):
    a = people.enterprise_a
    far = make_enterprise("远郊化工")
    far.township = "海港区"
    db.session.commit()
    url = "/supervision/enterprises/{}/dossier.zip"
    for who in ("ent_a", "ent_b"):
        assert login(who).get(url.format(a.id)).status_code == 404  # no dossier for enterprise staff, own or not
    township_user(make_user, "城关镇")
    town = login("town")
    assert town.get(url.format(a.id)).status_code == 200
    assert town.get(url.format(far.id)).status_code == 404
    assert login("process_owner").get(url.format(a.id)).status_code == 403
    assert login("inspector").get(url.format(far.id)).status_code == 200
    assert login("manager").get(url.format(9999)).status_code == 404


def test_beyond_the_size_cap_is_413(people, login, app):
    add(people.ent_a, "management_rules")
    app.config["MAX_DOSSIER_BYTES"] = 10
    try:
        refused = login("bureau").get(f"/supervision/enterprises/{people.enterprise_a.id}/dossier.zip")
    finally:
        app.config["MAX_DOSSIER_BYTES"] = 200 * 1024 * 1024
    assert refused.status_code == 413 and "超过" in text(refused)
