"""Emergency drills of enterprises (应急演练, services/drills.py): the list with filters and CSV, the form project
leads and the project team record a drill with, and the drill's page, where each problem found offers 登记为隐患 (the
registration page prefilled from it, `cases.register` with `?drill=&problem=`) to those who register hazards."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import DRILL_KINDS
from ..services import drills, hazards, trainings
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .names import label
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("drills", __name__)
PAGE_SIZE = 50


@bp.app_template_filter("drill_kind")
def drill_kind(code):
    return label(DRILL_KINDS, code)


def _filter(args, limit=PAGE_SIZE, page=1):
    errors = {}
    days = read_days(args, ("date_from", "date_to"), errors)
    flt = drills.DrillFilter(enterprise_id=int_or_none(args.get("enterprise_id")),
                             kind=args.get("kind", "") if args.get("kind") in DRILL_KINDS else "",
                             text=args.get("q", "").strip()[:100], limit=limit, offset=(page - 1) * (limit or 0),
                             **days)
    return flt, errors


@bp.route("/drills")
@login_required
def index():
    page = page_number(request.args)
    flt, errors = _filter(request.args, PAGE_SIZE, page)
    rows, total = drills.listing(db.session, current_user, flt)
    reads_all = drills.reads_all(current_user)
    return render_template("drills/index.html", rows=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           args=request.args, errors=errors, kinds=DRILL_KINDS, reads_all=reads_all,
                           enterprises=trainings.enterprise_choices(db.session) if reads_all else [],
                           may_write=trainings.may_write(current_user))


@bp.route("/drills.csv")
@login_required
def export():
    flt, _errors = _filter(request.args, None)
    rows, _total = drills.listing(db.session, current_user, flt)
    lines = [[_("编号"), _("企业"), _("演练日期"), _("应急预案"), _("演练形式"), _("参演人数"), _("评估"), _("存在问题"),
              _("改进措施"), _("登记为隐患"), _("登记人")]]
    for r in rows:
        lines.append([r.id, r.enterprise.name, r.held_on.isoformat(), r.scenario, drill_kind(r.kind), r.participants,
                      r.evaluation, r.problems, r.improvements, "、".join(h.case.code for h in r.hazards),
                      r.recorded_by.display_name])
    return csv_download(lines, f"drills-{clock.local_now():%Y%m%d-%H%M}.csv")


def _typed():
    return {name: request.form.get(name, "").strip() for name in drills.FIELDS}


@bp.route("/drills/new", methods=["GET", "POST"])
@login_required
def new():
    drills.check_may_write(current_user)
    if request.method == "GET":
        return _form_page({"held_on": clock.local_now().date().isoformat(), "kind": "field",
                           "enterprise_id": request.args.get("enterprise_id", "")}, {})
    form = _typed()
    return _save(form, None, lambda uow: drills.create(uow, current_user, form).id)


@bp.route("/drills/<int:drill_id>/edit", methods=["GET", "POST"])
@login_required
def edit(drill_id):
    row = drills.get(db.session, current_user, drill_id)
    drills.check_may_write(current_user)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in drills.FIELDS}
        form.update(enterprise_id=str(row.enterprise_id), held_on=row.held_on.isoformat())
        return _form_page(form, {}, row=row)
    form = _typed()
    return _save(form, row, lambda uow: drills.update(uow, current_user, drill_id, form).id)


def _save(form, row, write):
    try:
        with UnitOfWork() as uow:
            drill_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message), row=row), exc.status
    flash(_("演练记录已保存"), "success")
    return redirect(url_for("drills.show", drill_id=drill_id))


def _form_page(form, errors, message=None, row=None):
    return render_template("drills/form.html", form=form, errors=errors, message=message, row=row, kinds=DRILL_KINDS,
                           enterprises=trainings.enterprise_choices(db.session), max_text=drills.MAX_TEXT)


@bp.route("/drills/<int:drill_id>")
@login_required
def show(drill_id):
    row = drills.get(db.session, current_user, drill_id)
    registered = drills.registered_problems(row)
    return render_template("drills/show.html", row=row, registered=registered,
                           problems=list(enumerate(row.problem_lines, start=1)),
                           registers_hazards=hazards.may_register(current_user),
                           may_write=trainings.may_write(current_user))
