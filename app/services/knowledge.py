"""The knowledge base (专家知识库 / 法规标准库, models/knowledge.py): who reads and edits it, the search, one entry with
its kept versions, and the entries due for their yearly review (待复核). Writing is services/knowledge_edit.py; what a
case's pages show from it is services/knowledge_links.py.

Editors are the contractor's technical lead, the project leads and the system administrators: they write, publish,
withdraw and confirm entries and read every one, drafts included; the bureau reads every entry too. Everyone else who
is logged in — enterprise staff included (开放给企业) — reads the published entries only: a draft or a withdrawn entry
is NotFound to them, like an id that does not exist."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import exists, or_
from sqlalchemy.orm import selectinload

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed, NotFound
from ..models import KnowledgeEntry, KnowledgeTag, KnowledgeVersion, ProcessVersion
from ..models.knowledge import KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES
from . import audit
from .field_rules import raise_if
from .hazards import REGISTRATION_FORM
from .processes import PROCESS_ID

EDITORS = ("technical_lead", "project_lead", "admin")
READ_ALL = EDITORS + ("bureau",)
SUBJECT = "knowledge_entry"
MAX_QUERY = 100
REVIEW_MONTHS = 12


# ---- who ---------------------------------------------------------------------------------------------------------
def may_edit(user):
    return user.has_role(*EDITORS)


def reads_all(user):
    """Editors and the bureau read drafts and withdrawn entries too; everyone else the published ones."""
    return user.has_role(*READ_ALL)


def check_may_edit(user):
    if not may_edit(user):
        raise NotAllowed("只有技术负责人、项目负责人和系统管理员可以编辑知识库 / only the technical lead, project leads "
                         "and administrators edit the knowledge base")


# ---- the hazard types entries are tagged with ---------------------------------------------------------------------
def hazard_type_codes(session):
    """The registration form's hazard type codes in the deployed process version, in the form's order (empty
    before any deployment)."""
    version = session.query(ProcessVersion).filter_by(process_id=PROCESS_ID, is_deployed=True).first()
    form = (version.forms or {}).get(REGISTRATION_FORM, {}) if version is not None else {}
    return list(form.get("schema", {}).get("properties", {}).get("hazard_type", {}).get("enum", []))


# ---- reading -----------------------------------------------------------------------------------------------------
def _visible(query, user):
    return query if reads_all(user) else query.filter(KnowledgeEntry.status == "published")


def get(session, user, entry_id):
    """An entry the user may read; NotFound for an unknown id and, for readers, one not published."""
    row = session.get(KnowledgeEntry, entry_id) if isinstance(entry_id, int) else None
    if row is None or not (reads_all(user) or row.status == "published"):
        raise NotFound("知识库条目不存在 / knowledge base entry not found")
    return row


def versions(session, row):
    """The kept versions of an entry, newest first."""
    return session.query(KnowledgeVersion).filter_by(entry_id=row.id).order_by(KnowledgeVersion.version.desc()).all()


def version_of(session, user, entry_id, number):
    """One kept version of an entry the user may read; NotFound otherwise."""
    row = get(session, user, entry_id)
    kept = session.query(KnowledgeVersion).filter_by(entry_id=row.id, version=number).first() \
        if isinstance(number, int) else None
    if kept is None:
        raise NotFound("该版本不存在 / no such version")
    return row, kept


def history(session, row):
    """The entry's audited saves, publications and reviews, newest first."""
    return audit.subject_history(session, SUBJECT, row.id)


def review_cutoff(now=None):
    """Entries last reviewed before this moment are due for review: the end of the same day twelve months ago (28
    February for a 29th), Shanghai time — an entry reviewed on 2026-11-23 is due from 2027-11-23."""
    today = (now or clock.now()).astimezone(SHANGHAI).date()
    try:
        day = today.replace(year=today.year - REVIEW_MONTHS // 12)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - REVIEW_MONTHS // 12, day=28)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=SHANGHAI)


def is_due_for_review(row, now=None):
    return row.status == "published" and (row.reviewed_at is None or row.reviewed_at < review_cutoff(now))


@dataclass
class KnowledgeFilter:
    """`q`: a word in the title, text, measures, references, number or issuer; `due_review`: published entries not
    reviewed for twelve months (待复核)."""
    q: str = ""
    kind: str = ""
    hazard_type: str = ""
    industry: str = ""
    status: str = ""
    due_review: bool = False
    limit: int = 50
    offset: int = 0


def check_filter(flt):
    errors = {}
    if flt.kind and flt.kind not in KNOWLEDGE_KINDS:
        errors["kind"] = "没有这种条目类型 / unknown kind"
    if flt.status and flt.status not in KNOWLEDGE_STATUSES:
        errors["status"] = "没有这种状态 / unknown status"
    if len(flt.q or "") > MAX_QUERY:
        errors["q"] = f"关键词最多 {MAX_QUERY} 个字符 / at most {MAX_QUERY} characters"
    for name in ("hazard_type", "industry"):
        if len(getattr(flt, name) or "") > 100:
            errors[name] = "最多 100 个字符 / at most 100 characters"
    raise_if(errors)


def _tagged(kind, value):
    return exists().where(KnowledgeTag.entry_id == KnowledgeEntry.id, KnowledgeTag.kind == kind,
                          KnowledgeTag.value == value)


def _filtered(session, user, flt):
    check_filter(flt)
    query = _visible(session.query(KnowledgeEntry), user)
    if flt.kind:
        query = query.filter(KnowledgeEntry.kind == flt.kind)
    if flt.status:
        query = query.filter(KnowledgeEntry.status == flt.status)
    if flt.hazard_type:
        query = query.filter(_tagged("hazard_type", flt.hazard_type))
    if flt.industry:
        query = query.filter(_tagged("industry", flt.industry))
    if flt.due_review:
        query = query.filter(KnowledgeEntry.status == "published", or_(
            KnowledgeEntry.reviewed_at.is_(None), KnowledgeEntry.reviewed_at < review_cutoff()))
    q = (flt.q or "").strip()
    if q:  # LIKE on both databases: the base holds hundreds of entries, not millions
        query = query.filter(or_(*(column.icontains(q, autoescape=True) for column in (
            KnowledgeEntry.title, KnowledgeEntry.body, KnowledgeEntry.measures, KnowledgeEntry.references,
            KnowledgeEntry.number, KnowledgeEntry.issuer))))
    return query.options(selectinload(KnowledgeEntry.tags))


def listing(session, user, flt):
    """(a page of the entries matching the filter, advice first then by title; how many match); ValidationFailed
    for a bad filter."""
    query = _filtered(session, user, flt)
    total = query.order_by(None).count()
    rows = query.order_by(KnowledgeEntry.kind, KnowledgeEntry.title, KnowledgeEntry.id) \
        .limit(flt.limit).offset(flt.offset).all()
    return rows, total


def due_count(session, user):
    """How many published entries are due for review, for the editors' list heading (None for others)."""
    if not may_edit(user):
        return None
    return _filtered(session, user, KnowledgeFilter(due_review=True)).order_by(None).count()


def industries(session, user):
    """The industries the readable entries are tagged with, for the filter."""
    query = session.query(KnowledgeTag.value).join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeTag.entry_id) \
        .filter(KnowledgeTag.kind == "industry")
    return [v for (v,) in _visible(query, user).distinct().order_by(KnowledgeTag.value)]


def published_for_hazard_type(session, hazard_type, kind):
    """The published entries of one kind tagged with a hazard type, by title."""
    return session.query(KnowledgeEntry).filter(
        KnowledgeEntry.status == "published", KnowledgeEntry.kind == kind, _tagged("hazard_type", hazard_type)) \
        .options(selectinload(KnowledgeEntry.tags)).order_by(KnowledgeEntry.title, KnowledgeEntry.id).all()
