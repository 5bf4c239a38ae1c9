"""Writing courses and their lessons (services/learning.py says who): a course's fields, publishing it (at least one
lesson, and every video or document lesson with its file) and taking it back to draft; lessons added, edited, moved
and removed (a lesson someone has opened stays: its progress is the learners' record). Every write is audited with
before → after values on the course (subject "course")."""
from sqlalchemy import func

from ..clock import clock
from ..errors import Conflict, NotFound
from ..models import COURSE_AUDIENCES, COURSE_MODULES, LESSON_KINDS, Course, Lesson, LessonProgress
from . import audit, learning, learning_files
from .field_rules import clean_text, raise_if, whole_number

MAX_TITLE, MAX_TEXT, MAX_INDUSTRIES, MAX_INDUSTRY = 200, 20000, 20, 50
COURSE_FIELDS = ("title", "summary", "module", "industries", "audience", "question_count", "time_limit_minutes",
                 "pass_mark")
LESSON_FIELDS = ("title", "kind", "body", "minutes")
# (smallest, largest) of the course's numbers, as the table's CHECKs say.
NUMBERS = {"question_count": (1, 100), "time_limit_minutes": (1, 240), "pass_mark": (1, 100), "minutes": (1, 600)}
DEFAULTS = {"question_count": 10, "time_limit_minutes": 20, "pass_mark": 80}


def _number(values, name, errors):
    value = values.get(name)
    if value in (None, "") and name in DEFAULTS:
        return DEFAULTS[name]
    number = whole_number(value)
    low, high = NUMBERS[name]
    if number is None or not low <= number <= high:
        errors[name] = f"应为 {low} 到 {high} 的整数 / a whole number from {low} to {high}"
    return number if number is not None else value


def _industries(value, errors):
    if isinstance(value, str):
        value = value.replace("、", ",").replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors["industries"] = "应为文字列表 / must be a list of text"
        return []
    words = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(words) > MAX_INDUSTRIES or any(len(w) > MAX_INDUSTRY for w in words):
        errors["industries"] = f"最多 {MAX_INDUSTRIES} 个行业，每个最多 {MAX_INDUSTRY} 字 / at most {MAX_INDUSTRIES} " \
                               f"industries of {MAX_INDUSTRY} characters"
    return words


def clean_course(values, errors):
    clean = {"title": clean_text(values.get("title"), MAX_TITLE, "title", errors),
             "summary": clean_text(values.get("summary"), MAX_TEXT, "summary", errors),
             "module": str(values.get("module") or ""), "audience": str(values.get("audience") or ""),
             "industries": _industries(values.get("industries") or [], errors)}
    for name in ("question_count", "time_limit_minutes", "pass_mark"):
        clean[name] = _number(values, name, errors)
    if not clean["title"] and "title" not in errors:
        errors["title"] = "请填写课程名称 / give the course a title"
    if clean["module"] not in COURSE_MODULES:
        errors["module"] = "请选择通用模块或专业模块 / choose the general or a specialised module"
    if clean["audience"] not in COURSE_AUDIENCES:
        errors["audience"] = "请选择适用对象 / choose who the course is for"
    if clean["module"] == "specialised" and not clean["industries"] and "industries" not in errors:
        errors["industries"] = "专业模块须填写适用行业 / a specialised module names its industries"
    if clean["module"] == "general":
        clean["industries"] = []  # a general module is for every industry
    return clean


def _details(course):
    return {"course_id": course.id, "title": course.title}


def create_course(uow, user, values):
    learning.check_may_edit(user)
    errors = {}
    clean = clean_course(values, errors)
    raise_if(errors)
    now = clock.now()
    course = Course(status="draft", created_by_id=user.id, created_at=now, updated_by_id=user.id, updated_at=now,
                    **clean)
    uow.session.add(course)
    uow.session.flush()
    audit.record(uow, None, user, "course_created", subject=(learning.SUBJECT, course.id), details=_details(course),
                 changes={k: [None, v] for k, v in clean.items() if v not in ("", [], None)})
    return course


def _editable(uow, user, course_id):
    course = learning.get(uow.session, user, course_id, for_update=True)
    learning.check_may_edit(user)
    return course


def update_course(uow, user, course_id, values, partial=False):
    """Change the course's fields (a published course stays published); `partial`: fields left out keep theirs."""
    course = _editable(uow, user, course_id)
    before = {name: getattr(course, name) for name in COURSE_FIELDS}
    errors = {}
    clean = clean_course({**before, **values} if partial else values, errors)
    raise_if(errors)
    changes = {name: [before[name], clean[name]] for name in COURSE_FIELDS if before[name] != clean[name]}
    if changes:
        for name in changes:
            setattr(course, name, clean[name])
        course.updated_by_id, course.updated_at = user.id, clock.now()
        uow.session.flush()
        audit.record(uow, None, user, "course_updated", changes=changes, details=_details(course),
                     subject=(learning.SUBJECT, course.id))
    return course


def publish(uow, user, course_id):
    """Publish a draft: it needs a lesson, and each video or document lesson its file (Conflict naming the first
    that has none)."""
    course = _editable(uow, user, course_id)
    if course.status == "published":
        raise Conflict("课程已发布 / the course is published already")
    if not course.lessons:
        raise Conflict("课程至少需要一个课时才能发布 / a course needs a lesson before it is published")
    for lesson in course.lessons:
        if lesson.kind != "text" and not lesson.files:
            raise Conflict(f"课时“{lesson.title}”尚未上传文件 / the lesson “{lesson.title}” has no file yet")
    return _set_status(uow, user, course, "published", "course_published")


def withdraw(uow, user, course_id):
    """Back to draft: learners no longer see it (their progress and attempts stay)."""
    course = _editable(uow, user, course_id)
    if course.status != "published":
        raise Conflict("只有已发布的课程可以撤回 / only a published course can be withdrawn")
    return _set_status(uow, user, course, "draft", "course_withdrawn")


def _set_status(uow, user, course, status, action):
    before, now = course.status, clock.now()
    course.status, course.updated_by_id, course.updated_at = status, user.id, now
    if status == "published":
        course.published_at = now
    uow.session.flush()
    if action == "course_published":
        audit.record(uow, None, user, "course_published", changes={"status": [before, status]},
                     details=_details(course), subject=(learning.SUBJECT, course.id))
    else:
        audit.record(uow, None, user, "course_withdrawn", changes={"status": [before, status]},
                     details=_details(course), subject=(learning.SUBJECT, course.id))
    return course


# ---- lessons -----------------------------------------------------------------------------------------------------
def clean_lesson(values, errors):
    clean = {"title": clean_text(values.get("title"), MAX_TITLE, "title", errors),
             "kind": str(values.get("kind") or ""),
             "body": clean_text(values.get("body"), MAX_TEXT, "body", errors),
             "minutes": _number(values, "minutes", errors)}
    if not clean["title"] and "title" not in errors:
        errors["title"] = "请填写课时名称 / give the lesson a title"
    if clean["kind"] not in LESSON_KINDS:
        errors["kind"] = "请选择视频、文档或图文 / choose video, document or text"
    elif clean["kind"] == "text" and not clean["body"] and "body" not in errors:
        errors["body"] = "图文课时须填写内容 / a text lesson needs its text"
    return clean


def _lesson(session, course, lesson_id):
    lesson = session.get(Lesson, lesson_id) if isinstance(lesson_id, int) else None
    if lesson is None or lesson.course_id != course.id:
        raise NotFound("课时不存在 / lesson not found")
    return lesson


def add_lesson(uow, user, course_id, values, file_ids=()):
    """A lesson at the end of the course, with the editor's upload as its video or PDF."""
    course = _editable(uow, user, course_id)
    errors = {}
    clean = clean_lesson(values, errors)
    raise_if(errors)
    now = clock.now()
    last = uow.session.query(func.max(Lesson.position)).filter_by(course_id=course.id).scalar() or 0
    lesson = Lesson(course_id=course.id, position=last + 1, created_at=now, updated_at=now, **clean)
    uow.session.add(lesson)
    uow.session.flush()
    changes = {f"lesson_{k}": [None, v] for k, v in clean.items() if v not in ("", None)}
    files = learning_files.attach(uow, user, lesson, file_ids)
    if files:
        changes["lesson_file"] = [None, files]
    _touch(course, user, now)
    audit.record(uow, None, user, "lesson_added", changes=changes, subject=(learning.SUBJECT, course.id),
                 details={**_details(course), "lesson_id": lesson.id})
    uow.session.expire(course, ["lessons"])
    return lesson


def update_lesson(uow, user, course_id, lesson_id, values, file_ids=()):
    """Change a lesson; a new file replaces its file (the old one back to its uploader's own uploads)."""
    course = _editable(uow, user, course_id)
    lesson = _lesson(uow.session, course, lesson_id)
    errors = {}
    clean = clean_lesson(values, errors)
    raise_if(errors)
    changes = {f"lesson_{k}": [getattr(lesson, k), v] for k, v in clean.items() if getattr(lesson, k) != v}
    if [i for i in file_ids if i]:
        replaced = learning_files.detach_all(uow, lesson)
        added = learning_files.attach(uow, user, lesson, file_ids, kind=clean["kind"])
        changes["lesson_file"] = [replaced or None, added]
    elif clean["kind"] != lesson.kind and lesson.files:
        learning_files.check_kind(lesson.files, clean["kind"])
    if changes:
        now = clock.now()
        for name, value in clean.items():
            setattr(lesson, name, value)
        lesson.updated_at = now
        _touch(course, user, now)
        uow.session.flush()
        audit.record(uow, None, user, "lesson_updated", changes=changes, subject=(learning.SUBJECT, course.id),
                     details={**_details(course), "lesson_id": lesson.id})
    return lesson


def move_lesson(uow, user, course_id, lesson_id, direction):
    """Swap the lesson with the one before ("up") or after ("down"); at either end nothing changes."""
    course = _editable(uow, user, course_id)
    lesson = _lesson(uow.session, course, lesson_id)
    if direction not in ("up", "down"):
        raise_if({"direction": "应为 up 或 down / up or down"})
    ordered = list(course.lessons)
    index = ordered.index(lesson)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(ordered):
        return lesson
    for position, row in enumerate(ordered, start=1):  # positions 1..n first, then swap
        row.position = position
    other = ordered[other_index]
    before = [row.id for row in ordered]
    lesson.position, other.position = other.position, lesson.position
    _touch(course, user, clock.now())
    uow.session.flush()
    ordered[index], ordered[other_index] = other, lesson
    audit.record(uow, None, user, "lesson_moved", changes={"lesson_order": [before, [row.id for row in ordered]]},
                 subject=(learning.SUBJECT, course.id), details={**_details(course), "lesson_id": lesson.id})
    uow.session.expire(course, ["lessons"])
    return lesson


def remove_lesson(uow, user, course_id, lesson_id):
    """Remove a lesson nobody has opened yet (Conflict otherwise: the learners' progress on it is their record);
    its file goes back to its uploader's own uploads."""
    course = _editable(uow, user, course_id)
    lesson = _lesson(uow.session, course, lesson_id)
    if uow.session.query(LessonProgress.id).filter_by(lesson_id=lesson.id).first() is not None:
        raise Conflict("已有学员学习该课时，不能删除（可修改内容） / learners have opened this lesson: it cannot be "
                       "removed (edit it instead)")
    files = learning_files.detach_all(uow, lesson)
    changes = {f"lesson_{k}": [getattr(lesson, k), None] for k in LESSON_FIELDS}
    if files:
        changes["lesson_file"] = [files, None]
    uow.session.delete(lesson)
    _touch(course, user, clock.now())
    uow.session.flush()
    audit.record(uow, None, user, "lesson_removed", changes=changes, subject=(learning.SUBJECT, course.id),
                 details={**_details(course), "lesson_id": lesson_id})
    uow.session.expire(course, ["lessons"])


def _touch(course, user, now):
    course.updated_by_id, course.updated_at = user.id, now
