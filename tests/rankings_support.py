"""Cases written straight into the table with known dates and outcomes, for the rankings and the recurrence
analysis (tests/test_rankings.py, tests/test_recurrence.py): the figures there are known by construction."""
from datetime import datetime, timedelta
from itertools import count

from app.clock import SHANGHAI
from app.extensions import db
from app.models import HazardCase, ProcessVersion, UserTownship

_numbers = count(1)


def enterprise(make_enterprise, name, township, industry):
    row = make_enterprise(name, industry=industry)
    row.township = township
    db.session.commit()
    return row


def office(make_user, username, *townships):
    """A township / park safety office covering `townships`."""
    user = make_user(username, "township")
    user.townships_rel = [UserTownship(township=t) for t in townships]
    db.session.commit()
    return user


def add_case(inspector, owner, month, day, hazard_type="electrical", closed_after=None, due_days=10, year=2026):
    """A case of `owner` registered on that Shanghai day at 10:00; closed `closed_after` days later, or open with its
    rectification deadline `due_days` after registration."""
    at = datetime(year, month, day, 10, 0, tzinfo=SHANGHAI)
    number = next(_numbers)
    row = HazardCase(
        code=f"YH-T-{number:06d}", enterprise_id=owner.id, inspector_id=inspector.id, hazard_type=hazard_type,
        place="车间", description="测试", score=90, legal_major=False, grade="general",
        status="closed" if closed_after is not None else "rectifying", current_step="", round=1,
        registered_at=at, updated_at=at, rectification_due=at + timedelta(days=due_days),
        closed_at=at + timedelta(days=closed_after) if closed_after is not None else None,
        process_version_id=db.session.query(ProcessVersion.id).filter_by(is_deployed=True).limit(1).scalar())
    db.session.add(row)
    db.session.commit()
    return row
