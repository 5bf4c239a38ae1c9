"""The demo data of milestones, the bureau's evaluation and surveys, and platform entries (`make run`; milestone_demo,
bureau_evaluation_demo, platform_entry_demo): a case with one milestone done and one late, last quarter's confirmed
evaluation with one improvement item, a survey round with two answers, entries entered / checked / pending."""
from app.models import (CaseMilestone, CaseParties, ContractorEvaluation, ImprovementItem, PlatformEntry,
                        SurveyResponse, SurveyRound)
from app.services import contractor_evaluations, milestones


def test_the_demo_has_milestones_an_evaluation_a_survey_and_platform_entries(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "seeded demo data" in result.output, result.output
    rows = CaseMilestone.query.order_by(CaseMilestone.due_on).all()
    assert len({r.case_id for r in rows}) == 1 and rows[0].case.status == "rectifying"
    assert [r.done_on is not None for r in rows] == [True, False, False]
    assert [milestones.is_late(r) for r in rows] == [False, True, False]
    assert CaseParties.query.one().supervisor_user_id is not None
    evaluation = ContractorEvaluation.query.one()
    year, quarter = contractor_evaluations.quarter_of(contractor_evaluations.today())
    assert (evaluation.year, evaluation.quarter) == ((year - 1, 4) if quarter == 1 else (year, quarter - 1))
    assert evaluation.confirmed_at is not None
    item = ImprovementItem.query.one()
    assert item.closed_at is None and item.measures and not contractor_evaluations.is_overdue(item)
    survey = SurveyRound.query.one()
    assert survey.status == "open"
    assert SurveyResponse.query.filter(SurveyResponse.answered_at.isnot(None)).count() == 2
    assert {r.audience for r in survey.responses if r.answered_at} == {"enterprise", "township"}
    statuses = [e.status for e in PlatformEntry.query.all()]
    assert statuses.count("checked") == 1 and statuses.count("entered") == 3
    checked = PlatformEntry.query.filter_by(status="checked").one()
    assert checked.checked_by_id != checked.entered_by_id

