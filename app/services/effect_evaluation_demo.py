"""The demo's effect evaluation (services/effect_evaluations.py): the food plant's liquid-ammonia major hazard,
registered 40 days before the seed and closed a few days later by the bureau and the expert, so its evaluation is in
its observation period (conclusions from three months after closing). It is commissioned to a body of the register
and the pool's 周建国 (the demo user `expert`), with one visit recorded."""
from datetime import timedelta

from ..clock import clock
from ..models import Enterprise, Expert, HumanTask, User
from . import effect_evaluations, evaluation_bodies, hazards, tasks

PLACE = (35.4131, 113.7549)  # the liquid-ammonia machine room, on the food plant's site (demo.SITES[2])
BODIES = [
    {"name": "省安全生产科学研究院评价中心", "qualification": "安全评价机构资质 APJ-(浙)-002", "contact_person": "孙主任",
     "phone": "0571-87000021"},
    {"name": "华科安全技术咨询有限公司", "qualification": "安全评价机构资质 APJ-(浙)-118", "contact_person": "钱经理",
     "phone": "0571-87000108"},
]


def seed(uow, users):
    enterprise = uow.session.query(Enterprise).filter_by(name="绿源食品有限公司").first()
    staff = uow.session.query(User).filter_by(enterprise_id=enterprise.id).first() if enterprise else None
    if staff is None:
        return
    bodies = [evaluation_bodies.save(uow, users["bureau"], values) for values in BODIES]
    saved, now = clock._fixed, clock.now()
    try:
        clock.set(now - timedelta(days=40))
        case = hazards.register_hazard(uow, users["inspector"], {
            "enterprise_id": enterprise.id, "score": 62, "legal_major": False, "hazard_type": "hazardous_chemicals",
            "place": "液氨机房", "description": "液氨机房氨气泄漏报警器失效，事故排风机与报警器未联锁",
            "photos": [_photo(uow, users["inspector"])], "latitude": PLACE[0], "longitude": PLACE[1]})
        for step in ("assignment", "rectification", "joint_verification_bureau", "joint_verification_expert"):
            clock.advance(days=1)
            _complete(uow, users, staff, case, step)
        clock.set(now - timedelta(days=10))
        expert = uow.session.query(Expert).filter_by(user_id=users["expert"].id).first()
        effect_evaluations.commission(uow, users["bureau"], case.id, {
            "body_id": bodies[0].id, "expert_ids": [expert.id] if expert else [],
            "note": "重点核查报警联锁与应急处置制度落实"})
        effect_evaluations.record_visit(uow, users["expert"] if expert else users["bureau"], case.id, {
            "visited_on": clock.local_now().date().isoformat(),
            "findings": "新报警器运行正常，联锁测试合格；操作规程已修订，夜班巡检记录不全"}, ())
    finally:
        clock._fixed = saved


def _complete(uow, users, staff, case, form_key):
    task = uow.session.query(HumanTask).filter_by(case_id=case.id, form_key=form_key).first()
    if task is None:
        return
    data = {
        "assignment": (users["project_lead"], {"rectification_requirements": "立即更换报警器并与排风机联锁",
                                               "contact_person": case.enterprise.contact_person,
                                               "contact_phone": case.enterprise.contact_phone}),
        "rectification": (staff, {"measures": "更换氨气报警器，报警与事故排风机联锁，修订操作规程",
                                  "progress_percent": 100, "completed": True,
                                  "responsible_person": case.enterprise.contact_person,
                                  "after_photos": [_photo(uow, staff, "after_photos")]}),
        "joint_verification_bureau": (users["bureau"], {"bureau_passed": True, "bureau_opinion": "同意销号"}),
        "joint_verification_expert": (users["expert"], {"expert_passed": True, "expert_opinion": "联锁测试合格"}),
    }[form_key]
    tasks.complete(uow, data[0], task.id, data[1])


def _photo(uow, user, field="photos"):
    from .demo import site_photo  # demo.py imports the feature demos: read at run time, not at import
    return site_photo(uow, user, PLACE, field)
