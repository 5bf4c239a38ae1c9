"""SQLAlchemy models, one module per aggregate."""
from .user import ROLES, User, UserRole, UserTownship  # noqa: F401
from .enterprise import ENTERPRISE_SCALES, ENTERPRISE_TAGS, Enterprise, EnterpriseTag  # noqa: F401
from .accident import ACCIDENT_LEVELS, AccidentRecord  # noqa: F401
from .inspection import VISIT_KINDS, InspectionPlan, InspectionVisit, RegionRiskChange  # noqa: F401
from .joint_plan import UNIT_KINDS, InspectionPlanInstrument, InspectionPlanUnit  # noqa: F401
from .campaign import CAMPAIGN_THEMES, CampaignTarget, InspectionCampaign  # noqa: F401
from .checklist import CHECK_RESULTS, DIMENSIONS, Checklist, ChecklistItem, ChecklistResult  # noqa: F401
from .checklist_version import (CHANGE_KINDS, CHANGE_STATUSES, VERSION_SOURCES, ChecklistChange,  # noqa: F401
                                ChecklistVersion)
from .process import ProcessVersion  # noqa: F401
from .hazard_case import HazardCase, GRADES  # noqa: F401
from .workflow import WorkflowState, HumanTask, Timer  # noqa: F401
from .attachment import Attachment  # noqa: F401
from .visit_checkin import VisitCheckin  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .notification import Notification  # noqa: F401
from .calendar import CalendarDay, CalendarRevision  # noqa: F401
from .sla import (CalendarYear, CreditRecord, EnforcementReferral, Incident, KeySupervisionEntry,  # noqa: F401
                  OutboxMessage, TimerFiring)
from .quality import QualityRound, QualitySample  # noqa: F401
from .ops import SchedulerHeartbeat  # noqa: F401
from .objection import OBJECTION_SUBJECTS, CaseObjection  # noqa: F401
from .follow_up import FOLLOW_UP_RESULTS, CaseFollowUp  # noqa: F401
from .notice_receipt import NoticeReceipt  # noqa: F401
from .rating import RATING_DIMENSIONS, VisitRating  # noqa: F401
from .complaint import COMPLAINT_KINDS, ServiceComplaint  # noqa: F401
from .cooperation import COOPERATION_CLASSES, CooperationScore  # noqa: F401
from .rectification_check import CHECK_CONCLUSIONS, RectificationCheck, SiteCheckDraw  # noqa: F401
from .public_case import PublicCase  # noqa: F401
from .typical_case import TypicalCase  # noqa: F401
from .case_publication import (PUBLICATION_ISSUERS, PUBLICATION_STATUSES, CasePublication,  # noqa: F401
                               CasePublicationPhoto, CasePublicationRecipient)
from .service_report import CONCLUSION_GRADES, REPORT_STATUSES, ServiceReport  # noqa: F401
from .iot import (ALARM_KINDS, ALARM_LEVELS, DEVICE_KINDS, DEVICE_STATUSES, MAINTENANCE_KINDS, PARAMETERS,  # noqa: F401
                  IotAlarm, IotDevice, IotGateway, IotMaintenance, IotParameter, IotReading, IotReadingDaily)
from .public_report import PUBLIC_REPORT_STATUSES, PublicReport  # noqa: F401
from .service_project import ServiceProject, ServiceProjectEnterprise  # noqa: F401
from .bureau_notice import (NOTICE_ISSUERS, NOTICE_KINDS, NOTICE_STATUSES, NOTICE_TARGETS,  # noqa: F401
                            RECEIPT_STATUSES, BureauNotice, BureauNoticeRecipient)
from .referral import (DEPARTMENT_KINDS, REFERRAL_KINDS, REFERRAL_REQUESTS, REFERRAL_STATUSES,  # noqa: F401
                       REPLY_OUTCOMES, CaseReferral, Department, JointMeeting, ReferralReply)
from .major_hazard import PLAN_PARTS, PLAN_STATUSES, MajorHazard, MajorHazardPlan  # noqa: F401
from .enforcement import (ENFORCEMENT_MEASURES, ENFORCEMENT_STATUSES, FILING_CHOICES, PENALTY_MEASURES,  # noqa: F401
                          EnforcementOutcome)
from .site_measurement import SiteMeasurement  # noqa: F401
from .enterprise_document import (CERTIFICATE_KINDS, DOCUMENT_KINDS, LICENCE_KINDS, MANAGER_CATEGORIES,  # noqa: F401
                                  OPERATION_CATEGORIES, REVIEW_STATUSES, THREE_SYSTEMS, EnterpriseDocument)
from .training import (ASSESSMENT_RESULTS, TRAINING_KINDS, TRAINING_MODULES, TrainingAttendee,  # noqa: F401
                       TrainingEnterprise, TrainingPlanItem, TrainingSession)
from .drill import DRILL_KINDS, Drill, DrillHazard  # noqa: F401
from .expert import EXPERT_DOMAINS, Expert, ExpertDispatch  # noqa: F401
from .equipment import (CALIBRATION_OPTIONAL_KINDS, INSTRUMENT_KINDS, INSTRUMENT_STATUSES, Instrument,  # noqa: F401
                        InstrumentLoan)
from .staff_certificate import STAFF_CERTIFICATE_KINDS, StaffCertificate  # noqa: F401
from .return_visit import (EFFECT_RESULTS, RETURN_REPORT_STATUSES, RETURN_VISIT_WAYS, SAFETY_ITEMS,  # noqa: F401
                           SURVEY_DIMENSIONS, KeyEnterpriseMark, ReturnVisit, ReturnVisitFinding, ReturnVisitReport)
from .periodic_report import (PERIODIC_REPORT_KINDS, PERIODIC_REPORT_SECTIONS, PERIODIC_REPORT_STATUSES,  # noqa: F401
                              PeriodicReport, PeriodicReportVersion)
from .hazard_source import RESPONSIBLE_ROLES, SOURCE_LEVELS, HazardSource, source_device  # noqa: F401
from .emergency import (EMERGENCY_LEVELS, EMERGENCY_STAGES, EmergencyDuty, EmergencyEvent,  # noqa: F401
                        EmergencyInstrument, EmergencyResponder)
from .risk_point import (ACCIDENT_TYPES, CHECK_FREQUENCIES, CONTROL_LEVELS, KEY_LINKS, MEASURE_KINDS,  # noqa: F401
                         POINT_KINDS, POINT_REVIEW_STATUSES, RISK_COLOURS, UNIT_KINDS, RiskPoint)
from .meeting import (ACTION_STATUSES, ATTENDEE_KINDS, MEETING_KINDS, MEETING_ORGANISERS,  # noqa: F401
                      MEETING_STATUSES, Meeting, MeetingAction, MeetingAttendee, MeetingCase)
from .visit_review import (QUALITY_GRADES, REVIEW_DECISIONS, REVIEW_LEVELS, VISIT_REVIEW_STATUSES,  # noqa: F401
                           VisitQualityRound, VisitQualitySample, VisitReviewStep)
from .staff_supervision import (SUPERVISION_KINDS, SUPERVISION_MEASURES, SUPERVISION_RESULTS,  # noqa: F401
                                StaffSupervision, StaffSupervisionPerson)
from .liaison import (COMMITMENT_STATUSES, CONTACT_WAYS, ContactCommitment, ContactEntry,  # noqa: F401
                      LiaisonAssignment)
from .question import QUESTION_STATUSES, QUESTION_URGENCIES, EnterpriseQuestion, QuestionMessage  # noqa: F401
from .credit import CREDIT_GRADES, CREDIT_RECORD_KINDS, CreditEvaluation, CreditYear  # noqa: F401
from .supplies import (MOVEMENT_TYPES, SUPPLY_CATEGORIES, SupplyBatch, SupplyCount, SupplyCountLine,  # noqa: F401
                       SupplyKind, SupplyMinimum, SupplyMovement, SupplyMovementLine, SupplyPoint)
from .milestone import CaseMilestone, CaseParties  # noqa: F401
from .bureau_evaluation import (EVALUATION_DIMENSIONS, SURVEY_AUDIENCES, SURVEY_QUESTIONS,  # noqa: F401
                                SURVEY_STATUSES, ContractorEvaluation, ImprovementItem, SurveyResponse, SurveyRound)
from .platform_entry import ENTRY_STATUSES, PLATFORM_ITEMS, PLATFORMS, PlatformEntry  # noqa: F401
from .initial_review import (ENTRY_KINDS, REVIEW_CONCLUSIONS, REVIEW_STATUSES, InitialReview,  # noqa: F401
                             InitialReviewEntry)
from .roster import ROSTER_CATEGORIES, ROSTER_TRAINING_KINDS, RosterPerson, RosterTraining  # noqa: F401
from .self_check import SELF_CHECK_STATUSES, SelfCheck, SelfCheckItem  # noqa: F401
from .resumption import (ACCEPTANCE_CONCLUSIONS, APPLICATION_STATUSES, STOP_WORK_SOURCES,  # noqa: F401
                         STOP_WORK_STATUSES, ResumptionApplication, StopWorkOrder)
from .knowledge import (KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES, REGULATION_STATUSES, KnowledgeEntry,  # noqa: F401
                        KnowledgeTag, KnowledgeVersion)
from .quality_incident import (ACCOUNTABILITY_MEASURES, INCIDENT_GRADES, INCIDENT_LIMIT_HOURS,  # noqa: F401
                               INCIDENT_SOURCES, INCIDENT_STATUSES, PERSON_PARTS, SOURCE_COLUMNS, QualityIncident,
                               QualityIncidentPerson)
from .effect_evaluation import (EFFECT_CONCLUSIONS, EFFECT_DIMENSIONS, EFFECT_STATES, EffectEvaluation,  # noqa: F401
                                EffectEvaluationVisit, EvaluationBody)
from .alert_rule import (ALERT_CHANNELS, ALERT_KINDS, ALERT_ROLES, ALERT_STATUSES, REGION_LEVEL_NAMES,  # noqa: F401
                         Alert, AlertRule)
from .learning import (ATTEMPT_STATUSES, COURSE_AUDIENCES, COURSE_MODULES, COURSE_STATUSES, LESSON_KINDS,  # noqa: F401
                       MINUTES_PER_PERIOD, QUESTION_KINDS, Course, CourseCompletion, Lesson, LessonProgress,
                       Question, TestAttempt)
from .key_part import (CARD_KINDS, DEFAULT_CHECK_ITEMS, KEY_PART_KINDS, PATROL_RESULTS, KeyPart,  # noqa: F401
                       PatrolCard, PatrolCardItem)
