"""Special inspection campaigns (专项行动: 节假日前后专项检查; 汛期、高温、冬季的防洪、防暑降温、防火防爆专项检查; 专项整治三年行动
with its 清单台账; seed 000 §3, seed 001): a named theme over a period, its requirements, the enterprises it targets
and, optionally, the standard checklist its visits use. Plans and visits may name a started campaign; hazards found
on such a visit belong to it through the visit (services/campaign_progress.py counts them).

Targets: a rule — industries, townships / parks, scales, risk tags (any of those chosen), a service project's roster
(AND across the kinds given) —
plus enterprises picked by hand (added to what the rule matches). The rule is resolved when a manager starts the
campaign and the list is kept from then on (CampaignTarget): an enterprise registered or re-classified later does
not move in or out. Before it is started a campaign is a draft: nothing may name it and its rule may change.

Who: project leads and the bureau (as for service projects) create, edit and start campaigns; every other staff
role reads them. Township offices and enterprise staff are refused (403) like the service projects: a campaign is
the county's and the contractor's work plan; township offices follow their own area's visits in the visit list."""
from datetime import date

from sqlalchemy import or_, true

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (CAMPAIGN_THEMES, ENTERPRISE_SCALES, ENTERPRISE_TAGS, CampaignTarget, Checklist, Enterprise,
                      InspectionCampaign, InspectionPlan, InspectionVisit, ServiceProject, ServiceProjectEnterprise)
from . import audit
from .access import sees_all_cases
from .enterprise_tags import ordered, tagged
from .field_rules import clean_text, parse_date, raise_if, row_id

MANAGERS = ("project_lead", "bureau")
SUBJECT = "inspection_campaign"
FIELDS = ("name", "theme", "start_on", "end_on", "description", "checklist_id")
RULE_FIELDS = ("target_industries", "target_townships", "target_scales", "target_tags", "target_project_id",
               "target_enterprise_ids")
STATES = ("draft", "upcoming", "current", "ended")
MAX_NAME, MAX_DESCRIPTION, MAX_LIST = 200, 4000, 500


# ---- who ---------------------------------------------------------------------------------------------------------
def may_manage(user):
    return user.has_role(*MANAGERS)


def may_read(user):
    return sees_all_cases(user)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("专项行动供工作人员查看 / special campaigns are for the inspection and bureau staff")


def check_may_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人和应急管理局可以管理专项行动 / only project leads and the bureau manage "
                         "special campaigns")


# ---- reading -----------------------------------------------------------------------------------------------------
def state(campaign, today=None):
    """draft (not started), upcoming (started, its period ahead), current or ended."""
    today = today or clock.local_now().date()
    if campaign.started_at is None:
        return "draft"
    return "upcoming" if today < campaign.start_on else "ended" if today > campaign.end_on else "current"


def listing(session, user, theme="", wanted_state="", text=""):
    """The campaigns the user may read with the filters given, the latest period first."""
    check_may_read(user)
    query = session.query(InspectionCampaign)
    if theme:
        query = query.filter(InspectionCampaign.theme == theme)
    if text:
        query = query.filter(InspectionCampaign.name.contains(text, autoescape=True))
    today = clock.local_now().date()
    started = InspectionCampaign.started_at.is_not(None)
    query = query.filter({
        "draft": InspectionCampaign.started_at.is_(None),
        "upcoming": started & (InspectionCampaign.start_on > today),
        "current": started & (InspectionCampaign.start_on <= today) & (InspectionCampaign.end_on >= today),
        "ended": started & (InspectionCampaign.end_on < today)}.get(wanted_state, true()))
    return query.order_by(InspectionCampaign.end_on.desc(), InspectionCampaign.start_on.desc(),
                          InspectionCampaign.id.desc()).all()


def get(session, user, campaign_id):
    check_may_read(user)
    number = row_id(campaign_id)
    campaign = session.get(InspectionCampaign, number) if number is not None else None
    if campaign is None:
        raise NotFound("专项行动不存在 / campaign not found")
    return campaign


def target_ids(session, campaign_id):
    return {e for (e,) in session.query(CampaignTarget.enterprise_id).filter_by(campaign_id=campaign_id)}


def targets(session, campaign):
    return session.query(CampaignTarget).join(Enterprise).filter(CampaignTarget.campaign_id == campaign.id) \
        .order_by(Enterprise.name, Enterprise.id).all()


def open_campaigns(session):
    """The started campaigns not yet ended, for the plan and visit forms' choice."""
    today = clock.local_now().date()
    return session.query(InspectionCampaign).filter(InspectionCampaign.started_at.is_not(None),
                                                    InspectionCampaign.end_on >= today) \
        .order_by(InspectionCampaign.start_on, InspectionCampaign.id).all()


def for_record(session, campaign_id, enterprise_id, day, errors):
    """The campaign a visit or plan at `enterprise_id` on `day` names (None when none is named); a wrong one is put
    in `errors` under "campaign_id": unknown, not started, `day` outside its period, or not one of its targets."""
    if campaign_id in (None, ""):
        return None
    number = row_id(campaign_id)
    campaign = session.get(InspectionCampaign, number) if number is not None else None
    if campaign is None:
        errors["campaign_id"] = "专项行动不存在 / unknown campaign"
    elif campaign.started_at is None:
        errors["campaign_id"] = "专项行动尚未启动 / the campaign has not been started"
    elif isinstance(day, date) and not campaign.start_on <= day <= campaign.end_on:
        errors["campaign_id"] = (f"日期不在专项行动期间（{campaign.start_on.isoformat()} 至 {campaign.end_on.isoformat()}）"
                                 f" / the day is outside the campaign's period ({campaign.start_on.isoformat()} – "
                                 f"{campaign.end_on.isoformat()})")
    elif isinstance(enterprise_id, int) and enterprise_id not in target_ids(session, campaign.id):
        errors["campaign_id"] = "该企业不是本专项行动的检查对象 / the enterprise is not one of the campaign's targets"
    return campaign


# ---- writing -----------------------------------------------------------------------------------------------------
def _text_list(values, name, errors, known=None):
    items = values if isinstance(values, (list, tuple)) else [] if values in (None, "") else [values]
    cleaned = sorted({str(v).strip() for v in items if str(v or "").strip()})
    if len(cleaned) > MAX_LIST or any(len(v) > 100 for v in cleaned):
        errors[name] = "选择的项目过多或过长 / too many or too long values"
    elif known is not None and not set(cleaned) <= set(known):
        errors[name] = "选择的值无效 / an unknown value"
    return cleaned


def clean(session, values):
    """The stored values from a form's or a body's `values`; ValidationFailed names every wrong field."""
    errors = {}
    name = clean_text(values.get("name"), MAX_NAME, "name", errors)
    if not name and "name" not in errors:
        errors["name"] = "请填写专项行动名称 / the name is required"
    theme = values.get("theme") or ""
    if theme not in CAMPAIGN_THEMES:
        errors["theme"] = "请选择专项主题 / choose the theme"
    days = {}
    for field in ("start_on", "end_on"):
        days[field] = parse_date(values.get(field), field, errors)
        if days[field] is None and field not in errors:
            errors[field] = "请填写日期 / give the date"
    if days["start_on"] and days["end_on"] and days["end_on"] < days["start_on"]:
        errors["end_on"] = "结束日期不能早于开始日期 / the period cannot end before it starts"
    description = clean_text(values.get("description"), MAX_DESCRIPTION, "description", errors)
    checklist_id = None
    if values.get("checklist_id") not in (None, ""):
        checklist_id = row_id(values.get("checklist_id"))
        if checklist_id is None or session.get(Checklist, checklist_id) is None:
            errors["checklist_id"] = "检查表不存在 / unknown checklist"
    clean_values = {"name": name, "theme": theme, **days, "description": description, "checklist_id": checklist_id}
    clean_values.update(_clean_rule(session, values, errors))
    raise_if(errors)
    return clean_values


def _clean_rule(session, values, errors):
    rule = {"target_industries": _text_list(values.get("target_industries"), "target_industries", errors),
            "target_townships": _text_list(values.get("target_townships"), "target_townships", errors),
            "target_scales": _text_list(values.get("target_scales"), "target_scales", errors, ENTERPRISE_SCALES),
            "target_tags": ordered(_text_list(values.get("target_tags"), "target_tags", errors, ENTERPRISE_TAGS))}
    project_id = None
    if values.get("target_project_id") not in (None, ""):
        project_id = row_id(values.get("target_project_id"))
        if project_id is None or session.get(ServiceProject, project_id) is None:
            errors["target_project_id"] = "服务项目不存在 / unknown service project"
    picked = values.get("target_enterprise_ids") or []
    picked = picked if isinstance(picked, (list, tuple)) else [picked]
    ids = sorted({row_id(v) for v in picked})
    if None in ids:
        errors["target_enterprise_ids"] = "所选企业不在企业名录中 / an enterprise chosen is not on the register"
    elif ids and session.query(Enterprise.id).filter(Enterprise.id.in_(ids)).count() != len(ids):
        errors["target_enterprise_ids"] = "所选企业不在企业名录中 / an enterprise chosen is not on the register"
    rule.update(target_project_id=project_id, target_enterprise_ids=[i for i in ids if i is not None])
    if not any(rule.values()) and "target_enterprise_ids" not in errors:
        errors["target_enterprise_ids"] = ("请按行业、乡镇/园区、规模、风险标签、服务项目名单选择检查对象，或直接选择企业 / choose "
                                           "the targets by industry, township, scale, risk tag or a service "
                                           "project's roster, or pick enterprises")
    return rule


def create(uow, user, values):
    check_may_manage(user)
    clean_values = clean(uow.session, values)
    now = clock.now()
    campaign = InspectionCampaign(created_by=user, created_at=now, updated_at=now, **clean_values)
    uow.session.add(campaign)
    uow.session.flush()
    audit.record(uow, None, user, "campaign_created",
                 changes={k: [None, _shown(v)] for k, v in clean_values.items() if v not in ("", None, [])},
                 details=_details(campaign), subject=(SUBJECT, campaign.id))
    return campaign


def update(uow, user, campaign_id, values):
    """Changes the fields given; returns {field: [before, after]}. Once started the targeting rule is kept as it was
    resolved (409 on a change of it), and the period must still hold the campaign's visits and open plans."""
    campaign = get(uow.session, user, campaign_id)
    check_may_manage(user)
    names = FIELDS + RULE_FIELDS
    current = {name: getattr(campaign, name) for name in names}
    cleaned = clean(uow.session, {**current, **values})
    changes = {k: [current[k], v] for k, v in cleaned.items() if current[k] != v}
    if campaign.started_at is not None and set(changes) & set(RULE_FIELDS):
        raise Conflict("专项行动已启动，检查对象不能再改 / the campaign has started: its targets are kept")
    if campaign.started_at is not None and {"start_on", "end_on"} & set(changes):
        _check_period_holds(uow.session, campaign, cleaned["start_on"], cleaned["end_on"])
    if changes:
        for name, (_before, after) in changes.items():
            setattr(campaign, name, after)
        campaign.updated_at = clock.now()
        uow.session.flush()
        audit.record(uow, None, user, "campaign_updated",
                     changes={k: [_shown(a), _shown(b)] for k, (a, b) in changes.items()},
                     details=_details(campaign), subject=(SUBJECT, campaign.id))
    return changes


def _check_period_holds(session, campaign, start_on, end_on):
    outside = session.query(InspectionVisit.id).filter(
        InspectionVisit.campaign_id == campaign.id,
        or_(InspectionVisit.visited_on < start_on, InspectionVisit.visited_on > end_on)).first() or \
        session.query(InspectionPlan.id).filter(
            InspectionPlan.campaign_id == campaign.id, InspectionPlan.cancelled_at.is_(None),
            InspectionPlan.visit_id.is_(None),
            or_(InspectionPlan.planned_on < start_on, InspectionPlan.planned_on > end_on)).first()
    if outside is not None:
        raise_if({"end_on": "已有本专项行动的排查或计划不在新的期间内 / visits or plans of the campaign fall outside "
                            "the new period"})


def resolve(session, campaign):
    """The register's enterprise ids the campaign's rule matches now, with the hand-picked ones."""
    rule = [campaign.target_industries, campaign.target_townships, campaign.target_scales, campaign.target_tags,
            campaign.target_project_id]
    matched = set()
    if any(rule):
        query = session.query(Enterprise.id)
        if campaign.target_industries:
            query = query.filter(Enterprise.industry.in_(campaign.target_industries))
        if campaign.target_townships:
            query = query.filter(Enterprise.township.in_(campaign.target_townships))
        if campaign.target_scales:
            query = query.filter(Enterprise.scale.in_(campaign.target_scales))
        if campaign.target_tags:  # any of the tags chosen
            query = query.filter(tagged(Enterprise.id, campaign.target_tags))
        if campaign.target_project_id:
            query = query.filter(Enterprise.id.in_(session.query(ServiceProjectEnterprise.enterprise_id).filter(
                ServiceProjectEnterprise.project_id == campaign.target_project_id)))
        matched = {e for (e,) in query}
    return matched | set(campaign.target_enterprise_ids or [])


def start(uow, user, campaign_id):
    """Resolve the rule into the campaign's targets, once; 409 when it was started already or matches nothing, or
    when its period is over."""
    campaign = get(uow.session, user, campaign_id)
    check_may_manage(user)
    if campaign.started_at is not None:
        raise Conflict("专项行动已经启动 / the campaign was started already")
    if campaign.end_on < clock.local_now().date():
        raise Conflict("专项行动期间已过，不能启动 / the campaign's period is over")
    ids = resolve(uow.session, campaign)
    if not ids:
        raise Conflict("没有符合条件的企业，请修改检查对象 / no enterprise matches the targets; change them")
    now = clock.now()
    done = uow.session.query(InspectionCampaign).filter(InspectionCampaign.id == campaign.id,
                                                        InspectionCampaign.started_at.is_(None)) \
        .update({"started_at": now, "started_by_id": user.id, "updated_at": now}, synchronize_session=False)
    if done != 1:
        raise Conflict("专项行动已经启动 / the campaign was started already")
    uow.session.add_all([CampaignTarget(campaign_id=campaign.id, enterprise_id=e, added_at=now) for e in sorted(ids)])
    uow.session.flush()
    uow.session.refresh(campaign)
    audit.record(uow, None, user, "campaign_started", details={**_details(campaign), "targets": len(ids)},
                 subject=(SUBJECT, campaign.id))
    return campaign


def _shown(value):
    return value.isoformat() if isinstance(value, date) else value


def _details(campaign):
    return {"campaign_id": campaign.id, "campaign": campaign.name,
            "period": f"{campaign.start_on.isoformat()}～{campaign.end_on.isoformat()}"}


def period_days(campaign):
    return (campaign.end_on - campaign.start_on).days + 1


def elapsed_percent(campaign, today=None):
    today = today or clock.local_now().date()
    if today < campaign.start_on:
        return 0
    if today > campaign.end_on:
        return 100
    return round(100 * ((today - campaign.start_on).days + 1) / period_days(campaign))
