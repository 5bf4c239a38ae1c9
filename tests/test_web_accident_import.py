"""The accident history's import through the browser's pages (/supervision/accidents/import): check, confirm, the
refusals, and who may."""
import io
import re

from app.extensions import db
from app.models import AccidentRecord, AuditEvent
from test_web_support import text

IMPORT = "/supervision/accidents/import"


def check(client, data, filename="事故.csv"):
    return client.post(IMPORT, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def history(code, *rows):
    lines = ["统一社会信用代码,事故日期,事故等级,事故类别,死亡人数"] + [f"{code},{row}" for row in rows]
    return "\n".join(lines).encode("utf-8-sig")


def test_bureau_checks_and_confirms_then_a_second_import_adds_nothing(people, login):
    bureau, code = login("bureau"), people.enterprise_a.credit_code
    assert "统一社会信用代码" in text(bureau.get(IMPORT))
    data = history(code, "2025-03-09,较大,高处坠落,3", "2021-01-05,一般,物体打击,0")
    page = text(check(bureau, data))
    assert "新增 2 条，已有记录 0 条，有错误 0 行" in page and db.session.query(AccidentRecord).count() == 0
    form = {"token": re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1), "filename": "事故.csv"}
    done = bureau.post(f"{IMPORT}/confirm", data=form)
    assert done.status_code == 302 and db.session.query(AccidentRecord).count() == 2
    assert "新增事故记录 2 条" in text(bureau.get("/supervision/priorities"))
    assert db.session.query(AuditEvent).filter_by(action="accidents_imported").count() == 1
    again = text(check(bureau, data))
    assert "新增 0 条，已有记录 2 条" in again and "disabled" in again
    assert bureau.post(f"{IMPORT}/confirm", data=form).status_code == 302  # the file is gone: nothing twice
    assert db.session.query(AccidentRecord).count() == 2


def test_wrong_rows_and_files_are_reported_and_nothing_is_written(people, login):
    admin = login("admin")
    bad = check(admin, history(people.enterprise_a.credit_code, "明年,一般,坍塌,0", "2025-01-01,小,坍塌,x"))
    page = text(bad)
    assert bad.status_code == 400 and "有错误 2 行" in page and 'name="token"' not in page
    assert re.search(r'<td class="num">2</td>\s*<td><p class="field-error">事故日期：', page)
    unusable = check(admin, b"\xd0\xcf\x11\xe0", "old.xls")
    assert unusable.status_code == 400 and 'id="err-file"' in text(unusable)
    none = admin.post(IMPORT, data={}, content_type="multipart/form-data")
    assert none.status_code == 400 and "请选择要导入的文件" in text(none)
    assert db.session.query(AccidentRecord).count() == 0


def test_only_the_bureau_and_admins_import(people, login, client):
    for who in ("project_lead", "manager", "inspector", "ent_a"):
        other = login(who)
        assert other.get(IMPORT).status_code == 403
        assert check(other, history(people.enterprise_a.credit_code, "2025-01-01,一般,坍塌,0")).status_code == 403
        assert other.post(f"{IMPORT}/confirm", data={"token": "0" * 32, "filename": "a.csv"}).status_code == 403
    assert client.get(IMPORT).status_code == 302
    assert "导入事故记录" not in text(login("manager").get("/supervision/priorities"))
    assert "导入事故记录" in text(login("bureau").get("/supervision/priorities"))
