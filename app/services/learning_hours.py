"""Learning hours against the yearly target (seed 000 line 848 "全年培训学时不少于 40 课时") and the enterprises'
training register:

- Each contractor staff member's hours in a calendar year: the internal training sessions they attended (学时,
  services/training_targets.py) plus the lessons they marked done in the learning centre, counted in 课时 of 45
  minutes (models/learning.py MINUTES_PER_PERIOD); a session's 学时 counts as one 课时 each, as the targets page
  already takes them. Read by whoever reads the training targets (services/training_plans.py).
- An enterprise learner who completed a course may record it in their enterprise's training register
  (从业人员安全培训台账, services/roster.py) as a 再培训 of the person they choose, once per completion."""
from dataclasses import dataclass

from ..clock import SHANGHAI
from ..errors import Conflict, NotAllowed
from ..models import CourseCompletion
from . import audit, learning, roster, training_targets
from .field_rules import raise_if, whole_number
from .training_plans import check_may_read

PROVIDER = "学习中心（在线课程）"


@dataclass
class StaffLearning:
    user: object
    offline_hours: float  # internal sessions' 学时
    sessions: int
    online_minutes: int  # lessons marked done
    target: float

    @property
    def online_periods(self):
        return learning.periods(self.online_minutes)

    @property
    def total(self):
        return round(self.offline_hours + self.online_periods, 1)

    @property
    def missing(self):
        return max(0.0, round(self.target - self.total, 1))


@dataclass
class StaffLearningYear:
    year: int
    target: float
    rows: list  # StaffLearning, those furthest below the target first

    @property
    def reached(self):
        return sum(1 for r in self.rows if not r.missing)

    @property
    def total_periods(self):
        return round(sum(r.total for r in self.rows), 1)

    @property
    def online_periods(self):
        return round(sum(r.online_periods for r in self.rows), 1)

    @property
    def average(self):
        return round(self.total_periods / len(self.rows), 1) if self.rows else None


def staff_year(session, user, year, target):
    """Every active staff member's hours in `year`, offline and online, against `target` 课时."""
    check_may_read(user)
    offline = training_targets.staff_hours(session, user, year, target)
    online = learning.minutes_in_year(session, [r.user.id for r in offline], year)
    rows = [StaffLearning(r.user, r.hours, r.sessions, online.get(r.user.id, 0), target) for r in offline]
    rows.sort(key=lambda r: (-r.missing, r.user.display_name, r.user.id))
    return StaffLearningYear(year, target, rows)


# ---- the enterprise's training register ---------------------------------------------------------------------------
def check_may_record(user):
    if learning.enterprise_of(user) is None:
        raise NotAllowed("只有企业人员可以把课程记入本企业培训台账 / only enterprise staff record a course in their "
                         "enterprise's training register")


def completion_of(session, user, course):
    return session.query(CourseCompletion).filter_by(course_id=course.id, user_id=user.id).first()


def people(session, user):
    """The present people of the learner's enterprise register, the one named like the learner first."""
    enterprise = learning.enterprise_of(user)
    rows = roster.people_of(session, enterprise.id) if enterprise is not None else []
    return sorted(rows, key=lambda p: p.name != user.display_name)


def record_in_roster(uow, user, course_id, person_id):
    """A 再培训 in the learner's enterprise register for `person_id`: the day the course was completed, its minutes as
    学时 (45 minutes each, at least 0.1), provider 学习中心. Conflict before completion or the second time."""
    session = uow.session
    course = learning.get(session, user, course_id)
    check_may_record(user)
    completion = session.query(CourseCompletion).filter_by(course_id=course.id, user_id=user.id) \
        .with_for_update().first()
    if completion is None:
        raise Conflict("完成全部课时后才能记入培训台账 / finish every lesson before recording the course")
    if completion.roster_training_id is not None:
        raise Conflict("该课程已记入培训台账 / the course is in the training register already")
    if whole_number(person_id) is None:
        raise_if({"person_id": "请选择台账中的人员 / choose the person in the register"})
    enterprise = learning.enterprise_of(user)
    training = roster.add_training(uow, user, enterprise.id, whole_number(person_id), {
        "trained_on": completion.completed_at.astimezone(SHANGHAI).date().isoformat(),
        "hours": max(0.1, learning.periods(completion.minutes)), "kind": "refresher", "provider": PROVIDER,
        "certificate": f"课程 #{course.id} {course.title}"[:200]})
    completion.roster_training_id = training.id
    session.flush()
    audit.record(uow, None, user, "learning_roster_recorded", subject=(learning.SUBJECT, course.id),
                 changes={"roster_training_id": [None, training.id]},
                 details={"course_id": course.id, "person_id": training.person_id, "hours": training.hours})
    return training
