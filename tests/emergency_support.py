"""Helpers of the emergency incident log tests: incidents, stages, closing and duty lines through the services."""
from app.services import emergencies, emergency_duty, emergency_response
from app.services.uow import UnitOfWork

REPORT = {"report_cause": "储罐呼吸阀堵塞导致罐内压力升高", "report_handling": "现场停止进料，开启备用泄压阀，检测周边可燃气体浓度",
          "report_lessons": "巡检未覆盖呼吸阀", "report_improvements": "将呼吸阀纳入每日巡检表，每季度清理一次"}


def receive(user, level="larger", **form):
    values = {"reporter": "王班长", "reporter_contact": "13800000001", "place": "二号罐区",
              "description": "储罐呼吸阀处有异味，压力表读数偏高", "level": level}
    values.update(form)
    with UnitOfWork() as uow:
        row = emergencies.receive(uow, user, values)
        uow.commit()
        return row.id


def stage(user, event_id, name, at=None):
    with UnitOfWork() as uow:
        emergencies.record_stage(uow, user, event_id, name, at)
        uow.commit()


def walk(user, event_id, *names):
    """Record the stages now (the clock as the test set it), in order."""
    for name in names:
        stage(user, event_id, name)


def close(user, event_id, **form):
    values = dict(REPORT)
    values.update(form)
    with UnitOfWork() as uow:
        emergency_response.close(uow, user, event_id, values)
        uow.commit()


def duty(user, person, starts_on, ends_on, phone="0373-5551234", note=""):
    with UnitOfWork() as uow:
        row = emergency_duty.add(uow, user, {"user_id": str(person.id), "phone": phone, "starts_on": starts_on,
                                             "ends_on": ends_on, "note": note})
        uow.commit()
        return row.id
