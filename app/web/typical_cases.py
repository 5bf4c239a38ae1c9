"""The typical problem case library (典型问题案例库, services/typical_cases.py): the list with its filters, its CSV file
and the printable quarterly view for the review meeting, one entry with its change history, and the forms that put a
case into the library (prefilled from the case) and edit an entry; the case page's link."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import Conflict, DomainError
from ..extensions import db
from ..services import hazards, typical_cases, users
from ..services.field_rules import whole_number
from ..services.uow import UnitOfWork
from . import forms_render
from .downloads import csv_download
from .forms_render import bilingual
from .names import N_, is_english, step_name
from .query_args import page_count, page_number

bp = Blueprint("typical_cases", __name__)
PAGE_SIZE = 50
FILTER_ARGS = ("q", "hazard_type", "industry", "quarter")
# The written fields as the form, the history and the audit log name them.
TYPICAL_CASE_TITLES = {"title": N_("案例标题"), "problem_description": N_("问题描述"), "cause_analysis": N_("成因分析"),
                       "measures": N_("整改措施"), "effect": N_("整改效果"), "lessons": N_("经验启示"),
                       # publishing to enterprises (web/case_publishing.py)
                       "publication": N_("向企业发布"), "public_title": N_("公开标题"), "public_body": N_("公开正文"),
                       "audience_industries": N_("发布范围：行业"), "audience_townships": N_("发布范围：乡镇/园区"),
                       "public_photos": N_("公开照片数")}


@bp.before_request
def guard():
    """Enterprise staff are told the library does not exist (404, as for another enterprise's case); other roles
    without it are refused (403); anonymous requests are left to `login_required`."""
    if not current_user.is_authenticated or typical_cases.may_read(current_user):
        return
    if "enterprise" in current_user.roles:
        abort(404)
    abort(403, _("典型案例库供项目、督导、专家、质量监督、应急管理局和管理人员查看"))


@bp.app_template_global()
def may_read_typical_cases():
    return current_user.is_authenticated and typical_cases.may_read(current_user)


@bp.app_template_global()
def typical_case_of(case):
    """(the case's library entry or None, whether the user may add it) for the case page; nothing for users who do
    not read the library."""
    if not typical_cases.may_read(current_user):
        return None, False
    return typical_cases.entry_for_case(db.session, case.id), typical_cases.may_write(current_user)


@bp.app_template_filter("quarter_name")
def quarter_name(code):
    """"2026Q4" as the page's language says it."""
    bounds = typical_cases.quarter_bounds(code)
    if bounds is None:
        return code or ""
    year, quarter = code.upper().split("Q")
    return _("%(year)s年第%(q)s季度", year=year, q=quarter)


# ---- the list, its file and the quarterly view -----------------------------------------------------------------
def _read_filter(args, page=1, size=PAGE_SIZE):
    """(LibraryFilter, {field: error}) from the query; a malformed field is named, not ignored."""
    flt = typical_cases.LibraryFilter(q=args.get("q", "").strip(), hazard_type=args.get("hazard_type", "").strip()[:64],
                                      industry=args.get("industry", "").strip()[:100],
                                      quarter=args.get("quarter", "").strip().upper()[:8],
                                      limit=size, offset=(page - 1) * size)
    try:
        typical_cases.check_filter(flt)
    except DomainError as exc:
        return flt, {k: bilingual(v) for k, v in exc.fields.items()}
    return flt, {}


def _filters_context():
    types, industries, quarters = typical_cases.choices(db.session, current_user)
    catalog = forms_render.Catalog.deployed()
    return {"hazard_types": [(code, catalog.show("hazard_type", code)) for code in types],
            "industries": industries, "quarters": quarters, "catalog": catalog}


@bp.route("/library")
@login_required
def index():
    page = page_number(request.args)
    flt, errors = _read_filter(request.args, page)
    rows, total = ([], 0) if errors else typical_cases.listing(db.session, current_user, flt)
    return render_template("library/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, errors=errors,
                           filtered=any(request.args.get(k) for k in FILTER_ARGS),
                           query={k: request.args[k] for k in FILTER_ARGS if request.args.get(k)},
                           may_write=typical_cases.may_write(current_user), **_filters_context()), \
        400 if errors else 200


def _all_rows():
    """Every entry of the request's filters (no pages); 400 for a malformed filter rather than a file of all."""
    flt, errors = _read_filter(request.args)
    if errors:
        abort(400, "; ".join(errors.values()))
    return flt, typical_cases.export(db.session, current_user, flt)


@bp.route("/library/export.csv")
@login_required
def export():
    _flt, rows = _all_rows()
    catalog = forms_render.Catalog.deployed()
    names = users.display_names(db.session, [r.created_by_id for r in rows] + [r.updated_by_id for r in rows])
    lines = [[_("序号"), _("案例标题"), _("案件编号"), _("企业"), _("行业"), _("隐患类型"), _("隐患等级"), _("问题描述"),
              _("成因分析"), _("整改措施"), _("整改效果"), _("经验启示"), _("编写人"), _("入库时间"), _("最后修改人"),
              _("最后修改时间")]]
    for r in rows:
        lines.append([r.id, r.title, r.case.code, r.case.enterprise.name, r.industry,
                      catalog.show("hazard_type", r.hazard_type), catalog.show("grade", r.case.grade),
                      r.problem_description, r.cause_analysis, r.measures, r.effect, r.lessons,
                      names.get(r.created_by_id, ""), _moment(r.created_at), names.get(r.updated_by_id, ""),
                      _moment(r.updated_at)])
    return csv_download(lines, f"typical-cases-{clock.local_now():%Y%m%d-%H%M}.csv")


def _moment(value):
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@bp.route("/library/print")
@login_required
def printable():
    """The entries of the filters in full, laid out for paper: the quarterly review meeting's 典型案例通报."""
    flt, rows = _all_rows()
    return render_template("library/print.html", rows=rows, flt=flt, catalog=forms_render.Catalog.deployed(),
                           query={k: request.args[k] for k in FILTER_ARGS if request.args.get(k)},
                           names=users.display_names(db.session, [r.created_by_id for r in rows]),
                           printed_at=clock.now())


# ---- one entry ---------------------------------------------------------------------------------------------------
@bp.route("/library/<int:entry_id>")
@login_required
def show(entry_id):
    return show_page(entry_id)


def show_page(entry_id, **extra):
    """The entry's page; `extra`: what a refused action on it (web/case_publishing.py) shows beside its form."""
    row = typical_cases.get(db.session, current_user, entry_id)
    return render_template("library/show.html", row=row, catalog=forms_render.Catalog.deployed(),
                           events=typical_cases.history(db.session, row), titles=TYPICAL_CASE_TITLES,
                           names=users.display_names(db.session, (row.created_by_id, row.updated_by_id)),
                           may_write=typical_cases.may_write(current_user), **extra)


def _typed():
    return {name: request.form.get(name, "") for name in typical_cases.FIELDS}


@bp.route("/cases/<int:case_id>/library/new", methods=["GET", "POST"])
@login_required
def new(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for an unknown case
    if request.method == "GET":
        try:
            form = typical_cases.prefill(db.session, current_user, case_id, is_english(), step_name)
        except Conflict as exc:  # in the library already: say so, with the way to its entry
            return _form_page(case, {}, {}, message=bilingual(exc.message)), exc.status
        return _form_page(case, form, {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            row = typical_cases.create(uow, current_user, case_id, form)
            entry_id = row.id
            uow.commit()
    except DomainError as exc:
        return _refused(case, form, exc)
    flash(_("已加入典型案例库"), "success")
    return redirect(url_for("typical_cases.show", entry_id=entry_id))


@bp.route("/library/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id):
    row = typical_cases.get(db.session, current_user, entry_id)
    typical_cases.check_may_write(current_user)  # 403 for readers
    if request.method == "GET":
        return _form_page(row.case, {name: getattr(row, name) for name in typical_cases.FIELDS}, {}, row)
    form = _typed()
    # The version the writer read; a form without one is refused as stale rather than saved blindly.
    version = whole_number(request.form.get("version", ""))
    try:
        with UnitOfWork() as uow:
            typical_cases.update(uow, current_user, entry_id, form, -1 if version is None else version)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        return _refused(row.case, form, exc, typical_cases.get(db.session, current_user, entry_id))
    flash(_("典型案例已保存"), "success")
    return redirect(url_for("typical_cases.show", entry_id=entry_id))


def _refused(case, form, exc, row=None):
    """The form again with what was typed: field errors next to their fields (400), or the refusal above it. After
    an edit made meanwhile (409) the form carries the newer version, so saving again keeps what this writer typed,
    knowingly."""
    if exc.fields:
        return _form_page(case, form, {k: bilingual(v) for k, v in exc.fields.items()}, row), exc.status
    if exc.status == 403:
        raise exc  # the DomainError handler's error page
    stale = isinstance(exc, Conflict) and row is not None
    return _form_page(case, form, {}, row, bilingual(exc.message), stale=stale), exc.status


def _form_page(case, form, errors, row=None, message=None, stale=False):
    # A new entry refused because the case is in the library already (409) links to that entry instead.
    existing = typical_cases.entry_for_case(db.session, case.id) if row is None else None
    return render_template("library/form.html", case=case, form=form, errors=errors, row=row, message=message,
                           stale=stale, existing=existing, catalog=forms_render.Catalog(case.process_version.forms),
                           titles=TYPICAL_CASE_TITLES, max_title=typical_cases.MAX_TITLE,
                           max_text=typical_cases.MAX_TEXT)
