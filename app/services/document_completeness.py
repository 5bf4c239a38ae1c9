"""Is an enterprise's archive complete (seed 001 §七 验收标准 3 “三项制度符合法定标准”, 4 “应急预案符合法定标准”, 7
“特种作业人员持证上岗”)? Every enterprise needs its three systems and an emergency plan; an enterprise of an industry
under the licensing regime needs its 安全生产许可证 too.

The licensing regime is 《安全生产许可证条例》第二条: 矿山企业、建筑施工企业和危险化学品、烟花爆竹、民用爆炸物品生产企业.
The register's industry is free text, so the table lists words that name those industries in it. 金属冶炼 is not
in the 条例 (it is a 高危行业 for other duties), so it does not make a licence required here; a county that licenses
more adds its words below. A kind counts as present when the enterprise has a document of it that is not retired;
one whose every such document has expired is listed apart (present, but out of date)."""
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import DOCUMENT_KINDS, THREE_SYSTEMS, Enterprise, EnterpriseDocument
from .access import visible_enterprises
from .document_expiry import today

REQUIRED_FOR_ALL = THREE_SYSTEMS + ("emergency_plan",)
# industry as the register writes it (a word it contains) -> what the licence is called there
LICENSED_INDUSTRIES = {
    "危险化学品": "危险化学品安全生产许可证",
    "危化": "危险化学品安全生产许可证",
    "矿山": "非煤矿矿山企业安全生产许可证",
    "煤矿": "煤矿企业安全生产许可证",
    "采矿": "非煤矿矿山企业安全生产许可证",
    "采石": "非煤矿矿山企业安全生产许可证",
    "烟花爆竹": "烟花爆竹安全生产许可证",
    "民用爆炸": "民用爆炸物品安全生产许可证",
    "民爆": "民用爆炸物品安全生产许可证",
    "建筑施工": "建筑施工企业安全生产许可证",
}


def licence_needed(industry):
    """The name of the licence the industry needs, or None."""
    text = industry or ""
    return next((name for word, name in LICENSED_INDUSTRIES.items() if word in text), None)


def required_kinds(enterprise):
    kinds = REQUIRED_FOR_ALL
    return kinds + ("production_licence",) if licence_needed(enterprise.industry) else kinds


@dataclass
class Completeness:
    required: tuple
    missing: list = field(default_factory=list)  # required kinds with no document in the archive
    expired: list = field(default_factory=list)  # required kinds whose every document has expired
    licence_name: str | None = None
    operator_certificates: int = 0  # valid 特种作业操作证 on file
    special_workers: int = 0  # 特种作业人员 as the register counts them

    @property
    def complete(self):
        return not self.missing and not self.expired


def _assess(enterprise, documents, day):
    result = Completeness(required=required_kinds(enterprise), licence_name=licence_needed(enterprise.industry),
                          special_workers=enterprise.special_workers or 0)
    by_kind = defaultdict(list)
    for row in documents:
        by_kind[row.kind].append(row)
    for kind in result.required:
        rows = by_kind.get(kind, [])
        if not rows:
            result.missing.append(kind)
        elif all(r.valid_to is not None and r.valid_to < day for r in rows):
            result.expired.append(kind)
    result.operator_certificates = sum(1 for r in by_kind.get("operator_certificate", [])
                                       if r.valid_to is None or r.valid_to >= day)
    return result


def _current(session, enterprise_ids):
    rows = session.query(EnterpriseDocument).filter(EnterpriseDocument.enterprise_id.in_(list(enterprise_ids)),
                                                    EnterpriseDocument.retired_at.is_(None)).all()
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.enterprise_id].append(row)
    return grouped


def of_enterprise(session, enterprise):
    return _assess(enterprise, _current(session, [enterprise.id]).get(enterprise.id, []), today())


def overview(session, user, township="", name="", incomplete_only=False):
    """[(enterprise, Completeness)] of the enterprises the user may see, by name."""
    query = visible_enterprises(session, user)
    if township:
        query = query.filter(Enterprise.township == township)
    if name:
        query = query.filter(Enterprise.name.contains(name, autoescape=True))
    enterprises = query.order_by(Enterprise.name, Enterprise.id).all()
    documents, day = _current(session, [e.id for e in enterprises]), today()
    rows = [(e, _assess(e, documents.get(e.id, []), day)) for e in enterprises]
    return [(e, c) for e, c in rows if not c.complete] if incomplete_only else rows


def kind_names(kinds):
    return [DOCUMENT_KINDS[k][0] for k in kinds]
