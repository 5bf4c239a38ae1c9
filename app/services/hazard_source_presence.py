"""Whether an enterprise has major hazard sources (有重大危险源), as the priority list, the regional risk levels and
the service reports ask it.

Two records answer: the structured register (hazard_source, services/hazard_sources.py; a source not retired) and the
register's old free-text field `enterprise.major_hazard_sources` (登记簿原文), which every enterprise entered before the
structured register has. Either one counts, so nothing that counted before stops counting when the register starts;
"无" and the like in the text count as none. To take an enterprise off (its sources 核销), retire its sources and clear
the old text."""
from sqlalchemy import func

from ..models import SOURCE_LEVELS, Enterprise, HazardSource

NONE_WORDS = {"", "无", "没有", "暂无", "否", "-", "—", "/", "none", "n/a", "no"}


def text_says_some(text):
    """The old free text names something (not empty, not "无")."""
    return (text or "").strip().lower() not in NONE_WORDS


def source_counts(session):
    """{enterprise id: its structured sources not retired}."""
    return dict(session.query(HazardSource.enterprise_id, func.count(HazardSource.id))
                .filter(HazardSource.retired_at.is_(None)).group_by(HazardSource.enterprise_id).all())


def enterprises_with_sources(session):
    """{enterprise id: structured sources (0 when only the old text names some)} of every enterprise that has major
    hazard sources by either record."""
    found = source_counts(session)
    for enterprise_id, text in session.query(Enterprise.id, Enterprise.major_hazard_sources) \
            .filter(Enterprise.major_hazard_sources != ""):
        if enterprise_id not in found and text_says_some(text):
            found[enterprise_id] = 0
    return found


def register_text(session, enterprise):
    """The enterprise's major hazard sources in one line for a report: the structured ones ("液氨储罐区（三级）；…")
    when it has any, else the old text as written."""
    rows = session.query(HazardSource.name, HazardSource.level) \
        .filter(HazardSource.enterprise_id == enterprise.id, HazardSource.retired_at.is_(None)) \
        .order_by(HazardSource.level, HazardSource.name, HazardSource.id).all()
    if not rows:
        return enterprise.major_hazard_sources or ""
    return "；".join(f"{name}（{SOURCE_LEVELS[level][0]}）" for name, level in rows)
