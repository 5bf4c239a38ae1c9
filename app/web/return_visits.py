"""Return visits (回访, services/return_visits.py, services/key_enterprises.py): the list with filters and CSV, the
quarter's due list, the key enterprises with their reasons (and the project leads' flag), the record form and the
record's page, where a regressed case offers 登记为隐患 (`cases.register` with `?return_visit=&finding=`). Enterprise
staff see their own enterprise's records only, without the internal note. The quarterly reports are in
web/return_visit_reports.py."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import EFFECT_RESULTS, RETURN_VISIT_WAYS, SAFETY_ITEMS, SURVEY_DIMENSIONS, Enterprise
from ..services import hazards, key_enterprises, return_visits
from ..services.access import township_choices
from ..services.training_targets import Quarter
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .names import label
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("return_visits", __name__)
PAGE_SIZE = 50


@bp.app_template_global()
def may_read_return_visits():
    return current_user.is_authenticated and return_visits.may_read(current_user)


@bp.app_template_global()
def may_read_key_enterprises():
    return current_user.is_authenticated and key_enterprises.may_read(current_user)


@bp.app_template_filter("return_visit_way")
def return_visit_way(code):
    return label(RETURN_VISIT_WAYS, code)


@bp.app_template_filter("effect_result")
def effect_result(code):
    return label(EFFECT_RESULTS, code)


@bp.app_template_filter("survey_dimension")
def survey_dimension(code):
    return label(SURVEY_DIMENSIONS, code)


@bp.app_template_filter("safety_item")
def safety_item(code):
    return label(SAFETY_ITEMS, code)


@bp.app_template_filter("key_reason")
def key_reason(code):
    return label(key_enterprises.KEY_REASON_KINDS, code)


# ---- the list ------------------------------------------------------------------------------------------------------
def _filter(args, limit=PAGE_SIZE, page=1):
    errors = {}
    days = read_days(args, ("date_from", "date_to"), errors)
    flt = return_visits.VisitFilter(
        enterprise_id=int_or_none(args.get("enterprise_id")), township=args.get("township", "").strip()[:100],
        way=args.get("way", "") if args.get("way") in RETURN_VISIT_WAYS else "",
        regressed=args.get("regressed") == "1", text=args.get("q", "").strip()[:100], limit=limit,
        offset=(page - 1) * (limit or 0), **days)
    return flt, errors


@bp.route("/return-visits")
@login_required
def index():
    page = page_number(request.args)
    flt, errors = _filter(request.args, PAGE_SIZE, page)
    rows, total = return_visits.listing(db.session, current_user, flt)
    reads_all = return_visits.reads_all(current_user)
    return render_template("return_visits/index.html", rows=rows, total=total, page=page, errors=errors,
                           pages=page_count(total, PAGE_SIZE), args=request.args, ways=RETURN_VISIT_WAYS,
                           reads_all=reads_all, may_record=return_visits.may_record(current_user),
                           enterprises=key_enterprises.enterprise_choices(db.session, current_user)
                           if reads_all else [],
                           townships=township_choices(db.session, current_user) if reads_all else [])


@bp.route("/return-visits.csv")
@login_required
def export():
    flt, _errors = _filter(request.args, None)
    rows, _total = return_visits.listing(db.session, current_user, flt)
    internal = return_visits.reads_all(current_user)
    head = [_("编号"), _("企业"), _("回访日期"), _("回访方式"), _("企业联系人"), _("回访人员"), _("整改成效保持"),
            _("整改成效反弹"), *(survey_dimension(d) for d in SURVEY_DIMENSIONS), _("安全管理现状"), _("企业意见建议"),
            _("反映的问题"), _("后续措施")]
    lines = [head + ([_("内部备注")] if internal else [])]
    for r in rows:
        line = [r.id, r.enterprise.name, r.visited_on.isoformat(), return_visit_way(r.way), r.contact_person,
                r.visitor.display_name, sum(1 for f in r.findings if f.result == "held"), len(r.regressed),
                *(r.scores.get(d, "") for d in SURVEY_DIMENSIONS), r.safety_status, r.opinions, r.problems,
                r.follow_up_action]
        lines.append(line + ([r.internal_note] if internal else []))
    return csv_download(lines, f"return-visits-{clock.local_now():%Y%m%d-%H%M}.csv")


# ---- the due list and the key enterprises --------------------------------------------------------------------------
def _quarter(text):
    """The quarter asked for, the current one when none or a later one is asked."""
    current = key_enterprises.current_quarter()
    chosen = Quarter.parse(text)
    return chosen if chosen is not None and chosen.start <= current.start else current


def recent_quarters(count=8):
    quarter = key_enterprises.current_quarter()
    found = []
    for _step in range(count):
        found.append(quarter)
        quarter = Quarter(quarter.year - 1, 4) if quarter.number == 1 else Quarter(quarter.year, quarter.number - 1)
    return found


@bp.route("/return-visits/due")
@login_required
def due():
    due_list = key_enterprises.due_for(db.session, current_user, _quarter(request.args.get("quarter")))
    show_all = request.args.get("all") == "1"
    return render_template("return_visits/due.html", due=due_list, quarters=recent_quarters(),
                           rows=due_list.rows if show_all else due_list.remaining, show_all=show_all,
                           may_record=return_visits.may_record(current_user))


@bp.route("/return-visits/key-enterprises")
@login_required
def keys():
    return _keys_page({}, {})


def _keys_page(form, errors, message=None, status=200):
    rows = key_enterprises.current(db.session, current_user)
    may_mark = key_enterprises.may_mark(current_user)
    choices = key_enterprises.enterprise_choices(db.session, current_user) if may_mark else []
    return render_template("return_visits/keys.html", rows=rows, form=form, errors=errors, message=message,
                           may_mark=may_mark, enterprises=choices, months=key_enterprises.MAJOR_MONTHS), status


@bp.route("/return-visits/key-enterprises/mark", methods=["POST"])
@login_required
def mark():
    form = {name: request.form.get(name, "").strip() for name in ("enterprise_id", "reason")}
    return _flag(form, lambda uow: key_enterprises.mark(uow, current_user, form["enterprise_id"], form["reason"]),
                 _("已标记为重点企业"))


@bp.route("/return-visits/key-enterprises/<int:enterprise_id>/unmark", methods=["POST"])
@login_required
def unmark(enterprise_id):
    form = {"unmark_id": str(enterprise_id), "unmark_reason": request.form.get("reason", "").strip()}
    return _flag(form, lambda uow: key_enterprises.unmark(uow, current_user, enterprise_id, form["unmark_reason"]),
                 _("已取消重点企业标记"), unmarking=True)


def _flag(form, write, done, unmarking=False):
    try:
        with UnitOfWork() as uow:
            write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {("unmark_" + k if unmarking else k): bilingual(v) for k, v in exc.fields.items()}
        return _keys_page(form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(done, "success")
    return redirect(url_for("return_visits.keys"))


# ---- recording -----------------------------------------------------------------------------------------------------
@bp.route("/return-visits/new", methods=["GET", "POST"])
@login_required
def new():
    return_visits.check_may_record(current_user)
    if request.method == "GET":
        form = {"enterprise_id": request.args.get("enterprise_id", ""), "way": "phone",
                "visited_on": clock.local_now().date().isoformat(), "visitor_id": str(current_user.id)}
        return _form_page(form, {})
    form = {name: request.form.get(name, "").strip() for name in return_visits.FIELDS}
    form.update({k: v.strip() for k, v in request.form.items()
                 if k.startswith(("finding_", "check_", "score_"))})
    company_cases = _cases(form)
    findings = {c.id: (form.get(f"finding_{c.id}", ""), form.get(f"finding_note_{c.id}", ""))
                for c in company_cases}
    checks = {code: form.get(f"check_{code}") for code in SAFETY_ITEMS}
    scores = {name: form.get(f"score_{name}", "") for name in SURVEY_DIMENSIONS}
    try:
        with UnitOfWork() as uow:
            visit_id = return_visits.create(uow, current_user, form, findings, checks, scores).id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("回访记录已保存"), "success")
    return redirect(url_for("return_visits.show", visit_id=visit_id))


def _company(form):
    number = int_or_none(form.get("enterprise_id"))
    return db.session.get(Enterprise, number) if number and number > 0 else None


def _cases(form):
    """The chosen enterprise's recently closed cases (as of the typed day, else today)."""
    company = _company(form)
    if company is None:
        return []
    errors = {}
    day = read_days(form, ("visited_on",), errors)["visited_on"] or clock.local_now().date()
    return return_visits.recent_closed_cases(db.session, company.id, day)


def _form_page(form, errors, message=None):
    return render_template("return_visits/form.html", form=form, errors=errors, message=message,
                           company=_company(form), cases=_cases(form), ways=RETURN_VISIT_WAYS,
                           effects=EFFECT_RESULTS, items=SAFETY_ITEMS, dimensions=SURVEY_DIMENSIONS,
                           enterprises=key_enterprises.enterprise_choices(db.session, current_user),
                           visitors=return_visits.visitor_choices(db.session), max_text=return_visits.MAX_TEXT,
                           months=return_visits.RECENT_MONTHS)


@bp.route("/return-visits/<int:visit_id>")
@login_required
def show(visit_id):
    row = return_visits.get(db.session, current_user, visit_id)
    return render_template("return_visits/show.html", row=row, reads_all=return_visits.reads_all(current_user),
                           registers_hazards=hazards.may_register(current_user)
                           and return_visits.may_record(current_user))
