"""Demo data of joint inspection plans (联合检查计划, `make run`, services/demo_features.py): a joint check of the
chemical plant with the bureau, the fire brigade, the housing bureau and the contractor's team, a gas detector and a
thermal imager to bring; sent to the units, signed by the fire brigade (with a changed participant), not yet by the
housing bureau, which has no login (the bureau follows it up)."""
from datetime import timedelta

from ..models import Department, Instrument, User
from . import inspection_plans, joint_plan_signoff, joint_plans

AREAS = "甲类仓库、配电室及在建丙类厂房：消防设施、电气线路温升、可燃气体泄漏及脚手架搭设"


def seed(uow, users, enterprises):
    """`users`: the demo users by username; `enterprises`: the demo enterprises with cases first."""
    fire = uow.session.query(Department).filter_by(kind="fire").first()
    housing = uow.session.query(Department).filter_by(kind="housing").first()
    fire_user = uow.session.query(User).filter_by(department_id=fire.id).first() if fire else None
    if fire is None or housing is None or fire_user is None or not enterprises:
        return None
    inspector, lead, bureau = users["inspector"], users["project_lead"], users["bureau"]
    instruments = [i.id for kind in ("gas_detector", "thermal_imager")
                   for i in uow.session.query(Instrument).filter_by(kind=kind, status="in_service")
                   .order_by(Instrument.id).limit(1)]
    day = max(inspection_plans.earliest_day(), joint_plans.earliest_joint_day()) + timedelta(days=3)
    row = inspection_plans.plan(uow, lead, enterprises[0].id, day.isoformat(), AREAS,
                                f"{bureau.display_name}、{inspector.display_name} 等", "joint", None, [
                                    {"kind": "bureau", "participant_ids": [bureau.id],
                                     "duties": "总体协调，听取企业汇报，审定检查结论"},
                                    {"kind": "department", "department_id": fire.id, "participant_ids": [fire_user.id],
                                     "duties": "甲类仓库消防设施、防火间距和疏散通道"},
                                    {"kind": "department", "department_id": housing.id, "participant_names": "许科长",
                                     "duties": "在建丙类厂房脚手架搭设和临时用电"},
                                    {"kind": "contractor", "participant_ids": [inspector.id],
                                     "participant_names": "钱工程师（检测）",
                                     "duties": "便携式气体检测仪检测仓库可燃气体，红外热成像仪检测配电室线路温升，实时上传检测结果"},
                                ], instruments)
    joint_plan_signoff.send(uow, lead, row.id)
    joint_plan_signoff.sign(uow, fire_user, row.id, "原定王参谋改由高参谋参加")
    return row
