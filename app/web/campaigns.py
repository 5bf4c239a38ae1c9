"""Special inspection campaigns (专项行动, services/campaigns.py): the list with its filters and each campaign's
progress, the campaign's page (targets visited / not yet, visits by kind, hazards by grade, closed / open / overdue,
the 清单台账 per enterprise), the ledger as CSV and Excel, the form project leads and the bureau create and edit a
campaign with, and starting it (its targets resolved and kept). Township offices and enterprise staff: 403."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import CAMPAIGN_THEMES, ENTERPRISE_SCALES, ENTERPRISE_TAGS, VISIT_KINDS, Enterprise, ServiceProject
from ..services import campaign_progress, campaigns, checklists
from ..services.uow import UnitOfWork
from .downloads import csv_download, xlsx_download
from .forms_render import bilingual
from .names import label

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
LIST_FIELDS = ("target_industries", "target_townships", "target_scales", "target_tags", "target_enterprise_ids")


@bp.app_template_filter("visit_kind")
def visit_kind(code):
    return label(VISIT_KINDS, code or "routine")


@bp.app_template_filter("campaign_theme")
def campaign_theme(code):
    return label(CAMPAIGN_THEMES, code)


@bp.app_template_global()
def may_read_campaigns():
    return current_user.is_authenticated and campaigns.may_read(current_user)


@bp.app_template_global()
def campaign_state_name(code):
    return {"draft": _("草稿（未启动）"), "upcoming": _("未开始"), "current": _("进行中"), "ended": _("已结束")}[code]


def _campaign(campaign_id, manage=False):
    campaign = campaigns.get(db.session, current_user, campaign_id)
    if manage:
        campaigns.check_may_manage(current_user)
    return campaign


# ---- reading -----------------------------------------------------------------------------------------------------
@bp.route("")
@login_required
def index():
    theme = request.args.get("theme") if request.args.get("theme") in CAMPAIGN_THEMES else ""
    state = request.args.get("state") if request.args.get("state") in campaigns.STATES else ""
    text = request.args.get("q", "").strip()[:100]
    rows = campaigns.listing(db.session, current_user, theme, state, text)
    return render_template("campaigns/index.html", rows=[(c, campaign_progress.compute(db.session, c)) for c in rows],
                           theme=theme, state=state, text=text, themes=CAMPAIGN_THEMES, states=campaigns.STATES,
                           may_manage=campaigns.may_manage(current_user), state_of=campaigns.state)


@bp.route("/<int:campaign_id>")
@login_required
def show(campaign_id):
    campaign = _campaign(campaign_id)
    return render_template("campaigns/show.html", campaign=campaign, state=campaigns.state(campaign),
                           progress=campaign_progress.compute(db.session, campaign),
                           cases=campaign_progress.campaign_cases(db.session, campaign)[:200],
                           elapsed=campaigns.elapsed_percent(campaign), kinds=VISIT_KINDS,
                           may_manage=campaigns.may_manage(current_user), scales=ENTERPRISE_SCALES,
                           project=db.session.get(ServiceProject, campaign.target_project_id)
                           if campaign.target_project_id else None,
                           picked=_picked(campaign))


def _picked(campaign):
    ids = campaign.target_enterprise_ids or []
    return db.session.query(Enterprise).filter(Enterprise.id.in_(ids)).order_by(Enterprise.name).all() if ids else []


@bp.route("/<int:campaign_id>/ledger.csv")
@login_required
def ledger_csv(campaign_id):
    campaign = _campaign(campaign_id)
    return csv_download(_ledger(campaign), f"campaign-{campaign.id}-ledger-{clock.local_now():%Y%m%d}.csv")


@bp.route("/<int:campaign_id>/ledger.xlsx")
@login_required
def ledger_xlsx(campaign_id):
    campaign = _campaign(campaign_id)
    return xlsx_download(_ledger(campaign), f"campaign-{campaign.id}-ledger-{clock.local_now():%Y%m%d}.xlsx",
                         _("清单台账"))


def _ledger(campaign):
    """The 清单台账: one row per target enterprise, a header first."""
    progress = campaign_progress.compute(db.session, campaign)
    yield [_("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("企业规模"), _("检查次数"), _("最近检查日期"),
           _("发现隐患"), _("已整改销号"), _("未销号"), _("其中逾期")]
    for row in progress.rows:
        company = row.enterprise
        yield [company.name, company.credit_code, company.township, company.industry,
               label(ENTERPRISE_SCALES, company.scale) if company.scale else "", row.visits,
               row.last_visit.isoformat() if row.last_visit else "", row.hazards, row.closed, row.open, row.overdue]


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in campaigns.FIELDS + ("target_project_id",)}
    form.update({name: request.form.getlist(name) for name in LIST_FIELDS})
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    campaigns.check_may_manage(current_user)
    if request.method == "GET":
        today = clock.local_now().date().isoformat()
        return _form_page(None, {"start_on": today, "end_on": today, "theme": request.args.get("theme", "")}, {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            campaign_id = campaigns.create(uow, current_user, form).id
            uow.commit()
    except DomainError as exc:
        return _form_page(None, form, {k: bilingual(v) for k, v in exc.fields.items()}), exc.status
    flash(_("已建立专项行动；核对检查对象后请启动"), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id):
    campaign = _campaign(campaign_id, manage=True)
    if request.method == "GET":
        form = {name: getattr(campaign, name) for name in campaigns.FIELDS + campaigns.RULE_FIELDS}
        form["start_on"], form["end_on"] = campaign.start_on.isoformat(), campaign.end_on.isoformat()
        return _form_page(campaign, form, {})
    form = _typed()
    if campaign.started_at is not None:  # the rule is kept once started: the form does not show it
        form.update({name: getattr(campaign, name) for name in campaigns.RULE_FIELDS})
    try:
        with UnitOfWork() as uow:
            changes = campaigns.update(uow, current_user, campaign_id, form)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(campaign, form, errors, None if errors else bilingual(exc.message)), exc.status
    flash(_("已保存专项行动的 %(n)s 项修改", n=len(changes)) if changes else _("没有修改"),
          "success" if changes else "message")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/start", methods=["POST"])
@login_required
def start(campaign_id):
    _campaign(campaign_id, manage=True)
    try:
        with UnitOfWork() as uow:
            campaign = campaigns.start(uow, current_user, campaign_id)
            count = len(campaigns.target_ids(uow.session, campaign.id))
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash(bilingual(exc.message), "error")
        return redirect(url_for("campaigns.show", campaign_id=campaign_id))
    flash(_("专项行动已启动，确定检查对象 %(n)s 家", n=count), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


def _form_page(campaign, form, errors, message=None):
    register = db.session.query(Enterprise).order_by(Enterprise.name, Enterprise.id).all()
    industries = sorted({e.industry for e in register if e.industry})
    townships = sorted({e.township for e in register if e.township})
    return render_template(
        "campaigns/form.html", campaign=campaign, form=form, errors=errors, message=message, themes=CAMPAIGN_THEMES,
        scales=ENTERPRISE_SCALES, tags=ENTERPRISE_TAGS, checklists=checklists.all_checklists(db.session),
        projects=db.session.query(ServiceProject).order_by(ServiceProject.end_on.desc(), ServiceProject.id.desc()).all(),
        industries=[(i, i) for i in industries], townships=[(t, t) for t in townships],
        enterprises=[(e.id, f"{e.name} · {e.township}" if e.township else e.name) for e in register])
