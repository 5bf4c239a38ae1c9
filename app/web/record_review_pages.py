"""What the pages of the records enterprises keep themselves share when a reviewer decides or the enterprise retires
one — archive documents (enterprise_documents.py), major hazard sources (hazard_sources.py), risk points
(risk_points.py); their services share services/record_reviews.py, their forms templates/_record_review.html.

Each feature keeps its own texts, its service call and its page: `again(message, form)` renders the record's page
with a refusal (the posted input kept), `back` is the page's address after the change."""
from flask import flash, redirect, request

from ..errors import DomainError
from ..extensions import db
from ..services.uow import UnitOfWork
from .forms_render import bilingual


def review(write, reviewed_text, returned_text, again, back, refuse=None):
    """The review form posted: `write(uow, decision, note, version)`; the flash says `reviewed_text` or
    `returned_text` by the decision."""
    decision, note = request.form.get("decision", ""), request.form.get("review_note", "")
    version = request.form.get("version")
    done = reviewed_text if decision == "reviewed" else returned_text
    return act(lambda uow: write(uow, decision, note, version), done, again, back,
               {"decision": decision, "review_note": note}, refuse)


def retire(write, done, again, back, refuse=None):
    """The retire form posted: `write(uow, reason, version)`."""
    reason, version = request.form.get("retire_reason", ""), request.form.get("version")
    return act(lambda uow: write(uow, reason, version), done, again, back, {"retire_reason": reason}, refuse)


def act(run, done, again, back, form, refuse=None):
    """One action on a record's page: back to it, or the page again with the error — 403 / 404 are raised as such
    (through `refuse(exc)` where the feature shows them its own way)."""
    try:
        with UnitOfWork() as uow:
            run(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            if refuse is not None:
                refuse(exc)
            raise
        db.session.expire_all()
        message = "；".join(bilingual(v) for v in exc.fields.values()) or bilingual(exc.message)
        return again(message, form), exc.status
    flash(done, "success")
    return redirect(back)
