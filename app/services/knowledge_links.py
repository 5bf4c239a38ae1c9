"""What the knowledge base offers on a case's pages (the assignment and rectification task pages, the case page): the
published handling advice and laws / standards tagged with the case's hazard type, and the cases of the same type to
learn from — entries of the typical case library (services/typical_cases.py) for its readers, and for enterprise
staff the warning cases addressed to their enterprise (services/warning_cases.py). Nothing here is copied from those
two: they are linked, each under its own reading rules."""
from dataclasses import dataclass, field

from ..models import CasePublication, CasePublicationRecipient, TypicalCase
from . import knowledge, typical_cases, warning_cases

MAX_CASES = 5


@dataclass
class CaseKnowledge:
    advice: list = field(default_factory=list)  # KnowledgeEntry (kind advice)
    regulations: list = field(default_factory=list)  # KnowledgeEntry (kind regulation), in force first
    typical: list = field(default_factory=list)  # TypicalCase, for the library's readers
    warnings: list = field(default_factory=list)  # CasePublication, for the enterprise's staff

    def __bool__(self):
        return bool(self.advice or self.regulations or self.typical or self.warnings)


def for_case(session, user, case):
    """The knowledge for a case the caller has already been allowed to see."""
    found = CaseKnowledge(advice=knowledge.published_for_hazard_type(session, case.hazard_type, "advice"))
    found.regulations = sorted(knowledge.published_for_hazard_type(session, case.hazard_type, "regulation"),
                               key=lambda r: r.regulation_status != "current")
    if typical_cases.may_read(user):
        found.typical = session.query(TypicalCase).filter(
            TypicalCase.hazard_type == case.hazard_type, TypicalCase.case_id != case.id) \
            .order_by(TypicalCase.created_at.desc(), TypicalCase.id.desc()).limit(MAX_CASES).all()
    enterprise_id = warning_cases.own_enterprise(user)
    if enterprise_id:
        found.warnings = session.query(CasePublication) \
            .join(CasePublicationRecipient, CasePublicationRecipient.publication_id == CasePublication.id) \
            .join(TypicalCase, TypicalCase.id == CasePublication.typical_case_id) \
            .filter(CasePublicationRecipient.enterprise_id == enterprise_id, CasePublication.status == "published",
                    TypicalCase.hazard_type == case.hazard_type) \
            .order_by(CasePublication.published_at.desc(), CasePublication.id.desc()).limit(MAX_CASES).all()
    return found
