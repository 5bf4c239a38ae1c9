"""Demo data of the periodic reports to the bureau (`make run`, services/demo.py): last month's assessment briefing
(月度综合评估简报), written by the project lead with the library's typical case, issued — its figures frozen — and
signed for by the bureau; the weeks of the current service project show on the due list as owed."""
from ..models import TypicalCase
from . import periodic_report_review, periodic_reports


def seed(uow, users):
    start, end = periodic_reports.default_period(uow.session, "monthly")
    entry = uow.session.query(TypicalCase.id).order_by(TypicalCase.id).limit(1).scalar()
    report = periodic_reports.create(uow, users["project_lead"], {
        "kind": "monthly", "period_start": start, "period_end": end,
        "typical_case_ids": [entry] if entry else [],
        "sections": {
            "summary": "本月按计划完成辖区重点企业排查，化工、机械、食品加工等行业均已覆盖；登记隐患以用电安全和安全通道类为主，"
                       "一般隐患整改基本按期完成。",
            "case_analysis": "冷库安全通道反复堆放杂物：清理一次即销号的做法不能防止复发，根源在于通道巡查未落实到班组和责任人。"
                             "已要求企业划定临时周转区、把通道畅通列入交接班检查表。",
            "effectiveness": "一次复核通过率仍有提升空间，退回重新整改的隐患多为整改证据不完整；销号后复查未发现复发。",
            "next_focus": "一是对逾期未整改隐患逐项督办；二是旺季前对冷库、仓储企业开展安全通道专项检查；三是加强整改证据的现场指导。",
        }}, issue_now=True)
    periodic_report_review.sign(uow, users["bureau"], report.id)
    return report
