"""The response-time limits of emergency incidents (services/emergency_limits.py) moved by the injected clock: each
level's arrival limit at its exact boundary (on time at the limit, late one second later), the 5-minute
acknowledgement, the 30-minute dispatch, the hour of initial handling counted from the arrival, open incidents
turning overdue as the clock passes their deadline, and the statistics of a period."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import EmergencyEvent
from app.services import emergency_limits as limits
from tests.emergency_support import receive, stage


def _row(event_id):
    db.session.expire_all()
    return db.session.get(EmergencyEvent, event_id)


@pytest.mark.parametrize("level, minutes", [("major", 30), ("larger", 60), ("general", 120)])
def test_arrival_limit_of_each_level_at_its_exact_boundary(people, level, minutes):
    lead = people.project_lead
    received = clock.now()
    on_time = receive(lead, level)
    late = receive(lead, level)
    for event_id in (on_time, late):
        clock.set(received + timedelta(minutes=1))
        stage(lead, event_id, "acknowledged")
        stage(lead, event_id, "dispatched")
    clock.set(received + timedelta(minutes=minutes))
    assert limits.stage_time(_row(late), "arrived").state == "running"  # at the limit: not late yet
    stage(lead, on_time, "arrived")
    clock.advance(seconds=1)
    assert limits.stage_time(_row(late), "arrived").state == "overdue"
    stage(lead, late, "arrived")
    first, second = limits.stage_time(_row(on_time), "arrived"), limits.stage_time(_row(late), "arrived")
    assert first.due == received + timedelta(minutes=minutes) == second.due
    assert (first.state, first.is_late) == ("on_time", False)
    assert (second.state, second.is_late) == ("late", True)
    assert limits.late_stages(_row(late)) == ["arrived"] and limits.late_stages(_row(on_time)) == []


def test_acknowledgement_within_five_minutes_dispatch_within_thirty(people):
    lead = people.project_lead
    received = clock.now()
    event_id = receive(lead, "general")
    assert limits.stage_time(_row(event_id), "acknowledged").state == "running"
    assert limits.stage_time(_row(event_id), "dispatched").state == "running"  # from the receipt, like 接警
    clock.set(received + timedelta(minutes=5))
    stage(lead, event_id, "acknowledged")
    assert limits.stage_time(_row(event_id), "acknowledged").state == "on_time"
    clock.set(received + timedelta(minutes=30, seconds=1))
    assert limits.stage_time(_row(event_id), "dispatched").state == "overdue"
    assert limits.late_stages(_row(event_id)) == ["dispatched"]
    stage(lead, event_id, "dispatched")
    assert limits.stage_time(_row(event_id), "dispatched").state == "late"
    other = receive(lead, "general", received_at=received.isoformat())
    clock.set(received + timedelta(minutes=5, seconds=1))
    assert limits.stage_time(_row(other), "acknowledged").state == "overdue"


def test_initial_handling_has_an_hour_from_the_arrival(people):
    lead = people.project_lead
    received = clock.now()
    event_id = receive(lead, "general")
    clock.set(received + timedelta(minutes=2))
    stage(lead, event_id, "acknowledged")
    stage(lead, event_id, "dispatched")
    assert limits.stage_time(_row(event_id), "handled").state == "waiting"  # no arrival: nothing to count from
    arrived = received + timedelta(minutes=100)
    clock.set(arrived)
    stage(lead, event_id, "arrived")
    handled = limits.stage_time(_row(event_id), "handled")
    assert handled.due == arrived + timedelta(hours=1) and handled.state == "running"
    clock.set(arrived + timedelta(hours=1))
    stage(lead, event_id, "handled")
    assert limits.stage_time(_row(event_id), "handled").state == "on_time"
    assert limits.stage_time(_row(event_id), "closed").state == "untimed"
    assert not limits.is_late(_row(event_id))


def test_the_limits_are_configuration(people, monkeypatch):
    monkeypatch.setitem(limits.ARRIVAL_LIMITS, "general", timedelta(minutes=90))
    event_id = receive(people.project_lead, "general")
    assert limits.stage_time(_row(event_id), "arrived").due == clock.now() + timedelta(minutes=90)


def test_statistics_count_levels_and_on_time_rates_of_decided_stages(people):
    lead = people.project_lead
    received = clock.now()
    quick = receive(lead, "major")
    slow = receive(lead, "larger")
    receive(lead, "general")
    clock.set(received + timedelta(minutes=3))
    stage(lead, quick, "acknowledged")
    clock.set(received + timedelta(minutes=10))
    stage(lead, slow, "acknowledged")  # late: 10 > 5 minutes
    rows = db.session.query(EmergencyEvent).all()
    stats = limits.statistics(rows, received + timedelta(minutes=10))
    assert stats.total == 3 and stats.open == 3
    assert stats.by_level == {"major": 1, "larger": 1, "general": 1}
    acknowledged = next(r for r in stats.rates if r.stage == "acknowledged")
    # quick on time; slow late; the third not acknowledged 10 minutes on: overdue, counted late
    assert (acknowledged.on_time, acknowledged.late, acknowledged.percent) == (1, 2, 33.3)
    dispatched = next(r for r in stats.rates if r.stage == "dispatched")
    assert dispatched.counted == 0 and dispatched.percent is None  # all still within 30 minutes
    assert stats.late == 2
