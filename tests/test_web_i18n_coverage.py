"""English coverage: the catalog is complete (nothing untranslated or fuzzy, placeholders intact), the process
editor's scripts have an English entry for every Chinese string, and a sample of pages viewed in English shows
no Chinese outside user data (enterprise names, case text, diagram element names, stored notification titles)."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import get_domain
from markupsafe import escape

from app.clock import clock
from app.extensions import db
from app.models import (AuditEvent, BureauNotice, BureauNoticeRecipient, CalendarDay, CalendarYear, CasePublication,
                        CaseReferral, Department, EmergencyDuty, EmergencyEvent, Enterprise, Expert, ExpertDispatch,
                        HazardCase, HazardSource, InspectionCampaign,
                        Instrument, InstrumentLoan, IotAlarm, IotDevice, IotGateway, IotMaintenance, JointMeeting,
                        KeyEnterpriseMark, KeySupervisionEntry, Notification, ProcessVersion, PublicReport,
                        RectificationCheck, ReferralReply, ReturnVisit, ReturnVisitFinding, ReturnVisitReport,
                        ServiceProject, StaffCertificate, TimerFiring, TypicalCase, User, UserTownship)
from pdf_support import pdf_text
from test_follow_ups import closed_case, record, rows
from test_inspections import visit
from test_lifecycle_service import case_row, register
from test_objections import answer, raise_one
from test_rectification_checks import check, rectifying
from test_sla_service import overdue_case
from test_timers_service import sweep
from test_typical_cases import WRITTEN, add, closed_after_two_rounds, edit
from test_web_support import compile_translations, text
from public_report_support import file as file_report, step as report_step, to_confirmed, to_verifying
from tests.referral_support import department as add_department, refer, reply as reply_referral
from tests.bureau_notice_support import create as create_notice, sign as sign_notice
from tests.case_publication_support import learn as learn_case, publish as publish_case
from tests.iot_support import reading as iot_reading, register as register_iot_device, send as send_iot

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# Chrome and page words that must never reach an English page.
UI_WORDS = ("我的任务", "隐患案件", "通知", "流程管理", "重点监管", "移送执法", "退出", "版本", "部署", "迁移", "校验",
            "编辑器", "流程图", "定时器", "催办", "整改", "节假日", "操作", "状态", "企业")
ALLOWED = {"中文"}  # the link back to Chinese


@pytest.fixture(autouse=True)
def catalogs(app):
    compile_translations()
    get_domain().cache.clear()  # a catalog looked up before compiling would otherwise stay cached


def test_catalog_is_complete():
    with PO.open("rb") as source:
        catalog = read_po(source)
    messages = [m for m in catalog if m.id]
    untranslated = [m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []  # e.g. a %(n)s missing or renamed in the English
    assert len(messages) > 300


STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"")


def literal(match):
    return re.sub(r"\\(.)", r"\1", match.group(1) if match.group(1) is not None else match.group(2))


def test_process_editor_scripts_have_english_for_every_string():
    """Each script keeps its Chinese strings as keys of its English table (`window.hazardI18n({...})`)."""
    for script in sorted((ROOT / "app/static/processes").glob("*.js")):
        source = script.read_text(encoding="utf-8")
        if not CJK.search(source):
            continue
        table = re.search(r"var t = window\.hazardI18n\(\{(.*?)\n  \}\);", source, re.S)
        assert table, f"{script.name} shows Chinese but has no English table"
        keys = {literal(m) for m in STRING.finditer(table.group(1)) if table.group(1)[m.end():].lstrip().startswith(":")}
        # Outside the table: Chinese only in t('...') keys, plus the tables English derives on its own.
        rest = source[:table.start()] + source[table.end():]
        rest = re.sub(r"var (TYPE_NAMES|TIMER_HINT) = .*?;\n", "", rest, flags=re.S)
        rest = re.sub(r"^\s*(/\*|\*).*$|\s//\s.*$", "", rest, flags=re.M)  # comments
        literals = [literal(m) for m in STRING.finditer(rest) if CJK.search(m.group())]
        missing = [s for s in literals if s not in keys]
        assert missing == [], f"{script.name}: no English for {missing}"
        if "TIMER_HINT" in source:
            assert "TIMER_HINT:" in table.group(1)


def user_data():
    """Chinese text that comes from data rather than from the interface, longest first."""
    strings = set()
    for e in db.session.query(Enterprise):
        strings |= {e.name, e.address, e.township, e.industry, e.main_products, e.main_risks, e.contact_person}
    for c in db.session.query(HazardCase):
        strings |= {c.place, c.description, c.current_step}
    for a in db.session.query(AuditEvent):
        strings |= {a.task_name, a.reason}
        strings |= {str(v) for pair in (a.changes or {}).values() for v in (pair if isinstance(pair, list) else [pair])}
    for n in db.session.query(Notification):
        strings |= {n.title, n.body}
    for t in db.session.query(TypicalCase):
        strings |= {t.title, t.problem_description, t.cause_analysis, t.measures, t.effect, t.lessons, t.industry}
    strings |= {u.display_name for u in db.session.query(User)}
    strings |= {r.checkers for r in db.session.query(RectificationCheck)}  # the names as typed on the form
    strings |= {text for d in db.session.query(IotDevice) for text in (d.name, d.place)}
    strings |= {g.name for g in db.session.query(IotGateway)}
    strings |= {text for m in db.session.query(IotMaintenance) for text in (m.performed_by, m.note)}
    strings |= {text for a in db.session.query(IotAlarm) for text in (a.acknowledge_note, a.handling_note)}
    strings |= {t.name for t in db.session.query(TimerFiring)}
    for r in db.session.query(PublicReport):
        strings |= {r.text, r.place, r.township, r.public_reply, r.verification_note, r.reward_note, r.reporter_name}
    strings |= {text for p in db.session.query(ServiceProject) for text in (p.name, p.contract_no)}
    for c in db.session.query(InspectionCampaign):  # a campaign's text and its targeting rule as chosen
        strings |= {c.name, c.description, *c.target_industries, *c.target_townships}
    for notice in db.session.query(BureauNotice):  # the notices' text as written, paragraph by paragraph
        strings |= {notice.title, notice.body, notice.withdrawn_reason, *notice.paragraphs,
                    *(str(v) for v in notice.target_values or [])}
    strings |= {r.reply for r in db.session.query(BureauNoticeRecipient)}
    for p in db.session.query(CasePublication):  # warning cases: the public version and its audience as chosen
        strings |= {p.title, p.body, p.withdrawn_reason, *p.paragraphs, *p.industries, *p.townships}
    strings |= {text for d in db.session.query(Department) for text in (d.name, d.contact_person)}
    strings |= {text for r in db.session.query(CaseReferral) for text in (r.reason, r.internal_note, r.close_note)}
    strings |= {r.text for r in db.session.query(ReferralReply)}
    strings |= {text for m in db.session.query(JointMeeting) for text in (m.place, m.minutes, m.decisions)}
    strings |= {y.source for y in db.session.query(CalendarYear)} | {d.note for d in db.session.query(CalendarDay)}
    for e in db.session.query(Expert):  # the expert pool and the equipment register as typed
        strings |= {e.name, e.organisation, e.title, e.note}
    strings |= {d.reason for d in db.session.query(ExpertDispatch)}
    strings |= {text for i in db.session.query(Instrument) for text in (i.model, i.keeper, i.location, i.note)}
    strings |= {text for loan in db.session.query(InstrumentLoan) for text in (loan.purpose, loan.return_note)}
    strings |= {text for c in db.session.query(StaffCertificate) for text in (c.title, c.number, c.issuer, c.note)}
    for v in db.session.query(ReturnVisit):  # return visits as recorded
        strings |= {v.contact_person, v.safety_status, v.opinions, v.problems, v.follow_up_action, v.internal_note}
    strings |= {f.note for f in db.session.query(ReturnVisitFinding)}
    strings |= {text for m in db.session.query(KeyEnterpriseMark) for text in (m.reason, m.removed_reason)}
    strings |= {text for r in db.session.query(ReturnVisitReport) for text in (r.summary, r.return_reason)}
    strings |= {e.reason for e in db.session.query(KeySupervisionEntry)}
    for row in db.session.query(HazardSource):  # the major hazard sources as typed
        strings |= {row.name, row.unit, row.filing_number, row.principal_name, row.technical_name, row.operator_name,
                    row.distance_note, row.note, row.review_note, row.retire_reason}
        strings |= {item["name"] for item in row.substances or ()}
    for r in db.session.query(EmergencyEvent):  # an emergency incident and its report as typed
        strings |= {r.reporter, r.reporter_contact, r.township, r.place, r.description, r.handling_note,
                    r.internal_note, r.report_cause, r.report_handling, r.report_lessons, r.report_improvements}
    strings |= {d.note for d in db.session.query(EmergencyDuty)}
    from app.models import InspectionVisit, VisitQualitySample, VisitReviewStep
    from app.services.visit_checkins import team_names
    strings |= {name for v in db.session.query(InspectionVisit) for name in (v.inspectors, *team_names(v))}  # as typed
    strings |= {s.reason for s in db.session.query(VisitReviewStep)}  # the reviewers' reasons as written
    strings |= {s.findings for s in db.session.query(VisitQualitySample)}
    for version in db.session.query(ProcessVersion):
        strings.add(version.comment)
        for xml in version.files.values():
            strings |= set(re.findall(r'name="([^"]*)"', xml))
    return sorted((s for s in strings if s and CJK.search(s)), key=len, reverse=True)


def without_user_data(page):
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)  # JSON data and scripts
    page = re.sub(r'<pre class="sample">.*?</pre>', "", page, flags=re.S)  # an example import file
    for value in user_data():
        page = page.replace(str(escape(value)), "").replace(value, "")
    return page


def leftover_chinese(page):
    """{Chinese run: its context} for what is left once scripts and user data are removed."""
    return {m.group(): page[max(0, m.start() - 80):m.end() + 20] for m in CJK.finditer(page) if m.group() not in ALLOWED}


def test_english_pages_show_no_chinese_outside_user_data(people, login, make_user):
    town = make_user("town", "township")  # a township safety office (属地监管) covering enterprise A's township
    town.townships_rel = [UserTownship(township=people.enterprise_a.township)]
    db.session.commit()
    case_id = overdue_case(people)  # urging notice, key-supervision list, timers fired
    clock.set(case_row(case_id).rectification_due + timedelta(days=8))
    sweep()  # enforcement referral and credit record
    version = db.session.query(ProcessVersion).filter_by(is_deployed=True).first()
    entry = add(people.quality, case_id)  # the case library: an entry with an edit in its history
    edit(people.bureau, entry.id, {**WRITTEN, "lessons": "接地检测列入复核必查项"})
    verified = closed_after_two_rounds(people)  # its draft words the verification opinions
    device_id, key = register_iot_device(people.project_lead, people.enterprise_a)  # IoT monitoring, an alarm open
    [alarm_id] = send_iot(key, iot_reading("h2s", 4, minutes=-30), iot_reading("h2s", 31))["alarms_opened"]
    notice = create_notice(people.bureau, publish=True)  # a warning to every enterprise, one signed
    sign_notice(people.ent_b, notice, "已传达到各班组")
    publication = publish_case(people.bureau, entry.id, industries=["化工"])  # a warning case (警示案例)
    learn_case(people.ent_a, publication)
    pages = {
        "project_lead": ["/", "/cases", f"/cases/{case_id}", "/notifications", "/objections", "/followups",
                         "/inspections", "/inspections/plans", "/inspections/plans/new",
                         f"/cases/{case_id}/regrade", "/inspections/checklist-stats", "/map",
                         "/inspections/satisfaction", "/complaints", "/cooperation", "/supervision/checks",
                         f"/cases/{case_id}/checks/new", "/library", f"/library/{entry.id}",
                         f"/library/{entry.id}/edit", f"/cases/{verified}/library/new", "/library/print?quarter=2026Q4",
                         "/library?quarter=2026Q4&industry=化工", "/iot/devices", f"/iot/devices/{device_id}",
                         "/iot/alarms", f"/iot/alarms/{alarm_id}", "/iot/maintenance", "/iot/gateways",
                         "/service-projects", "/service-projects/new", "/campaigns", "/campaigns/new",
                         "/notices", "/notices/new", f"/notices/{notice}", f"/library/{entry.id}/publish",
                         # a project's pages: test_service_projects_web
                         "/warning-cases", f"/warning-cases/{publication}"],
        "ent_a": ["/notifications", "/account/password", "/account/two-factor", "/complaints", "/complaints/new",
                  "/cooperation", "/hazards/offline", "/iot/devices", f"/iot/alarms/{alarm_id}", "/notices",
                  f"/notices/{notice}", "/warning-cases", f"/warning-cases/{publication}"],
        "bureau": ["/supervision", f"/supervision/enterprises/{people.enterprise_a.id}"],
        "manager": ["/audit", "/audit?scope=logins", "/reports?start=2026-11-01&end=2026-12-31", "/quality"],
        "quality": ["/quality"],
        "admin": ["/admin/timers", "/admin/calendar", "/admin/enterprises", "/admin/enterprises?scale=none",
                  "/admin/enterprises/new",
                  f"/admin/enterprises/{people.enterprise_a.id}", "/admin/users", "/admin/users/new",
                  f"/admin/users/{people.ent_a.id}", f"/admin/users/{people.admin.id}", f"/admin/users/{town.id}"],
        "town": ["/", "/cases", f"/cases/{case_id}", "/map", "/supervision", "/supervision/priorities",
                 "/supervision/regions", f"/supervision/enterprises/{people.enterprise_a.id}", "/inspections",
                 "/notifications"],
        "process_owner": ["/processes/", "/processes/editor", "/processes/diff", "/inspections/checklists",
                          f"/processes/migrate?from={version.id}", f"/processes/case/{case_id}/diagram"],
    }
    setting_up = login("inspector")  # the two-factor page while a new key waits to be confirmed
    setting_up.post("/account/two-factor/setup")
    pages["inspector"] = ["/account/two-factor", "/hazards/offline"]
    for username, urls in pages.items():
        client = setting_up if username == "inspector" else login(username)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            page = text(response)
            assert '<html lang="en">' in page, url
            page = without_user_data(page)
            assert [w for w in UI_WORDS if w in page] == [], (username, url)
            assert leftover_chinese(page) == {}, (username, url)


def test_english_documents_show_no_chinese_outside_user_data(people, login):
    """The printable records of an objection, a supervision check and a re-inspection, read back from the PDF."""
    objection_id = raise_one(people.ent_a, register(people))
    answer(people.project_lead, objection_id)
    case_id = rectifying(people)
    interview = check(people.supervision, case_id, conclusion="interview")
    follow_up = rows(closed_case(people))[0]
    record(people.inspector, follow_up.id, "recurred", "配电柜前又堆放杂物")
    client = login("ent_a")
    client.get("/lang/en")
    for url in (f"/objections/{objection_id}/answer.pdf", f"/cases/{case_id}/checks/{interview.id}.pdf",
                f"/followups/{follow_up.id}.pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
        shown = without_user_data(pdf_text(response.get_data()))
        assert [w for w in UI_WORDS if w in shown] == [], url
        assert leftover_chinese(shown) == {}, url


def test_english_case_documents_and_visit_report_show_no_chinese_outside_user_data(people, login):
    """The rectification notice, the acceptance opinion, the closing receipt and an inspection visit's report."""
    case_id = closed_case(people)
    client = login("project_lead")
    client.get("/lang/en")
    urls = [f"/cases/{case_id}/notice.pdf", f"/cases/{case_id}/verification.pdf", f"/cases/{case_id}/receipt.pdf"]
    urls.append(f"/inspections/{visit(people.inspector, people.enterprise_a).id}/report.pdf")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        shown = without_user_data(pdf_text(response.get_data()))
        assert [w for w in UI_WORDS if w in shown] == [], url
        assert leftover_chinese(shown) == {}, (url, shown)


def test_english_visit_check_ins_and_files_show_no_chinese_outside_user_data(people, login):
    """The visit's check-in card (with every flag), its files with their photo checks, the list with the check-in
    column and filter, the confirmation card for the enterprise, and the report (web/visit_checkins.py)."""
    from test_photo_positions import jpeg
    from test_visit_checkins import FAR, NEAR, SITE, check_in, check_out, place_cases
    from test_web_support import upload
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a, inspectors="inspector、project_lead")
    check_in(people.inspector, row.id, FAR, accuracy=20)
    check_in(people.project_lead, row.id)
    clock.advance(hours=1)
    check_out(people.inspector, row.id, NEAR)
    inspector = login("inspector")
    photo = upload(inspector, field="visit_files", data=jpeg(*FAR, taken=clock.now() - timedelta(days=40)),
                   name="far.jpg")
    assert inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [photo]}).status_code == 302
    idle = visit(people.inspector, people.enterprise_b)  # a draft: its review card shows the pre-submission checks
    from tests.visit_review_support import released
    released(row)  # the enterprise sees the visit once its report passed the review (三级审核)
    clock.advance(days=1)  # the project lead's check-out is missing now
    pages = {"inspector": [f"/inspections/{row.id}", f"/inspections/{idle.id}", "/inspections?flagged=1"],
             "project_lead": ["/inspections"], "ent_a": [f"/inspections/{row.id}"]}
    for username, urls in pages.items():
        client = login(username)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            page = without_user_data(text(response))
            assert leftover_chinese(page) == {}, (username, url)
    client = login("inspector")
    client.get("/lang/en")
    assert "No check-out" in text(client.get(f"/inspections/{row.id}"))
    response = client.post(f"/inspections/{row.id}/check-in")
    assert response.status_code == 409 and leftover_chinese(without_user_data(text(response))) == {}
    shown = without_user_data(pdf_text(client.get(f"/inspections/{row.id}/report.pdf").get_data()))
    assert leftover_chinese(shown) == {}, shown


def test_english_public_report_pages_show_no_chinese_outside_user_data(people, login, client):
    """隐患举报: the public's form (with errors too), lookup and query page; the staff's list and a report's page at
    each stage, with the forms of its steps."""
    from app.services import public_report_handling as handling
    received, _ = file_report(anonymous=False, name="王先生", phone="13800001111")
    verifying, _ = to_verifying(people)
    confirmed, code = to_confirmed(people)
    report_step(handling.propose_reward, people.bureau, confirmed, 500, "线索具体")
    accepted, _ = file_report(text="另一条举报：某厂消防通道被占用超过一周")
    report_step(handling.accept, people.bureau, accepted)
    client.get("/lang/en")
    invalid = client.post("/public/reports/new", data={"text": "short", "anonymous": "0"})
    assert invalid.status_code == 400
    pages = [(client, "/public/reports"), (client, "/public/reports/new"), (client, f"/public/reports/{code}")]
    bureau, inspector, manager = login("bureau"), login("inspector"), login("manager")
    for c in (bureau, inspector, manager):
        c.get("/lang/en")
    pages += [(bureau, "/public-reports?state=all"), (bureau, f"/public-reports/{received}"),
              (bureau, f"/public-reports/{accepted}"), (bureau, f"/public-reports/{confirmed}"),
              (inspector, f"/public-reports/{verifying}"), (manager, "/audit")]  # (a case drafted from a report is case data, in Chinese)
    responses = [(url, c.get(url)) for c, url in pages] + [("invalid form", invalid)]
    for url, response in responses:
        assert response.status_code in (200, 400), url
        page = text(response)
        assert '<html lang="en">' in page, url
        page = without_user_data(page)
        assert leftover_chinese(page) == {}, url


def test_english_referral_pages_and_letters_show_no_chinese_outside_user_data(people, login):
    """跨部门移送: the list, a referral's page with a reply, the forms (with errors too), the register, the case page
    with a joint meeting, and both letters, for the bureau and the enterprise's staff."""
    from app.services import joint_meetings
    from app.services.uow import UnitOfWork
    case_id = register(people)
    market, fire = add_department(people.bureau), add_department(people.bureau, "县消防救援大队", "fire")
    transfer, = refer(people.bureau, case_id, [market])
    notification, = refer(people.bureau, case_id, [fire], kind="copy", request="joint_check")
    reply_referral(people.bureau, transfer)
    with UnitOfWork() as uow:
        joint_meetings.record(uow, people.bureau, case_id, {"held_on": "2026-11-23", "place": "三楼会议室",
                                                            "department_ids": [market, fire], "minutes": "会商",
                                                            "decisions": "分工"})
        uow.commit()
    bureau, ent = login("bureau"), login("ent_a")
    for c in (bureau, ent):
        c.get("/lang/en")
    clock.set(clock.now() + timedelta(days=20))  # the copy is overdue now
    pages = [(bureau, "/referrals"), (bureau, "/referrals?overdue=1"), (bureau, f"/referrals/{transfer}"),
             (bureau, f"/referrals/{notification}"), (bureau, f"/cases/{case_id}/referrals/new"),
             (bureau, "/departments"), (bureau, "/departments/new"), (bureau, f"/departments/{market}/edit"),
             (bureau, f"/cases/{case_id}/meetings/new"), (bureau, f"/cases/{case_id}"), (ent, "/referrals"),
             (ent, f"/cases/{case_id}")]
    responses = [(url, c.get(url)) for c, url in pages]
    responses.append(("invalid referral", bureau.post(f"/cases/{case_id}/referrals/new", data={"reason": ""})))
    responses.append(("invalid reply", bureau.post(f"/referrals/{notification}/replies", data={"text": ""})))
    for url, response in responses:
        assert response.status_code in (200, 400), url
        page = text(response)
        assert '<html lang="en">' in page, url
        assert leftover_chinese(without_user_data(page)) == {}, url
    for referral_id in (transfer, notification):
        shown = without_user_data(pdf_text(bureau.get(f"/referrals/{referral_id}/letter.pdf").get_data()))
        assert leftover_chinese(shown) == {}, shown
