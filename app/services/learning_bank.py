"""A course's question bank (题库, services/learning.py says who edits): 单选题 (one right choice of 2–8), 多选题 (at
least two right choices of 3–8), 判断题 (正确 / 错误), each with its right answer and an explanation shown after a
test is submitted. A removed question is kept inactive: earlier attempts still show it, new tests do not draw it.
Every write is audited on the course with before → after values."""
from ..clock import clock
from ..errors import NotFound
from ..models import QUESTION_KINDS, Question
from . import audit, learning
from .field_rules import clean_text, raise_if, whole_number

MAX_TEXT, MAX_OPTION, MAX_EXPLANATION = 2000, 500, 4000
LETTERS = "ABCDEFGH"
OPTION_RANGE = {"single": (2, 8), "multiple": (3, 8), "true_false": (2, 2)}
TRUE_FALSE = ("正确", "错误")  # the choices of a 判断题: index 0 is "true", 1 is "false"
FIELDS = ("kind", "text", "options", "answer", "explanation")


def choices(question):
    """The texts a learner chooses from."""
    return list(TRUE_FALSE) if question.kind == "true_false" else list(question.options)


def letters(indices):
    return "".join(LETTERS[i] for i in indices if 0 <= i < len(LETTERS))


def _options(value, errors):
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors["options"] = "选项应为文字列表 / options are a list of text"
        return []
    options = [v.strip() for v in value if v.strip()]
    if any(len(v) > MAX_OPTION for v in options):
        errors["options"] = f"每个选项最多 {MAX_OPTION} 字 / at most {MAX_OPTION} characters an option"
    return options


def _answer(value, count, errors):
    """The right choices as sorted indices, from indices or letters ("AC")."""
    if isinstance(value, str):
        text = value.replace(",", "").replace("，", "").replace(" ", "").upper()
        if text in ("TRUE", "FALSE"):
            return [0 if text == "TRUE" else 1]
        if not all(c in LETTERS for c in text):
            errors["answer"] = "答案用选项字母表示，如 B 或 ACD / give the answer as letters, e.g. B or ACD"
            return []
        value = [LETTERS.index(c) for c in text]
    if not isinstance(value, (list, tuple)) or any(whole_number(v) is None for v in value):
        errors["answer"] = "答案无效 / invalid answer"
        return []
    indices = sorted({whole_number(v) for v in value})
    if any(i >= count for i in indices):
        errors["answer"] = "答案不在选项之中 / the answer is not among the options"
    return indices


def clean_question(values, errors):
    kind = str(values.get("kind") or "")
    clean = {"kind": kind, "text": clean_text(values.get("text"), MAX_TEXT, "text", errors),
             "explanation": clean_text(values.get("explanation"), MAX_EXPLANATION, "explanation", errors),
             "options": [] if kind == "true_false" else _options(values.get("options") or [], errors)}
    if kind not in QUESTION_KINDS:
        errors["kind"] = "请选择单选题、多选题或判断题 / choose single, multiple choice or true / false"
        return clean
    low, high = OPTION_RANGE[kind]
    count = 2 if kind == "true_false" else len(clean["options"])
    if kind != "true_false" and not low <= count <= high and "options" not in errors:
        errors["options"] = f"应有 {low} 到 {high} 个选项，每行一个 / {low} to {high} options, one per line"
    clean["answer"] = _answer(values.get("answer"), count, errors)
    if "answer" not in errors:
        if kind in ("single", "true_false") and len(clean["answer"]) != 1:
            errors["answer"] = "单选题和判断题只有一个正确答案 / exactly one right answer"
        elif kind == "multiple" and len(clean["answer"]) < 2:
            errors["answer"] = "多选题至少有两个正确答案 / a multiple-choice question has at least two right answers"
    for name, message in (("text", "请填写题目 / write the question"),
                          ("explanation", "请填写答案解析 / write the explanation")):
        if not clean[name] and name not in errors:
            errors[name] = message
    return clean


def bank(session, course, active_only=True):
    query = session.query(Question).filter_by(course_id=course.id)
    if active_only:
        query = query.filter(Question.active.is_(True))
    return query.order_by(Question.id).all()


def _question(session, course, question_id):
    row = session.get(Question, question_id) if isinstance(question_id, int) else None
    if row is None or row.course_id != course.id or not row.active:
        raise NotFound("题目不存在 / question not found")
    return row


def _editable_course(uow, user, course_id):
    course = learning.get(uow.session, user, course_id)
    learning.check_may_edit(user)
    return course


def editable_question(session, user, course_id, question_id):
    course = learning.get(session, user, course_id)
    learning.check_may_edit(user)
    return course, _question(session, course, question_id)


def add_question(uow, user, course_id, values):
    course = _editable_course(uow, user, course_id)
    errors = {}
    clean = clean_question(values, errors)
    raise_if(errors)
    now = clock.now()
    row = Question(course_id=course.id, active=True, created_at=now, updated_at=now, **clean)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, None, user, "question_added", subject=(learning.SUBJECT, course.id),
                 changes={f"question_{k}": [None, v] for k, v in clean.items() if v not in ("", [])},
                 details={"course_id": course.id, "question_id": row.id})
    return row


def update_question(uow, user, course_id, question_id, values):
    """Change a question; attempts already submitted keep the answer key they were scored with."""
    course, row = editable_question(uow.session, user, course_id, question_id)
    errors = {}
    clean = clean_question(values, errors)
    raise_if(errors)
    changes = {f"question_{k}": [getattr(row, k), v] for k, v in clean.items() if getattr(row, k) != v}
    if changes:
        for name, value in clean.items():
            setattr(row, name, value)
        row.updated_at = clock.now()
        uow.session.flush()
        audit.record(uow, None, user, "question_updated", changes=changes, subject=(learning.SUBJECT, course.id),
                     details={"course_id": course.id, "question_id": row.id})
    return row


def remove_question(uow, user, course_id, question_id):
    course, row = editable_question(uow.session, user, course_id, question_id)
    row.active, row.updated_at = False, clock.now()
    uow.session.flush()
    audit.record(uow, None, user, "question_removed", changes={"question_text": [row.text, None]},
                 subject=(learning.SUBJECT, course.id), details={"course_id": course.id, "question_id": row.id})
