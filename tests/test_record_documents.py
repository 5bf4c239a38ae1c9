"""Printable records of a case's objections, supervision checks and re-inspections: the answer letter of an answered
objection (异议答复书), a supervision check's record (督导检查记录) and a recorded re-inspection's (回头看复查记录).
Each as a PDF for exactly those who see the record on its page (404 for another enterprise's staff and for ids that
do not exist, 404 while the record is not final), linked from where the record is shown, in Chinese or English; its
text read back from the file."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import CreditRecord
from app.services import rectification_checks
from tests.pdf_support import missing, pdf_text
from tests.test_follow_ups import closed_case, record, rows
from tests.test_lifecycle_service import case_row, register
from tests.test_objections import answer, raise_one
from tests.test_rectification_checks import check, rectifying
from tests.test_web_support import text


def pdf(response, filename):
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="{filename}"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"%PDF-") and b"STSong-Light" in body  # the CID font, nothing downloaded or embedded
    return body


# ---- 异议答复书 -------------------------------------------------------------------------------------------------
def test_an_answered_objection_is_a_letter_for_whoever_sees_the_objection(people, login):
    case_id = register(people)
    code = case_row(case_id).code
    objection_id = raise_one(people.ent_a, case_id, "deadline", "设备采购周期长，申请延长整改期限")
    url = f"/objections/{objection_id}/answer.pdf"
    ent = login("ent_a")
    assert ent.get(url).status_code == 404  # not answered yet
    assert login("project_lead").get(url).status_code == 404
    assert url not in text(ent.get(f"/cases/{case_id}"))
    clock.advance(hours=5)
    answer(people.project_lead, objection_id, "同意延长，下一轮指派时调整", accepted=True)
    for who in ("ent_a", "project_lead", "bureau", "inspector"):
        body = pdf(login(who).get(url), f"objection-{objection_id}-answer.pdf")
    assert missing(body, "异议答复书", code, "甲化工有限公司", "线路老化", "整改期限", "设备采购周期长，申请延长整改期限",
                   "ent_a", "2026-11-23 09:00", "采纳", "同意延长，下一轮指派时调整", "project_lead（项目负责人）",
                   "2026-11-23 14:00", "通过案件办理流程（下一次指派或复核验收）落实", "服务机构（盖章）") == []
    assert "不予采纳" not in pdf_text(body)
    assert login("ent_b").get(url).status_code == 404  # another enterprise's objection
    assert login("ent_b").get("/objections/99999/answer.pdf").status_code == 404
    # linked wherever the answer is shown
    assert f'href="{url}"' in text(ent.get(f"/cases/{case_id}"))
    assert f'href="{url}"' in text(ent.get("/objections?state=answered"))
    assert f'href="{url}"' in text(login("project_lead").get(f"/objections/{objection_id}/reply"))


def test_an_objection_not_upheld_says_so_and_reads_in_english(people, login):
    case_id = register(people)
    objection_id = raise_one(people.ent_a, case_id, "grade", "评分过高")
    answer(people.admin, objection_id, "经复核评分无误", accepted=False)
    body = pdf(login("ent_a").get(f"/objections/{objection_id}/answer.pdf"), f"objection-{objection_id}-answer.pdf")
    assert missing(body, "隐患等级", "评分过高", "不予采纳", "经复核评分无误", "admin（系统管理员）",
                   "异议不予采纳，案件按现有处理意见继续办理。") == []
    english = pdf_text(login("ent_a").get(f"/objections/{objection_id}/answer.pdf?lang=en").get_data())
    assert "Answer to an objection" in english and "Not upheld" in english and "admin (Administrator)" in english
    assert "Hazard grade" in english and "经复核评分无误" in english  # the labels translated, the words as written


# ---- 督导检查记录 -----------------------------------------------------------------------------------------------
def test_a_supervision_check_is_a_record_for_those_who_see_the_cases_checks(people, login):
    case_id = rectifying(people, 60)
    code = case_row(case_id).code
    row = check(people.supervision, case_id, conclusion="lagging", progress=35, findings="配电柜已到货，尚未安装")
    url = f"/cases/{case_id}/checks/{row.id}.pdf"
    for who in ("supervision", "project_lead", "bureau", "manager", "quality", "admin", "ent_a"):
        body = pdf(login(who).get(url), f"check-{code}-{row.id}.pdf")
    assert missing(body, "督导检查记录", code, "甲化工有限公司", "线路老化", "2026-11-23 09:00", "赵督导", "第 1 轮",
                   "35%", "配电柜已到货，尚未安装", "进度滞后", "supervision", "督导检查人员（签字）",
                   "企业负责人（签字）") == []
    assert "信用记录" not in pdf_text(body)  # only an interview goes on the credit record
    assert login("inspector").get(url).status_code == 403  # sees the case, not its checks (nor their card)
    assert login("ent_b").get(url).status_code == 404  # another enterprise's case
    assert login("supervision").get(f"/cases/{case_id}/checks/99999.pdf").status_code == 404
    other_case = rectifying(people)
    assert login("supervision").get(f"/cases/{other_case}/checks/{row.id}.pdf").status_code == 404  # not its check
    # linked from the case page's card, for those who see the card
    assert f'href="{url}"' in text(login("ent_a").get(f"/cases/{case_id}"))
    assert f'href="{url}"' in text(login("bureau").get(f"/cases/{case_id}"))
    assert url not in text(login("inspector").get(f"/cases/{case_id}"))


def test_an_interview_check_shows_its_own_credit_record_entry(people, login):
    case_id = rectifying(people)
    code = case_row(case_id).code
    first = check(people.supervision, case_id, conclusion="interview", progress=10, findings="两次督导均无进展")
    clock.advance(days=3, hours=2)
    second = check(people.project_lead, case_id, conclusion="interview", progress=10, findings="仍无进展")
    entries = db.session.query(CreditRecord).filter_by(case_id=case_id).order_by(CreditRecord.id).all()
    assert [rectification_checks.credit_record(db.session, r) for r in (first, second)] == entries
    body = pdf(login("ent_a").get(f"/cases/{case_id}/checks/{second.id}.pdf"), f"check-{code}-{second.id}.pdf")
    assert missing(body, "整改不力，启动约谈", "信用记录", f"隐患 {code} 整改不力，督导检查启动约谈",
                   "2026-11-26 11:00 记入", "已通知企业和应急管理局", "project_lead") == []
    assert "/ interview after a supervision check" not in pdf_text(body)  # the stored note's Chinese half
    english = pdf_text(login("bureau").get(f"/cases/{case_id}/checks/{first.id}.pdf?lang=en").get_data())
    assert "Record of a rectification site check" in english and "interview after a supervision check" in english
    assert "Credit record" in english and "Checkers (signature)" in english


# ---- 回头看复查记录 ---------------------------------------------------------------------------------------------
def test_a_recorded_re_inspection_is_a_record_for_whoever_sees_the_case(people, login):
    case_id = closed_case(people)
    code = case_row(case_id).code
    first, second = rows(case_id)
    url = f"/followups/{first.id}.pdf"
    assert login("ent_a").get(url).status_code == 404  # not recorded yet
    clock.advance(days=2)
    record(people.inspector, first.id, "recurred", "配电柜前又堆放杂物")
    for who in ("ent_a", "inspector", "bureau", "expert", "project_lead"):
        body = pdf(login(who).get(url), f"followup-{code}-1.pdf")
    assert missing(body, "回头看复查记录", code, "甲化工有限公司", "线路老化", "更换线路", f"{code}-HZ",
                   "2026-11-23 09:00", "第 1 次（销号后一周内）", "2026-11-23 — 2026-11-30", "2026-11-25 09:00",
                   "inspector（现场排查人员）", "隐患反弹", "配电柜前又堆放杂物", "已通知应急管理局和项目负责人",
                   "复查人员（签字）", "企业负责人（签字）") == []
    assert login("ent_b").get(url).status_code == 404  # another enterprise's case
    assert login("ent_a").get("/followups/99999.pdf").status_code == 404
    assert login("ent_a").get(f"/followups/{second.id}.pdf").status_code == 404  # the second is not done yet
    # linked wherever the result is shown, not for the one still to do
    case_page = text(login("ent_a").get(f"/cases/{case_id}"))
    assert f'href="{url}"' in case_page and f"/followups/{second.id}.pdf" not in case_page
    assert f'href="{url}"' in text(login("inspector").get("/followups?state=done"))
    assert f'href="{url}"' in text(login("inspector").get(f"/followups/{first.id}/record"))


def test_a_re_inspection_that_holds_reads_in_english(people, login):
    case_id = closed_case(people)
    first = rows(case_id)[0]
    record(people.project_team, first.id, "held", "")
    body = pdf(login("bureau").get(f"/followups/{first.id}.pdf"), f"followup-{case_row(case_id).code}-1.pdf")
    assert missing(body, "整改效果保持，本次复查完成。", "project_team（项目执行小组）") == []
    client = login("bureau")
    client.get("/lang/en")  # the language switch, as the other documents
    english = pdf_text(client.get(f"/followups/{first.id}.pdf").get_data())
    assert "Record of a re-inspection after closing" in english and "Rectification holds" in english
    assert "within a week of closing" in english and "project_team (Project team)" in english


def test_checks_recorded_days_apart_keep_their_own_times(people):
    """credit_record pairs a check with its entry by their order, not by time (a check's time is typed in)."""
    case_id = rectifying(people)
    earlier = clock.local_now() - timedelta(days=2)
    row = check(people.supervision, case_id, conclusion="interview", when=earlier.strftime("%Y-%m-%dT%H:%M"))
    entry = rectification_checks.credit_record(db.session, row)
    assert entry is not None and entry.created_at == clock.now() and row.checked_at < entry.created_at
    assert rectification_checks.credit_record(db.session, check(people.supervision, case_id)) is None
