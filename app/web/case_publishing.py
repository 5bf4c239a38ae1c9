"""Publishing a library entry to enterprises (警示教育, services/case_publications.py), the library's side: the form
of the public version (title, text, audience, the case's photos to show), withdrawing, and the entry page's section
with the publications, their counts (addressed / studied) and the recipients. Enterprise staff get 404 here as on
every page of the library; what they read is web/warning_cases.py."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import PUBLICATION_ISSUERS, PUBLICATION_STATUSES, CasePublication
from ..services import case_publications, typical_cases
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import label
from .typical_cases import show_page

bp = Blueprint("case_publishing", __name__)


@bp.app_template_filter("publication_status")
def publication_status(code):
    return label(PUBLICATION_STATUSES, code)


@bp.app_template_filter("publication_issuer")
def publication_issuer(code):
    return label(PUBLICATION_ISSUERS, code)


@bp.app_template_global()
def publications_of(entry):
    """For the entry's page: (its publications, {publication id: tally}, whether the user publishes); nothing for
    users who do not read the library."""
    if not (current_user.is_authenticated and typical_cases.may_read(current_user)):
        return [], {}, False
    rows = case_publications.of_entry(db.session, entry.id)
    return rows, case_publications.tallies(db.session, [r.id for r in rows]), \
        case_publications.may_publish(current_user)


@bp.app_template_global()
def publication_recipients(publication):
    return case_publications.recipients(db.session, publication.id)


@bp.app_template_global()
def live_publications(entry_ids):
    """{entry id: live publication id} for the library's list."""
    return case_publications.live_ids(db.session, entry_ids)


def _typed():
    return {"title": request.form.get("title", ""), "body": request.form.get("body", ""),
            "industries": request.form.getlist("industries"), "townships": request.form.getlist("townships"),
            "photos": request.form.getlist("photos")}


@bp.route("/library/<int:entry_id>/publish", methods=["GET", "POST"])
@login_required
def publish(entry_id):
    entry = typical_cases.get(db.session, current_user, entry_id)
    case_publications.check_may_publish(current_user)
    if request.method == "GET":
        return _form_page(entry, case_publications.prefill(db.session, entry), {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            row = case_publications.publish(uow, current_user, entry_id, form)
            tally = case_publications.tallies(uow.session, [row.id])[row.id]
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(entry, form, errors, None if errors else bilingual(exc.message)), exc.status
    flash(_("已向 %(n)s 家企业发布警示案例", n=tally["addressed"]), "success")
    return redirect(url_for("typical_cases.show", entry_id=entry_id, _anchor="publications"))


def _form_page(entry, form, errors, message=None):
    return render_template("library/publish.html", row=entry, form=form, errors=errors, message=message,
                           choices=case_publications.audience_choices(db.session),
                           photos=case_publications.photo_choices(db.session, entry),
                           chosen_photos={str(p) for p in form.get("photos") or []},
                           max_title=case_publications.MAX_TITLE, max_body=case_publications.MAX_BODY,
                           max_photos=case_publications.MAX_PHOTOS)


@bp.route("/library/publications/<int:publication_id>/withdraw", methods=["POST"])
@login_required
def withdraw(publication_id):
    try:
        with UnitOfWork() as uow:
            row = case_publications.withdraw(uow, current_user, publication_id, request.form.get("reason", ""))
            entry_id = row.typical_case_id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = db.session.get(CasePublication, publication_id)
        refusal = {"publication": publication_id, "reason": request.form.get("reason", ""),
                   "errors": {k: bilingual(v) for k, v in exc.fields.items()},
                   "message": None if exc.fields else bilingual(exc.message)}
        return show_page(row.typical_case_id, refusal=refusal), exc.status
    flash(_("警示案例已撤回，企业不再看到"), "success")
    return redirect(url_for("typical_cases.show", entry_id=entry_id, _anchor="publications"))
