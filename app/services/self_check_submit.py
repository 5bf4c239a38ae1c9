"""Submitting a self-check (提交自查): every item needs its result (a nonconforming one, what does not conform); each
nonconforming item the staff left marked "report" becomes a hazard case of source self_check (企业自查上报) through
the ordinary registration (services/hazards.py) — graded by its score and walking the normal loop: assignment,
rectification, verification — with the item's text as its description, the place, score and type the staff gave, and
the item's photos (at least one: the registration requires photos). A nonconforming item not reported stays on the
self-check as fixed on the spot (当场整改), its note saying how. Everything happens in one transaction: a wrong item
stores nothing, and submitting twice is a 409."""
from ..clock import clock
from ..errors import Conflict, ValidationFailed
from . import audit, hazards, self_check_files as files
from .self_checks import check_may_write, field_name, get_visible, lock, save

# Where the staff gave no type: the checklist item's dimension suggests one (the page prefills it; they may change it).
TYPE_BY_DIMENSION = {"management": "safety_management", "personnel": "safety_management",
                     "equipment": "mechanical", "environment": "site_management", "emergency": "safety_management"}


def submit(uow, actor, self_check_id, entries=(), note=None):
    """Submit the draft, after saving `entries` / `note` (as `self_checks.save`). Returns (self-check, [cases made]).
    ValidationFailed names each missing or wrong field (items.<id>.<name>); Conflict when already submitted."""
    row = get_visible(uow.session, actor, self_check_id)  # 404 for another enterprise's staff
    check_may_write(actor, row)  # 403 for anyone but its own staff
    if entries or note is not None:
        save(uow, actor, row.id, entries, note)
    else:
        lock(uow.session, row)
    if row.status != "draft":
        raise Conflict("该自查已提交，不能重复提交 / the self-check was submitted already")
    reported = _check_complete(uow.session, row)
    cases = [_register(uow, actor, row, item) for item in reported]
    now = clock.now()
    row.status, row.submitted_at, row.submitted_by_id, row.updated_at = "submitted", now, actor.id, now
    uow.session.flush()
    audit.record(uow, None, actor, "self_check_submitted", changes={
        "status": ["draft", "submitted"],
        "cases": [None, [f"{item.code} → {case.code}" for item, case in zip(reported, cases)]]},
        details={"self_check_id": row.id, "enterprise_id": row.enterprise_id, "name": row.enterprise.name},
        subject=("enterprise", row.enterprise_id))
    return row, cases


def _check_complete(session, row):
    """The items to report; ValidationFailed naming every item not ready."""
    errors, reported = {}, []
    for item in row.items:
        if not item.result:
            errors[field_name(item.id, "result")] = f"{item.code} 请填写检查结果 / {item.code}: fill in the result"
            continue
        if item.result != "nonconform":
            continue
        if not item.note:
            errors[field_name(item.id, "note")] = f"{item.code} 不符合项请说明发现的问题 / {item.code}: say what " \
                                                  "does not conform"
        if not item.report:
            continue
        reported.append(item)
        if not item.place:
            errors[field_name(item.id, "place")] = f"{item.code} 请填写隐患部位 / {item.code}: say where it is"
        if item.score is None:
            errors[field_name(item.id, "score")] = f"{item.code} 请填写隐患评分 / {item.code}: give the score"
        if not files.photos_of(session, item):
            errors[field_name(item.id, "photos")] = f"{item.code} 上报隐患须附至少一张照片 / {item.code}: a " \
                                                    "reported item needs at least one photo"
    if errors:
        halves = [m.split(" / ", 1) for m in errors.values()]
        raise ValidationFailed("；".join(h[0] for h in halves[:5]) + " / " + "; ".join(h[-1] for h in halves[:5]),
                               fields=errors)
    return reported


def description_of(row, item):
    """The case's description: the item's text (what the standard asks), where it came from, and what was found."""
    return f"{item.content}（企业自查 {row.checklist_name} {item.code}）\n{item.note}"[:4000]


def _register(uow, actor, row, item):
    data = {"enterprise_id": row.enterprise_id, "place": item.place,
            "hazard_type": item.hazard_type or TYPE_BY_DIMENSION.get(item.dimension, "other"),
            "description": description_of(row, item), "score": item.score, "legal_major": False,
            "photos": [p.public_id for p in files.photos_of(uow.session, item)]}
    try:
        case = hazards.register_hazard(uow, actor, data, link_files=lambda case, ids, field: files.hand_over(
            uow, item, case, ids, field))
    except ValidationFailed as exc:  # the registration form's own checks, told at the item's fields
        raise ValidationFailed(exc.message, fields={field_name(item.id, k): v for k, v in (exc.fields or {}).items()}
                               or None) from None
    item.case_id = case.id
    return case
