"""Department users (部门用户, role `department`) from the outside, over HTTP: a department's login sees the referrals
addressed to its department and nothing else — another department's referral is 404, every other page of the system
403 —, signs for a referral once (signing again changes nothing), records its replies itself with files (the bureau is
told and sees who recorded them), is told of new and overdue referrals, and is set up by the administrator or the
CLI with exactly one department."""
import io
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, CaseReferral, Notification, User
from app.services import referrals
from app.services.uow import UnitOfWork
from tests import department_support
from tests.referral_support import close, department, refer
from tests.test_lifecycle_service import register
from tests.test_web_admin_people import post_form
from tests.test_web_support import PNG, csv_rows, field_html, text

depts = department_support.depts  # the fixture: two departments with a login each, a case referred to both


def referral(referral_id):
    db.session.expire_all()
    return db.session.get(CaseReferral, referral_id)


def audit_rows(action, referral_id):
    return [e for e in db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
            if (e.details or {}).get("referral_id") == referral_id]


# ---- scoping ------------------------------------------------------------------------------------------------------
def test_a_department_sees_its_own_referral_and_not_anothers(depts, login):
    client = login("dept_a")
    listing = text(client.get("/referrals"))
    assert f'data-referral="{depts.ref_a}"' in listing and f'data-referral="{depts.ref_b}"' not in listing
    assert "/cases/" not in listing  # the case code is shown, the case page is not linked
    filtered = text(client.get(f"/referrals?department_id={depts.fire}"))  # no way round the scope
    assert f'data-referral="{depts.ref_b}"' not in filtered
    rows = csv_rows(client.get("/referrals.csv"))
    assert len(rows) == 2 and rows[1][3] == "县市场监督管理局"
    assert client.get(f"/referrals/{depts.ref_a}").status_code == 200
    letter = client.get(f"/referrals/{depts.ref_a}/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    for url in (f"/referrals/{depts.ref_b}", f"/referrals/{depts.ref_b}/letter.pdf",
                f"/referrals/{depts.ref_b}/files/x", "/referrals/999999"):
        assert client.get(url).status_code == 404, url
    for url in (f"/referrals/{depts.ref_b}/sign", f"/referrals/{depts.ref_b}/replies"):
        assert client.post(url, data={"outcome": "handled", "text": "x"}).status_code == 404, url
    assert referral(depts.ref_b).signed_at is None and not referral(depts.ref_b).replies


def test_the_referral_page_shows_the_letters_facts_not_the_internal_note(depts, login):
    page = text(login("dept_a").get(f"/referrals/{depts.ref_a}"))
    row = referral(depts.ref_a)
    for fact in (row.number, "压力容器未按期检验", "甲化工有限公司", row.case.code, "线路老化", "配电房", "bureau"):
        assert fact in page, fact
    assert "企业负责人态度消极" not in page  # the bureau's internal note
    assert f"/cases/{depts.case_id}" not in page and "mailto:" not in page
    assert f"/referrals/{depts.ref_a}/sign" in page and f"/referrals/{depts.ref_a}/close" not in page


@pytest.mark.parametrize("url", ["/tasks", "/cases", "/map", "/reports", "/audit", "/inspections", "/objections",
                                 "/supervision", "/major-hazards", "/departments", "/notices", "/admin/users",
                                 "/hazards/new", "/followups", "/quality", "/processes/", "/library",
                                 "/iot/devices", "/complaints", "/service-projects", "/campaigns"])
def test_every_other_page_is_refused(depts, login, url):
    assert login("dept_a").get(url).status_code == 403


def test_its_own_referrals_case_and_tasks_are_refused_too(depts, login):
    client = login("dept_a")
    case_id = depts.case_id
    for url in (f"/cases/{case_id}", f"/cases/{case_id}/referrals/new", f"/processes/case/{case_id}/diagram",
                f"/cases/{case_id}/meetings/new"):
        assert client.get(url).status_code == 403, url
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/referrals")
    nav = text(client.get("/referrals"))
    assert 'href="/cases"' not in nav and 'href="/tasks"' not in nav and 'href="/notifications"' in nav
    assert client.get("/public/hazards").status_code == 200  # what anyone may read stays readable
    assert client.get("/account/password").status_code == 200  # and its own account its own


def test_a_department_user_without_a_department_sees_nothing(depts, login, make_user):
    make_user("dept_none", "department")
    client = login("dept_none")
    assert 'data-referral=' not in text(client.get("/referrals"))
    assert client.get(f"/referrals/{depts.ref_a}").status_code == 404


# ---- signing for it (签收) ---------------------------------------------------------------------------------------
def test_signing_is_once_and_audited(depts, login, make_user):
    colleague = make_user("dept_a2", "department")
    colleague.department_id = depts.market
    db.session.commit()
    client = login("dept_a")
    assert client.post(f"/referrals/{depts.ref_a}/sign").status_code == 302
    first = referral(depts.ref_a)
    signer, signed_at = first.signed_by.username, first.signed_at
    assert signer == "dept_a" and signed_at == clock.now()
    clock.set(clock.now() + timedelta(hours=1))
    again = client.post(f"/referrals/{depts.ref_a}/sign", follow_redirects=True)
    assert again.status_code == 200 and "此前已签收" in text(again)
    assert login("dept_a2").post(f"/referrals/{depts.ref_a}/sign").status_code == 302
    row = referral(depts.ref_a)
    assert (row.signed_by.username, row.signed_at) == (signer, signed_at)  # the first signature stays
    (event,) = audit_rows("referral_signed", depts.ref_a)
    assert event.actor_id == depts_user_id("dept_a") and event.case_id == depts.case_id
    assert event.changes["signed_at"][0] is None and event.changes["signed_at"][1]
    assert "已签收" in text(login("bureau").get("/referrals"))
    assert "dept_a（部门）" in text(login("bureau").get(f"/referrals/{depts.ref_a}"))


def depts_user_id(username):
    return db.session.query(User).filter_by(username=username).one().id


def test_the_bureaus_side_does_not_sign(depts, login):
    assert login("bureau").post(f"/referrals/{depts.ref_a}/sign").status_code == 403
    assert login("ent_a").post(f"/referrals/{depts.ref_a}/sign").status_code == 403  # sees that it was referred
    assert login("ent_b").post(f"/referrals/{depts.ref_a}/sign").status_code == 404


# ---- replying ---------------------------------------------------------------------------------------------------
def test_the_department_replies_itself_and_the_bureau_is_told(depts, login):
    client = login("dept_a")
    clock.set(clock.now() + timedelta(days=1))
    done = client.post(f"/referrals/{depts.ref_a}/replies", content_type="multipart/form-data", data={
        "outcome": "accepted", "text": "已受理，将于本周现场检查", "received_on": "2020-01-01",
        "upload": (io.BytesIO(PNG), "受理回执.png")})
    assert done.status_code == 302, text(done)
    row = referral(depts.ref_a)
    (reply,) = row.replies
    assert reply.recorded_by.username == "dept_a" and reply.received_on == clock.local_now().date()  # today
    assert row.status == "replied" and row.first_reply_at == clock.now()
    assert row.signed_by.username == "dept_a"  # answering signs for it
    (public_id,) = reply.files
    assert client.get(f"/referrals/{depts.ref_a}/files/{public_id}").status_code == 200
    assert login("dept_b").get(f"/referrals/{depts.ref_a}/files/{public_id}").status_code == 404
    # the bureau is told, and sees who recorded it
    (told,) = db.session.query(Notification).filter_by(kind="referral_department_replied").all()
    assert db.session.get(User, told.user_id).username == "bureau" and told.case_id == depts.case_id
    assert "县市场监督管理局" in told.title and "已受理" in told.title and "dept_a（部门）" in told.body
    bureau_page = text(login("bureau").get(f"/referrals/{depts.ref_a}"))
    assert 'data-recorded-by="department"' in bureau_page and "dept_a（部门）" in bureau_page
    (event,) = audit_rows("referral_replied", depts.ref_a)
    assert event.details["by_department"] is True and event.changes["status"] == ["sent", "replied"]
    assert len(audit_rows("referral_signed", depts.ref_a)) == 1
    # a second reply (handled), then the bureau closes; the department may not close nor reply any more
    assert client.post(f"/referrals/{depts.ref_a}/replies", data={"outcome": "handled", "text": "已责令停用"}) \
        .status_code == 302
    assert len(referral(depts.ref_a).replies) == 2 and len(audit_rows("referral_signed", depts.ref_a)) == 1
    assert client.post(f"/referrals/{depts.ref_a}/close", data={}).status_code == 403
    close(depts.bureau, depts.ref_a)
    assert client.post(f"/referrals/{depts.ref_a}/replies", data={"outcome": "handled", "text": "补充"}) \
        .status_code == 409
    assert "已办结" in text(client.get(f"/referrals/{depts.ref_a}"))


def test_a_bad_reply_comes_back_with_its_errors(depts, login):
    client = login("dept_a")
    bad = client.post(f"/referrals/{depts.ref_a}/replies", data={"outcome": "maybe", "text": "  "})
    assert bad.status_code == 400
    page = text(bad)
    assert 'id="err-outcome"' in page and 'id="err-text"' in page and 'id="err-received_on"' not in page
    long = client.post(f"/referrals/{depts.ref_a}/replies", data={"outcome": "handled", "text": "长" * 2001})
    assert long.status_code == 400 and 'id="err-text"' in text(long)
    assert not referral(depts.ref_a).replies and referral(depts.ref_a).signed_at is None
    assert db.session.query(Notification).filter_by(kind="referral_department_replied").count() == 0


def test_the_bureau_still_records_a_reply_for_a_department(depts):
    """A department without a login (or that answered on paper): the bureau records it, with the day received."""
    with UnitOfWork() as uow:
        referrals.record_reply(uow, depts.bureau, depts.ref_b, {"received_on": "2026-11-23", "outcome": "handled",
                                                                "text": "纸质回函"})
        uow.commit()
    row = referral(depts.ref_b)
    assert row.status == "replied" and row.signed_at is None  # nobody of the department signed
    assert db.session.query(Notification).filter_by(kind="referral_department_replied").count() == 0


# ---- notifications ----------------------------------------------------------------------------------------------
def told(kind):
    return sorted(db.session.get(User, n.user_id).username
                  for n in db.session.query(Notification).filter_by(kind=kind))


def test_the_department_is_told_of_a_new_and_an_overdue_referral(depts, login, make_user):
    assert told("referral_received") == ["dept_a", "dept_b"]
    gone = make_user("dept_a_gone", "department")
    gone.department_id, gone.active = depts.market, False
    db.session.commit()
    notice = db.session.query(Notification).filter_by(kind="referral_received",
                                                      user_id=depts_user_id("dept_a")).one()
    assert notice.case_id is None and referral(depts.ref_a).number in notice.title
    page = text(login("dept_a").get("/notifications"))
    assert f"/referrals/{depts.ref_a}" in page and "/cases/" not in page
    clock.set(referral(depts.ref_a).reply_due + timedelta(minutes=1))
    with UnitOfWork() as uow:
        assert referrals.urge_overdue(uow) == 2
        uow.commit()
    assert told("referral_reply_overdue") == ["dept_a", "dept_b"]  # not the inactive one
    assert told("referral_overdue") == ["bureau", "bureau"]
    with UnitOfWork() as uow:
        assert referrals.urge_overdue(uow) == 0  # once
        uow.commit()
    assert len(told("referral_reply_overdue")) == 2
    assert "/referrals/" in text(login("bureau").get("/notifications"))


def test_an_answered_referral_is_not_urged(depts, login):
    assert login("dept_a").post(f"/referrals/{depts.ref_a}/replies", data={
        "outcome": "accepted", "text": "已受理"}).status_code == 302
    clock.set(referral(depts.ref_a).reply_due + timedelta(minutes=1))
    with UnitOfWork() as uow:
        assert referrals.urge_overdue(uow) == 1  # the fire brigade's only
        uow.commit()
    assert told("referral_reply_overdue") == ["dept_b"]


# ---- administration ---------------------------------------------------------------------------------------------
def user_form(**changes):
    form = {"username": "gao", "display_name": "高参谋", "roles": ["department"], "department": "", "townships": [],
            "enterprise": "", "email": "", "phone": "", "password": "gao-pass-2026", "password2": "gao-pass-2026"}
    form.update(changes)
    return form


def test_the_admin_creates_a_department_user(depts, login):
    admin = login("admin")
    page = text(admin.get("/admin/users/new"))
    assert f'<option value="{depts.fire}">县消防救援大队</option>' in field_html(page, "department")
    response = post_form(admin, "/admin/users/new", user_form(department=str(depts.fire)))
    assert response.status_code == 302, text(response)
    gao = db.session.query(User).filter_by(username="gao").one()
    assert gao.roles == {"department"} and gao.department_id == depts.fire
    created = db.session.query(AuditEvent).filter_by(action="user_created").order_by(AuditEvent.id.desc()).first()
    assert created.changes["department"] == [None, "县消防救援大队"]
    assert "县消防救援大队" in text(admin.get("/admin/users?role=department"))
    response = post_form(admin, f"/admin/users/{gao.id}", {"display_name": "高参谋", "roles": ["department"],
                                                            "department": str(depts.market), "enterprise": "",
                                                            "email": "", "phone": ""})
    assert response.status_code == 302, text(response)
    updated = db.session.query(AuditEvent).filter_by(action="user_updated").order_by(AuditEvent.id.desc()).first()
    assert updated.changes["department"] == ["县消防救援大队", "县市场监督管理局"]
    db.session.expire_all()
    rows, _total = referrals.listing(db.session, db.session.get(User, gao.id), referrals.ReferralFilter())
    assert [r.id for r in rows] == [depts.ref_a]  # now the market's
    # another role: the department goes
    response = post_form(admin, f"/admin/users/{gao.id}", {"display_name": "高参谋", "roles": ["inspector"],
                                                            "department": str(depts.market), "enterprise": "",
                                                            "email": "", "phone": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, gao.id).department_id is None


@pytest.mark.parametrize("changes, field, message", [
    ({"department": ""}, "department", "部门用户必须属于一个部门"),
    ({"department": "999999"}, "department", "部门名录中没有部门"),
    ({"roles": ["department", "bureau"], "department": "FIRE"}, "roles", "部门用户不能兼任其他角色"),
])
def test_a_department_user_needs_one_department_and_no_other_role(depts, login, changes, field, message):
    changes = {k: (str(depts.fire) if v == "FIRE" else v) for k, v in changes.items()}
    response = post_form(login("admin"), "/admin/users/new", user_form(**changes))
    assert response.status_code == 400
    assert message in field_html(text(response), field)
    assert db.session.query(User).filter_by(username="gao").first() is None


def test_an_inactive_department_is_not_offered(depts, login):
    row = db.session.get(CaseReferral, depts.ref_b).department
    row.active = False
    db.session.commit()
    admin = login("admin")
    assert f'value="{depts.fire}"' not in field_html(text(admin.get("/admin/users/new")), "department")
    response = post_form(admin, "/admin/users/new", user_form(department=str(depts.fire)))
    assert response.status_code == 400 and "已停用" in field_html(text(response), "department")
    # its existing user keeps it, and its form still shows it
    dept_b = db.session.query(User).filter_by(username="dept_b").one()
    assert f'value="{depts.fire}" selected' in field_html(text(admin.get(f"/admin/users/{dept_b.id}")), "department")


def test_the_cli_creates_a_department_user(app, depts):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "gao", "--role", "department", "--department", "县消防救援大队",
                                 "--password", "gao-pass-2026"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="gao").one().department_id == depts.fire
    bad = runner.invoke(args=["users", "create", "wu", "--role", "department", "--department", "县气象局",
                              "--password", "wu-pass-20261"])
    assert bad.exit_code == 2 and "县气象局" in bad.output


def test_a_department_without_a_login_is_told_nothing(depts):
    market_case = register(depts)
    (later,) = refer(depts.bureau, market_case, [department(depts.bureau, "县住建局", "housing")])
    assert told("referral_received") == ["dept_a", "dept_b"]  # nobody at 住建 has a login
    assert referral(later).department.name == "县住建局"
