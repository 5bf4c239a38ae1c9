"""The archive across enterprises, for the staff (services/document_expiry.py, document_completeness.py): documents
expiring or expired, filtered and as CSV; each enterprise's completeness (which required kinds are missing), filtered
and as CSV. Scoped like the cases: a township office sees its area, enterprise staff their own enterprise."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import login_required, current_user

from ..clock import clock
from ..extensions import db
from ..models import DOCUMENT_KINDS
from ..services import document_completeness as completeness, document_expiry as expiry, \
    enterprise_documents as documents
from ..services.access import township_choices
from .downloads import csv_download
from .enterprise_documents import document_category, document_kind, review_status
from .guards import restrict
from .names import N_, is_english
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("document_lists", __name__, url_prefix="/documents")
PAGE_SIZE = 50
WITHIN_CHOICES = (30, 60, 90)

restrict(bp, "may_read_document_lists", documents.may_read, N_("企业安全档案供企业本身、排查和监管人员查看"))


def _expiry_filter(args, paged=True):
    within = int_or_none(args.get("within"))
    page = page_number(args)
    return expiry.ExpiryFilter(
        state=args.get("state", "") if args.get("state") in expiry.STATES else "",
        kind=args.get("kind", "") if args.get("kind") in DOCUMENT_KINDS else "",
        township=args.get("township", "").strip()[:100], name=args.get("name", "").strip()[:100],
        within_days=within if within in WITHIN_CHOICES else expiry.WARN_DAYS,
        limit=PAGE_SIZE if paged else None, offset=(page - 1) * PAGE_SIZE if paged else 0), page


def _query(args, names):
    return {k: args[k] for k in names if args.get(k)}


@bp.route("/expiring")
@login_required
def expiring():
    flt, page = _expiry_filter(request.args)
    rows, total = expiry.listing(db.session, current_user, flt)
    query = _query(request.args, ("state", "kind", "township", "name", "within"))
    return render_template("enterprise_documents/expiring.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, query=query, kinds=DOCUMENT_KINDS,
                           townships=township_choices(db.session, current_user), within_choices=WITHIN_CHOICES,
                           state=expiry.state, days_left=expiry.days_left, flt=flt)


@bp.route("/expiring.csv")
@login_required
def expiring_csv():
    flt, _page = _expiry_filter(request.args, paged=False)
    rows, _total = expiry.listing(db.session, current_user, flt)
    lines = [[_("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("资料类别"), _("资料名称"), _("编号"),
              _("持证人"), _("身份证号码"), _("类别"), _("发证/备案机关"), _("有效期至"), _("状态"), _("剩余天数"),
              _("审核状态")]]
    for r in rows:
        e = r.enterprise
        lines.append([e.name, e.credit_code, e.township, e.industry, document_kind(r.kind), r.title, r.number,
                      r.holder_name, r.masked_id_number, document_category(r.category), r.issuer,
                      r.valid_to.isoformat(), _state_name(expiry.state(r)), expiry.days_left(r),
                      review_status(r.status)])
    return csv_download(lines, f"documents-expiring-{clock.local_now():%Y%m%d-%H%M}.csv")


def _state_name(code):
    return {"expired": _("已过期"), "expiring": _("即将到期")}.get(code, "")


def _completeness_args(args):
    return (args.get("township", "").strip()[:100], args.get("name", "").strip()[:100],
            args.get("incomplete") == "1")


@bp.route("/completeness")
@login_required
def completeness_list():
    township, name, incomplete = _completeness_args(request.args)
    rows = completeness.overview(db.session, current_user, township, name, incomplete)
    return render_template("enterprise_documents/completeness.html", rows=rows, args=request.args,
                           query=_query(request.args, ("township", "name", "incomplete")),
                           townships=township_choices(db.session, current_user))


@bp.route("/completeness.csv")
@login_required
def completeness_csv():
    township, name, incomplete = _completeness_args(request.args)
    rows = completeness.overview(db.session, current_user, township, name, incomplete)
    separator = ", " if is_english() else "、"
    lines = [[_("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("需要安全生产许可证"), _("缺少的资料"),
              _("已过期的资料"), _("有效特种作业操作证"), _("特种作业人员数"), _("档案完整")]]
    for e, c in rows:
        lines.append([e.name, e.credit_code, e.township, e.industry, c.licence_name or "",
                      separator.join(document_kind(k) for k in c.missing),
                      separator.join(document_kind(k) for k in c.expired), c.operator_certificates,
                      c.special_workers, _("是") if c.complete else _("否")])
    return csv_download(lines, f"documents-completeness-{clock.local_now():%Y%m%d-%H%M}.csv")
