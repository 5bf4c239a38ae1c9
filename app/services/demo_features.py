"""The demos of the features built after the core (each in its own module), seeded in this order after the cases,
visits, notices and checklists of services/demo.py: some read what earlier ones made (the service project's roster,
the inspector's visits, the enterprises' tags)."""
from ..clock import clock
from ..models import Enterprise
from . import (campaign_demo, emergency_demo, enforcement_demo, enterprise_document_demo, hazard_source_demo,
               initial_review_demo, iot_demo, knowledge_demo, liaison_demo, meeting_demo, performance_demo,
               periodic_report_demo, quality_incident_demo, referral_demo, resource_demo, resumption_demo,
               return_visit_demo, risk_point_demo, roster_demo, self_check_demo, service_project_demo,
               staff_certificate_demo, supply_demo, training_demo)
from . import alert_rule_demo, effect_evaluation_demo, joint_plan_demo
from . import learning_demo
from . import patrol_card_demo
from . import dispatch_demo
from . import milestone_demo
from . import bureau_evaluation_demo
from . import platform_entry_demo


def seed(uow, users, enterprises, visits, password):
    # the departments and the fire brigade's login; a pressure vessel referred, with the reply
    referral_demo.seed(uow, users["bureau"], password)
    enforcement_demo.seed(uow, users["bureau"])  # two cases referred to enforcement: one fined, one overdue
    enterprise_document_demo.seed(uow, users)  # safety archives: one complete with licences falling due, one returned
    risk_point_demo.seed(uow, users)  # the chemical plant's risk register with its four-colour map (one red point)
    resource_demo.seed(uow, users)  # the expert pool (one dispatched) and the equipment register (one out on loan)
    emergency_demo.seed(uow, users)  # the duty roster and a closed 较大 incident with its analysis report
    supply_demo.seed(uow, users)  # two storage points with stock, one below its minimum, a batch expiring soon
    iot_demo.seed(uow, users, enterprises)  # monitoring devices with a day of readings and an open alarm
    hazard_source_demo.seed(uow, users, enterprises, clock.local_now().date())  # risk tags, 重大危险源 with alarms
    # Scales, and a current service project with every enterprise on its roster (服务对象名单).
    service_project_demo.seed(uow, users["project_lead"],
                              uow.session.query(Enterprise).order_by(Enterprise.id).all())
    # A current winter fire-safety campaign (专项行动) with a night check and an unannounced plan.
    campaign_demo.seed(uow, users["project_lead"], users["inspector"])
    training_demo.seed(uow, users, enterprises)  # this year's training plan, two sessions held and a drill
    staff_certificate_demo.seed(uow, users)  # certificates: two valid, one running out, one run out (持证率 3 / 7 with dispatch_demo's 王排查)
    roster_demo.seed(uow, users)  # the three enterprises' training registers: one certificate expiring, one expired
    return_visit_demo.seed(uow, users, enterprises)  # return visits, a key flag and last quarter's report submitted
    periodic_report_demo.seed(uow, users)  # last month's briefing to the bureau, issued and signed for (定期报告)
    meeting_demo.seed(uow, users, enterprises)  # a monthly joint meeting, minutes issued, two action items
    performance_demo.seed(uow, users, visits)  # a failed 四不两直 check of the inspector, this month's cross-check
    quality_incident_demo.seed(uow, users)  # a 一般 quality incident closed, a 重大 one under investigation
    liaison_demo.seed(uow, users, enterprises)  # liaisons, contacts with commitments, a weekly gap, two questions
    initial_review_demo.seed(uow, users)  # the sewage pool's rectification reviewed online, a site re-check planned
    self_check_demo.seed(uow, users)  # a submitted self-check that reported a hazard, and a draft (企业自查)
    resumption_demo.seed(uow, users, enterprises)  # the food plant stopped, its application awaiting acceptance
    knowledge_demo.seed(uow, users)  # advice for six hazard types, seven laws / standards (one 待复核), a draft
    joint_plan_demo.seed(uow, users, enterprises)  # a joint check sent to four units, the fire brigade signed
    effect_evaluation_demo.seed(uow, users)  # a closed major hazard's effect evaluation in its observation period
    alert_rule_demo.seed(uow)  # the seed's 高风险企业整改超过 7 天 rule and a recurrence rule, evaluated once
    learning_demo.seed(uow, users)  # 隐患自查方法 (10 questions) and a chemical course; the inspector passed a test
    patrol_card_demo.seed(uow, users)  # the chemical plant's three tagged key parts, cards at its latest visit (one 异常)
    dispatch_demo.seed(uow, users, password)  # a second inspector; the next working day's plans and route (智能调度)
    milestone_demo.seed(uow, users)  # the compressor station case's milestones: one done, one late, one to come
    bureau_evaluation_demo.seed(uow, users)  # last quarter's confirmed evaluation with one item; a survey, 2 answers
    platform_entry_demo.seed(uow, users, enterprises)  # platform entries: one checked, three entered, the rest pending
