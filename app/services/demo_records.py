"""Demo records of the first features built beside the cases (`make run`): a case opened to the public query, a
public report, a site check, checklist versions, a typical case, a service report, a notice, an objection, visit
ratings and a complaint. Called from demo.seed, in its order; split from demo.py to keep that to the people, the
enterprises, the visits and the cases."""
from datetime import timedelta

from ..clock import clock
from ..models import ChecklistItem, HazardCase
from . import (bureau_notice_receipts, bureau_notices, checklist_changes, checklist_review, complaint_handling,
               complaints, objections, public_hazards, public_report_handling, public_reports, rectification_checks,
               service_report_facts, service_reports, site_check_draws, spot_check_results, typical_cases,
               visit_ratings)


def public_case(uow, bureau):
    """The major hazard in the flammable-liquids store opened to the public query (隐患整改公众查询, 挂牌督办)."""
    case = uow.session.query(HazardCase).filter_by(grade="major").order_by(HazardCase.id).first()
    if case is not None:
        public_hazards.publish(uow, bureau, case.id, f"{case.enterprise.name}甲类仓库易燃液体超量储存（挂牌督办）")


def public_report(uow, users):
    """A report from the public in handling (隐患举报): two days ago a citizen reported, anonymously and with no photo,
    that the chemical plant's fire lane was blocked; the bureau accepted it the same day and assigned the inspector
    to verify it (due in 3 working days)."""
    saved, now = clock._fixed, clock.now()
    try:
        clock.set(now - timedelta(days=2))
        row = public_reports.file_report(uow, public_reports.Filing(
            text="厂区东侧消防通道长期被货车和托盘占用，晚上也有车辆停放，发生火灾时消防车进不去。",
            place="城关镇化工园区东侧厂区", consent=True), public_reports.address_key("demo", "192.0.2.10"))
        clock.advance(hours=2)
        public_report_handling.accept(uow, users["bureau"], row.id)
        public_report_handling.assign(uow, users["bureau"], row.id, users["inspector"].id)
    finally:
        clock._fixed = saved


def site_check(uow, users):
    """A random draw (双随机) of one case under rectification, its supervision check on site (整改过程督导检查), found
    lagging with an earthing resistance out of limit (现场检测数据), and the draw's results published by the bureau
    (一公开), so the public page has something to show."""
    if uow.session.query(HazardCase.id).filter_by(status="rectifying").first() is None:
        return
    draw = site_check_draws.draw(uow, users["project_lead"], 1, seed="demo-2026")
    rectification_checks.record(uow, users["supervision"], draw.picks[0]["case_id"],
                                clock.local_now().strftime("%Y-%m-%dT%H:%M"), "孙督导、周督导", 30,
                                "防护罩已订购未安装，光电保护仍失效；要求本周内完成安装调试", "lagging", [
                                    {"kind": "grounding_resistance", "value": "6.8", "location": "冲床 3# 电机外壳",
                                     "instrument": "ZC-8 接地电阻测试仪", "calibration_no": "JZ-2026-118"},
                                    {"kind": "noise", "value": "83", "location": "冲压工位"}])
    spot_check_results.publish(uow, users["bureau"], draw.id)


def checklist_versions(uow, owner, lead):
    """Standards version management (标准版本管理): the process owner's sharper wording of a chemical item, approved by
    the technical lead (the list's version 2, announced to the inspection team), and a new item waiting for review."""
    item = uow.session.query(ChecklistItem).filter_by(code="HG-24").first()
    if item is None:
        return
    change = checklist_changes.propose_update(uow, owner, item.id, {
        "dimension": item.dimension, "content": item.content + "；甲类仓库内不得设置办公室、休息室", "basis": item.basis})
    checklist_review.approve(uow, lead, change.id, "结合本县危化品仓库检查中的常见问题细化")
    checklist_changes.propose_add(uow, owner, item.checklist_id, {
        "code": "HG-34", "dimension": "environment", "content": "装卸作业区设置静电接地报警装置并完好有效",
        "basis": "GB 15603-2022《危险化学品仓库储存通则》"})


def typical_case(uow, user):
    """The closed case in the typical case library (典型问题案例库), written up by the quality supervisor: the blocked
    passage of the food plant's cold store, a problem that comes back when nobody owns it."""
    case = uow.session.query(HazardCase).filter_by(status="closed").order_by(HazardCase.id).first()
    if case is not None:
        typical_cases.create(uow, user, case.id, {
            **typical_cases.prefill(uow.session, user, case.id),
            "title": "冷库安全通道反复堆放杂物",
            "problem_description": "冷库通道堆放纸箱和托盘，占用安全通道；企业自查时清理过一次，排查时再次发现（反复出现）。",
            "cause_analysis": "旺季入库量大，临时周转区不足，货物就近堆放在安全通道；通道日常巡查未落实到具体班组和责任人，"
                              "交接班检查表也没有通道一项（制度漏洞与执行短板并存）。",
            "lessons": "通道问题整改不能只清理一次：要划定临时周转区、把通道畅通列入交接班检查表并明确责任人；"
                       "复核时抽查不同班次，销号后复查重点看旺季。"})


def service_report(uow, lead):
    """The issued service report (企业服务情况报告和结论性意见) of the enterprise whose case is closed, over its service so
    far; the grade follows its facts (合格 only when every hazard found was closed)."""
    case = uow.session.query(HazardCase).filter_by(status="closed").order_by(HazardCase.id).first()
    if case is None:
        return
    start, end = service_reports.default_period(uow.session, case.enterprise_id)
    facts = service_report_facts.compute(uow.session, case.enterprise, start, end)
    all_closed = not facts["hazards"]["open"]
    service_reports.create(uow, lead, case.enterprise_id, {
        "period_start": start, "period_end": end, "grade": "qualified" if all_closed else "basically_qualified",
        "conclusion": "经复查验收，企业对排查发现的隐患已按要求整改并经复核销号，安全管理制度和现场管理基本符合要求。"
                      if all_closed else "经复查验收，企业对排查发现的主要隐患已整改销号，剩余隐患正在期限内整改。",
        "recommendations": "将安全通道巡查纳入交接班检查表并明确责任人；旺季前组织一次应急疏散演练。"}, issue_now=True)


def notice(uow, users):
    """A published flood-season warning (汛期预警提示) from the bureau to every enterprise, signed by 3 working days:
    one enterprise has signed with a reply, one has only read it, the others have not opened it yet."""
    notice = bureau_notices.create(uow, users["bureau"], {
        "kind": "warning", "title": "关于做好近期强降雨天气安全防范工作的预警提示",
        "body": "据气象部门预报，未来三天我县将出现强降雨天气，局部地区有暴雨。\n\n"
                "请各生产经营单位立即开展一次隐患排查：重点检查低洼地带仓库、配电设施、边坡和临时建筑，"
                "危险化学品储存场所做好防雨防潮，有限空间作业一律暂停。\n\n"
                "雨天期间落实24小时值班值守，发现险情及时报告属地乡镇和应急管理局。",
        "target_kind": "all", "target_values": [], "sign_by_workdays": 3}, publish_now=True)
    bureau_notice_receipts.sign(uow, users["enterprise"], notice.id, "已传达到各车间班组，甲类仓库已加固防雨设施，安排专人值班。")
    bureau_notice_receipts.open_notice(uow, users["enterprise2"], notice.id)


def objection(uow, user):
    """An objection awaiting its answer, from the machinery works about its rectifying case's deadline."""
    case = uow.session.query(HazardCase).filter_by(enterprise_id=user.enterprise_id, status="rectifying") \
        .order_by(HazardCase.id).first()
    if case is not None:
        objections.raise_objection(uow, user, case.id, "deadline",
                                   "更换配电箱需供电部门停电配合，最早下月初才能安排，申请延长整改期限")


def ratings(uow, users, visits):
    """The chemical plant rates its visit well and by name; the machinery works low and anonymously (the quality
    supervisor and the project lead are notified, and the rating opens a service complaint awaiting investigation);
    the food plant leaves its visit, a month back, unrated."""
    chemical, machinery = sorted(visits.values(), key=lambda v: v.id)[:2]
    visit_ratings.rate(uow, users["enterprise"], chemical.id, {
        "service_quality": 5, "professional_level": 5, "communication": 4, "response_speed": 4},
        "排查人员专业细致，依据讲解清楚；希望整改通知书能早一点送达")
    visit_ratings.rate(uow, users["enterprise2"], machinery.id, {
        "service_quality": 3, "professional_level": 2, "communication": 2, "response_speed": 3},
        "检查时没有说明冲床防护的具体标准，整改要求不够具体，沟通时间太短", anonymous=True)


def complaint(uow, users, visits):
    """A service complaint answered in time: ten days ago the chemical plant complained that its rectification notice
    came late; the quality desk started the investigation three hours later and drafted the answer the next
    morning, which a project lead approved (and so sent) two hours after."""
    chemical = sorted(visits.values(), key=lambda v: v.id)[0]
    saved, now = clock._fixed, clock.now()
    try:
        clock.set(now - timedelta(days=10))
        row = complaints.raise_complaint(uow, users["enterprise"], "timeliness",
                                         "排查后第三天才收到整改通知书，耽误了整改安排，希望今后当场或次日送达", chemical.id)
        clock.advance(hours=3)
        complaint_handling.start_investigation(uow, users["quality"], row.id,
                                               "调阅整改通知书签发和送达记录，询问排查组")
        clock.advance(hours=18)
        complaint_handling.draft_answer(uow, users["quality"], row.id,
                                        "经核实，整改通知书签发后因待补现场照片延迟两天送达，情况属实。已要求排查组现场拍照"
                                        "归档，通知书于排查次日送达；并已将送达时限纳入质量抽查。感谢贵公司的监督。")
        clock.advance(hours=2)
        complaint_handling.approve(uow, users["project_lead"], row.id)
    finally:
        clock._fixed = saved


