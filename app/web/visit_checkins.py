"""On-site check-in and evidence files on the visit's page (排查打卡与现场留痕, services/visit_checkins.py and
services/visit_files.py): the arrival and departure buttons (their position comes from static/visit_checkin.js),
the check-in rows with their distances and flags, and the visit's photos, videos and PDFs. The cards are
inspections/_checkins.html and inspections/_visit_files.html, fed by the template globals here."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..services import inspections, visit_checkins, visit_files
from ..services.photo_metadata import FAR_METERS
from ..services.uow import UnitOfWork
from .checklists import render_visit
from .forms_render import bilingual
from .names import N_

bp = Blueprint("visit_checkins", __name__, url_prefix="/inspections")
FLAG_NAMES = {"no_check_in": N_("未到场打卡"), "far": N_("打卡位置离企业超过 %(m)s 米"), "no_position": N_("打卡无定位"),
              "short": N_("在场不足 %(h)s 小时"), "no_check_out": N_("未离场打卡")}
SITE_SOURCES = {"enterprise": N_("企业登记位置"), "cases": N_("该企业隐患位置的中位点")}


@bp.app_template_filter("checkin_flag")
def checkin_flag(code):
    return _(FLAG_NAMES[code], m=FAR_METERS, h=visit_checkins.MIN_MINUTES_ON_SITE // 60) if code in FLAG_NAMES \
        else code


@bp.app_template_filter("site_source")
def site_source(code):
    """Where a check-in's distance was measured from (VisitCheckin.*_site_source)."""
    return _(SITE_SOURCES[code]) if code in SITE_SOURCES else code or ""


@bp.app_template_filter("duration")
def duration(minutes):
    """Minutes on site as hours and minutes."""
    if minutes is None:
        return "—"
    hours, rest = divmod(int(minutes), 60)
    return _("%(h)s 小时 %(m)s 分", h=hours, m=rest) if hours else _("%(m)s 分钟", m=rest)


@bp.app_template_global()
def visit_checkin_card(visit):
    """What the check-in card shows the signed-in user: the rows, the visit's flags, the enterprise's position and
    whether (and how) the user may stamp."""
    views = visit_checkins.for_visit(db.session, visit)
    site = visit_checkins.site_positions(db.session, [visit.enterprise_id])[visit.enterprise_id]
    mine = next((v.row for v in views if v.row.user_id == current_user.id), None)
    may = visit_checkins.may_check_in(current_user, visit)
    return {"views": views, "flags": visit_checkins.visit_flags(views), "site": site,
            "site_source": site_source(site.source) if site else None,
            "may_check_in": may and mine is None, "may_check_out": may and mine is not None and mine.departed_at is None,
            "on_team": may, "sees_positions": bool(current_user.roles - {"enterprise"})}


@bp.app_template_global()
def visit_files_card(visit):
    files = visit_files.for_visit(db.session, visit.id)
    return {"files": files, "checks": visit_files.checks(db.session, visit, files),
            "may_add": visit_files.may_add(current_user, visit)}


@bp.route("/<int:visit_id>/check-in", methods=["POST"])
@login_required
def check_in(visit_id):
    return _stamp(visit_id, visit_checkins.check_in, _("已到场打卡"))


@bp.route("/<int:visit_id>/check-out", methods=["POST"])
@login_required
def check_out(visit_id):
    return _stamp(visit_id, visit_checkins.check_out, _("已离场打卡"))


def _stamp(visit_id, action, done):
    form = request.form
    try:
        with UnitOfWork() as uow:
            action(uow, current_user, visit_id, form.get("latitude"), form.get("longitude"), form.get("accuracy"))
            uow.commit()
    except DomainError as exc:
        return _visit_page_with(visit_id, exc, "checkin_message")
    flash(done, "success")
    return redirect(url_for("inspections.show", visit_id=visit_id, _anchor="checkins"))


@bp.route("/<int:visit_id>/files", methods=["POST"])
@login_required
def add_files(visit_id):
    """Link the files uploaded through POST /attachments (the form's hidden `visit_files` ids) to the visit."""
    try:
        with UnitOfWork() as uow:
            linked = visit_files.link(uow, current_user, visit_id, request.form.getlist(visit_files.FIELD))
            uow.commit()
    except DomainError as exc:
        return _visit_page_with(visit_id, exc, "files_message")
    flash(_("已保存 %(n)s 个现场资料", n=len(linked)), "success")
    return redirect(url_for("inspections.show", visit_id=visit_id, _anchor="visit-files"))


def _visit_page_with(visit_id, exc, slot):
    """403 and 404 as error pages; a 400 or 409 on the visit's page, its message beside the card."""
    if exc.status in (403, 404):
        raise
    visit = inspections.get_visible_visit(db.session, current_user, visit_id)
    return render_visit(visit, **{slot: bilingual(exc.message)}), exc.status
