"""Staff certificates (人员资质证书) from the outside: the keepers' form (wrong input: 400, each error beside its field,
the typed values and the uploaded scan kept; the same kind and number twice: 409 on the number), editing and
removing audited before → after on the user, who sees what (the holder their own; administrators and project leads
everyone's; other staff 403, enterprise users 403 / 404, the scans 404 to others), the certification rate on the
training targets page, and the daily expiry job — 30 days before and once expired, each once, moved by the injected
clock, a renewal arming it again."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.clock import clock
from app.extensions import db
from app.models import Attachment, AuditEvent, Notification, SchedulerHeartbeat, StaffCertificate
from app.services import staff_certificates
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_lifecycle_service import register
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import csv_rows, text, upload

FORM = {"kind": "safety_engineer", "title": "", "number": "0037112019000123", "issuer": "应急管理部",
        "valid_from": "2025-01-01", "valid_to": "2029-12-31", "note": ""}


def certificate(keeper, holder, **form):
    values = {**FORM, **form}
    with UnitOfWork() as uow:
        row = staff_certificates.save(uow, keeper, holder.id, values)
        uow.commit()
        return row.id


def test_the_form_keeps_the_input_and_the_scan_and_the_changes_are_audited(people, login):
    lead = login("project_lead")
    scan = upload(lead, field="staff_certificate", name="证书.png")
    url = f"/admin/users/{people.inspector.id}/certificates"
    bad = lead.post(url, data={**FORM, "kind": "other", "number": "", "valid_to": "2024-12-31", "files": [scan]})
    page = text(bad)
    assert bad.status_code == 400
    for field in ("title", "number", "valid_to"):  # "other" needs a name; no number; ends before it starts
        assert f'id="err-{field}"' in page, field
    assert 'value="应急管理部"' in page and 'value="2024-12-31"' in page
    assert f'name="files" value="{scan}"' in page and "证书.png" in page
    assert db.session.query(StaffCertificate).count() == 0
    done = lead.post(url, data={**FORM, "files": [scan]})
    assert done.status_code == 302 and done.headers["Location"].endswith(url)
    row = db.session.query(StaffCertificate).one()
    assert (row.user_id, row.kind, row.number) == (people.inspector.id, "safety_engineer", "0037112019000123")
    assert db.session.query(Attachment).filter_by(public_id=scan).one().certificate_id == row.id
    twice = lead.post(url, data=FORM)
    assert twice.status_code == 409 and 'id="err-number"' in text(twice)
    edited = lead.post(f"{url}/{row.id}", data={**FORM, "valid_to": "2030-06-30", "remove_files": [scan]})
    assert edited.status_code == 302
    added, changed = db.session.query(AuditEvent).filter(AuditEvent.action.like("staff_certificate_%")) \
        .order_by(AuditEvent.id).all()
    assert (added.action, added.subject_type, added.subject_id) == ("staff_certificate_added", "user",
                                                                    people.inspector.id)
    assert added.changes["certificate_number"] == [None, "0037112019000123"]
    assert added.changes["certificate_files"] == [None, ["证书.png"]]
    assert changed.changes == {"certificate_valid_to": ["2029-12-31", "2030-06-30"],
                               "certificate_files": [["证书.png"], None]}
    assert db.session.query(Attachment).filter_by(public_id=scan).one().certificate_id is None
    history = text(login("admin").get(url))
    assert "修改人员证书" in history and "2030-06-30" in history
    user_page = text(login("admin").get(f"/admin/users/{people.inspector.id}"))
    assert "登记人员证书" in user_page and "注册安全工程师" in user_page and "有效期至" in user_page
    assert login("admin").post(f"{url}/{row.id}/remove").status_code == 302
    assert db.session.query(StaffCertificate).count() == 0
    removed = db.session.query(AuditEvent).filter_by(action="staff_certificate_removed").one()
    assert removed.changes["certificate_number"] == ["0037112019000123", None]


def test_only_the_holder_and_the_keepers_see_the_certificates(people, login):
    lead = login("project_lead")
    scan = upload(lead, field="staff_certificate", name="电工证.png")
    url = f"/admin/users/{people.inspector.id}/certificates"
    assert lead.post(url, data={**FORM, "kind": "special_operation", "title": "电工作业", "number": "T4101",
                                "files": [scan]}).status_code == 302
    own = text(login("inspector").get("/account/certificates"))
    assert "T4101" in own and "电工作业" in own and f"/attachments/{scan}" in own
    assert "T4101" not in text(login("supervision").get("/account/certificates"))
    for who in ("project_lead", "admin"):
        client = login(who)
        assert "T4101" in text(client.get(url)), who
        assert "T4101" in text(client.get("/admin/certificates")), who
        assert client.get(f"/attachments/{scan}").status_code == 200, who
    assert login("inspector").get(f"/attachments/{scan}").status_code == 200
    for who in ("supervision", "bureau", "manager", "ent_a"):  # other staff, the bureau, an enterprise
        client = login(who)
        assert client.get(url).status_code == 403, who
        assert client.get("/admin/certificates").status_code == 403, who
        assert client.post(url, data=FORM).status_code == 403, who
        assert client.get(f"/attachments/{scan}").status_code == 404, who
    assert login("ent_a").get("/account/certificates").status_code == 404  # no staff member
    assert lead.get(f"/admin/users/{people.ent_a.id}/certificates").status_code == 404
    assert lead.get("/admin/users/999999/certificates").status_code == 404
    other = certificate(people.admin, people.supervision, number="SUP-1")
    assert lead.get(f"{url}/{other}").status_code == 404  # another person's certificate under this one
    # the scan cannot be put on anything else afterwards
    assert lead.post(url, data={**FORM, "number": "X-2", "files": [scan]}).status_code == 400


def test_the_certification_rate_counts_active_staff_with_a_valid_certificate(people, login, make_user):
    today = clock.local_now().date()
    day = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    certificate(people.admin, people.project_lead, valid_to=day(10))  # valid (running out)
    certificate(people.admin, people.project_team, valid_from="", valid_to="")  # valid without end
    certificate(people.admin, people.inspector, valid_from=day(-800), valid_to=day(-1))  # expired yesterday
    certificate(people.admin, people.supervision, valid_from=day(5), valid_to=day(900))  # not yet valid
    retired = make_user("retired", "inspector")
    retired.active = False
    db.session.commit()
    certificate(people.admin, people.bureau)  # not field staff: not counted
    rate = text(login("project_lead").get("/training/targets"))
    # staff: inspector, project lead, project team, supervision, quality → 2 of 5
    assert 'data-rate="40.0"' in rate and "2 人 / 共 5 人" in rate
    assert f'data-user="{people.inspector.id}" class="below"' in rate and day(-1) in rate
    assert f'data-user="{people.quality.id}" class="below"' in rate and "未登记证书" in rate
    assert f'data-user="{people.supervision.id}" class="below"' in rate and "尚未生效" in rate
    assert f'data-user="{retired.id}"' not in rate
    assert f'/admin/users/{people.quality.id}/certificates' in rate  # a keeper follows it to the form
    assert f'/admin/users/{people.quality.id}/certificates' not in text(login("bureau").get("/training/targets"))
    rows = csv_rows(login("bureau").get("/training/targets.csv"))
    held = {r[1]: r[3] for r in rows if r[0] == "人员持证"}
    assert held == {"inspector": "0", "project_lead": "1", "project_team": "1", "supervision": "0", "quality": "0"}
    assert login("ent_a").get("/training/targets").status_code == 403
    expiring = text(login("admin").get("/admin/certificates?state=expiring"))
    assert f'data-user="{people.project_lead.id}"' in expiring and f'data-user="{people.inspector.id}"' not in expiring
    none = text(login("admin").get("/admin/certificates?state=none"))
    assert f'data-user="{people.inspector.id}"' in none and f'data-user="{people.project_team.id}"' not in none


def test_the_daily_job_tells_the_holder_and_the_leads_30_days_before_and_when_expired_once_each(people, make_user,
                                                                                               login):
    second_lead = make_user("lead2", "project_lead")
    today = clock.local_now().date()
    cert = certificate(people.admin, people.inspector, valid_to=(today + timedelta(days=40)).isoformat())
    certificate(people.admin, people.quality, number="FAR", valid_to=(today + timedelta(days=400)).isoformat())
    gone = make_user("gone", "inspector")
    certificate(people.admin, gone, number="GONE", valid_to=(today + timedelta(days=35)).isoformat())
    gone.active = False
    db.session.commit()

    def notices():
        db.session.expire_all()
        return db.session.query(Notification).filter(Notification.kind.like("staff_certificate_%")) \
            .order_by(Notification.id).all()

    assert jobs.notify_staff_certificate_expiry() == 0 and notices() == []
    clock.advance(days=10)  # 30 days left
    assert jobs.notify_staff_certificate_expiry() == 1
    first = notices()
    assert {n.user_id for n in first} == {people.inspector.id, people.project_lead.id, second_lead.id}
    assert all(n.kind == "staff_certificate_expiring" and "将于" in n.title for n in first)
    assert jobs.notify_staff_certificate_expiry() == 0  # the same day again: nothing new
    assert 'href="/account/certificates"' in text(login("inspector").get("/notifications"))
    lead_notices = text(login("project_lead").get("/notifications"))
    assert f'href="/admin/users/{people.inspector.id}/certificates"' in lead_notices
    clock.advance(days=30)  # the last valid day: still only "expiring"
    assert jobs.notify_staff_certificate_expiry() == 0 and len(notices()) == 3
    clock.advance(days=1)  # the day after
    assert jobs.notify_staff_certificate_expiry() == 1
    expired = notices()[3:]
    assert len(expired) == 3 and all(n.kind == "staff_certificate_expired" for n in expired)
    clock.advance(days=1)
    assert jobs.notify_staff_certificate_expiry() == 0 and len(notices()) == 6
    row = db.session.get(StaffCertificate, cert)
    assert row.warned_for == row.valid_to == row.expired_for
    # renewed: a new last valid day arms the notices again
    with UnitOfWork() as uow:
        staff_certificates.save(uow, people.project_lead, people.inspector.id,
                                {**FORM, "valid_to": (clock.local_now().date() + timedelta(days=20)).isoformat()},
                                certificate_id=cert)
        uow.commit()
    assert jobs.notify_staff_certificate_expiry() == 1 and len(notices()) == 9
    events = db.session.query(AuditEvent).filter(AuditEvent.action.in_(
        ["staff_certificate_expiring", "staff_certificate_expired"])).count()
    assert events == 3
    beat = db.session.get(SchedulerHeartbeat, "notify_staff_certificate_expiry")
    assert beat is not None and beat.ok


def test_english_pages_of_the_certificates(people, login):
    certificate(people.admin, people.inspector, kind="special_operation", title="电工作业", issuer="省应急管理厅")
    client = login("admin")
    client.get("/lang/en")
    for url in ("/admin/certificates", f"/admin/users/{people.inspector.id}/certificates", "/training/targets",
                f"/admin/users/{people.inspector.id}", "/audit"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url
    own = login("inspector")
    own.get("/lang/en")
    page = without_user_data(text(own.get("/account/certificates")))
    assert leftover_chinese(page) == {}


def test_the_demo_has_certificates_one_running_out_and_the_rate_at_three_of_seven(app):
    from app.models import User
    from app.services import training_targets
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    states = {(c.user.username, staff_certificates.state(c)) for c in db.session.query(StaffCertificate)}
    assert states == {("project_lead", "valid"), ("technical_lead", "valid"), ("inspector", "expiring"),
                      ("supervision", "expired")}
    admin = db.session.query(User).filter_by(username="admin").one()
    rate = training_targets.certification(db.session, admin)
    # seven staff: the dispatch demo's second inspector (王排查) has no certificate recorded
    assert (rate.holding, len(rate.rows), rate.percent) == (3, 7, 42.9)
    assert jobs.notify_staff_certificate_expiry() == 2  # the inspector's running out, the supervisor's run out


def test_a_scan_has_one_owner(people, login):
    """The one-owner check (migration 0055 on both databases) counts the certificates: a scan cannot also be a
    training's material."""
    lead = login("project_lead")
    scan = upload(lead, field="staff_certificate")
    assert lead.post(f"/admin/users/{people.inspector.id}/certificates",
                     data={**FORM, "files": [scan]}).status_code == 302
    case_id = register(people)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE attachment SET case_id = :c WHERE public_id = :p"), {"c": case_id, "p": scan})
    assert db.session.query(Attachment).filter_by(public_id=scan).one().case_id is None
