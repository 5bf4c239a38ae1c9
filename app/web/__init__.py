"""Blueprints and the request-level glue (login loader, error mapping, template helpers)."""
from ..extensions import db, login_manager
from ..models import User


def register_web(app):
    from . import auth, cases, inbox, notifications, processes, processes_api, template_helpers, vendor
    from . import registration  # noqa: F401 - adds /hazards/new to the cases blueprint
    from . import account, admin, admin_people, audit, documents, health, quality, reports, security_headers
    from . import accident_import, enterprise_import, followups, inspection_plans, inspections, objections, priorities
    from . import checklist_admin, checklist_review, checklist_versions, checklists, supervision
    from . import satisfaction, visit_checkins, visit_ratings
    from . import visit_quality, visit_review
    from . import complaints
    from . import checklist_qr, hazard_map, measurement_form, rectification_checks, regrading
    from . import enterprise_map
    from . import cooperation
    from . import credit, credit_awards
    from . import public_hazards, spot_checks, typical_cases
    from . import case_publishing, warning_cases
    from . import knowledge
    from . import service_reports
    from . import public_reports, report_intake
    from . import service_reports, service_projects
    from . import bureau_notices
    from . import departments, department_gate, referrals
    from . import campaigns
    from . import major_hazards, milestones
    from . import initial_reviews
    from . import enforcement
    from . import resumption
    from . import document_lists, enterprise_documents
    from . import hazard_source_lists, hazard_sources
    from . import drills, training_plans, trainings
    from . import liaison, questions
    from . import self_checks
    from . import equipment, experts
    from . import supplies, supply_pages  # noqa: F401 - supply_pages adds its routes to supplies.bp
    from . import staff_certificates
    from . import platform_entries
    from . import alert_rules, alerts
    from . import return_visit_reports, return_visits
    from . import emergencies, emergency_duty, emergency_response  # noqa: F401 - the last two add routes to its bp
    from . import kpi
    from . import performance, staff_supervision
    from . import risk_lists, risk_map, risk_points
    from . import roster
    from . import meeting_actions, meetings
    from . import offline_capture
    from . import iot, iot_alarms  # noqa: F401 - iot_alarms adds its routes to iot.bp
    from . import periodic_reports, white_papers
    from . import evaluations, surveys
    from . import quality_incident_steps, quality_incidents  # noqa: F401 - the steps add their routes to its bp
    from . import effect_evaluations, evaluation_bodies  # noqa: F401 - evaluation_bodies adds its routes to its bp
    from . import learning, learning_edit  # noqa: F401 - learning_edit adds its routes to learning.bp
    from . import key_parts, patrol_cards
    from . import rankings, recurrence
    from . import dispatch
    from .api import api
    from .csrf import init_csrf
    from .uploads import init_upload_limits
    from .errors import register_error_handlers

    from .url_ids import install as install_id_converter
    install_id_converter(app)  # before the first blueprint: huge ids in paths are 404, not a database overflow
    login_manager.login_view = "auth.login"

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_people.bp)
    app.register_blueprint(enterprise_import.bp)
    app.register_blueprint(supervision.bp)
    app.register_blueprint(priorities.bp)
    app.register_blueprint(cooperation.bp)
    app.register_blueprint(credit.bp)
    app.register_blueprint(credit_awards.bp)
    app.register_blueprint(inspection_plans.bp)
    app.register_blueprint(checklist_admin.bp)
    app.register_blueprint(checklist_review.bp)
    app.register_blueprint(checklist_versions.bp)
    app.register_blueprint(checklists.bp)
    app.register_blueprint(satisfaction.bp)
    app.register_blueprint(visit_ratings.bp)
    app.register_blueprint(visit_checkins.bp)
    app.register_blueprint(inspections.bp)
    app.register_blueprint(objections.bp)
    app.register_blueprint(major_hazards.bp)
    app.register_blueprint(milestones.bp)
    app.register_blueprint(initial_reviews.bp)
    app.register_blueprint(effect_evaluations.bp)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(regrading.bp)
    app.register_blueprint(hazard_map.bp)
    app.register_blueprint(enterprise_map.bp)
    app.register_blueprint(checklist_qr.bp)
    app.register_blueprint(rectification_checks.bp)
    app.register_blueprint(measurement_form.bp)
    app.register_blueprint(spot_checks.bp)
    app.register_blueprint(public_hazards.bp)
    app.register_blueprint(typical_cases.bp)
    app.register_blueprint(case_publishing.bp)
    app.register_blueprint(warning_cases.bp)
    app.register_blueprint(public_reports.bp)
    app.register_blueprint(report_intake.bp)
    app.register_blueprint(service_reports.bp)
    app.register_blueprint(service_projects.bp)
    app.register_blueprint(periodic_reports.bp)
    app.register_blueprint(white_papers.bp)
    app.register_blueprint(campaigns.bp)
    app.register_blueprint(bureau_notices.bp)
    app.register_blueprint(referrals.bp)
    app.register_blueprint(enforcement.bp)
    app.register_blueprint(resumption.bp)
    app.register_blueprint(enterprise_documents.bp)
    app.register_blueprint(document_lists.bp)
    app.register_blueprint(platform_entries.bp)
    app.register_blueprint(knowledge.bp)
    app.register_blueprint(alert_rules.bp)
    app.register_blueprint(key_parts.bp)
    app.register_blueprint(patrol_cards.bp)
    app.register_blueprint(alerts.bp)
    app.register_blueprint(hazard_sources.bp)
    app.register_blueprint(hazard_source_lists.bp)
    app.register_blueprint(risk_points.bp)
    app.register_blueprint(risk_map.bp)
    app.register_blueprint(risk_lists.bp)
    app.register_blueprint(roster.bp)
    app.register_blueprint(departments.bp)
    app.register_blueprint(trainings.bp)
    app.register_blueprint(training_plans.bp)
    app.register_blueprint(drills.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(meeting_actions.bp)
    app.register_blueprint(liaison.bp)
    app.register_blueprint(questions.bp)
    app.register_blueprint(self_checks.bp)
    app.register_blueprint(experts.bp)
    app.register_blueprint(equipment.bp)
    app.register_blueprint(supplies.bp)
    app.register_blueprint(evaluations.bp)
    app.register_blueprint(surveys.bp)
    app.register_blueprint(quality_incidents.bp)
    app.register_blueprint(staff_certificates.bp)
    app.register_blueprint(return_visits.bp)
    app.register_blueprint(return_visit_reports.bp)
    app.register_blueprint(emergencies.bp)
    app.register_blueprint(visit_review.bp)
    app.register_blueprint(visit_quality.bp)
    app.register_blueprint(offline_capture.bp)
    app.register_blueprint(iot.bp)
    app.register_blueprint(followups.bp)
    app.register_blueprint(accident_import.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(rankings.bp)
    app.register_blueprint(recurrence.bp)
    app.register_blueprint(kpi.bp)
    app.register_blueprint(performance.bp)
    app.register_blueprint(staff_supervision.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(quality.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(processes.bp)
    app.register_blueprint(processes_api.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(learning.bp)
    app.register_blueprint(dispatch.bp)
    app.register_blueprint(api)
    init_upload_limits(app)  # before the CSRF check reads the body
    init_csrf(app)
    register_error_handlers(app)
    template_helpers.register(app)
    department_gate.register(app)
    security_headers.register(app)
