"""Helpers of the expert pool and equipment register tests: experts, instruments and loans through the services."""
from datetime import timedelta

from app.clock import clock
from app.services import equipment, equipment_loans, expert_matching, experts
from app.services.uow import UnitOfWork


def expert(user, name, domains, **form):
    values = {"name": name, "organisation": "省安全生产技术中心", "title": "高级工程师", "domains": domains,
              "phone": "13900000000", "certificate_no": f"ZAQ-{name}", "active": True}
    values.update(form)
    with UnitOfWork() as uow:
        row = experts.save(uow, user, values)
        uow.commit()
        return row.id


def instrument(user, asset_no="SB-QT-001", kind="gas_detector", calibrated_days_ago=100, valid_days=365, **form):
    today = clock.local_now().date()
    calibrated = today - timedelta(days=calibrated_days_ago)
    values = {"kind": kind, "model": "MSA Altair 4XR", "serial_no": "4XR-1", "asset_no": asset_no,
              "certificate_no": "JZ2026-0001", "calibrated_on": calibrated.isoformat(),
              "calibration_due": (calibrated + timedelta(days=valid_days)).isoformat(), "status": "in_service",
              "keeper": "张强", "location": "项目部设备室"}
    values.update(form)
    with UnitOfWork() as uow:
        row = equipment.save(uow, user, values)
        uow.commit()
        return row.id


def dispatch(user, case_id, expert_id, reason="需要专家现场研判"):
    with UnitOfWork() as uow:
        row = expert_matching.dispatch(uow, user, case_id, expert_id, reason)
        uow.commit()
        return row.id


def lend(user, instrument_id, **form):
    values = {"purpose": "现场检测"}
    values.update(form)
    with UnitOfWork() as uow:
        row = equipment_loans.lend(uow, user, instrument_id, values)
        uow.commit()
        return row.id
