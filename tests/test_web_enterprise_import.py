"""The enterprise register's import (check, then confirm) and export pages: /admin/enterprises/import, /export.*"""
import io
import re

import pytest

from app.models import AuditEvent, Enterprise
from test_enterprise_import import CODE_1, CODE_2, HEADER, csv_bytes, xlsx_bytes
from test_web_support import csv_rows, text

IMPORT = "/admin/enterprises/import"


def check(client, data, filename="名录.csv"):
    return client.post(IMPORT, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def confirmation(page):
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)
    filename = re.search(r'name="filename" value="([^"]+)"', page).group(1)
    return {"token": token, "filename": filename}


def test_check_shows_the_plan_and_confirm_imports_it_once(people, login):
    admin = login("admin")
    assert "统一社会信用代码" in text(admin.get(IMPORT))
    known = people.enterprise_a
    response = check(admin, xlsx_bytes([HEADER, ["丙化工有限公司", CODE_1, "城东园区", "化工", 12, ""],
                                        [known.name, known.credit_code, "新区", "", "", ""]]), "名录.xlsx")
    page = text(response)
    assert response.status_code == 200
    assert "新增 1 家，更新 1 家" in page and 'data-action="add"' in page and "城关镇 → 新区" in page
    assert Enterprise.query.filter_by(credit_code=CODE_1).count() == 0  # the check writes nothing

    form = confirmation(page)
    done = admin.post(f"{IMPORT}/confirm", data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/enterprises")
    assert "已导入 名录.xlsx：新增 1 家，更新 1 家" in text(admin.get("/admin/enterprises"))
    assert Enterprise.query.filter_by(credit_code=CODE_1).one().employees == 12
    assert AuditEvent.query.filter_by(action="enterprises_imported").count() == 1
    assert "导入企业名录" in text(admin.get("/audit?scope=system"))

    again = admin.post(f"{IMPORT}/confirm", data=form)  # the waiting file is gone: no second import
    assert again.status_code == 302 and "已过期或不存在" in text(admin.get(IMPORT))
    assert AuditEvent.query.filter_by(action="enterprises_imported").count() == 1


def test_wrong_rows_are_listed_with_their_line_and_nothing_can_be_confirmed(people, login):
    admin = login("admin")
    response = check(admin, csv_bytes([HEADER[:2], ["好", CODE_1], ["坏", "123"], ["", CODE_2]]))
    page = text(response)
    assert response.status_code == 400
    assert "有错误 2 行" in page and "未导入任何数据" in page
    errors = page.split('class="table import-errors"')[1]
    assert re.search(r'<td class="num">3</td>.*统一社会信用代码：统一社会信用代码应为18位', errors, re.S)
    assert re.search(r'<td class="num">4</td>.*企业名称：请填写企业名称', errors, re.S)
    assert 'name="token"' not in page
    assert Enterprise.query.count() == 2


@pytest.mark.parametrize("data, filename, message", [
    (None, None, "请选择要导入的文件"),
    (b"\xd0\xcf\x11\xe0", "old.xls", "另存为 .xlsx 或 CSV"),
    ("企业名称\n甲".encode(), "a.csv", "缺少列：统一社会信用代码"),
])
def test_an_unusable_file_gets_its_error_next_to_the_file_field(people, login, data, filename, message):
    admin = login("admin")
    if data is None:
        response = admin.post(IMPORT, data={}, content_type="multipart/form-data")
    else:
        response = check(admin, data, filename)
    page = text(response)
    assert response.status_code == 400
    assert re.search(r'<p class="field-error" id="err-file">[^<]*' + re.escape(message), page)


def test_too_large_a_file(app, people, login):
    limit = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 100
    try:
        response = check(login("admin"), csv_bytes([HEADER[:2]] + [["x" * 50, CODE_1]] * 3))
    finally:
        app.config["MAX_UPLOAD_BYTES"] = limit
    assert response.status_code == 400 and "文件太大" in text(response)


def test_a_check_is_confirmed_only_by_the_administrator_who_made_it(people, login, make_user):
    make_user("admin2", "admin")
    page = text(check(login("admin"), csv_bytes([HEADER[:2], ["癸厂", CODE_1]])))
    form = confirmation(page)
    other = login("admin2")
    for data in (form, dict(form, token="../../etc/passwd"), dict(form, filename="x.exe")):
        response = other.post(f"{IMPORT}/confirm", data=data)
        assert response.status_code == 302
    assert Enterprise.query.filter_by(credit_code=CODE_1).count() == 0
    assert login("admin").post(f"{IMPORT}/confirm", data=form).status_code == 302
    assert Enterprise.query.filter_by(credit_code=CODE_1).count() == 1


def test_exports_read_back_and_follow_the_language(people, login):
    admin = login("admin")
    rows = csv_rows(admin.get("/admin/enterprises/export.csv"))
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"] and {r[0] for r in rows[1:]} == {"甲化工有限公司", "乙机械制造厂"}
    workbook = admin.get("/admin/enterprises/export.xlsx")
    assert workbook.status_code == 200 and workbook.headers["Content-Disposition"].endswith('.xlsx"')
    page = text(check(admin, workbook.data, "export.xlsx"))
    assert "无变化 2 家" in page and "<button type=\"submit\" class=\"btn primary\" disabled>" in page
    admin.get("/lang/en?next=/")
    assert csv_rows(admin.get("/admin/enterprises/export.csv"))[0][:2] == ["Name", "Unified social credit code"]


@pytest.mark.parametrize("who", ["project_lead", "manager", "ent_a"])
def test_other_roles_get_403(people, login, who):
    client = login(who)
    assert client.get(IMPORT).status_code == 403
    assert check(client, csv_bytes([HEADER[:2], ["癸厂", CODE_1]])).status_code == 403
    assert client.post(f"{IMPORT}/confirm", data={"token": "0" * 32, "filename": "a.csv"}).status_code == 403
    assert client.get("/admin/enterprises/export.csv").status_code == 403
    assert client.get("/admin/enterprises/export.xlsx").status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(IMPORT).status_code == 302
    assert client.get("/admin/enterprises/export.csv").status_code == 302
