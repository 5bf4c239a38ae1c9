"""Electronic patrol cards (电子巡检卡, services/patrol_cards.py): the fill-in page of a key part's card — the page the
tag's QR code opens (`?scan=1`) — for the inspection team at a visit and the enterprise's staff on their daily patrol,
with bad input beside its items and every value (and chosen photo) kept; a filled card's page, whose 异常 items link
the registration form (`/hazards/new?patrol_item=`); and the visit page's section of the parts' cards (未巡检)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import PATROL_RESULTS, InspectionVisit
from ..services import attachments, hazards, inspections, key_parts, patrol_card_files, patrol_cards
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .query_args import int_or_none

bp = Blueprint("patrol_cards", __name__)


@bp.app_template_global()
def patrol_cards_of_visit(visit):
    """The visit page's section: [(part, card or None)] and whether the user fills cards there now."""
    rows = patrol_cards.due_at_visit(db.session, visit)
    return {"rows": rows, "missing": sum(1 for _part, card in rows if card is None),
            "may_fill": patrol_cards.may_fill_at_visits(current_user) and inspections.report_editable(visit)}


@bp.route("/key-parts/<int:part_id>/card", methods=["GET", "POST"])
@login_required
def fill(part_id):
    part = key_parts.get(db.session, current_user, part_id)  # 403 / 404
    if not patrol_cards.may_fill(current_user, part) or part.is_retired:
        if request.method == "GET":  # a reader who scanned the tag: the part's page and its history
            return redirect(url_for("key_parts.show", part_id=part.id))
        abort(403 if not patrol_cards.may_fill(current_user, part) else 409)
    if request.method == "GET":
        form = {"visit_id": request.args.get("visit", ""), "scanned": "1" if request.args.get("scan") else ""}
        visits = patrol_cards.open_visits_for(db.session, current_user, part)
        if not form["visit_id"] and visits:
            form["visit_id"] = str(visits[0].id)  # the latest open visit at the enterprise
        return _page(part, form, {})
    form = {"visit_id": request.form.get("visit_id", ""), "note": request.form.get("note", ""),
            "scanned": request.form.get("scanned", ""), "pending": [i for i in request.form.getlist("pending") if i]}
    entries = [{"position": n, "result": request.form.get(patrol_cards.item_field(n, "result"), ""),
                "note": request.form.get(patrol_cards.item_field(n, "note"), "")}
               for n in range(1, len(part.check_items or []) + 1)]
    form.update({patrol_cards.item_field(e["position"], k): e[k] for e in entries for k in ("result", "note")})
    try:
        form["pending"] += _store_photos()
        with UnitOfWork() as uow:
            card = patrol_cards.fill(uow, current_user, part.id, entries, form["note"],
                                     form["visit_id"] if patrol_cards.may_fill_at_visits(current_user) else None,
                                     scanned=form["scanned"] == "1")
            patrol_card_files.attach(uow, current_user, card, form["pending"])
            card_id = card.id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _page(part, form, errors, None if errors else bilingual(exc.message))[0], exc.status
    flash(_("巡检卡已提交"), "success")
    return redirect(url_for("patrol_cards.show", card_id=card_id))


@bp.route("/patrol-cards/<int:card_id>")
@login_required
def show(card_id):
    card = patrol_cards.get_card(db.session, current_user, card_id)  # 404 outside the reader's share
    return render_template("key_parts/card.html", card=card, part=card.key_part,
                           photos=patrol_card_files.photos_of(db.session, card),
                           may_register_hazard=hazards.may_register(current_user) and (
                               hazards.registers_for_any_enterprise(current_user)
                               or current_user.enterprise_id == card.enterprise_id))


def _store_photos():
    """The photos chosen, kept as the user's own uploads in their own transaction (a page sent back with errors keeps
    them, by id, in hidden `pending` inputs)."""
    chosen = [f for f in request.files.getlist("photos") if f and f.filename][:patrol_card_files.MAX_PHOTOS]
    if not chosen:
        return []
    ids = []
    with UnitOfWork() as uow:
        for upload in chosen:
            stored = attachments.store_upload(uow, current_user, upload.filename, upload.stream,
                                              upload_dir=current_app.config["UPLOAD_DIR"],
                                              max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field="photos",
                                              images_only=True)
            ids.append(stored.public_id)
        uow.commit()
    return ids


def _page(part, form, errors, message=None):
    visits = patrol_cards.open_visits_for(db.session, current_user, part)
    chosen = int_or_none(form.get("visit_id"))
    if chosen and all(v.id != chosen for v in visits):  # a visit named in the link but no longer open: say so
        visit = db.session.get(InspectionVisit, chosen)
        if visit is not None and visit.enterprise_id == part.enterprise_id and not errors and not message:
            message = _("该排查记录已提交审核或已填写本部位巡检卡")
    return render_template("key_parts/card_form.html", part=part, form=form, errors=errors, message=message,
                           results=PATROL_RESULTS, visits=visits,
                           at_visits=patrol_cards.may_fill_at_visits(current_user),
                           item_field=patrol_cards.item_field,
                           max_photos=patrol_card_files.MAX_PHOTOS), (400 if errors else 200)
