"""The learning centre (services/learning.py) in the API: the courses the caller sees with their progress, one course
with its lessons, starting a mock test (the drawn questions without their answers) and submitting it (the score, and
then each question's right answer and explanation). A course the caller may not see is 404; wrong answers' shape 400
naming the question; a test submitted already, or after its time limit, 409."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ATTEMPT_STATUSES, COURSE_AUDIENCES, COURSE_MODULES, COURSE_STATUSES, LESSON_KINDS, QUESTION_KINDS
from ...services import learning, learning_bank, learning_tests
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, QuerySchema


class LessonSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    kind = fields.String(metadata={"enum": list(LESSON_KINDS)})
    minutes = fields.Integer(metadata={"description": "学时 credited when done (45 minutes = 1 课时)"})
    files = fields.Function(lambda r: [{"public_id": a.public_id, "name": a.original_name,
                                        "content_type": a.content_type} for a in r.files],
                            metadata={"type": "array", "items": {"type": "object"}})


class CourseSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    module = fields.String(metadata={"enum": list(COURSE_MODULES), "description": "general 通用模块 / specialised 专业模块"})
    industries = fields.List(fields.String(), metadata={"description": "专业模块: the industries it is for"})
    audience = fields.String(metadata={"enum": list(COURSE_AUDIENCES)})
    status = fields.String(metadata={"enum": list(COURSE_STATUSES)})
    minutes = fields.Integer()
    question_count = fields.Integer()
    time_limit_minutes = fields.Integer()
    pass_mark = fields.Integer()
    published_at = LocalDateTime(allow_none=True)


class ProgressSchema(Schema):
    lessons_done = fields.List(fields.Integer(), metadata={"description": "ids of the lessons marked done"})
    completed_at = LocalDateTime(allow_none=True)
    best_score = fields.Integer(allow_none=True)
    passed = fields.Boolean(allow_none=True)


class CourseDetailSchema(CourseSchema):
    lessons = fields.List(fields.Nested(LessonSchema))
    progress = fields.Nested(ProgressSchema)


class CourseListItemSchema(CourseSchema):
    progress = fields.Nested(ProgressSchema)


class CourseListSchema(Schema):
    items = fields.List(fields.Nested(CourseListItemSchema))
    total = fields.Integer()


class CourseQuery(QuerySchema):
    module = fields.String(validate=validate.OneOf(list(COURSE_MODULES)))
    q = fields.String(validate=validate.Length(max=learning.MAX_QUERY))


class TestQuestionSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(QUESTION_KINDS)})
    text = fields.String()
    choices = fields.Function(lambda q: learning_bank.choices(q), metadata={
        "type": "array", "items": {"type": "string"}, "description": "answer with their indices, from 0"})


class TestResultSchema(Schema):
    question_id = fields.Integer()
    given = fields.List(fields.Integer())
    answer = fields.List(fields.Integer(), metadata={"description": "the right choices' indices"})
    correct = fields.Boolean()
    explanation = fields.String()


class TestAttemptSchema(Schema):
    id = fields.Integer()
    course_id = fields.Integer()
    status = fields.String(metadata={"enum": list(ATTEMPT_STATUSES)})
    started_at = LocalDateTime()
    deadline_at = LocalDateTime(metadata={"description": "submit by then (a short grace for the network), else 409"})
    submitted_at = LocalDateTime(allow_none=True)
    time_limit_minutes = fields.Integer()
    pass_mark = fields.Integer()
    questions = fields.List(fields.Nested(TestQuestionSchema), metadata={
        "description": "the drawn questions in order; never their answers before submission"})
    score = fields.Integer(allow_none=True)
    correct = fields.Integer(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    results = fields.List(fields.Nested(TestResultSchema), allow_none=True, metadata={
        "description": "after submission only: each question's answer key and explanation"})


class TestSubmitSchema(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer(strict=True)), required=True,
                          metadata={"description": "{question id: [choice indices]}; a question left out is wrong"})


def _progress(state):
    return {"lessons_done": sorted(state.done),
            "completed_at": state.completion.completed_at if state.completion else None,
            "best_score": state.best.score if state.best else None,
            "passed": state.best.passed if state.best else None}


def _course(state, schema):
    body = schema.dump(state.course)
    body["progress"] = ProgressSchema().dump(_progress(state))
    return body


def _attempt(attempt):
    questions = learning_tests.questions_of(db.session, attempt)
    body = TestAttemptSchema(exclude=("questions", "results")).dump(attempt)
    body["questions"] = TestQuestionSchema(many=True).dump(questions)
    if attempt.status == "submitted":  # the answer key only once the answers are in
        explanations = {q.id: q.explanation for q in questions}
        body["results"] = [TestResultSchema().dump({**r, "explanation": explanations.get(r["question_id"], "")})
                           for r in attempt.results or []]
    else:
        body["results"] = None
    return body


@api.get("/courses")
@token_required
def list_courses():
    args = query_args(CourseQuery())
    courses = learning.listing(db.session, g.api_user, args.get("module", ""), args.get("q", ""))
    states = learning.progress(db.session, g.api_user, courses)
    return {"items": [_course(s, CourseListItemSchema(exclude=("progress",))) for s in states], "total": len(states)}


@api.get("/courses/<int:course_id>")
@token_required
def get_course(course_id):
    course = learning.get(db.session, g.api_user, course_id)
    state = learning.progress(db.session, g.api_user, [course])[0]
    body = _course(state, CourseDetailSchema(exclude=("progress",)))
    return body


@api.post("/courses/<int:course_id>/tests")
@token_required
def start_course_test(course_id):
    learning.get(db.session, g.api_user, course_id)  # 404 first
    with UnitOfWork() as uow:
        attempt = learning_tests.start(uow, g.api_user, course_id)
        uow.commit()
        return _attempt(attempt), 201


@api.post("/tests/<int:attempt_id>/submit")
@token_required
def submit_course_test(attempt_id):
    learning_tests.get(db.session, g.api_user, attempt_id)  # 404 before the body is read
    body = json_body(TestSubmitSchema())
    with UnitOfWork() as uow:
        learning_tests.expire_if_late(uow, g.api_user, attempt_id)
        uow.commit()
    with UnitOfWork() as uow:
        attempt = learning_tests.submit(uow, g.api_user, attempt_id, body["answers"])
        uow.commit()
        return _attempt(attempt)


OPERATIONS = {
    "list_courses": ("The learning centre's courses the caller sees (学习中心: editors all, drafts too; enterprise "
                     "staff the published ones for enterprises that fit their industry; contractor staff those for "
                     "contractor staff) with the caller's progress", "learning", None, CourseQuery,
                     {"200": CourseListSchema}),
    "get_course": ("One course with its lessons in order and the caller's progress; 404 for a course the caller may "
                   "not see (a draft, another audience or industry)", "learning", None, None,
                   {"200": CourseDetailSchema}),
    "start_course_test": ("Start a mock test (模拟测试): the course's question_count questions drawn at random from its "
                          "bank, without their answers; the caller's test still running is returned instead; 409 when "
                          "the bank is empty", "learning", None, None, {"201": TestAttemptSchema}),
    "submit_course_test": ("Submit the answers of the caller's running test: scored on the server (equal points; a "
                           "multiple-choice question right only with exactly the right choices), then each question's "
                           "answer and explanation; 400 names a wrong question; 409 when submitted already or after "
                           "the time limit (the test is then closed as timed out, without a score)", "learning",
                           TestSubmitSchema, None, {"200": TestAttemptSchema}),
}
