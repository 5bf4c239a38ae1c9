"""A case's documents as PDF files, for everyone who may see the case (404 for others, 409 while the case has
no such document yet): the rectification notice, the verification opinions, the receipt of closure."""
from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..services import case_documents, notice_receipts
from ..services.uow import UnitOfWork
from . import documents_pdf
from .forms_render import bilingual

bp = Blueprint("documents", __name__)


@bp.route("/cases/<int:case_id>/notice.pdf")
@login_required
def notice(case_id):
    return notice_response(db.session, current_user, case_id)


@bp.route("/cases/<int:case_id>/notice/acknowledge", methods=["POST"])
@login_required
def acknowledge_notice(case_id):
    """签收: one of the case's enterprise staff signs for the current round's rectification notice."""
    try:
        with UnitOfWork() as uow:
            row = notice_receipts.acknowledge(uow, current_user, case_id)
            round_no = row.round
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash(bilingual(exc.message), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    flash(_("已签收第 %(n)s 轮整改通知书", n=round_no), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/cases/<int:case_id>/verification.pdf")
@login_required
def verification(case_id):
    return verification_response(db.session, current_user, case_id)


@bp.route("/cases/<int:case_id>/receipt.pdf")
@login_required
def receipt(case_id):
    return receipt_response(db.session, current_user, case_id)


# ---- shared with the API -----------------------------------------------------------------------------------
def notice_response(session, user, case_id):
    data = case_documents.rectification_notice(session, user, case_id)
    return _pdf(documents_pdf.notice(data), f"notice-{data.case.code}-{data.round}.pdf")


def verification_response(session, user, case_id):
    case, verifications = case_documents.verification_opinions(session, user, case_id)
    return _pdf(documents_pdf.verification(case, verifications), f"verification-{case.code}.pdf")


def receipt_response(session, user, case_id):
    data = case_documents.closure_receipt(session, user, case_id)
    return _pdf(documents_pdf.receipt(data), f"receipt-{data.case.code}.pdf")


def _pdf(body, filename):
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.cache_control.private = True
    return response
