"""Which experts suit a case, how busy each is, and sending one to it (调派, seed 000 line 686: 根据监管要求灵活调派所需
资源).

Matching: the case's enterprise industry (the register's free text) is mapped to fields by keywords, and the case's
hazard type adds the field it names (an electrical hazard at a chemical plant wants an electrical expert first).
Each wanted field has a weight — the hazard type's 3, the industry's first field 2, its others 1, and 安全工程 1 for any
case — and an expert scores the sum of the weights of their fields among them. Active experts are ranked by score,
then by load (the fewest open cases first), then by name; those matching nothing come last, so the list is never
empty while the pool is not.

Load: the open (not closed) cases an expert was dispatched to, and those where their linked user holds a claimed
expert task (the joint verification's 专家审核, a `human_task` row of role `expert` with them as assignee), each case
counted once."""
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import Expert, ExpertDispatch, HazardCase, HumanTask
from . import audit, hazards, notifications
from .experts import check_may_read
from .field_rules import clean_text, raise_if, row_id

DISPATCHERS = ("bureau", "project_lead")
MAX_REASON = 2000
NOTICE_KIND = "expert_dispatched"
GENERAL_DOMAIN = "safety_engineering"
# (keywords in the industry's text, the fields it wants, most important first)
INDUSTRY_DOMAINS = [
    (("化工", "化学", "危险化学品", "危化", "石油", "医药", "农药", "涂料", "燃气", "加油"),
     ("chemical", "fire", "electrical", "special_equipment")),
    (("建筑", "施工", "市政", "房屋", "建设工程"), ("construction", "machinery", "electrical", "fire")),
    (("冶金", "钢铁", "有色", "冶炼", "铸造"), ("metallurgy", "special_equipment", "machinery", "electrical")),
    (("矿", "采石", "砂石"), ("mining", "electrical", "machinery")),
    (("机械", "制造", "装备", "汽车", "五金", "金属制品"), ("machinery", "electrical", "special_equipment",
                                                    "dust_explosion")),
    (("食品", "饮料", "冷库", "冷链", "制冷"), ("chemical", "special_equipment", "fire", "electrical")),  # 涉氨制冷
    (("木材", "家具", "纺织", "面粉", "粮食", "饲料"), ("dust_explosion", "fire", "electrical")),
    (("仓储", "物流", "商贸", "商场", "酒店", "宾馆", "人员密集"), ("fire", "electrical")),
    (("电力", "电子", "电气"), ("electrical", "fire")),
]
# the registration form's hazard types (forms/hazard_registration.json) -> the field they call for
HAZARD_TYPE_DOMAINS = {
    "fire_safety": "fire", "hot_work": "fire", "electrical": "electrical", "mechanical": "machinery",
    "special_equipment": "special_equipment", "hazardous_chemicals": "chemical", "gas": "chemical",
    "confined_space": "safety_engineering", "working_at_height": "construction", "dust_explosion": "dust_explosion",
    "occupational_health": "occupational_health", "site_management": "safety_engineering",
    "safety_management": "safety_engineering",
}


def may_dispatch(user):
    return user.has_role(*DISPATCHERS)


def industry_domains(industry):
    """The fields an industry (free text) wants, most important first; none for an industry the map does not know."""
    text = (industry or "").strip()
    for keywords, domains in INDUSTRY_DOMAINS:
        if any(word in text for word in keywords):
            return list(domains)
    return []


def wanted_domains(case):
    """{field: weight} the case calls for (see the module's docstring)."""
    weights = {}
    for rank, domain in enumerate(industry_domains(case.enterprise.industry)):
        weights[domain] = 2 if rank == 0 else 1
    weights.setdefault(GENERAL_DOMAIN, 1)
    by_type = HAZARD_TYPE_DOMAINS.get(case.hazard_type)
    if by_type:
        weights[by_type] = 3
    return weights


@dataclass
class Load:
    dispatched: set = field(default_factory=set)  # open cases the expert was sent to
    tasks: set = field(default_factory=set)  # open cases where their user holds an expert task

    @property
    def total(self):
        return len(self.dispatched | self.tasks)


def loads(session, experts):
    """{expert id: Load} of the experts, in two queries."""
    result = {e.id: Load() for e in experts}
    if not experts:
        return result
    for expert_id, case_id in session.query(ExpertDispatch.expert_id, ExpertDispatch.case_id) \
            .join(HazardCase, HazardCase.id == ExpertDispatch.case_id) \
            .filter(ExpertDispatch.expert_id.in_(list(result)), HazardCase.status != "closed"):
        result[expert_id].dispatched.add(case_id)
    by_user = {e.user_id: e.id for e in experts if e.user_id}
    if by_user:
        for user_id, case_id in session.query(HumanTask.assignee_id, HumanTask.case_id) \
                .filter(HumanTask.role == "expert", HumanTask.assignee_id.in_(list(by_user))):
            result[by_user[user_id]].tasks.add(case_id)
    return result


@dataclass
class Suggestion:
    expert: Expert
    score: int
    matched: list  # the expert's fields the case wants, heaviest first
    load: Load
    dispatched: bool  # already sent to this case


def suggestions(session, user, case):
    """The active experts ranked for the case (see the module's docstring)."""
    check_may_read(user)
    wanted = wanted_domains(case)
    experts = session.query(Expert).filter(Expert.active.is_(True)).all()
    busy = loads(session, experts)
    sent = {expert_id for (expert_id,) in session.query(ExpertDispatch.expert_id).filter_by(case_id=case.id)}
    rows = []
    for expert in experts:
        matched = sorted((d for d in expert.domains or [] if d in wanted), key=lambda d: -wanted[d])
        rows.append(Suggestion(expert, sum(wanted[d] for d in matched), matched, busy[expert.id], expert.id in sent))
    rows.sort(key=lambda s: (-s.score, s.load.total, s.expert.name, s.expert.id))
    return rows


def for_case(session, case_id):
    """The case's dispatches, oldest first."""
    return session.query(ExpertDispatch).filter_by(case_id=case_id) \
        .order_by(ExpertDispatch.dispatched_at, ExpertDispatch.id).all()


def dispatch(uow, user, case_id, expert_id, reason):
    """Send an expert to a case (bureau, project leads): 404 for a case the user may not see, 409 for a closed case,
    an inactive expert or one already sent to it; the reason is required. Audited on the case (the expert's name,
    which its enterprise sees as it sees the verifiers' names) and on the expert; their linked user is told."""
    case = hazards.get_case(uow, user, case_id)
    if not may_dispatch(user):
        raise NotAllowed("只有应急管理局或项目负责人可以调派专家 / only the bureau or a project lead dispatches experts")
    errors = {}
    expert_key = row_id(expert_id)
    expert = uow.session.get(Expert, expert_key) if expert_key is not None else None
    if expert is None:
        errors["expert_id"] = "请选择专家 / choose an expert"
    reason = clean_text(reason, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写调派事由 / give the reason for the dispatch"
    raise_if(errors)
    if case.status == "closed":
        raise Conflict("案件已销号，不能再调派专家 / the case is closed")
    if not expert.active:
        raise Conflict(f"专家 {expert.name} 已停用 / the expert is inactive")
    if uow.session.query(ExpertDispatch.id).filter_by(case_id=case.id, expert_id=expert.id).first():
        raise Conflict(f"已调派 {expert.name} 到本案件 / the expert is already dispatched to this case")
    row = ExpertDispatch(expert_id=expert.id, case_id=case.id, reason=reason, dispatched_by_id=user.id,
                         dispatched_at=clock.now())
    uow.session.add(row)
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:  # the same dispatch by someone else a moment ago
        raise Conflict(f"已调派 {expert.name} 到本案件 / the expert is already dispatched to this case") from None
    audit.record(uow, case.id, user, "expert_dispatched", changes={"expert": [None, expert.name]},
                 details={"dispatch_id": row.id, "expert_id": expert.id}, subject=("expert", expert.id))
    if expert.user is not None and expert.user.active:
        notifications.send(uow, [expert.user], NOTICE_KIND, f"专家调派：{case.code}",
                           f"{case.enterprise.name} · {case.place}：{reason}"[:500], f"expert_dispatch:{row.id}",
                           case.id)
    return row


def dispatches_of(session, expert_id, limit=200):
    """The expert's dispatches, newest first."""
    return session.query(ExpertDispatch).filter_by(expert_id=expert_id) \
        .order_by(ExpertDispatch.dispatched_at.desc(), ExpertDispatch.id.desc()).limit(limit).all()
