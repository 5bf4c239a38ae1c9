"""Helpers of the referral tests (跨部门移送): departments of the register, a referral made, a reply recorded."""
from app.services import departments, referrals
from app.services.uow import UnitOfWork


def department(user, name="县市场监督管理局", kind="market", email="scjg@example.gov.cn"):
    with UnitOfWork() as uow:
        row = departments.save(uow, user, {"name": name, "kind": kind, "contact_person": "李科长",
                                           "phone": "0311-1234567", "email": email})
        uow.commit()
        return row.id


def refer(user, case_id, department_ids, **form):
    values = {"department_ids": department_ids, "kind": "transfer", "request": "handle",
              "reason": "压力容器未按期检验，属特种设备安全监管职责", "internal_note": "企业负责人态度消极"}
    values.update(form)
    with UnitOfWork() as uow:
        rows = referrals.refer(uow, user, case_id, values)
        uow.commit()
        return [r.id for r in rows]


def reply(user, referral_id, outcome="handled", text="已现场检查，责令停用并限期检验", received_on="2026-11-23",
          files=()):
    with UnitOfWork() as uow:
        row = referrals.record_reply(uow, user, referral_id, {"received_on": received_on, "outcome": outcome,
                                                              "text": text}, files)
        uow.commit()
        return row.id


def close(user, referral_id, note="部门已处理完毕"):
    with UnitOfWork() as uow:
        referrals.close(uow, user, referral_id, note)
        uow.commit()
