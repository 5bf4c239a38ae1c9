"""Mock tests (模拟测试) of a course (services/learning_bank.py keeps the questions): a test draws the course's
`question_count` questions at random from its active bank — from a seed kept on the attempt, so the draw can be
repeated (`draw`) — and allows `time_limit_minutes`; the answers are scored on the server only, equal points per
question, a multiple-choice question right only when exactly the right choices are ticked; the course's pass mark
decides. Nothing of the answer key reaches the learner before they submit; after it, each question's right answer and
explanation are shown.

Time: a submission that arrives more than GRACE_SECONDS after the deadline is refused (Conflict, 409) and the
attempt closed as timed out (超时未交卷, no score): the page submits itself at the limit, the grace covers the
network. An attempt left open past its deadline is closed the same way the next time it is read. A learner has one
open attempt per course at a time: starting again while it runs returns it (no fresh draw to fish for easier
questions). Every start, submission and time-out is audited (subject "learning_attempt")."""
import random
import secrets
from datetime import timedelta

from ..clock import clock
from ..errors import Conflict, NotFound
from ..models import Question, TestAttempt
from . import audit, learning, learning_bank
from .field_rules import raise_if, whole_number

GRACE_SECONDS = 30
SUBJECT = "learning_attempt"


def draw(question_ids, count, seed):
    """The questions a test with `seed` draws: `count` of the ids (all of them when fewer), in the drawn order."""
    return random.Random(seed).sample(sorted(question_ids), min(count, len(question_ids)))


def score(questions, answers):
    """(results, correct, score 0–100) of `answers` ({question id: sorted choice indices}) to `questions`, in their
    order; half points round up."""
    results = []
    for question in questions:
        given = answers.get(question.id, [])
        right = sorted(question.answer)
        results.append({"question_id": question.id, "given": given, "answer": right, "correct": given == right})
    correct = sum(1 for r in results if r["correct"])
    total = len(results)
    return results, correct, (200 * correct + total) // (2 * total) if total else 0


# ---- reading -----------------------------------------------------------------------------------------------------
def get(session, user, attempt_id, for_update=False):
    """The user's own attempt (an editor reads anyone's); NotFound otherwise."""
    learning.check_may_learn(user)
    query = session.query(TestAttempt).filter_by(id=attempt_id) if isinstance(attempt_id, int) else None
    row = (query.with_for_update() if for_update else query).first() if query is not None else None
    if row is None or (row.user_id != user.id and not learning.may_edit(user)):
        raise NotFound("测试记录不存在 / test attempt not found")
    return row


def questions_of(session, attempt):
    """The attempt's questions in the drawn order (removed ones included: the attempt keeps them)."""
    rows = {q.id: q for q in session.query(Question).filter(Question.id.in_(attempt.question_ids or [0]))}
    return [rows[i] for i in attempt.question_ids if i in rows]


def attempts(session, user, course):
    """The user's attempts at the course, newest first."""
    return session.query(TestAttempt).filter_by(course_id=course.id, user_id=user.id) \
        .order_by(TestAttempt.started_at.desc(), TestAttempt.id.desc()).all()


def is_late(attempt, now=None):
    return (now or clock.now()) > attempt.deadline_at + timedelta(seconds=GRACE_SECONDS)


def seconds_left(attempt, now=None):
    return max(0, int((attempt.deadline_at - (now or clock.now())).total_seconds()))


# ---- writing -----------------------------------------------------------------------------------------------------
def start(uow, user, course_id):
    """A new attempt at the course's test, or the user's attempt still running. Conflict when the bank is empty."""
    session = uow.session
    course = learning.get(session, user, course_id)
    running = session.query(TestAttempt).filter_by(course_id=course.id, user_id=user.id, status="open") \
        .order_by(TestAttempt.id.desc()).with_for_update().all()
    for attempt in running:
        if not is_late(attempt):
            return attempt
        _expire(uow, user, attempt)
    ids = [q.id for q in learning_bank.bank(session, course)]
    if not ids:
        raise Conflict("该课程题库暂无题目 / the course has no questions yet")
    seed = secrets.randbits(62)
    now = clock.now()
    attempt = TestAttempt(course_id=course.id, user_id=user.id, seed=seed,
                          question_ids=draw(ids, course.question_count, seed), status="open", started_at=now,
                          deadline_at=now + timedelta(minutes=course.time_limit_minutes),
                          time_limit_minutes=course.time_limit_minutes, pass_mark=course.pass_mark)
    session.add(attempt)
    session.flush()
    audit.record(uow, None, user, "learning_test_started", subject=(SUBJECT, attempt.id),
                 changes={"status": [None, "open"]},
                 details={"course_id": course.id, "title": course.title, "questions": len(attempt.question_ids),
                          "seed": seed})
    return attempt


def expire_if_late(uow, user, attempt_id):
    """Close the attempt as timed out when it is still open past its deadline and the grace; the attempt."""
    attempt = get(uow.session, user, attempt_id, for_update=True)
    if attempt.status == "open" and is_late(attempt):
        _expire(uow, user, attempt)
    return attempt


def _expire(uow, user, attempt):
    attempt.status, attempt.passed = "expired", False
    uow.session.flush()
    audit.record(uow, None, user, "learning_test_expired", subject=(SUBJECT, attempt.id),
                 changes={"status": ["open", "expired"]},
                 details={"course_id": attempt.course_id, "deadline_at": attempt.deadline_at})


def clean_answers(attempt, questions, given):
    """{question id: sorted choice indices} from `given` ({question id (text or number): index or list of
    indices}); ValidationFailed naming each wrong question (`q<id>`)."""
    errors, clean = {}, {}
    if not isinstance(given, dict):
        raise_if({"answers": "答案应为 {题号: [选项序号]} / answers are {question id: [choice indices]}"})
    by_id = {q.id: q for q in questions}
    for key, value in given.items():
        question_id = whole_number(key) if not isinstance(key, int) else key
        question = by_id.get(question_id)
        if question is None:
            errors[f"q{key}"] = "该题不在本次测试中 / not a question of this test"
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        indices = [whole_number(v) for v in values]
        count = len(learning_bank.choices(question))
        if any(i is None or i >= count for i in indices):
            errors[f"q{question_id}"] = "选项无效 / unknown choice"
        elif question.kind != "multiple" and len(set(indices)) > 1:
            errors[f"q{question_id}"] = "本题只能选一个答案 / choose one answer"
        else:
            clean[question_id] = sorted(set(indices))
    raise_if(errors)
    return clean


def submit(uow, user, attempt_id, given):
    """Score the user's open attempt (another's: NotFound, an editor included); Conflict when it was submitted or
    timed out already, or arrives after the deadline and the grace (the caller closes it first with
    expire_if_late, in its own transaction, so the time-out is kept)."""
    attempt = get(uow.session, user, attempt_id, for_update=True)
    if attempt.user_id != user.id:
        raise NotFound("测试记录不存在 / test attempt not found")
    if attempt.status == "expired" or (attempt.status == "open" and is_late(attempt)):
        raise Conflict("答题时间已到，本次测试未交卷 / time is up: this test was not submitted in time")
    if attempt.status != "open":
        raise Conflict("本次测试已交卷 / this test has been submitted already")
    questions = questions_of(uow.session, attempt)
    answers = clean_answers(attempt, questions, given)
    results, correct, points = score(questions, answers)
    attempt.answers = {str(k): v for k, v in answers.items()}
    attempt.results, attempt.correct, attempt.score = results, correct, points
    attempt.passed = points >= attempt.pass_mark
    attempt.status, attempt.submitted_at = "submitted", clock.now()
    uow.session.flush()
    audit.record(uow, None, user, "learning_test_submitted", subject=(SUBJECT, attempt.id),
                 changes={"status": ["open", "submitted"], "score": [None, points], "passed": [None, attempt.passed]},
                 details={"course_id": attempt.course_id, "correct": correct, "questions": len(questions)})
    return attempt
