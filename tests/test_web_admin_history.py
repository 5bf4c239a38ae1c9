"""An enterprise's and a user's page show the audit rows about that record: who changed what when, newest first,
before → after, never a password; and every audit action the services write has a readable name."""
import re
from pathlib import Path

from app.web.names import _ACTIONS
from tests.test_web_admin_people import ENTERPRISE, NEW_PASSWORD, new_user_form, post_form, user
from tests.test_web_support import compile_translations, text

APP = Path(__file__).resolve().parent.parent / "app"


def history_of(page):
    start = page.index('id="history"')
    return page[start:page.index("</section>", start)]


def actions_in(history):
    return re.findall(r'<span class="ev-action">([^<]+)</span>', history)


def test_an_enterprise_page_shows_its_changes_newest_first(people, login):
    admin = login("admin")
    ent_a, ent_b = people.enterprise_a, people.enterprise_b
    assert post_form(admin, f"/admin/enterprises/{ent_a.id}",
                     dict(ENTERPRISE, credit_code=ent_a.credit_code, name="甲化工股份有限公司", employees="250")).status_code == 302
    assert post_form(admin, f"/admin/enterprises/{ent_a.id}",
                     dict(ENTERPRISE, credit_code=ent_a.credit_code, name="甲化工集团", employees="260")).status_code == 302
    assert post_form(admin, f"/admin/enterprises/{ent_b.id}",
                     dict(ENTERPRISE, credit_code=ent_b.credit_code, name="乙机械股份")).status_code == 302
    history = history_of(text(admin.get(f"/admin/enterprises/{ent_a.id}")))
    assert actions_in(history) == ["修改企业信息", "修改企业信息"]
    latest, first = history.split('<li class="ev')[1:]
    assert '<span class="after">260</span>' in latest and '<span class="after">250</span>' in first  # newest on top
    assert "企业名称" in history and "从业人员数" in history and "250" in history and "260" in history
    assert "admin" in history
    assert "乙机械股份" not in history  # another enterprise's change is on its own page only


def test_an_added_enterprise_starts_its_history_with_its_values(people, login):
    admin = login("admin")
    assert post_form(admin, "/admin/enterprises/new", ENTERPRISE).status_code == 302
    listing = text(admin.get("/admin/enterprises?q=城北新材料"))
    enterprise_id = re.search(r'href="/admin/enterprises/(\d+)"', listing).group(1)
    history = history_of(text(admin.get(f"/admin/enterprises/{enterprise_id}")))
    assert actions_in(history) == ["添加企业"]
    assert "城北工业园 8 号" in history and "改性塑料粒子" in history


def test_a_user_page_shows_creation_role_changes_password_and_deactivation_but_no_password(people, login):
    admin = login("admin")
    assert post_form(admin, "/admin/enterprises/new", ENTERPRISE).status_code == 302  # zhao's enterprise
    assert post_form(admin, "/admin/users/new", new_user_form()).status_code == 302
    page_url = f"/admin/users/{user('zhao').id}"
    form = {"display_name": "赵安全", "roles": ["enterprise", "inspector"], "enterprise": people.enterprise_a.credit_code,
            "email": "zhao@example.com", "phone": "13800000017"}
    assert post_form(admin, page_url, form).status_code == 302
    assert post_form(admin, page_url, {"password": "another-pass-2026", "password2": "another-pass-2026"},
                     action=f"{page_url}/password").status_code == 302
    assert post_form(admin, page_url, {"active": "0"}, action=f"{page_url}/active").status_code == 302
    history = history_of(text(admin.get(page_url)))
    assert actions_in(history) == ["停用账号", "设置新密码", "修改用户信息", "创建用户"]
    assert "企业安全员" in history and "现场排查人员" in history  # roles by their names
    assert "启用" in history and "已停用" in history  # the account status before → after
    assert NEW_PASSWORD not in history and "another-pass-2026" not in history
    other = history_of(text(admin.get(f"/admin/users/{people.inspector.id}")))
    assert actions_in(other) == [] and "暂无记录" in other


def test_the_history_reads_in_english(people, login):
    from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
    compile_translations()
    admin = login("admin")
    ent = people.enterprise_a
    assert post_form(admin, f"/admin/enterprises/{ent.id}",
                     dict(ENTERPRISE, credit_code=ent.credit_code, name="Jia Chemicals")).status_code == 302
    admin.get("/lang/en")
    history = history_of(text(admin.get(f"/admin/enterprises/{ent.id}")))
    assert "Change history" in history and "Enterprise details changed" in history
    stripped = without_user_data(history)
    typed = [ent.name, "测试路1号", "城关镇", "化工", *(v for v in ENTERPRISE.values() if v)]  # before → after
    for value in sorted(typed, key=len, reverse=True):
        stripped = stripped.replace(value, "")
    assert leftover_chinese(stripped) == {}


def test_every_audit_action_the_services_write_has_a_name():
    written = set()
    for path in APP.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'audit\.(?:record|entry)\(\s*uow,\s*[^,]+,\s*[^,]+,\s*"([a-z_]+)"', source))
        written |= set(re.findall(r'audit\.entry\(\s*[^,]+,\s*[^,]+,\s*"([a-z_]+)"', source))
    assert len(written) > 15  # the pattern still finds the calls
    assert written - set(_ACTIONS) == set()
