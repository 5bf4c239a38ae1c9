"""Spot measurements on on-site checks (现场检测数据): the catalogue's limits judged at their boundaries (≤ 4 Ω passes
at 4, < 25 %LEL fails at 25, oxygen 19.5–23.5 both ends included, insulation ≥ 0.5 MΩ), readings refused with a
message per row and field (not a number, unknown kind, beyond the physical range, no place), the limit kept on the
row as it was, the audit row, and the case's project lead told of a reading out of limit."""
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.clock import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Attachment, AuditEvent, Notification, SiteMeasurement
from app.services import attachments, followups, measurement_kinds, rectification_checks
from app.services.demo import PNG_1X1
from app.services.uow import UnitOfWork
from tests.test_follow_ups import closed_case
from tests.test_rectification_checks import rectifying


def reading(kind, value, location="1号配电室", **more):
    return {"kind": kind, "value": value, "location": location, **more}


def check_with(user, case_id, readings, files=None):
    with UnitOfWork() as uow:
        row = rectification_checks.record(uow, user, case_id, clock.local_now().strftime("%Y-%m-%dT%H:%M"),
                                          "赵督导", 60, "接地线已更换", "on_track", readings, files)
        uow.commit()
        return row


@pytest.mark.parametrize("kind, value, verdict", [
    ("grounding_resistance", "4", "pass"), ("grounding_resistance", "4.0", "pass"),
    ("grounding_resistance", "4.0001", "exceeded"), ("grounding_resistance", "0", "pass"),
    ("lel", "24.99", "pass"), ("lel", "25", "exceeded"), ("lel", "0", "pass"),
    ("o2", "19.5", "pass"), ("o2", "19.49", "exceeded"), ("o2", "23.5", "pass"), ("o2", "23.6", "exceeded"),
    ("o2", "20.9", "pass"), ("insulation_resistance", "0.5", "pass"), ("insulation_resistance", "0.49", "exceeded"),
    ("noise", "85", "pass"), ("noise", "85.1", "exceeded"), ("temperature", "-20", "recorded"),
])
def test_limits_at_their_boundaries(kind, value, verdict):
    assert measurement_kinds.judge(measurement_kinds.get(kind).limit, Decimal(value)) == verdict


def test_the_catalogue_says_its_limits():
    kinds = measurement_kinds.catalogue()
    assert kinds["grounding_resistance"].limit_text == "≤ 4 Ω"
    assert kinds["lel"].limit_text == "< 25 %LEL"
    assert kinds["o2"].limit_text == "19.5–23.5 %VOL"
    assert kinds["insulation_resistance"].limit_text == "≥ 0.5 MΩ"
    assert kinds["distance"].limit_text == "" and kinds["distance"].limit == {}


def test_readings_are_judged_kept_audited_and_tell_the_lead(people, make_user):
    other_lead = make_user("lead2", "project_lead")
    case_id = rectifying(people)  # assigned by people.project_lead
    row = check_with(people.supervision, case_id, [
        reading("grounding_resistance", "5.2", instrument="ZC-8 接地电阻测试仪", calibration_no="JZ-2026-118"),
        reading("o2", 20.9, "储罐区受限空间入口"), reading("distance", "12.5", "甲类仓库与配电室")])
    rows = db.session.query(SiteMeasurement).filter_by(check_id=row.id).order_by(SiteMeasurement.position).all()
    assert [(r.kind, r.verdict) for r in rows] == [("grounding_resistance", "exceeded"), ("o2", "pass"),
                                                  ("distance", "recorded")]
    assert rows[0].value == Decimal("5.2") and rows[0].unit == "Ω" and rows[0].calibration_no == "JZ-2026-118"
    assert rows[0].limit_rule == {"max": "4", "max_inclusive": True} and rows[0].case_id == case_id
    told = db.session.query(Notification).filter_by(kind="measurement_exceeded").all()
    assert [n.user_id for n in told] == [people.project_lead.id]  # the lead who assigned it, not every lead
    assert other_lead.id not in [n.user_id for n in told] and "接地电阻 5.2 Ω" in told[0].body
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="rectification_checked").one()
    before, after = event.changes["measurements"]
    assert before is None and after[0] == "接地电阻 5.2 Ω（≤ 4 Ω，超标）@ 1号配电室" and "合格" in after[1]


def test_within_limits_tells_no_one_and_an_inactive_assigner_hands_over_to_every_lead(people, make_user):
    case_id = rectifying(people)
    check_with(people.supervision, case_id, [reading("grounding_resistance", "3.9")])
    assert db.session.query(Notification).filter_by(kind="measurement_exceeded").count() == 0
    other_lead = make_user("lead2", "project_lead")
    people.project_lead.active = False
    db.session.commit()
    check_with(people.supervision, case_id, [reading("lel", "25", "罐区")])
    assert {n.user_id for n in db.session.query(Notification).filter_by(kind="measurement_exceeded")} == \
        {other_lead.id}


def test_bad_readings_are_named_by_row_and_field(people):
    case_id = rectifying(people)
    with pytest.raises(ValidationFailed) as bad:
        check_with(people.supervision, case_id, [
            reading("o2", "20.9"), reading("o2", "一百"), reading("radon", "3"), reading("o2", "101"),
            reading("grounding_resistance", "-1", location=" "), reading("noise", "80.12345"),
            reading("lel", True), reading("lel", "")])
    assert bad.value.fields.keys() == {
        "measurements.1.value", "measurements.2.kind", "measurements.3.value", "measurements.4.value",
        "measurements.4.location", "measurements.5.value", "measurements.6.value", "measurements.7.value"}
    assert "0–100 %VOL" in bad.value.fields["measurements.3.value"]
    assert db.session.query(SiteMeasurement).count() == 0
    with pytest.raises(ValidationFailed) as bad:
        check_with(people.supervision, case_id, "o2=20")
    assert set(bad.value.fields) == {"measurements"}
    with pytest.raises(ValidationFailed) as bad:
        check_with(people.supervision, case_id, [reading("o2", "20")] * 31)
    assert set(bad.value.fields) == {"measurements"}


def test_typed_forms_of_a_number_are_read(people):
    case_id = rectifying(people)
    row = check_with(people.supervision, case_id, [reading("o2", "２０．９"), reading("noise", "84,5"),
                                                   reading("temperature", "-5"), reading("lel", 3)])
    assert [r.value for r in row.measurements] == [Decimal("20.9"), Decimal("84.5"), Decimal("-5"), Decimal("3")]


def test_a_re_inspection_takes_readings_too(people):
    case_id = closed_case(people)
    first = followups.for_case(db.session, case_id)[0]
    with UnitOfWork() as uow:
        followups.record(uow, people.inspector, first.id, "held", "", [reading("static_grounding", "120", "装卸台")])
        uow.commit()
    row = followups.for_case(db.session, case_id)[0]
    assert [(m.kind, m.verdict) for m in row.measurements] == [("static_grounding", "exceeded")]
    assert db.session.query(Notification).filter_by(kind="measurement_exceeded",
                                                    user_id=people.project_lead.id).count() == 1
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="follow_up_recorded").one()
    assert "防静电接地电阻 120 Ω（≤ 100 Ω，超标）@ 装卸台" in event.changes["measurements"][1]


def test_the_demo_check_has_a_reading_out_of_limit(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    readings = db.session.query(SiteMeasurement).order_by(SiteMeasurement.id).all()
    assert [(r.kind, r.verdict) for r in readings] == [("grounding_resistance", "exceeded"), ("noise", "pass")]
    assert db.session.query(Notification).filter_by(kind="measurement_exceeded").count() == 1


def test_a_file_has_one_owner_and_a_reading_one_record(people, tmp_path):
    """The database itself refuses a check's file also on a case, and a reading on no record or on two."""
    case_id = rectifying(people)
    follow_up_id = followups.for_case(db.session, closed_case(people))[0].id
    with UnitOfWork() as uow:
        photo = attachments.store_upload(uow, people.supervision, "p.png", io.BytesIO(PNG_1X1), tmp_path, 1024 * 1024,
                                         field="check_files")
        uow.commit()
    row = check_with(people.supervision, case_id, [reading("o2", "20.9")], [photo.public_id])
    files, readings = Attachment.__table__, SiteMeasurement.__table__
    for statement in (sa.update(files).where(files.c.id == photo.id).values(case_id=case_id),
                      sa.update(readings).where(readings.c.check_id == row.id).values(check_id=None),
                      sa.update(readings).where(readings.c.check_id == row.id).values(follow_up_id=follow_up_id)):
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(statement)
        db.session.rollback()
