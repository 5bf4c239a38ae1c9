"""Warning cases (警示案例, services/warning_cases.py) as enterprises read them: the list of the live publications
addressed to their enterprise, one publication (its public title, text and chosen photos, nothing of the library
entry behind it), the 已学习 confirmation, and the photos, re-served through the publication (never the case's
attachment route). The library's readers open the same pages to see what enterprises are shown."""
from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..services import case_publications, warning_cases
from ..services.uow import UnitOfWork
from . import forms_render
from .query_args import page_count, page_number

bp = Blueprint("warning_cases", __name__)
PAGE_SIZE = 50


@bp.app_template_global()
def may_read_warning_cases():
    """The navigation's link: enterprise staff (the library's readers reach the publications from the library)."""
    return current_user.is_authenticated and "enterprise" in current_user.roles


@bp.app_template_global()
def warning_case_of_notice(notification):
    """The publication a notification is about (its id), for the notifications page's link."""
    return case_publications.publication_of_key(notification.dedup_key)


@bp.route("/warning-cases")
@login_required
def index():
    page = page_number(request.args)
    rows, total = warning_cases.listing(db.session, current_user, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    reads_all = warning_cases.reads_all(current_user)
    return render_template("warning_cases/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), reads_all=reads_all,
                           tallies=case_publications.tallies(db.session, [r.publication.id for r in rows])
                           if reads_all else {})


@bp.route("/warning-cases/<int:publication_id>")
@login_required
def show(publication_id):
    found = warning_cases.get(db.session, current_user, publication_id)
    return render_template("warning_cases/show.html", publication=found.publication, receipt=found.receipt,
                           hazard_type=forms_render.Catalog.deployed().show(
                               "hazard_type", found.publication.typical_case.hazard_type))


@bp.route("/warning-cases/<int:publication_id>/learned", methods=["POST"])
@login_required
def learned(publication_id):
    with UnitOfWork() as uow:
        _receipt, recorded = warning_cases.confirm_learned(uow, current_user, publication_id)
        uow.commit()
    flash(_("已确认学习") if recorded else _("本企业此前已确认学习"), "success")
    return redirect(url_for("warning_cases.show", publication_id=publication_id))


@bp.route("/warning-cases/<int:publication_id>/photos/<int:photo_id>")
@login_required
def photo(publication_id, photo_id):
    data, content_type = warning_cases.photo(db.session, current_user, publication_id, photo_id,
                                             current_app.config["UPLOAD_DIR"])
    return photo_response(data, content_type, f"warning-case-{publication_id}-{photo_id}")


def photo_response(data, content_type, name):
    """The stripped image, shown inline, under a name that says nothing of the source, never cached by shared
    caches (a withdrawn publication's photos must go with it)."""
    response = make_response(data)
    extension = content_type.split("/")[1].replace("jpeg", "jpg")
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
