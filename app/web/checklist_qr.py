"""QR codes of the checklist items (the tender's 采用二维码扫描方式录入检查项): a printable sheet per checklist, one code
per active item carrying the item's code (e.g. HG-24), to stick on the equipment or carry on a clipboard. On a
visit's page, scanning one — with a handheld scanner that types the code, or the phone's camera (static/
checklist_scan.js) — jumps to that item's row, ready for its result. Drawn as inline SVG on the server (segno): no
QR service sees the codes and no script is needed to print them."""
import segno
from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..extensions import db
from ..models import Checklist
from ..services import checklists

bp = Blueprint("checklist_qr", __name__, url_prefix="/inspections/checklists")
PRINTERS = ("inspector", "project_lead", "process_owner", "admin")  # who takes the sheets to the field


def may_print(user):
    return user.has_role(*PRINTERS)


@bp.app_template_global()
def may_print_checklist_qr():
    return current_user.is_authenticated and may_print(current_user)


@bp.route("/<code>/qr")
@login_required
def sheet(code):
    if not may_print(current_user):
        abort(403, _("检查项二维码供排查人员、项目负责人、流程管理员和系统管理员打印"))
    checklist = db.session.query(Checklist).filter_by(code=code).first()
    if checklist is None:
        abort(404, _("没有这个检查表"))
    items = checklists.items_for(db.session, [checklist])
    codes = [(item, Markup(segno.make(item.code, error="m").svg_inline(scale=3, title=item.code))) for item in items]
    return render_template("inspections/checklist_qr.html", checklist=checklist, codes=codes)
