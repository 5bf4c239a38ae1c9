"""Platform data entry (平台录入跟踪, services/platform_entries.py): the completeness list across enterprises (filtered
by platform, township / park and "incomplete only", and as CSV) and each enterprise's page, where the project team
records an item as entered or checked. Readers other than the recorders see the page read-only; an enterprise's staff
see their own enterprise only (another's is 404), a township office its area."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import ENTRY_STATUSES, PLATFORM_ITEMS, PLATFORMS
from ..services import platform_entries as entries
from ..services.access import township_choices
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label

bp = Blueprint("platform_entries", __name__)

restrict(bp, "may_read_platform_entries", entries.may_read, N_("平台录入情况供项目组、监管部门和企业本身查看"))


@bp.app_template_filter()
def platform_name(code):
    return label(PLATFORMS, code)


@bp.app_template_filter()
def platform_item(code):
    return label(PLATFORM_ITEMS, code)


@bp.app_template_filter()
def entry_status(code):
    return label(ENTRY_STATUSES, code)


def _filters(args):
    platform = args.get("platform", "") if args.get("platform") in PLATFORMS else ""
    return platform, args.get("township", "").strip()[:100], args.get("incomplete") == "1"


@bp.route("/platform-entries")
@login_required
def index():
    platform, township, incomplete = _filters(request.args)
    rows = entries.overview(db.session, current_user, platform, township, incomplete)
    query = {k: request.args[k] for k in ("platform", "township", "incomplete") if request.args.get(k)}
    return render_template("platform_entries/index.html", rows=rows, args=request.args, query=query,
                           platforms=PLATFORMS, items=PLATFORM_ITEMS, platform=platform,
                           townships=township_choices(db.session, current_user))


@bp.route("/platform-entries.csv")
@login_required
def index_csv():
    platform, township, incomplete = _filters(request.args)
    rows = entries.overview(db.session, current_user, platform, township, incomplete)
    shown = (platform,) if platform else tuple(PLATFORMS)
    header = [_("企业"), _("统一社会信用代码"), _("乡镇/园区")]
    header += [f"{platform_name(p)} · {platform_item(i)}" for p in shown for i in PLATFORM_ITEMS]
    lines = [header + [_("已核对"), _("共计"), _("全部核对")]]
    for e, progress in rows:
        cells = [e.name, e.credit_code, e.township]
        for p in shown:
            for i in PLATFORM_ITEMS:
                row = progress.entries.get((p, i))
                text = entry_status(progress.status(p, i))
                if row is not None and row.status == "checked":
                    text += f" {row.checked_on.isoformat()}"
                elif row is not None and row.status == "entered":
                    text += f" {row.entered_on.isoformat()}"
                cells.append(text)
        lines.append(cells + [progress.count("checked"), progress.total,
                              _("是") if progress.complete else _("否")])
    return csv_download(lines, f"platform-entries-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/platform-entries/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id):
    return _page(enterprise_id)


@bp.route("/platform-entries/enterprises/<int:enterprise_id>", methods=["POST"])
@login_required
def record(enterprise_id):
    form = {k: request.form.get(k, "").strip() for k in ("platform", "item", "status", "on_date", "note")}
    try:
        with UnitOfWork() as uow:
            entries.record(uow, current_user, enterprise_id, **form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors = {k: bilingual(v) for k, v in exc.fields.items()} or {"status": bilingual(exc.message)}
        return _page(enterprise_id, form=form, errors=errors), 400
    flash(_("已登记平台录入情况"), "success")
    return redirect(url_for("platform_entries.enterprise", enterprise_id=enterprise_id))


def _page(enterprise_id, form=None, errors=None):
    company, progress = entries.of_enterprise(db.session, current_user, enterprise_id)
    return render_template("platform_entries/enterprise.html", enterprise=company, progress=progress,
                           platforms=PLATFORMS, items=PLATFORM_ITEMS, statuses=ENTRY_STATUSES,
                           may_record=entries.may_record(current_user), form=form or {}, errors=errors or {})
