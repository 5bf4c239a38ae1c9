"""The demo's report review (三级审核): the demo's earlier visits count as released (they were written before the
review, as the migration treats existing visits), and a visit at 城关木业有限公司 two days ago — checklist finished,
nothing nonconforming, the inspector on site 4 h 20 min — submitted by the inspector (初审) and waiting for the
project lead's 复审 (刘项目), then the technical lead's 终审 (何技术)."""
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI, clock
from ..models import Enterprise
from . import checklist_results, inspections, visit_checkins, visit_review


def seed(uow, users, visits):
    for visit in visits.values():
        visit.review_status, visit.released_at = "released", visit.created_at
    uow.session.flush()
    company = uow.session.query(Enterprise).filter_by(name="城关木业有限公司").one()
    inspector = users["inspector"]
    day = clock.local_now().date() - timedelta(days=2)
    saved = clock._fixed
    try:
        clock.set(datetime.combine(day, time(8, 30), SHANGHAI))
        visit = inspections.record(uow, inspector, company.id, day.isoformat(), f"{inspector.display_name}、赵执行",
                                   "木工车间除尘系统、配电箱、消防器材、安全管理台账",
                                   "除尘器泄爆口朝向人员通道，建议改向；消防器材巡查记录补签")
        clock.advance(minutes=10)
        # Stamped on site: at the company's registered position (the demo places its enterprises before the visits).
        here = (company.latitude, company.longitude, 15) if company.latitude is not None else (None, None, None)
        visit_checkins.check_in(uow, inspector, visit.id, *here)
        items, _recorded = checklist_results.items_of_visit(uow.session, visit)
        checklist_results.record(uow, inspector, visit.id, [{"item_id": i.id, "result": "conform", "note": ""}
                                                            for i in items])
        clock.advance(minutes=260)
        visit_checkins.check_out(uow, inspector, visit.id, *here)
        clock.advance(hours=3)
        visit_review.submit(uow, inspector, visit.id)
    finally:
        clock._fixed = saved
    return visit
