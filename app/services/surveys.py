"""Survey rounds (问卷调查, seed 000 L612 “问卷、电话回访”, L894 “项目周期内至少开展两次问卷调查，覆盖不同层级用户”).

A project lead creates a round (a title and its audience: enterprise staff, township offices or both) and opens it;
opening fixes the recipients (the active users of the audience then: enterprise staff bound to an enterprise, and
township offices) as one row each and tells them through the notifications. Every round asks the same fixed
questions (SURVEY_QUESTIONS, each 1–5) and one free text, so rounds compare with each other. A recipient answers once
(a second answer is a Conflict, claimed by a conditional UPDATE); a round answers only while open. The round's page
shows the response rate (answered / recipients, per audience and overall) and each question's average. Closing ends
the answers.

Who: project leads create, open and close rounds; project leads, managers and the bureau read every round and its
results; enterprise staff and township offices see and answer only the open or closed rounds addressed to them
(any other round is NotFound), and never the results."""
from sqlalchemy import update

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import SURVEY_QUESTIONS, SurveyResponse, SurveyRound, User, UserRole
from . import audit, notifications
from .field_rules import clean_text, raise_if, whole_number

MANAGERS = ("project_lead",)
READERS = ("project_lead", "manager", "bureau")
RESPONDERS = ("enterprise", "township")
MAX_TITLE = 200
MAX_COMMENT = 2000
SUBJECT = "survey_round"


def may_manage(user):
    return user.has_role(*MANAGERS)


def may_read_results(user):
    return user.has_role(*READERS)


def may_use(user):
    return user.has_role(*READERS, *RESPONDERS)


def check_may_use(user):
    if not may_use(user):
        raise NotAllowed("问卷调查供项目负责人、管理人员、应急管理局及受访用户使用 / not for this role")


def rounds(session, user):
    """The rounds the user sees: every round for the readers, the ones addressed to them for the respondents."""
    if may_read_results(user):
        return session.query(SurveyRound).order_by(SurveyRound.id.desc()).all()
    check_may_use(user)
    return session.query(SurveyRound).join(SurveyResponse).filter(SurveyResponse.user_id == user.id) \
        .order_by(SurveyRound.id.desc()).all()


def get(session, user, round_id):
    row = session.get(SurveyRound, round_id)
    if row is None or not (may_read_results(user) or my_response(session, user, row) is not None):
        raise NotFound("没有这份问卷 / no such survey")
    return row


def my_response(session, user, row):
    return session.query(SurveyResponse).filter_by(round_id=row.id, user_id=user.id).one_or_none()


def create(uow, user, form):
    _check_manage(user)
    errors = {}
    title = clean_text(form.get("title"), MAX_TITLE, "title", errors)
    if not title and "title" not in errors:
        errors["title"] = "请填写问卷标题 / enter a title"
    audiences = set(form.get("audience") or [])
    if not audiences or not audiences <= set(RESPONDERS):
        errors["audience"] = "请选择调查对象 / choose the audience"
    raise_if(errors)
    row = SurveyRound(title=title, to_enterprises="enterprise" in audiences, to_townships="township" in audiences,
                      status="draft", created_by_id=user.id, created_at=clock.now())
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, None, user, "survey_round_added", changes={"title": [None, title],
                                                                 "audience": [None, sorted(audiences)]},
                 subject=(SUBJECT, row.id))
    return row


def open_round(uow, user, round_id):
    _check_manage(user)
    row = _locked(uow.session, round_id)
    if row.status != "draft":
        raise Conflict("问卷已发布 / the survey was opened already")
    recipients = _audience(uow.session, row)
    if not recipients:
        raise Conflict("调查对象中没有可用账号 / the audience has no active users")
    row.status, row.opened_at = "open", clock.now()
    for person, audience in recipients:
        uow.session.add(SurveyResponse(round_id=row.id, user_id=person.id, audience=audience, comment=""))
    uow.session.flush()
    notifications.send(uow, [person for person, _ in recipients], "survey_opened", f"问卷调查：{row.title}"[:200],
                       "请登录系统填写问卷（约 1 分钟），您的意见将用于改进排查服务。", f"survey_round:{row.id}:opened")
    audit.record(uow, None, user, "survey_round_opened", changes={"status": ["draft", "open"]},
                 details={"recipients": len(recipients)}, subject=(SUBJECT, row.id))
    return row


def close_round(uow, user, round_id):
    _check_manage(user)
    row = _locked(uow.session, round_id)
    if row.status != "open":
        raise Conflict("只有进行中的问卷可以结束 / only an open survey closes")
    row.status, row.closed_at = "closed", clock.now()
    audit.record(uow, None, user, "survey_round_closed", changes={"status": ["open", "closed"]},
                 details=summary(row).as_details(), subject=(SUBJECT, row.id))
    return row


def answer(uow, user, round_id, form):
    session = uow.session
    row = get(session, user, round_id)
    mine = my_response(session, user, row)
    if mine is None:
        raise NotFound("没有这份问卷 / no such survey")
    if mine.answered_at is not None:
        raise Conflict("您已填写过这份问卷 / you answered this survey already")
    if row.status != "open":
        raise Conflict("问卷已结束 / the survey is closed")
    errors, values = {}, {}
    for name, text in SURVEY_QUESTIONS.items():
        value = whole_number(form.get(name))
        if value is None or not 1 <= value <= 5:
            errors[name] = f"请为“{text}”评 1–5 分 / score 1 to 5"
        values[name] = value
    values["comment"] = clean_text(form.get("comment"), MAX_COMMENT, "comment", errors)
    raise_if(errors)
    taken = session.execute(update(SurveyResponse).where(SurveyResponse.id == mine.id,
                                                         SurveyResponse.answered_at.is_(None))
                            .values(answered_at=clock.now(), **values).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise Conflict("您已填写过这份问卷 / you answered this survey already")
    audit.record(uow, None, user, "survey_answered", changes={name: [None, v] for name, v in values.items()},
                 subject=(SUBJECT, row.id))
    return mine


class Summary:
    """Response rates and averages of a round."""

    def __init__(self, responses):
        self.recipients = {a: 0 for a in RESPONDERS}
        self.answered = {a: 0 for a in RESPONDERS}
        sums = {name: 0 for name in SURVEY_QUESTIONS}
        for r in responses:
            self.recipients[r.audience] += 1
            if r.answered_at is not None:
                self.answered[r.audience] += 1
                for name in SURVEY_QUESTIONS:
                    sums[name] += getattr(r, name)
        self.total = sum(self.recipients.values())
        self.total_answered = sum(self.answered.values())
        self.averages = {name: round(s / self.total_answered, 2) if self.total_answered else None
                         for name, s in sums.items()}

    @staticmethod
    def rate(answered, recipients):
        return round(100 * answered / recipients, 1) if recipients else None

    @property
    def overall_rate(self):
        return self.rate(self.total_answered, self.total)

    def audience_rate(self, audience):
        return self.rate(self.answered[audience], self.recipients[audience])

    def as_details(self):
        return {"recipients": self.total, "answered": self.total_answered, "rate": self.overall_rate,
                "averages": self.averages}


def summary(row):
    return Summary(row.responses)


def _audience(session, row):
    """[(user, audience)] of the round's audience, each user once (enterprise staff first)."""
    chosen = []
    if row.to_enterprises:
        chosen.append(("enterprise", User.enterprise_id.isnot(None)))
    if row.to_townships:
        chosen.append(("township", User.id.isnot(None)))
    people, seen = [], set()
    for audience, condition in chosen:
        for person in session.query(User).join(UserRole).filter(UserRole.role == audience, User.active.is_(True),
                                                                condition).order_by(User.id):
            if person.id not in seen:
                seen.add(person.id)
                people.append((person, audience))
    return people


def _locked(session, round_id):
    row = session.get(SurveyRound, round_id)
    if row is None:
        raise NotFound("没有这份问卷 / no such survey")
    session.refresh(row, with_for_update=True)
    return row


def _check_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人可以管理问卷 / only project leads manage surveys")


check_may_manage = _check_manage  # the API's 403 before it reads a body
