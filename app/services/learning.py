"""The learning centre (学习中心, models/learning.py): who reads and edits courses, the course list a learner sees, one
course with the learner's progress, opening a lesson and marking it done, and the learner's hours. Editing is
services/learning_edit.py, the question bank learning_bank.py, the mock tests learning_tests.py, the hours page and
the training register learning_hours.py.

Who: editors — the technical lead, the project leads and the administrators (as for the knowledge base) — write
courses and read every one, drafts included. Everyone else signed in learns from the published courses meant for
them: enterprise staff see the courses whose audience includes the enterprises and that fit their enterprise's
industry (通用模块: every industry; 专业模块: an industry word of the course found in the enterprise's industry); the
contractor's staff see the courses for contractor staff; the bureau, managers and township offices see every
published course. A course a user may not see is NotFound (as an unknown id); department users have no business
here (NotAllowed).

Progress is what the learner tells the server: opening a lesson records the first time it was opened, "done" records
when it was marked done. Whether a video was played to its end is not enforceable server-side (a browser can report
anything), so the server does not pretend to know it; hours are the minutes of the lessons marked done."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import (MINUTES_PER_PERIOD, Course, CourseCompletion, Lesson, LessonProgress, TestAttempt)
from . import audit
from .referrals import is_department_user
from .trainings import day_start

EDITORS = ("technical_lead", "project_lead", "admin")
ALL_PUBLISHED = ("bureau", "manager", "township")  # oversight: every published course, whatever its audience
SUBJECT = "course"
MAX_QUERY = 100


# ---- who ---------------------------------------------------------------------------------------------------------
def may_edit(user):
    return user.has_role(*EDITORS)


def check_may_edit(user):
    if not may_edit(user):
        raise NotAllowed("只有技术负责人、项目负责人和系统管理员可以编辑课程 / only the technical lead, project leads and "
                         "administrators edit courses")


def may_learn(user):
    return user.is_authenticated and not is_department_user(user)


def check_may_learn(user):
    if not may_learn(user):
        raise NotAllowed("学习中心供排查人员和企业人员使用 / the learning centre is for the contractor's and the "
                         "enterprises' staff")


def enterprise_of(user):
    """The learner's enterprise when they learn as enterprise staff (an editor never does), else None."""
    if may_edit(user) or "enterprise" not in user.roles:
        return None
    return user.enterprise if user.enterprise_id else None


def fits_industry(course, industry):
    """通用模块 fits every enterprise; a 专业模块 one whose industry text contains one of the course's industries."""
    if course.module == "general":
        return True
    text = industry or ""
    return any(word and word in text for word in course.industries or [])


def may_see(user, course):
    if may_edit(user):
        return True
    if course.status != "published" or not may_learn(user):
        return False
    if "enterprise" in user.roles:
        enterprise = enterprise_of(user)
        return (enterprise is not None and course.audience in ("enterprise", "both")
                and fits_industry(course, enterprise.industry))
    return user.has_role(*ALL_PUBLISHED) or course.audience in ("staff", "both")


# ---- reading -----------------------------------------------------------------------------------------------------
def get(session, user, course_id, for_update=False):
    """The course if the user may see it; NotFound otherwise (NotAllowed for department users)."""
    check_may_learn(user)
    query = session.query(Course).filter_by(id=course_id) if isinstance(course_id, int) else None
    row = (query.with_for_update() if for_update else query).first() if query is not None else None
    if row is None or not may_see(user, row):
        raise NotFound("课程不存在 / course not found")
    return row


def lesson_of(session, user, course_id, lesson_id):
    """(course, lesson) the user may open; NotFound otherwise."""
    course = get(session, user, course_id)
    lesson = session.get(Lesson, lesson_id) if isinstance(lesson_id, int) else None
    if lesson is None or lesson.course_id != course.id:
        raise NotFound("课时不存在 / lesson not found")
    return course, lesson


def listing(session, user, module="", q=""):
    """The courses the user sees, general ones first, then by title (few enough to filter in Python: the
    industry match is a word within free text)."""
    check_may_learn(user)
    query = session.query(Course)
    if not may_edit(user):
        query = query.filter(Course.status == "published")
    if module:
        query = query.filter(Course.module == module)
    if q:
        query = query.filter(Course.title.contains(q[:MAX_QUERY], autoescape=True))
    rows = [c for c in query.order_by(Course.module, Course.title, Course.id).all() if may_see(user, c)]
    return rows


@dataclass
class CourseProgress:
    course: Course
    done: set  # ids of the lessons marked done
    opened: dict  # lesson id -> LessonProgress
    completion: CourseCompletion | None
    best: TestAttempt | None  # the best submitted attempt

    @property
    def total(self):
        return len(self.course.lessons)

    @property
    def done_count(self):
        return sum(1 for lesson in self.course.lessons if lesson.id in self.done)


def progress(session, user, courses):
    """Each course's progress for the user, in the order given."""
    ids = [c.id for c in courses] or [0]
    rows = session.query(LessonProgress).join(Lesson, Lesson.id == LessonProgress.lesson_id).filter(
        Lesson.course_id.in_(ids), LessonProgress.user_id == user.id).all()
    completions = {c.course_id: c for c in session.query(CourseCompletion).filter(
        CourseCompletion.course_id.in_(ids), CourseCompletion.user_id == user.id)}
    best = {}
    for attempt in session.query(TestAttempt).filter(TestAttempt.course_id.in_(ids), TestAttempt.user_id == user.id,
                                                     TestAttempt.status == "submitted"):
        if attempt.course_id not in best or attempt.score > best[attempt.course_id].score:
            best[attempt.course_id] = attempt
    by_lesson = {r.lesson_id: r for r in rows}
    return [CourseProgress(c, {lid for lid, r in by_lesson.items() if r.completed_at is not None},
                           by_lesson, completions.get(c.id), best.get(c.id)) for c in courses]


# ---- progress ----------------------------------------------------------------------------------------------------
def open_lesson(uow, user, course_id, lesson_id):
    """Record the first time the user opened the lesson (a view, not audited: the audit log keeps what was done)."""
    course, lesson = lesson_of(uow.session, user, course_id, lesson_id)
    row = uow.session.query(LessonProgress).filter_by(lesson_id=lesson.id, user_id=user.id).first()
    if row is None:
        row = LessonProgress(lesson_id=lesson.id, user_id=user.id, opened_at=clock.now())
        uow.session.add(row)
        uow.session.flush()
    return course, lesson, row


def complete_lesson(uow, user, course_id, lesson_id):
    """Mark the lesson done (once; again changes nothing) with its minutes as they are now; when every lesson of
    the course is done, the course is completed (once). Audited on the course."""
    course, lesson, row = open_lesson(uow, user, course_id, lesson_id)
    if row.completed_at is not None:
        return row, None
    now = clock.now()
    row.completed_at, row.minutes = now, lesson.minutes
    uow.session.flush()
    audit.record(uow, None, user, "learning_lesson_completed", subject=(SUBJECT, course.id),
                 changes={"lesson_completed_at": [None, now]},
                 details={"course_id": course.id, "lesson_id": lesson.id, "lesson": lesson.title,
                          "minutes": lesson.minutes})
    return row, _complete_course_if_done(uow, user, course, now)


def _complete_course_if_done(uow, user, course, now):
    session = uow.session
    lesson_ids = [lesson.id for lesson in course.lessons]
    done = session.query(LessonProgress).filter(LessonProgress.lesson_id.in_(lesson_ids or [0]),
                                                LessonProgress.user_id == user.id,
                                                LessonProgress.completed_at.is_not(None)).all()
    if not lesson_ids or len(done) < len(lesson_ids):
        return None
    if session.query(CourseCompletion).filter_by(course_id=course.id, user_id=user.id).first() is not None:
        return None
    completion = CourseCompletion(course_id=course.id, user_id=user.id, completed_at=now,
                                  minutes=sum(r.minutes or 0 for r in done))
    session.add(completion)
    session.flush()
    audit.record(uow, None, user, "learning_course_completed", subject=(SUBJECT, course.id),
                 changes={"course_completed_at": [None, now]},
                 details={"course_id": course.id, "title": course.title, "minutes": completion.minutes})
    return completion


# ---- hours -------------------------------------------------------------------------------------------------------
def periods(minutes):
    """课时 from minutes (45 minutes each), to one decimal."""
    return round((minutes or 0) / MINUTES_PER_PERIOD, 1)


def minutes_in_year(session, user_ids, year):
    """{user id: minutes of the lessons they marked done in the calendar year (Shanghai)}."""
    ids = list(user_ids)
    if not ids:
        return {}
    return {uid: int(total or 0) for uid, total in session.query(LessonProgress.user_id, func.sum(LessonProgress.minutes))
            .filter(LessonProgress.user_id.in_(ids), LessonProgress.completed_at >= day_start(date(year, 1, 1)),
                    LessonProgress.completed_at < day_start(date(year + 1, 1, 1)))
            .group_by(LessonProgress.user_id).all()}


def this_year():
    return clock.local_now().year


def history(session, course, exclude=("learning_lesson_completed", "learning_course_completed",
                                     "learning_roster_recorded")):
    """The course's audited edits, newest first (the learners' completions left out)."""
    return audit.subject_history(session, SUBJECT, course.id, exclude=exclude)
