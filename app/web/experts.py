"""The expert pool's pages (专家库, services/experts.py), a case's suggested experts and their dispatch
(services/expert_matching.py), and the case page's card of dispatched experts. Every route here is for the roles that
read the pool (enterprise staff and township offices: 403); the card shows enterprise staff the experts' names only."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import EXPERT_DOMAINS
from ..services import expert_matching, experts, hazards
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .guards import restrict
from .names import N_, is_english, label

bp = Blueprint("experts", __name__)
may_read_experts = restrict(bp, "may_read_experts", experts.may_read, N_("专家库仅供监管部门和服务机构使用"))
TEXT_FIELDS = ("name", "organisation", "title", "phone", "certificate_no", "note", "user_id")
EXPERT_TITLES = {"expert_name": N_("姓名"), "expert_organisation": N_("工作单位"), "expert_title": N_("职称"),
                 "expert_domains": N_("专业领域"), "expert_phone": N_("联系电话"), "expert_certificate_no": N_("证书编号"),
                 "expert_note": N_("备注"), "expert_user_id": N_("关联账号"), "expert_active": N_("启用"),
                 "expert": N_("调派专家")}


@bp.app_template_filter("expert_domain")
def expert_domain(code):
    return label(EXPERT_DOMAINS, code)


def audit_labels(catalog):
    """The audit log's names of the pool's field codes."""
    catalog.labels.setdefault("expert_domains", {code: expert_domain(code) for code in EXPERT_DOMAINS})


@bp.app_template_global()
def expert_card(case):
    """(the case's dispatches, whether the user sees their details, whether the user may dispatch) for the case
    page. Enterprise staff and township offices see who was sent and when; staff also why and by whom."""
    details = experts.may_read(current_user)
    return (expert_matching.for_case(db.session, case.id), details,
            details and expert_matching.may_dispatch(current_user) and case.status != "closed")


def _filter(args):
    active = args.get("active", "1")
    return experts.ExpertFilter(q=args.get("q", "").strip()[:experts.MAX_QUERY],
                                domain=args.get("domain", "") if args.get("domain") in EXPERT_DOMAINS else "",
                                active=active if active in ("0", "1") else "")


@bp.route("/experts")
@login_required
def index():
    rows = experts.listing(db.session, current_user, _filter(request.args))
    return render_template("experts/index.html", rows=rows, loads=expert_matching.loads(db.session, rows),
                           args=request.args, domains=EXPERT_DOMAINS, may_manage=experts.may_manage(current_user))


@bp.route("/experts/export.csv")
@login_required
def export():
    rows = experts.listing(db.session, current_user, _filter(request.args))
    busy = expert_matching.loads(db.session, rows)
    separator = ", " if is_english() else "、"
    lines = [[_("姓名"), _("工作单位"), _("职称"), _("专业领域"), _("联系电话"), _("证书编号"), _("关联账号"),
              _("在办案件数"), _("状态"), _("备注")]]
    for e in rows:
        fields = separator.join(expert_domain(d) for d in e.domains or [])
        lines.append([e.name, e.organisation, e.title, fields, e.phone, e.certificate_no,
                      e.user.username if e.user else "", busy[e.id].total, _("启用") if e.active else _("停用"), e.note])
    return csv_download(lines, f"experts-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/experts/<int:expert_id>")
@login_required
def show(expert_id):
    row = experts.get(db.session, current_user, expert_id)
    dispatches = expert_matching.dispatches_of(db.session, row.id)
    return render_template("experts/show.html", row=row, dispatches=dispatches,
                           load=expert_matching.loads(db.session, [row])[row.id],
                           events=experts.history(db.session, row.id), titles=EXPERT_TITLES,
                           may_manage=experts.may_manage(current_user))


@bp.route("/experts/new", methods=["GET", "POST"])
@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
@login_required
def edit(expert_id=None):
    experts.check_may_manage(current_user)
    row = experts.get(db.session, current_user, expert_id) if expert_id is not None else None
    if request.method == "GET":
        form = {name: getattr(row, name) for name in TEXT_FIELDS} if row else {}
        form["user_id"] = str(row.user_id) if row and row.user_id else ""
        form["domains"] = list(row.domains or []) if row else []
        form["active"] = row.active if row else True
        return _form_page(row, form, {})
    form = {name: request.form.get(name, "") for name in TEXT_FIELDS}
    form["domains"] = request.form.getlist("domains")
    form["active"] = request.form.get("active") == "1"
    try:
        with UnitOfWork() as uow:
            saved = experts.save(uow, current_user, form, expert_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(row, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("专家信息已保存"), "success")
    return redirect(url_for("experts.show", expert_id=saved.id))


def _form_page(row, form, errors, message=None):
    return render_template("experts/form.html", row=row, form=form, errors=errors, message=message,
                           domains=EXPERT_DOMAINS, users=experts.linkable_users(db.session))


# ---- a case's experts ------------------------------------------------------------------------------------------
@bp.route("/cases/<int:case_id>/experts", methods=["GET", "POST"])
@login_required
def for_case(case_id):
    """The ranked suggestions for the case and, for the bureau and project leads, the dispatch form."""
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for a case the user may not see
    form, errors, message, status = {"expert_id": request.args.get("expert_id", ""), "reason": ""}, {}, None, 200
    if request.method == "POST":
        form = {"expert_id": request.form.get("expert_id", ""), "reason": request.form.get("reason", "")}
        try:
            with UnitOfWork() as uow:
                row = expert_matching.dispatch(uow, current_user, case_id, form["expert_id"], form["reason"])
                name = row.expert.name
                uow.commit()
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            db.session.expire_all()
            errors = {k: bilingual(v) for k, v in exc.fields.items()}
            message, status = (None if errors else bilingual(exc.message)), exc.status
        else:
            flash(_("已调派专家 %(name)s", name=name), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    return render_template("experts/for_case.html", case=case, form=form, errors=errors, message=message,
                           rows=expert_matching.suggestions(db.session, current_user, case),
                           wanted=expert_matching.wanted_domains(case),
                           dispatches=expert_matching.for_case(db.session, case.id),
                           may_dispatch=expert_matching.may_dispatch(current_user) and case.status != "closed"), \
        status
