"""The typical problem case library (典型问题案例库): hazard cases that recurred or were not rectified properly, written
up with their causes (制度漏洞 or 执行短板), the measures and their effect, for the project team to learn from and for
the quarterly rectification review meeting (每季度召开整改工作总结会议，通报典型案例).

The project leads, the quality supervisors and the bureau write entries; every staff role reads them. The library
is internal: enterprise staff are told it does not exist (NotFound), like another enterprise's case. An entry is
made from one case, at most once, prefilled from the case's row and its submitted forms (services/case_documents.py
reads them from the audit trail); every creation and edit is audited with before → after values, as a record of
its own (subject "typical_case") rather than on the case, whose history the enterprise reads."""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Enterprise, HazardCase, TypicalCase
from ..models.user import OVERSIGHT_ROLES
from . import audit, case_documents
from .access import get_visible_case
from .field_rules import clean_text, raise_if

WRITERS = ("project_lead", "quality", "bureau")
READERS = tuple(sorted(OVERSIGHT_ROLES | {"manager", "admin"}))
SUBJECT = "typical_case"
MAX_TITLE, MAX_TEXT, MAX_QUERY = 200, 4000, 100
EXPORT_LIMIT = 5000
# The written fields in the order of the form; `lessons` (经验启示) may stay empty.
FIELDS = ("title", "problem_description", "cause_analysis", "measures", "effect", "lessons")
REQUIRED = {
    "title": "请填写案例标题 / give the entry a title",
    "problem_description": "请填写问题描述 / describe the problem",
    "cause_analysis": "请填写成因分析 / analyse the causes",
    "measures": "请填写整改措施 / describe the measures taken",
    "effect": "请填写整改效果 / describe the effect of the measures",
}
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_read(user):
    return user.has_role(*READERS)


def may_write(user):
    return user.has_role(*WRITERS)


def check_may_read(user):
    """NotFound for enterprise staff (the library is not theirs to know of), NotAllowed for other roles without it."""
    if may_read(user):
        return
    if "enterprise" in user.roles:
        raise NotFound("页面不存在 / not found")
    raise NotAllowed("典型案例库供项目、督导、专家、质量监督、应急管理局和管理人员查看 / the case library is for the "
                     "project, supervision, expert, quality and oversight staff")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人、质量监督专员和应急管理局可以编写典型案例 / only project leads, quality "
                         "supervisors and the bureau write typical cases")


# ---- reading -----------------------------------------------------------------------------------------------------
def get(session, user, entry_id):
    check_may_read(user)
    row = session.get(TypicalCase, entry_id) if isinstance(entry_id, int) else None
    if row is None:
        raise NotFound("典型案例不存在 / typical case not found")
    return row


def entry_for_case(session, case_id):
    """The library's entry of a case, or None (for the case page's link; the caller shows it to readers only)."""
    return session.query(TypicalCase).filter_by(case_id=case_id).first()


def history(session, row):
    """The entry's creation and edits, newest first."""
    return audit.subject_history(session, SUBJECT, row.id)


def quarter_of(moment):
    """"2026Q4": the Shanghai calendar quarter of an aware moment."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def quarter_bounds(text):
    """(start, end) of a quarter typed as "2026Q4", as aware Shanghai moments; None when it is not one."""
    match = _QUARTER.fullmatch((text or "").strip())
    if not match:
        return None
    year, quarter = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2999:
        return None
    start = datetime(year, 3 * quarter - 2, 1, tzinfo=SHANGHAI)
    end = datetime(year + quarter // 4, 3 * quarter + 1 if quarter < 4 else 1, 1, tzinfo=SHANGHAI)
    return start, end


@dataclass
class LibraryFilter:
    """`q`: a word in the entry's text, its case code or the enterprise's name; `quarter`: created in it, "2026Q4"."""
    q: str = ""
    hazard_type: str = ""
    industry: str = ""
    quarter: str = ""
    limit: int = 50
    offset: int = 0


def check_filter(flt):
    """ValidationFailed naming a malformed quarter or a keyword that is too long."""
    errors = {}
    if flt.quarter and quarter_bounds(flt.quarter) is None:
        errors["quarter"] = "季度格式应为 2026Q4 / a quarter reads like 2026Q4"
    if len(flt.q or "") > MAX_QUERY:
        errors["q"] = f"关键词最多 {MAX_QUERY} 个字符 / at most {MAX_QUERY} characters"
    raise_if(errors)


def _filtered(session, flt):
    check_filter(flt)
    query = session.query(TypicalCase).join(HazardCase, HazardCase.id == TypicalCase.case_id)
    if flt.hazard_type:
        query = query.filter(TypicalCase.hazard_type == flt.hazard_type)
    if flt.industry:
        query = query.filter(TypicalCase.industry == flt.industry)
    if flt.quarter:
        start, end = quarter_bounds(flt.quarter)
        query = query.filter(TypicalCase.created_at >= start, TypicalCase.created_at < end)
    q = (flt.q or "").strip()
    if q:
        query = query.join(Enterprise, Enterprise.id == HazardCase.enterprise_id).filter(or_(*(
            column.icontains(q, autoescape=True) for column in (
                TypicalCase.title, TypicalCase.problem_description, TypicalCase.cause_analysis, TypicalCase.measures,
                TypicalCase.effect, TypicalCase.lessons, HazardCase.code, Enterprise.name))))
    return query.options(joinedload(TypicalCase.case).joinedload(HazardCase.enterprise))


def listing(session, user, flt):
    """(a page of the entries matching the filter, newest first; how many match); ValidationFailed for a bad
    filter."""
    check_may_read(user)
    query = _filtered(session, flt)
    total = query.order_by(None).count()
    rows = query.order_by(TypicalCase.created_at.desc(), TypicalCase.id.desc()).limit(flt.limit) \
        .offset(flt.offset).all()
    return rows, total


def export(session, user, flt, limit=EXPORT_LIMIT):
    """Every entry of the filter (at most `limit`), newest first, for the file and the printed quarterly view."""
    check_may_read(user)
    return _filtered(session, flt).order_by(TypicalCase.created_at.desc(), TypicalCase.id.desc()).limit(limit).all()


def choices(session, user):
    """(hazard types, industries, quarters) the entries are filed under, for the filters; quarters newest first."""
    check_may_read(user)
    types = [t for (t,) in session.query(TypicalCase.hazard_type).distinct().order_by(TypicalCase.hazard_type)]
    industries = [i for (i,) in session.query(TypicalCase.industry).filter(TypicalCase.industry != "")
                  .distinct().order_by(TypicalCase.industry)]
    first = session.query(func.min(TypicalCase.created_at)).scalar()
    return types, industries, _quarters_since(first) if first else []


def _quarters_since(first):
    year, quarter = (int(part) for part in quarter_of(first).split("Q"))
    now_year, now_quarter = (int(part) for part in quarter_of(clock.now()).split("Q"))
    found = []
    while (year, quarter) <= (now_year, now_quarter):
        found.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found[::-1]


# ---- writing -----------------------------------------------------------------------------------------------------
# The draft's connecting words in the writer's language (Chinese, English); the case's own text stays as written.
DRAFT_WORDING = {
    "title": ("{place}：{description}", "{place}: {description}"),
    "problem": ("{description}\n（{enterprise}，{place}）", "{description}\n({enterprise}, {place})"),
    "verification": ("第{round}轮 {step}，{by}：{result}。{opinion}", "Round {round}, {step}, {by}: {result}. {opinion}"),
    "passed": ("通过", "passed"),
    "failed": ("不通过", "not passed"),
    "added": (" 补充要求：{text}", " Added requirements: {text}"),
}


def prefill(session, user, case_id, english=False, step_name=str):
    """The new entry's fields drafted from the case: its description, the last rectification's measures and the
    verification opinions round by round; the causes are the writer's to analyse. `english`: the connecting words
    in English; `step_name`: how a diagram step is named. NotFound for a case the user may not see, Conflict when
    the case is in the library already."""
    check_may_write(user)
    case = get_visible_case(session, user, case_id)
    _check_not_in_library(session, case)

    def words(key, **values):
        return DRAFT_WORDING[key][1 if english else 0].format(**values)
    items = case_documents.submissions(session, case)
    measures = next((str(s.values.get("measures") or "") for s in reversed(items) if s.form_key == "rectification"), "")
    first_line = case.description.strip().splitlines()[0] if case.description.strip() else ""
    effect = [words("verification", round=v.round, step=step_name(v.step), by=v.by, opinion=v.opinion,
                    result=words("passed" if v.passed else "failed")).strip()
              + (words("added", text=v.added_requirements) if v.added_requirements else "")
              for v in case_documents.verifications(session, case)]
    return {"title": words("title", place=case.place, description=first_line)[:MAX_TITLE],
            "problem_description": words("problem", description=case.description, enterprise=case.enterprise.name,
                                         place=case.place),
            "cause_analysis": "", "measures": measures, "effect": "\n".join(effect), "lessons": ""}


def _check_not_in_library(session, case):
    existing = entry_for_case(session, case.id)
    if existing is not None:
        raise Conflict(f"隐患 {case.code} 已在典型案例库中（“{existing.title}”），请编辑该案例 / case {case.code} is "
                       f"already in the library as entry #{existing.id}; edit that entry instead")


def _clean(values, errors, partial=False):
    """The written fields of `values`, trimmed; errors for missing required ones and text that is too long.
    `partial`: only the fields given are read (an API edit)."""
    clean = {}
    for name in FIELDS:
        if partial and name not in values:
            continue
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = "应为文字 / must be text"
            continue
        clean[name] = clean_text(value, MAX_TITLE if name == "title" else MAX_TEXT, name, errors)
        if not clean[name] and name in REQUIRED and name not in errors:
            errors[name] = REQUIRED[name]
    return clean


def create(uow, user, case_id, values):
    """Put a case into the library with the written `values` ({field: text}); ValidationFailed names each wrong
    field, Conflict when the case is there already."""
    check_may_write(user)
    session = uow.session
    case = get_visible_case(session, user, case_id)
    _check_not_in_library(session, case)
    errors = {}
    clean = _clean(values, errors)
    raise_if(errors)
    now = clock.now()
    row = TypicalCase(case_id=case.id, hazard_type=case.hazard_type, industry=case.enterprise.industry or "",
                      created_by_id=user.id, created_at=now, updated_by_id=user.id, updated_at=now, version=1,
                      **clean)
    try:
        with session.begin_nested():  # a writer adding the same case at the same moment: the unique key decides
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(f"隐患 {case.code} 已在典型案例库中 / case {case.code} is already in the library") from None
    audit.record(uow, None, user, "typical_case_added", changes={k: [None, v] for k, v in clean.items() if v},
                 details=_details(row, case), subject=(SUBJECT, row.id))
    return row


def update(uow, user, entry_id, values, version=None, partial=False):
    """Change the written fields of an entry; `version` (when given) is the one the writer read: Conflict if it
    has been edited since. Nothing changed: nothing written."""
    check_may_write(user)
    session = uow.session
    row = session.query(TypicalCase).filter_by(id=entry_id).with_for_update().first() \
        if isinstance(entry_id, int) else None
    if row is None:
        raise NotFound("典型案例不存在 / typical case not found")
    errors = {}
    clean = _clean(values, errors, partial)
    if version is not None and not (isinstance(version, int) and not isinstance(version, bool)):
        errors["version"] = "版本应为整数 / the version is a whole number"
    raise_if(errors)
    if version is not None and version != row.version:
        raise Conflict(f"该案例已被 {row.updated_by.display_name} 于 {row.updated_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} "
                       f"修改，请查看最新内容后再改 / the entry was changed by {row.updated_by.username} meanwhile; "
                       "reload it and edit again")
    changes = {name: [getattr(row, name), text] for name, text in clean.items() if getattr(row, name) != text}
    if not changes:
        return row
    for name, (_before, after) in changes.items():
        setattr(row, name, after)
    # The relationship, not the id: an entry dumped right after (the API's answer) names the new editor.
    row.updated_by, row.updated_at, row.version = user, clock.now(), row.version + 1
    session.flush()
    audit.record(uow, None, user, "typical_case_updated", changes=changes, details=_details(row, row.case),
                 subject=(SUBJECT, row.id))
    return row


def _details(row, case):
    return {"typical_case_id": row.id, "case_id": case.id, "case_code": case.code, "version": row.version}
