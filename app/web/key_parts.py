"""Key parts under tag management (重点部位挂牌, services/key_parts.py): an enterprise's tags with each part's latest
patrol card, the form its staff tag and change a part with (bad input beside its fields, input kept), a part's page
with its card history (可追溯: who and when), taking a tag down, and the printable tag (web/key_part_pdf.py).
The cards themselves: web/patrol_cards.py."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import CARD_KINDS, KEY_PART_KINDS, PATROL_RESULTS
from ..services import key_parts, patrol_cards
from ..services.uow import UnitOfWork
from . import key_part_pdf
from .forms_render import bilingual
from .names import N_, label

bp = Blueprint("key_parts", __name__)
FIELDS = ("name", "kind", "location", "responsible_name", "responsible_phone", "responsible_user_id",
          "risk_point_id", "check_items")
PART_TITLES = {"name": N_("部位名称"), "kind": N_("部位类别"), "location": N_("位置"), "responsible_name": N_("责任人"),
               "responsible_phone": N_("责任人电话"), "responsible_user_id": N_("责任人账号"),
               "risk_point_id": N_("对应风险点"), "check_items": N_("巡检卡检查项"), "retired": N_("摘除挂牌"),
               "card_kind": N_("巡检方式"), "abnormal_count": N_("异常项数"), "note": N_("备注"),
               "items": N_("巡检结果"), "case": N_("登记隐患")}


@bp.app_template_filter("key_part_kind")
def key_part_kind(code):
    return label(KEY_PART_KINDS, code)


@bp.app_template_filter("patrol_result")
def patrol_result(code):
    return label(PATROL_RESULTS, code)


@bp.app_template_filter("patrol_card_kind")
def patrol_card_kind(code):
    return label(CARD_KINDS, code)


@bp.app_template_global()
def may_read_key_parts():
    return current_user.is_authenticated and key_parts.may_read(current_user)


@bp.route("/enterprises/<int:enterprise_id>/key-parts")
@login_required
def index(enterprise_id):
    enterprise = key_parts.get_enterprise(db.session, current_user, enterprise_id)  # 403 / 404
    parts = key_parts.parts_of(db.session, enterprise.id)
    return render_template("key_parts/index.html", enterprise=enterprise, parts=parts,
                           retired=key_parts.parts_of(db.session, enterprise.id, retired=True),
                           latest=patrol_cards.latest_cards(db.session, current_user, parts),
                           may_write=key_parts.may_write(current_user, enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>/key-parts/new", methods=["GET", "POST"])
@login_required
def new(enterprise_id):
    enterprise = key_parts.check_writer(db.session, current_user, enterprise_id)  # 403 / 404
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in KEY_PART_KINDS else ""
        form = {"kind": kind, "check_items": "\n".join(key_parts.default_items(kind)) if kind else ""}
        return _form_page(enterprise, None, form, {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            part = key_parts.create(uow, current_user, enterprise.id, form)
            part_id = part.id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _form_page(enterprise, None, form, {k: bilingual(v) for k, v in exc.fields.items()},
                          None if exc.fields else bilingual(exc.message)), exc.status
    flash(_("重点部位已挂牌"), "success")
    return redirect(url_for("key_parts.show", part_id=part_id))


@bp.route("/key-parts/<int:part_id>")
@login_required
def show(part_id):
    part = key_parts.get(db.session, current_user, part_id)
    return render_template("key_parts/show.html", part=part, enterprise=part.enterprise,
                           cards=patrol_cards.cards_of_part(db.session, current_user, part),
                           history=key_parts.history(db.session, part), titles=PART_TITLES,
                           may_write=key_parts.may_write(current_user, part.enterprise_id) and not part.is_retired,
                           may_fill=patrol_cards.may_fill(current_user, part) and not part.is_retired,
                           retire_errors={})


@bp.route("/key-parts/<int:part_id>/edit", methods=["GET", "POST"])
@login_required
def edit(part_id):
    part = key_parts.get(db.session, current_user, part_id)
    enterprise = key_parts.check_writer(db.session, current_user, part.enterprise_id)
    if request.method == "GET":
        form = {name: getattr(part, name) for name in FIELDS}
        form.update(check_items="\n".join(part.check_items or []), responsible_user_id=str(
            part.responsible_user_id or ""), risk_point_id=str(part.risk_point_id or ""))
        return _form_page(enterprise, part, form, {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            key_parts.update(uow, current_user, part.id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _form_page(enterprise, part, form, {k: bilingual(v) for k, v in exc.fields.items()},
                          None if exc.fields else bilingual(exc.message)), exc.status
    flash(_("挂牌信息已保存"), "success")
    return redirect(url_for("key_parts.show", part_id=part.id))


@bp.route("/key-parts/<int:part_id>/retire", methods=["POST"])
@login_required
def retire(part_id):
    part = key_parts.get(db.session, current_user, part_id)
    try:
        with UnitOfWork() as uow:
            key_parts.retire(uow, current_user, part.id, request.form.get("retire_reason", ""))
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404) or not exc.fields:
            raise
        db.session.rollback()
        return render_template("key_parts/show.html", part=part, enterprise=part.enterprise,
                               cards=patrol_cards.cards_of_part(db.session, current_user, part),
                               history=key_parts.history(db.session, part), titles=PART_TITLES, may_write=True,
                               may_fill=patrol_cards.may_fill(current_user, part),
                               retire_errors={k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("重点部位已摘牌"), "success")
    return redirect(url_for("key_parts.show", part_id=part.id))


@bp.route("/key-parts/<int:part_id>/tag.pdf")
@login_required
def tag(part_id):
    """The printable tag (挂牌): the part, its responsible person and the QR code of its patrol card page."""
    part = key_parts.get(db.session, current_user, part_id)
    body = key_part_pdf.tag(part, url_for("patrol_cards.fill", part_id=part.id, scan=1, _external=True))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="key-part-{part.id}.pdf"'})


def _typed():
    return {name: request.form.get(name, "") for name in FIELDS}


def _form_page(enterprise, part, form, errors, message=None):
    return render_template("key_parts/form.html", enterprise=enterprise, part=part, form=form, errors=errors,
                           message=message, max_items=key_parts.MAX_ITEMS,
                           kind_options=[(code, key_part_kind(code)) for code in KEY_PART_KINDS],
                           user_options=[(u.id, u.display_name) for u in key_parts.staff_choices(db.session,
                                                                                                 enterprise.id)],
                           point_options=[(p.id, f"{p.name}（{p.place}）" if p.place else p.name)
                                          for p in key_parts.risk_point_choices(db.session, enterprise.id)])
