"""Demo data for `make run`: one user per role, three enterprises with cases standing at different steps and six
smaller ones without.

Cases are driven through the real services (and the real engine) with the clock set back, so their
history, deadlines and timers are what production would have recorded.
"""
import base64
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import current_app

from ..clock import SHANGHAI, clock
from ..models import (AccidentRecord, ChecklistItem, ChecklistResult, Enterprise, HazardCase, HumanTask,
                      InspectionVisit, User, UserRole, UserTownship)
from . import (attachments, case_publication_demo, checklist_load, checklist_results, cooperation, hazards,
               major_hazard_demo, tasks, visit_checkins)
from . import demo_features, demo_records, enterprise_position_demo, visit_review_demo
from .credit_code import with_check_character

# A 1x1 PNG: real image bytes so the demo's photos pass the same content sniffing as uploads.
PNG_1X1 = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

ENTERPRISES = [
    dict(name="华东精细化工有限公司", credit_code="91330100MA2H00001P", industry="危险化学品", township="滨江工业园区",
         address="滨江工业园区化工路8号", main_products="涂料、溶剂", employees=320, safety_managers=4,
         special_workers=26, main_risks="易燃液体储存、动火作业、有限空间", major_hazard_sources="甲类仓库（三级重大危险源）",
         contact_person="陈安全", contact_phone="0571-88000001"),
    dict(name="新城机械制造厂", credit_code="91330100MA2H00002T", industry="机械制造", township="城关镇",
         address="城关镇工业路99号", main_products="机床零部件", employees=150, safety_managers=2,
         special_workers=12, main_risks="机械伤害、起重作业、粉尘", major_hazard_sources="",
         contact_person="李工", contact_phone="0571-88000002"),
    dict(name="绿源食品有限公司", credit_code="91330100MA2H00003X", industry="食品加工", township="南湖镇",
         address="南湖镇食品园3号", main_products="速冻食品", employees=210, safety_managers=3,
         special_workers=8, main_risks="液氨制冷、有限空间", major_hazard_sources="液氨储罐",
         contact_person="王主任", contact_phone="0571-88000003"),
]

# Smaller firms beside them, two per township / park, with no hazards yet: the register, the inspection coverage and
# the regional risk levels look like a county's, not like three enterprises alone.
SMALL_ENTERPRISES = [
    ("滨江包装材料厂", "包装印刷", "滨江工业园区"), ("滨江五金加工部", "机械制造", "滨江工业园区"),
    ("城关木业有限公司", "木材加工", "城关镇"), ("城关建材商行", "建材", "城关镇"),
    ("南湖粮油加工厂", "食品加工", "南湖镇"), ("南湖纺织有限公司", "纺织", "南湖镇"),
]

# username, display name, roles, enterprise index (None: not an enterprise user)
USERS = [
    ("inspector", "张排查", ["inspector"], None),
    ("project_lead", "刘项目", ["project_lead"], None),
    ("enterprise", "陈安全（华东精细化工）", ["enterprise"], 0),
    ("enterprise2", "李工（新城机械）", ["enterprise"], 1),
    ("enterprise3", "王主任（绿源食品）", ["enterprise"], 2),
    ("project_team", "赵执行", ["project_team"], None),
    ("supervision", "孙督导", ["supervision"], None),
    ("expert", "周专家", ["expert"], None),
    ("bureau", "吴局长", ["bureau"], None),
    ("quality", "郑质检", ["quality"], None),
    ("process_owner", "钱流程", ["process_owner"], None),
    ("manager", "冯经理", ["manager"], None),
    ("admin", "系统管理员", ["admin"], None),
    ("technical_lead", "何技术", ["technical_lead"], None),
    ("township", "林站长（滨江工业园区安监办）", ["township"], None),
]
# The townships / parks each township safety office (属地监管) covers.
TOWNSHIPS = {"township": ["滨江工业园区"]}


def seed(uow, password, only_if_empty=True):
    if only_if_empty and uow.session.query(User.id).first() is not None:
        return False
    enterprises = [Enterprise(**e) for e in ENTERPRISES]
    uow.session.add_all(enterprises)
    uow.session.add_all([
        Enterprise(name=name, credit_code=with_check_character(f"91330100MA2H1{n:04d}"), industry=industry,
                   township=township, address=f"{township}{name}", employees=20 + 7 * n)
        for n, (name, industry, township) in enumerate(SMALL_ENTERPRISES)])
    uow.session.flush()
    users = {}
    for username, name, roles, ent in USERS:
        user = User(username=username, display_name=name, created_at=clock.now(),
                    enterprise_id=enterprises[ent].id if ent is not None else None)
        user.set_password(password)
        user.roles_rel = [UserRole(role=r) for r in roles]
        user.townships_rel = [UserTownship(township=t) for t in TOWNSHIPS.get(username, [])]
        uow.session.add(user)
        users[username] = user
    uow.session.flush()
    checklist_load.load_standard(uow, None)
    enterprise_position_demo.seed(uow, users["admin"], enterprises, SITES)  # all but one placed, before the visits
    visits = _seed_visits(uow, users["inspector"], enterprises)
    _seed_cases(uow, users, enterprises, visits)
    _seed_checklist_results(uow, users["inspector"], visits)
    _seed_checkins(uow, users["inspector"], visits)
    visit_review_demo.seed(uow, users, visits)  # earlier visits released; one visit submitted, waiting for 复审
    _seed_accidents(uow, enterprises)
    demo_records.objection(uow, users["enterprise2"])
    demo_records.ratings(uow, users, visits)
    demo_records.complaint(uow, users, visits)
    demo_records.site_check(uow, users)
    demo_records.public_case(uow, users["bureau"])
    major_hazard_demo.seed(uow, users)  # its special report, approved plan and listing (挂牌督办)
    demo_records.public_report(uow, users)
    demo_records.typical_case(uow, users["quality"])
    case_publication_demo.seed(uow, users)  # published to every enterprise as a warning case (警示案例)
    demo_records.service_report(uow, users["project_lead"])
    demo_records.notice(uow, users)
    demo_records.checklist_versions(uow, users["process_owner"], users["technical_lead"])
    demo_features.seed(uow, users, enterprises, visits, password)  # the later features' demos, in order
    # Last month's cooperation scores (配合评分), so the ranking has a month to show from the start.
    cooperation.score_month(uow, cooperation.previous_month(clock.local_now().date()))
    return True


def _seed_visits(uow, inspector, enterprises):
    """The visits behind the demo's cases (registered 12 days ago), and one a month back that found nothing;
    returns {enterprise id: its visit}."""
    today = clock.local_now().date()
    visits = {}
    for index, (days_ago, scope, findings) in enumerate([
            (12, "危化品仓库、反应釜区、动火作业审批", "甲类仓库超量储存；反应釜安全联锁被摘除"),
            (12, "冲压车间、配电房、特种设备台账", "冲床防护缺失；配电箱未接地"),
            (30, "液氨制冷机房、有限空间台账、应急预案", "")]):
        visits[enterprises[index].id] = visit = InspectionVisit(
            enterprise_id=enterprises[index].id, visited_on=today - timedelta(days=days_ago), scope=scope,
            inspectors=f"{inspector.display_name}、赵执行", findings=findings, created_at=clock.now(),
            created_by_id=inspector.id)
        uow.session.add(visit)
    uow.session.flush()
    return visits


# The checklists of the two visits that found hazards: item code -> (result, note, the case's description if one was
# registered from it); the other items of their lists stay unchecked, as on a visit still being written up.
CHECKLIST_RESULTS = {
    "化工": {"TY-01": ("conform", "", None), "TY-06": ("conform", "", None),
             "TY-16": ("conform", "", None), "TY-26": ("conform", "", None),
             "TY-29": ("not_applicable", "厂区内无员工宿舍", None),
             "HG-05": ("conform", "", None), "HG-17": ("conform", "", None),
             "HG-19": ("not_applicable", "无液化气体充装", None),
             "HG-23": ("nonconform", "反应釜安全联锁被摘除，未履行审批", "反应釜安全联锁被摘除，存在爆炸风险"),
             "HG-24": ("nonconform", "甲类仓库易燃液体超量储存", "易燃液体超量储存，防火间距不足")},
    "机械": {"TY-01": ("conform", "", None), "TY-16": ("conform", "", None),
             "TY-22": ("conform", "", None),
             "TY-23": ("nonconform", "冲床防护罩缺失，光电保护失效", "冲床防护罩缺失，光电保护失效"),
             "TY-24": ("nonconform", "配电箱未接地，线路老化", "配电箱线路老化，未接地"),
             "TY-32": ("not_applicable", "无有限空间", None)},
}


def _seed_checkins(uow, inspector, visits):
    """The inspector's check-ins (到场打卡) at the two visits that found hazards, through the service with the clock
    on the visit's day: at the chemical plant a few metres from its hazards for 4 h 15 min; at the machinery works
    2 h 30 min, which the visit list flags as under 4 hours."""
    saved = clock._fixed
    try:
        for visit, (start, minutes) in zip(sorted(visits.values(), key=lambda v: v.id)[:2],
                                           [((8, 50), 255), ((9, 10), 150)]):
            site = visit_checkins.site_positions(uow.session, [visit.enterprise_id])[visit.enterprise_id]
            near = (site.latitude + 0.0002, site.longitude, 12) if site else (None, None, None)
            clock.set(datetime.combine(visit.visited_on, time(*start), SHANGHAI))
            visit_checkins.check_in(uow, inspector, visit.id, *near)
            clock.advance(minutes=minutes)
            visit_checkins.check_out(uow, inspector, visit.id, *near)
    finally:
        clock._fixed = saved


def _seed_checklist_results(uow, inspector, visits):
    """Results at the chemical plant's and the machinery works' visits, the nonconforming items linked to the cases
    registered from them."""
    codes = {i.code: i.id for i in uow.session.query(ChecklistItem)}
    for visit, results in zip(sorted(visits.values(), key=lambda v: v.id)[:2], CHECKLIST_RESULTS.values()):
        checklist_results.record(uow, inspector, visit.id, [
            {"item_id": codes[code], "result": result, "note": note} for code, (result, note, _) in results.items()])
        for code, (_, _, description) in results.items():
            case = uow.session.query(HazardCase).filter_by(inspection_visit_id=visit.id, description=description) \
                .first() if description else None
            if case is not None:
                row = uow.session.query(ChecklistResult).filter_by(visit_id=visit.id, item_id=codes[code]).one()
                checklist_results.link_case(uow, row, case)


def _seed_accidents(uow, enterprises):
    """The register's history for the inspection priority list: an accident at the food plant 14 months ago, and
    the machinery works in the trial operation of its new line."""
    today = clock.local_now().date()
    uow.session.add(AccidentRecord(
        enterprise_id=enterprises[2].id, occurred_on=today - timedelta(days=425), level="general",
        accident_type="中毒和窒息", deaths=0, injuries=1, direct_loss=Decimal("38.00"),
        summary="清理污水池时未通风检测，一名作业人员吸入硫化氢送医", recorded_at=clock.now(), recorded_by="bureau"))
    enterprises[1].trial_operation_until = today + timedelta(days=60)


SITES = [(35.5012, 113.8321), (35.4627, 113.8015), (35.4108, 113.7526)]  # the three demo enterprises' sites


def _seed_cases(uow, users, enterprises, visits):
    saved = clock._fixed
    now = clock.now()
    start = now - timedelta(days=12)
    try:
        plans = [  # (enterprise, score, legal_major, type, place, description, steps to walk)
            (0, 92, False, "fire_safety", "二号车间", "灭火器压力不足，部分过期未检", []),
            (1, 78, False, "mechanical", "冲压车间", "冲床防护罩缺失，光电保护失效", ["assign"]),
            (2, 88, False, "confined_space", "污水池", "有限空间作业未设置警示标识", ["assign", "rectify"]),
            (0, 60, False, "hazardous_chemicals", "甲类仓库", "易燃液体超量储存，防火间距不足",
             ["assign", "rectify"]),
            (1, 90, False, "electrical", "配电房", "配电箱线路老化，未接地", ["assign", "rectify", "fail"]),
            (2, 95, False, "site_management", "冷库通道", "安全通道堆放杂物", ["assign", "rectify", "pass"]),
            (0, 45, True, "hazardous_chemicals", "反应釜区", "反应釜安全联锁被摘除，存在爆炸风险", []),
            # referred to the market regulator (services/referral_demo.py): special equipment is its competence
            (0, 80, False, "special_equipment", "空压站", "储气罐（压力容器）超过检验周期未检验，安全阀校验过期",
             ["assign"]),
        ]
        for index, (ent, score, legal, kind, place, text, steps) in enumerate(plans):
            # The first case is registered 1 h 58 min before the seed, so a couple of minutes after
            # `make run` its 2-hour assignment deadline passes and the project lead gets a live reminder.
            clock.set(now - timedelta(minutes=118) if index == 0 else start + timedelta(hours=index))
            # where the inspector stood (the hazard map): near the enterprise's site, a little apart per case
            where = (round(SITES[ent][0] + 0.0015 * index, 6), round(SITES[ent][1] + 0.0012 * (index % 3), 6))
            photo = _photo(uow, users["inspector"], where)
            visit = visits.get(enterprises[ent].id)
            case = hazards.register_hazard(uow, users["inspector"], {
                "enterprise_id": enterprises[ent].id, "score": score, "legal_major": legal, "hazard_type": kind,
                "place": place, "description": text, "photos": [photo], "latitude": where[0], "longitude": where[1],
                # registered from the visit of that day, where there was one
                "inspection_visit_id": visit.id if visit and visit.visited_on == clock.local_now().date() else None})
            for step in steps:
                clock.advance(hours=1)
                _walk(uow, users, case, step)
    finally:
        clock._fixed = saved


def _walk(uow, users, case, step):
    for task in uow.session.query(HumanTask).filter_by(case_id=case.id).all():
        if step == "assign" and task.form_key == "assignment":
            tasks.complete(uow, users["project_lead"], task.id, {
                "rectification_requirements": "按规范立即整改，整改完成后上传整改前后照片",
                "contact_person": case.enterprise.contact_person, "contact_phone": case.enterprise.contact_phone})
        elif step == "rectify" and task.form_key == "rectification":
            owner = uow.session.query(User).filter_by(enterprise_id=case.enterprise_id).first()
            tasks.complete(uow, owner, task.id, {
                "measures": "已落实整改措施并组织复查", "progress_percent": 100, "completed": True,
                "responsible_person": case.enterprise.contact_person,
                "after_photos": [_photo(uow, owner, (case.latitude, case.longitude), "after_photos")]})
        elif step in ("fail", "pass") and task.form_key == "verification":
            reviewer = users["project_team"] if task.role == "project_team" else users["supervision"]
            tasks.complete(uow, reviewer, task.id, {
                "passed": step == "pass", "opinion": "复核合格，同意销号" if step == "pass" else "整改不彻底",
                "added_requirements": "" if step == "pass" else "更换全部老化线路并做接地检测"})


def site_photo(uow, user, where, field="photos"):
    """A demo photo taken `where` (EXIF position and time), for the later features' demos (demo_features.py)."""
    return _photo(uow, user, where, field)


def _photo(uow, user, where=None, field="photos"):
    """A demo photo; taken `where` (a few metres off, as a phone's GPS is) at the demo clock's time, when given."""
    if where is not None and where[0] is not None:
        return attachments.store_upload(uow, user, "现场.jpg", io.BytesIO(_site_jpeg(where[0] + 0.0002, where[1])),
                                        current_app.config["UPLOAD_DIR"], current_app.config["MAX_UPLOAD_BYTES"],
                                        field=field).public_id
    return attachments.store_upload(uow, user, "demo.png", io.BytesIO(PNG_1X1), current_app.config["UPLOAD_DIR"],
                                    current_app.config["MAX_UPLOAD_BYTES"], field="photos").public_id


def _site_jpeg(latitude, longitude):
    """A small JPEG with the GPS and time tags a phone camera writes (services/photo_metadata.py reads them)."""
    from PIL import Image

    def dms(value):
        degrees, rest = divmod(abs(value) * 3600, 3600)
        minutes, seconds = divmod(rest, 60)
        return (float(degrees), float(minutes), round(seconds, 3))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = clock.local_now().strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(0x8825).update({1: "N", 2: dms(latitude), 3: "E", 4: dms(longitude)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (150, 150, 150)).save(out, "JPEG", exif=exif)
    return out.getvalue()
