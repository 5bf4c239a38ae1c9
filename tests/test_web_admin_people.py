"""The enterprise register and the users administered in the browser (/admin/enterprises, /admin/users): real
HTTP through the test client, posting forms with the CSRF token read from the page, as a browser does."""
import re

import pytest

from app.extensions import db
from app.models import AuditEvent, Enterprise, HazardCase, User
from tests.conftest import PASSWORD
from tests.test_lifecycle_service import register
from tests.test_web_support import compile_translations, field_html, text

CODE = "91330100MA2H00017B"
ENTERPRISE = {"name": "城北新材料有限公司", "credit_code": CODE.lower(), "address": "城北工业园 8 号",
              "township": "城北工业园", "industry": "新材料", "main_products": "改性塑料粒子", "employees": "120",
              "safety_managers": "3", "special_workers": "11", "main_risks": "粉尘爆炸；挤出机高温",
              "major_hazard_sources": "", "contact_person": "赵安全", "contact_phone": "0571-88000017"}
NEW_PASSWORD = "zhao-pass-2026"


def new_user_form(**changes):
    form = {"username": "zhao", "display_name": "赵安全", "roles": ["enterprise"], "enterprise": CODE,
            "email": "zhao@example.com", "phone": "13800000017", "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD}
    form.update(changes)
    return form


def post_form(client, page_url, data, action=None):
    """GET the page, read the CSRF token from its form, POST the data with it (to the form's URL by default)."""
    page = client.get(page_url)
    assert page.status_code == 200, text(page)
    token = re.search(r'name="_csrf" value="([^"]+)"', text(page)).group(1)
    return client.post(action or page_url, data=dict(data, _csrf=token))


def log_in(app, username, password):
    client = app.test_client()
    return client, client.post("/login", data={"username": username, "password": password})


def audit_rows(action):
    return db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id).all()


def user(username):
    return db.session.query(User).filter_by(username=username).one()


# ---- the whole path ---------------------------------------------------------------------------------------------
def test_admin_adds_an_enterprise_and_its_user_who_then_sees_only_that_enterprise(app, people, login):
    admin = login("admin")
    response = post_form(admin, "/admin/enterprises/new", ENTERPRISE)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/enterprises"
    listed = text(admin.get("/admin/enterprises"))
    assert "已添加企业：城北新材料有限公司" in listed and CODE in listed
    enterprise = db.session.query(Enterprise).filter_by(credit_code=CODE).one()  # upper-cased
    assert (enterprise.employees, enterprise.safety_managers, enterprise.special_workers) == (120, 3, 11)
    assert enterprise.main_risks == "粉尘爆炸；挤出机高温" and enterprise.contact_phone == "0571-88000017"
    added = audit_rows("enterprise_added")[-1]
    assert added.actor_name == "admin" and added.changes["employees"] == [None, 120]

    response = post_form(admin, "/admin/users/new", new_user_form())
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert "已创建用户 zhao" in text(admin.get("/admin/users"))
    zhao = user("zhao")
    assert zhao.roles == {"enterprise"} and zhao.enterprise_id == enterprise.id and zhao.email == "zhao@example.com"
    created = audit_rows("user_created")[-1]
    assert created.changes["enterprise"] == [None, CODE] and NEW_PASSWORD not in str(created.changes)

    own, other = register(people, enterprise=enterprise), register(people, enterprise=people.enterprise_a)
    client, response = log_in(app, "zhao", NEW_PASSWORD)
    assert response.status_code == 302
    cases = text(client.get("/cases"))
    assert db.session.get(HazardCase, own).code in cases and db.session.get(HazardCase, other).code not in cases
    assert client.get(f"/cases/{other}").status_code == 404
    assert client.get(f"/cases/{own}").status_code == 200


def test_a_forged_token_saves_nothing(people, login):
    response = login("admin").post("/admin/enterprises/new", data=ENTERPRISE, headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 400
    assert db.session.query(Enterprise).filter_by(credit_code=CODE).count() == 0


# ---- enterprises ------------------------------------------------------------------------------------------------
def test_editing_an_enterprise_changes_its_fields_and_audits_before_and_after(people, login):
    ent = people.enterprise_a
    old_code, old_name = ent.credit_code, ent.name
    admin = login("admin")
    page = text(admin.get(f"/admin/enterprises/{ent.id}"))
    assert f'value="{old_code}"' in field_html(page, "credit_code") and old_name in field_html(page, "name")
    form = dict(ENTERPRISE, name="甲化工股份有限公司", credit_code=CODE, employees="250")
    response = post_form(admin, f"/admin/enterprises/{ent.id}", form)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/enterprises"
    assert "已保存企业 甲化工股份有限公司" in text(admin.get("/admin/enterprises"))
    db.session.expire_all()
    ent = db.session.get(Enterprise, ent.id)
    assert (ent.name, ent.credit_code, ent.employees, ent.industry) == ("甲化工股份有限公司", CODE, 250, "新材料")
    row = audit_rows("enterprise_updated")[-1]
    assert row.actor_name == "admin" and row.case_id is None
    assert row.changes["name"] == [old_name, "甲化工股份有限公司"] and row.changes["credit_code"] == [old_code, CODE]
    assert row.changes["employees"] == [0, 250] and row.changes["industry"] == ["化工", "新材料"]
    assert "address" in row.changes and "major_hazard_sources" not in row.changes  # "" before and after

    assert post_form(admin, f"/admin/enterprises/{ent.id}", form).status_code == 302  # the same again
    assert "没有修改" in text(admin.get("/admin/enterprises")) and len(audit_rows("enterprise_updated")) == 1


def test_an_enterprise_entered_before_the_check_stays_editable_until_its_code_changes(people, login):
    ent = people.enterprise_a
    ent.credit_code = "91330100MA2H000001"  # an old demo code whose last character is not the check character
    db.session.commit()
    admin = login("admin")
    form = dict(ENTERPRISE, credit_code=ent.credit_code, name="改名后的企业")
    assert post_form(admin, f"/admin/enterprises/{ent.id}", form).status_code == 302
    response = post_form(admin, f"/admin/enterprises/{ent.id}", dict(form, credit_code="91330100MA2H000002"))
    assert response.status_code == 400 and "校验位不符" in field_html(text(response), "credit_code")
    db.session.expire_all()
    assert (ent.name, ent.credit_code) == ("改名后的企业", "91330100MA2H000001")


@pytest.mark.parametrize("changes, field, message", [
    ({"credit_code": "9133-0100"}, "credit_code", "统一社会信用代码应为18位"),
    ({"credit_code": "91330100MA2H00017中"}, "credit_code", "统一社会信用代码应为18位"),
    ({"credit_code": "91330100MI2H00017B"}, "credit_code", "统一社会信用代码应为18位"),  # no I in the code set
    ({"credit_code": "91330100MA2H00017K"}, "credit_code", "校验位不符"),  # last character mistyped
    ({"credit_code": "91330100MA2H00071B"}, "credit_code", "校验位不符"),  # two characters swapped
    ({"credit_code": "91330100MA0000001F"}, "credit_code", "已被其他企业使用"),  # the first of make_enterprise
    ({"employees": "-5"}, "employees", "请填写不小于0的整数"),
    ({"safety_managers": "2.5"}, "safety_managers", "请填写不小于0的整数"),
    ({"name": "  "}, "name", "请填写企业名称"),
])
def test_a_bad_enterprise_form_comes_back_with_the_error_by_the_field(people, login, changes, field, message):
    before = db.session.query(Enterprise).count()
    form = dict(ENTERPRISE, **changes)
    response = post_form(login("admin"), "/admin/enterprises/new", form)
    assert response.status_code == 400
    page = text(response)
    assert "field-error" in field_html(page, field) and message in field_html(page, field)
    for name in ("name", "address", "contact_person"):  # what was typed is still there
        if name != field:
            assert f'value="{form[name]}"' in field_html(page, name)
    assert "粉尘爆炸；挤出机高温" in field_html(page, "main_risks")
    assert db.session.query(Enterprise).count() == before and audit_rows("enterprise_added") == []


def test_editing_to_a_taken_credit_code_changes_nothing(people, login):
    ent_a, ent_b = people.enterprise_a, people.enterprise_b
    form = dict(ENTERPRISE, credit_code=ent_b.credit_code, name="改名")
    response = post_form(login("admin"), f"/admin/enterprises/{ent_a.id}", form)
    assert response.status_code == 400
    page = text(response)
    assert "已被其他企业使用" in field_html(page, "credit_code") and 'value="改名"' in field_html(page, "name")
    db.session.expire_all()
    assert db.session.get(Enterprise, ent_a.id).name == "甲化工有限公司" and audit_rows("enterprise_updated") == []


def test_enterprise_list_searches_by_name_and_code_and_pages(people, login, make_enterprise):
    for n in range(55):
        make_enterprise(f"丙{n:02d}五金厂")
    admin = login("admin")
    page = text(admin.get("/admin/enterprises?q=乙机械"))
    assert "乙机械制造厂" in page and "甲化工有限公司" not in page and "共 1 家" in page
    page = text(admin.get(f"/admin/enterprises?q={people.enterprise_a.credit_code.lower()}"))
    assert "甲化工有限公司" in page and "乙机械制造厂" not in page
    first = text(admin.get("/admin/enterprises?q=五金"))
    assert "共 55 家" in first and "第 1 / 2 页" in first and "丙49五金厂" in first and "丙50五金厂" not in first
    assert "丙50五金厂" in text(admin.get("/admin/enterprises?q=五金&page=2"))
    assert "没有符合条件的企业" in text(admin.get("/admin/enterprises?q=100%25"))  # % is matched literally


# ---- users ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, field, message", [
    ({"username": "inspector"}, "username", "用户名 inspector 已存在"),
    ({"password": "short-pw", "password2": "short-pw"}, "password", "密码至少需要 10 个字符"),
    ({"password2": "something-else"}, "password2", "两次输入的密码不一致"),
    ({"enterprise": ""}, "enterprise", "企业安全员必须属于一个企业"),
    ({"enterprise": "91330100MA99999999"}, "enterprise", "没有统一社会信用代码为 91330100MA99999999 的企业"),
    ({"roles": []}, "roles", "请至少选择一个角色"),
    ({"roles": ["wizard"]}, "roles", "未知角色 wizard"),
    ({"email": "not-an-address"}, "email", "邮箱格式不正确"),
])
def test_a_bad_user_form_comes_back_with_the_error_by_the_field(people, login, changes, field, message):
    before = db.session.query(User).count()
    form = new_user_form(**changes)
    response = post_form(login("admin"), "/admin/users/new", form)
    assert response.status_code == 400
    page = text(response)
    assert "field-error" in field_html(page, field) and message in field_html(page, field)
    if field != "username":
        assert 'value="zhao"' in field_html(page, "username")
    assert 'value="赵安全"' in field_html(page, "display_name")
    assert 'value="zhao@example.com"' in page or field == "email"
    if form["roles"] == ["enterprise"]:
        assert 'value="enterprise" checked' in field_html(page, "roles")
    assert NEW_PASSWORD not in page and "short-pw" not in page  # a password is never sent back
    assert db.session.query(User).count() == before and audit_rows("user_created") == []


def test_editing_a_user_changes_roles_enterprise_and_contact_and_audits_it(people, login):
    inspector = people.inspector
    admin = login("admin")
    page = text(admin.get(f"/admin/users/{inspector.id}"))
    assert 'value="inspector" checked' in field_html(page, "roles")
    form = {"display_name": "钱检查", "roles": ["inspector", "enterprise"],
            "enterprise": people.enterprise_b.credit_code, "email": "qian@example.com", "phone": ""}
    response = post_form(admin, f"/admin/users/{inspector.id}", form)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert "已保存用户 inspector 的 4 项修改" in text(admin.get("/admin/users"))
    qian = user("inspector")
    assert qian.roles == {"inspector", "enterprise"} and qian.enterprise_id == people.enterprise_b.id
    row = audit_rows("user_updated")[-1]
    assert row.changes == {"display_name": ["inspector", "钱检查"], "roles": [["inspector"], ["enterprise", "inspector"]],
                           "enterprise": [None, people.enterprise_b.credit_code],
                           "email": [None, "qian@example.com"]}

    # Without the enterprise role a user belongs to no enterprise, whatever the field says.
    response = post_form(admin, f"/admin/users/{inspector.id}", dict(form, roles=["inspector"]))
    assert response.status_code == 302
    assert user("inspector").enterprise_id is None and user("inspector").roles == {"inspector"}
    assert audit_rows("user_updated")[-1].changes["enterprise"] == [people.enterprise_b.credit_code, None]


def test_user_list_filters_by_role_and_searches(people, login):
    admin = login("admin")
    page = text(admin.get("/admin/users?role=enterprise"))
    assert 'href="/admin/users/%d"' % people.ent_a.id in page and 'href="/admin/users/%d"' % people.ent_b.id in page
    assert 'href="/admin/users/%d"' % people.inspector.id not in page and "共 2 个" in page
    page = text(admin.get("/admin/users?q=ENT_A"))
    assert "共 1 个" in page and "甲化工有限公司" in page
    assert "没有符合条件的用户" in text(admin.get("/admin/users?q=nobody"))


def test_a_deactivated_user_cannot_log_in_until_reactivated(app, people, login):
    ent_a, admin = login("ent_a"), login("admin")
    response = post_form(admin, f"/admin/users/{people.ent_a.id}", {"active": "0"},
                         action=f"/admin/users/{people.ent_a.id}/active")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{people.ent_a.id}"
    assert "已停用用户 ent_a" in text(admin.get(f"/admin/users/{people.ent_a.id}"))
    assert user("ent_a").active is False
    assert audit_rows("user_deactivated")[-1].changes == {"active": [True, False]}
    assert log_in(app, "ent_a", PASSWORD)[1].status_code == 401
    assert ent_a.get("/").status_code == 302  # the open session ends too
    assert "已停用" in text(admin.get("/admin/users?status=inactive"))

    post_form(admin, f"/admin/users/{people.ent_a.id}", {"active": "1"}, action=f"/admin/users/{people.ent_a.id}/active")
    assert user("ent_a").active is True and log_in(app, "ent_a", PASSWORD)[1].status_code == 302


def test_an_admin_cannot_deactivate_themself_or_drop_their_own_admin_role(people, login):
    admin, me = login("admin"), people.admin.id
    page = text(admin.get(f"/admin/users/{me}"))
    assert f'/admin/users/{me}/active"' not in page and "这是您自己的账号，不能停用" in page
    response = admin.post(f"/admin/users/{me}/active", data={"active": "0"})
    assert response.status_code == 400 and "不能停用自己的账号" in text(response)
    response = post_form(admin, f"/admin/users/{me}", {"display_name": "管理员", "roles": ["manager"]})
    assert response.status_code == 400
    assert "不能移除自己的系统管理员角色" in field_html(text(response), "roles")
    assert user("admin").active is True and user("admin").roles == {"admin"} and user("admin").display_name == "admin"
    assert audit_rows("user_deactivated") == [] and audit_rows("user_updated") == []


def test_a_new_password_replaces_the_old_one(app, people, login):
    admin, url = login("admin"), f"/admin/users/{people.inspector.id}"
    action = url + "/password"
    response = post_form(admin, url, {"password": "tooshort", "password2": "tooshort"}, action=action)
    assert response.status_code == 400 and "密码至少需要 10 个字符" in field_html(text(response), "password")
    response = post_form(admin, url, {"password": "brand-new-pass-1", "password2": "brand-new-pass-2"}, action=action)
    assert response.status_code == 400 and "两次输入的密码不一致" in field_html(text(response), "password2")
    assert log_in(app, "inspector", PASSWORD)[1].status_code == 302  # nothing changed yet

    response = post_form(admin, url, {"password": "brand-new-pass-1", "password2": "brand-new-pass-1"}, action=action)
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "已为 inspector 设置新密码" in text(admin.get(url))
    assert log_in(app, "inspector", PASSWORD)[1].status_code == 401
    assert log_in(app, "inspector", "brand-new-pass-1")[1].status_code == 302
    row = audit_rows("password_set")[-1]
    assert row.details["username"] == "inspector" and "brand-new-pass-1" not in str(row.details) + str(row.changes)


# ---- who may ----------------------------------------------------------------------------------------------------
def page_urls(people):
    return ["/admin/enterprises", "/admin/enterprises/new", f"/admin/enterprises/{people.enterprise_a.id}",
            "/admin/users", "/admin/users/new", f"/admin/users/{people.inspector.id}"]


def post_urls(people):
    uid = people.inspector.id
    return [("/admin/enterprises/new", ENTERPRISE),
            (f"/admin/enterprises/{people.enterprise_a.id}", dict(ENTERPRISE, name="改名")),
            ("/admin/users/new", new_user_form()),
            (f"/admin/users/{uid}", {"display_name": "x", "roles": ["admin"]}),
            (f"/admin/users/{uid}/active", {"active": "0"}),
            (f"/admin/users/{uid}/password", {"password": "brand-new-pass-1", "password2": "brand-new-pass-1"})]


@pytest.mark.parametrize("username", ["project_lead", "ent_a", "bureau", "process_owner"])
def test_only_admins_may_use_these_pages(app, people, login, username):
    client = login(username)
    for url in page_urls(people):
        assert client.get(url).status_code == 403, url
    for url, data in post_urls(people):
        assert client.post(url, data=data).status_code == 403, url
    assert db.session.query(Enterprise).count() == 2 and user("inspector").active is True
    assert user("inspector").roles == {"inspector"} and db.session.query(User).filter_by(username="zhao").count() == 0
    assert log_in(app, "inspector", PASSWORD)[1].status_code == 302
    # nothing but the logins happened
    assert {e.action for e in db.session.query(AuditEvent)} == {"logged_in"}


def test_anonymous_visitors_are_sent_to_the_login_page(people, client):
    for url in page_urls(people):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url, data in post_urls(people):
        assert client.post(url, data=data).status_code == 302, url
    assert db.session.query(AuditEvent).count() == 0


def test_unknown_ids_are_404(people, login):
    admin = login("admin")
    assert admin.get("/admin/enterprises/999999").status_code == 404
    assert admin.get("/admin/users/999999").status_code == 404
    assert admin.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404


def test_nav_has_the_new_entries(people, login):
    page = text(login("admin").get("/admin/incidents"))
    assert 'href="/admin/enterprises"' in page and 'href="/admin/users"' in page


# ---- in English ---------------------------------------------------------------------------------------------------
def test_errors_read_in_english(people, login):
    from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
    compile_translations()
    admin = login("admin")
    admin.get("/lang/en")
    response = post_form(admin, "/admin/enterprises/new", dict(ENTERPRISE, credit_code="123", employees="-1"))
    page = text(response)
    assert response.status_code == 400
    assert "the credit code has 18 characters" in field_html(page, "credit_code")
    assert "enter a whole number, 0 or more" in field_html(page, "employees")
    typed = {v for v in ENTERPRISE.values() if v}  # kept in the form, so user data here
    stripped = without_user_data(page)
    for value in sorted(typed, key=len, reverse=True):
        stripped = stripped.replace(value, "")
    assert leftover_chinese(stripped) == {}
    response = post_form(admin, "/admin/users/new", new_user_form(display_name="zhao", enterprise=""))
    page = text(response)
    assert response.status_code == 400 and "an enterprise user needs an enterprise" in field_html(page, "enterprise")
    assert leftover_chinese(without_user_data(page)) == {}


# ---- the service rules the CLI shares ------------------------------------------------------------------------
def test_services_refuse_non_admins_and_keep_fields_not_given(people):
    from app.errors import NotAllowed
    from app.services import user_admin
    from app.services.uow import UnitOfWork
    with UnitOfWork() as uow, pytest.raises(NotAllowed):
        user_admin.update_enterprise(uow, people.bureau, people.enterprise_a.id, name="改名")
    with UnitOfWork() as uow:
        changes = user_admin.update_enterprise(uow, people.admin, people.enterprise_a.id, employees=7)
        uow.commit()
    assert changes == {"employees": [0, 7]}
    ent = db.session.get(Enterprise, people.enterprise_a.id)
    assert (ent.employees, ent.name, ent.address) == (7, "甲化工有限公司", "测试路1号")
