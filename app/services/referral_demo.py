"""Demo data of referrals to other departments (`make run`, services/demo.py): the department register, the chemical
plant's pressure vessel referred to the market regulator (市场监督管理局, special equipment) with its reply, and its
flammables warehouse notified to the fire brigade (抄告) and left unanswered past its deadline (flagged overdue). The
fire brigade has a login (部门用户 `department`): it is told of the letter, and may sign for it and answer it."""
from datetime import timedelta

from ..clock import clock
from ..models import HazardCase, User, UserRole
from . import departments, referrals

DEPARTMENTS = [
    ("县市场监督管理局", "market", "马科长（特种设备安全监察股）", "0571-88100001", "tzsb@scjg.example.gov.cn"),
    ("县消防救援大队", "fire", "高参谋（防火监督科）", "0571-88100119", "fhjd@xf.example.gov.cn"),
    ("县住房和城乡建设局", "housing", "许科长（建筑工程安全监督站）", "0571-88100002", "ajz@zj.example.gov.cn"),
    ("市生态环境局县分局", "environment", "潘科长（环境执法大队）", "0571-88100003", "zfdd@sthj.example.gov.cn"),
    ("县自然资源和规划局", "natural_resources", "", "0571-88100004", ""),
    ("县交通运输局", "transport", "", "0571-88100005", ""),
]


# The demo's department user (部门用户): username, display name, the department's kind.
DEPARTMENT_USER = ("department", "高参谋（县消防救援大队）", "fire")


def seed(uow, bureau, password):
    ids = {}
    for name, kind, person, phone, email in DEPARTMENTS:
        row = departments.save(uow, bureau, {"name": name, "kind": kind, "contact_person": person, "phone": phone,
                                             "email": email})
        ids[kind] = row.id
    username, display_name, kind = DEPARTMENT_USER
    user = User(username=username, display_name=display_name, created_at=clock.now(), department_id=ids[kind],
                email="fhjd@xf.example.gov.cn")
    user.set_password(password)
    user.roles_rel = [UserRole(role="department")]
    uow.session.add(user)
    uow.session.flush()
    saved = clock._fixed
    now = clock.now()
    try:
        vessel = uow.session.query(HazardCase).filter_by(hazard_type="special_equipment") \
            .order_by(HazardCase.id).first()
        if vessel is not None:
            clock.set(now - timedelta(days=4))
            (row,) = referrals.refer(uow, bureau, vessel.id, {
                "department_ids": [ids["market"]], "kind": "transfer", "request": "handle", "reply_days": 10,
                "reason": "空压站储气罐（压力容器）超过检验周期未检验，安全阀校验过期，属特种设备安全监察职责，"
                          "请依职责督促企业报检并依法处理。",
                "internal_note": "企业称检验机构排期到下月，已提醒其先停用储气罐。"})
            clock.set(now - timedelta(days=1))
            referrals.record_reply(uow, bureau, row.id, {
                "received_on": clock.local_now().date().isoformat(), "outcome": "handled",
                "text": "我局已于现场检查，责令企业立即停用该储气罐，委托县特种设备检验所于本周内完成定期检验，"
                        "安全阀送检校验；检验合格前不得使用。"})
        warehouse = uow.session.query(HazardCase).filter_by(place="甲类仓库").order_by(HazardCase.id).first()
        if warehouse is not None:
            clock.set(now - timedelta(days=8))
            referrals.refer(uow, bureau, warehouse.id, {
                "department_ids": [ids["fire"]], "kind": "copy", "request": "opinion", "reply_days": 3,
                "reason": "甲类仓库易燃液体超量储存、防火间距不足，涉及消防安全，抄告贵大队，请就防火间距整改提供意见。"})
    finally:
        clock._fixed = saved
