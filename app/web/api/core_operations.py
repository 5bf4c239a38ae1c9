"""The OpenAPI operations of the core API (auth, hazards, tasks, attachments and the first features built beside
them): endpoint -> (summary, tag, request body, query schema, {status: response schema or description}). Later
features keep theirs in their own module's `OPERATIONS`; openapi.py gathers both."""
from . import (checklist_versions as cv, checklists, complaints, cooperation, credit, enterprise_map as emap,
               inspections, oversight, public_hazards as ph, ratings, rectification_checks as rc, schemas as s,
               service_reports as sr, spot_checks, typical_cases as tc, visit_checkins as vc)

OPERATIONS = {
    "create_token": ("Exchange username and password (and `otp`, the authenticator code, for users with two-factor "
                     "login) for a bearer token", "auth", s.TokenRequestSchema, None,
                     {"200": s.TokenSchema}),
    "openapi_document": ("This document", "meta", None, None, {"200": "OpenAPI 3.1 document"}),
    "register_hazard": ("Register a hazard (inspector; enterprise staff report their own: source self_check). With "
                        "`client_ref` a retry never makes a second case: the first time 201, again (the same user, "
                        "the same `client_ref`) 200 with the case made then", "hazards", "HazardRegistration", None,
                        {"201": s.CaseSchema, "200": s.CaseSchema}),
    "list_hazards": ("List visible hazard cases (enterprise staff: their enterprise's; township offices: their "
                     "townships' / parks'; every other role: all)", "hazards", None, s.CaseQuery,
                     {"200": s.CaseListSchema}),
    "get_hazard": ("One hazard case (404 when not visible to the caller: another enterprise's, another area's)",
                   "hazards", None, None, {"200": s.CaseSchema}),
    "rectification_checks_list": ("Supervision checks of a case's rectification (整改过程督导检查) and when the next "
                                  "is due", "hazards", None, None, {"200": rc.RectificationCheckListSchema}),
    "record_rectification_check": ("Record a supervision check of a case under rectification (supervision group, "
                                   "project lead)", "hazards", rc.RectificationCheckRequestSchema, None,
                                   {"201": rc.RectificationCheckSchema}),
    "hazards_map": ("The visible cases with coordinates as GeoJSON (一张图), filtered like the list; open ones "
                    "unless `status` is given", "hazards", None, s.MapQuery, {"200": s.GeoJsonSchema}),
    "enterprises_map": ("The enterprises the caller may see that have a position, as GeoJSON (重点监管点位), each "
                        "with a `category` of the chosen colour attribute `by`; not for enterprise staff (403)",
                        "enterprises", None, emap.EnterpriseMapQuery, {"200": emap.EnterpriseGeoJsonSchema}),
    "hazard_history": ("Audit trail of a visible case", "hazards", None, None, {"200": s.HistorySchema}),
    "hazard_tasks": ("Open tasks of a case", "hazards", None, None, {"200": s.CaseTasksSchema}),
    "hazard_receipt": ("The closure receipt (销号电子回执) of a closed case, as PDF", "hazards", None, None,
                       {"200": "application/pdf"}),
    "hazard_notice": ("The rectification notice (整改通知书) of the current round, as PDF", "hazards", None, None,
                      {"200": "application/pdf"}),
    "hazard_verification_opinions": ("The verification opinions (整改验收意见书), round by round, as PDF", "hazards",
                                     None, None, {"200": "application/pdf"}),
    "hazard_objections": ("The enterprise's objections (异议) to a case and their answers", "objections", None, None,
                          {"200": s.ObjectionListSchema}),
    "raise_objection": ("Object to a case (its enterprise's staff, not after closing); answered within 3 working "
                        "days", "objections", s.ObjectionRequestSchema, None, {"201": s.ObjectionSchema}),
    "answer_objection": ("Answer an objection, once (project lead, admin)", "objections", s.ObjectionAnswerSchema,
                         None, {"200": s.ObjectionSchema}),
    "hazard_follow_ups": ("The re-inspections (销号后复查) of a closed case", "follow-ups", None, None,
                          {"200": s.FollowUpListSchema}),
    "record_follow_up": ("Record a re-inspection, once, from its first day (inspector, project team, project lead)",
                         "follow-ups", s.FollowUpRecordSchema, None, {"200": s.FollowUpSchema}),
    "hazard_notice_receipts": ("The enterprise's acknowledgements (签收) of the case's rectification notices",
                               "hazards", None, None, {"200": s.NoticeReceiptListSchema}),
    "acknowledge_notice": ("Sign for the current round's rectification notice (the case's enterprise staff)",
                           "hazards", None, None, {"201": s.NoticeReceiptSchema}),
    "regrade_hazard": ("Grade a case again during rectification (重新定级; project lead, bureau): graded by the "
                       "review's score, a new rectification period starts", "hazards", s.RegradeRequestSchema, None,
                       {"200": s.CaseSchema}),
    "list_tasks": ("The caller's task inbox", "tasks", None, s.TaskQuery, {"200": s.TaskListSchema}),
    "get_task": ("A task with its form", "tasks", None, None, {"200": s.TaskDetailSchema}),
    "claim_task": ("Claim a task", "tasks", None, None, {"200": s.TaskSchema}),
    "release_task": ("Release a claimed task", "tasks", None, None, {"200": s.TaskSchema}),
    "save_task_draft": ("Save a draft of the task's form (保存草稿) without completing it", "tasks", s.DraftSchema, None,
                        {"200": s.TaskSchema}),
    "reassign_task": ("Reassign a task (project lead, admin)", "tasks", s.ReassignSchema, None,
                      {"200": s.TaskSchema}),
    "complete_task": ("Submit a task's form; returns the updated case", "tasks", s.CompleteSchema, None,
                      {"200": s.CaseSchema}),
    "statistics": ("Statistics of the hazards registered in a period (manager, bureau, admin: the county "
                   "or a chosen township / enterprise; township office: its own area only)", "oversight", None,
                   oversight.StatisticsQuery, {"200": oversight.StatisticsSchema}),
    "audit_events": ("The audit log across cases and administration (manager, bureau, admin)", "oversight", None,
                     oversight.AuditQuery, {"200": oversight.AuditListSchema}),
    "list_checklist_items": ("Items of the standard inspection checklists (标准化检查表); with `industry`, those for an "
                             "enterprise of that industry (the general list and the industry's)", "checklists", None,
                             checklists.ChecklistQuery, {"200": checklists.ChecklistItemListSchema}),
    "visit_checks": ("An inspection visit's checklist: the items for its enterprise with their results",
                     "checklists", None, None, {"200": checklists.VisitChecksSchema}),
    "record_visit_checks": ("Record some or all of a visit's checklist results (inspector, project lead); a "
                            "nonconform result needs a note", "checklists", checklists.ChecksRequestSchema, None,
                            {"200": checklists.VisitChecksSchema}),
    "list_checklist_changes": ("Proposed changes of checklist items (标准版本管理), pending ones oldest first (technical "
                               "leads, process owners, administrators)", "checklists", None, cv.ChecklistChangeQuery,
                               {"200": cv.ChecklistChangeListSchema}),
    "approve_checklist_change": ("Approve a pending change (technical lead, not one's own proposal): it takes effect, "
                                 "the list's version rises and is archived with the lead's signature, and the "
                                 "inspection team gets the standards-update notice; 409 when already decided or the "
                                 "item changed since", "checklists", cv.ChecklistApproveSchema, None,
                                 {"200": cv.ChecklistChangeSchema}),
    "reject_checklist_change": ("Reject a pending change with a reason (technical lead); the proposer is told",
                                "checklists", cv.ChecklistRejectSchema, None, {"200": cv.ChecklistChangeSchema}),
    "checklist_versions_list": ("A checklist's archived versions, newest first (every staff role)", "checklists",
                                None, None, {"200": cv.ChecklistVersionListSchema}),
    "get_checklist_version": ("One version of a checklist: its items then, what changed from the version before, "
                              "and who approved it", "checklists", None, None, {"200": cv.ChecklistVersionSchema}),
    "get_visit": ("An inspection visit (排查记录) with its enterprise's confirmation, its team's check-ins (到场打卡) "
                  "with their flags, and its files (现场资料)", "inspections", None, None,
                  {"200": inspections.VisitSchema}),
    "check_in_visit": ("Check in at a visit (到场打卡), once, on the visit's day, for oneself (a member of its team: "
                       "its recorder or a user named among its inspectors; inspector, project lead). The time is the "
                       "server's; send the device's position, or none ({}) when it has none", "inspections",
                       vc.PositionSchema, None, {"201": inspections.VisitSchema}),
    "check_out_visit": ("Check out of a visit (离场打卡), once, after checking in and on the same day; 409 otherwise",
                        "inspections", vc.PositionSchema, None, {"200": inspections.VisitSchema}),
    "add_visit_files": ("Put one's own uploads (POST /api/v1/attachments) on a visit as its files (现场资料; "
                        "inspector, project lead)", "inspections", vc.VisitFilesRequestSchema, None,
                        {"200": inspections.VisitSchema}),
    "acknowledge_visit": ("Confirm a visit's results, once (the visited enterprise's staff), with remarks",
                          "inspections", inspections.AcknowledgeSchema, None, {"200": inspections.VisitSchema}),
    "visit_report": ("The visit's report (排查报告) as PDF", "inspections", None, None, {"200": "application/pdf"}),
    "rate_visit": ("Rate an inspection visit (满意度评价), once, from its day up to 30 days after (the visited "
                   "enterprise's staff); a score of 2 or less notifies the quality supervisors and project leads",
                   "ratings", ratings.RatingRequestSchema, None, {"201": ratings.RatingSchema}),
    "visit_ratings_list": ("A visit's ratings: all of them for the inspection team and oversight roles (anonymous "
                           "ones without the rater), their own for the visited enterprise's staff", "ratings", None,
                           None, {"200": ratings.RatingListSchema}),
    "list_complaints": ("Service complaints (服务投诉) the caller may see, in a state, with the count per state (quality "
                        "desk, project leads, bureau, managers, admins: all; enterprise staff: their enterprise's)",
                        "complaints", None, complaints.ComplaintQuery, {"200": complaints.ComplaintListSchema}),
    "raise_complaint": ("Complain about the inspection service (enterprise staff); investigated within 24 hours, "
                        "answered within 72; at most 5 unanswered per enterprise (409)", "complaints",
                        complaints.ComplaintRequestSchema, None, {"201": complaints.ComplaintSchema}),
    "get_complaint": ("One complaint; the desk's notes and an unapproved draft only for the desk, project leads and "
                      "oversight roles", "complaints", None, None, {"200": complaints.ComplaintSchema}),
    "investigate_complaint": ("Start the investigation, once (quality supervisors)", "complaints",
                              complaints.ComplaintNoteSchema, None, {"200": complaints.ComplaintSchema}),
    "answer_complaint": ("Draft the answer, after the investigation started, again until approved (quality "
                         "supervisors)", "complaints", complaints.ComplaintAnswerSchema, None,
                         {"200": complaints.ComplaintSchema}),
    "approve_complaint": ("Approve the draft, once (project leads): the answer is sent to the complainant (an "
                          "anonymous rating's: the enterprise's staff); the body is optional", "complaints",
                          complaints.ComplaintDecisionSchema, None, {"200": complaints.ComplaintSchema}),
    "return_complaint": ("Send the draft back with a note (project leads); the desk drafts again", "complaints",
                         complaints.ComplaintReturnSchema, None, {"200": complaints.ComplaintSchema}),
    "cooperation_scores": ("The monthly cooperation scores (企业配合情况综合评分) of a month, by rank: every "
                           "enterprise for the bureau, managers, quality supervisors, project leads and admins; the "
                           "caller's own enterprise only for enterprise staff", "cooperation", None,
                           cooperation.CooperationQuery, {"200": cooperation.CooperationListSchema}),
    "credit_evaluations": ("The annual credit evaluation (企业信用评价) of a year, the best score first: computed now "
                           "until the bureau confirms the closed year, then as frozen; every enterprise for the "
                           "bureau, managers, project leads, quality supervisors and admins, the area's for township "
                           "offices, the caller's own for enterprise staff", "credit", None, credit.CreditQuery,
                           {"200": credit.CreditListSchema}),
    "public_spot_checks": ("Published results of random site checks (双随机一公开), newest first; no token needed",
                           "public", None, spot_checks.PageQuerySchema, {"200": spot_checks.PublicDrawListSchema}),
    "public_spot_check": ("One published draw's results: per drawn case the enterprise, hazard type and grade, when "
                          "it was checked, the progress found and the conclusion; no token needed", "public", None,
                          None, {"200": spot_checks.PublicDrawDetailSchema}),
    "publish_spot_check_results": ("Publish a draw's results (the bureau), once every drawn case was checked on site "
                                   "(409 before, and when already published)", "supervision", None, None,
                                   {"200": spot_checks.DrawStateSchema}),
    "withdraw_spot_check_results": ("Take a draw's published results off the public page with a reason (the "
                                    "bureau)", "supervision", spot_checks.WithdrawRequestSchema, None,
                                    {"200": spot_checks.DrawStateSchema}),
    "public_hazards_list": ("The hazards the bureau opened to the public (隐患整改公众查询), newest first, by keyword "
                            "and stage; no token needed", "public", None, ph.PublicHazardQuery,
                            {"200": ph.PublicHazardListSchema}),
    "public_hazard": ("One public hazard by its code: where, what kind, its rectification deadline and stage; no "
                      "token needed", "public", None, None, {"200": ph.PublicHazardSchema}),
    "publish_hazard": ("Open a case to the public under a public title (the bureau; 409 when it already is)",
                       "hazards", ph.PublicationRequestSchema, None, {"201": ph.PublicationSchema}),
    "withdraw_hazard_publication": ("Take a case off the public query with a reason (the bureau)", "hazards",
                                    ph.WithdrawalRequestSchema, None, {"200": "the case is no longer public"}),
    "list_typical_cases": ("The typical problem case library (典型问题案例库), newest first, filtered by keyword, hazard "
                           "type, industry and quarter (every staff role; enterprise tokens: 404)", "typical-cases",
                           None, tc.TypicalCaseQuery, {"200": tc.TypicalCaseListSchema}),
    "list_service_reports": ("An enterprise's service reports (企业服务情况报告), the latest period first (project lead, "
                             "bureau, manager, quality, admin; enterprise tokens: their own enterprise's issued ones)",
                             "service-reports", None, None, {"200": sr.ServiceReportListSchema}),
    "create_service_report": ("Draft a service report of an enterprise over a period, or issue it at once with "
                              "`issue: true` (project lead); 409 when an issued report covers one of its days",
                              "service-reports", sr.ServiceReportRequestSchema, None,
                              {"201": sr.ServiceReportSchema}),
    "get_service_report": ("One service report with its facts (frozen when issued)", "service-reports", None, None,
                           {"200": sr.ServiceReportSchema}),
    "issue_service_report": ("Issue a draft (project lead): its facts are frozen, the enterprise's staff and the "
                             "bureau told; 409 when issued already or overlapping an issued report",
                             "service-reports", None, None, {"200": sr.ServiceReportSchema}),
    "withdraw_service_report": ("Withdraw an issued report with a reason (project lead): kept and readable as "
                                "withdrawn, it no longer counts for the overlap rule, so a corrected report may be "
                                "issued for the same period; the enterprise's staff and the bureau told; 409 for a "
                                "draft (edit it instead) or a report withdrawn already", "service-reports",
                                sr.ServiceReportWithdrawalSchema, None, {"200": sr.ServiceReportSchema}),
    "get_typical_case": ("One entry of the case library", "typical-cases", None, None, {"200": tc.TypicalCaseSchema}),
    "add_typical_case": ("Put a case into the library, once (409 for a second entry; project lead, quality "
                         "supervisor, bureau); fields left out are drafted from the case, the cause analysis must be "
                         "written", "typical-cases", tc.TypicalCaseRequestSchema, None,
                         {"201": tc.TypicalCaseSchema}),
    "update_typical_case": ("Edit an entry (project lead, quality supervisor, bureau): the fields given change, "
                            "those left out keep their value; with `version`, 409 when edited meanwhile",
                            "typical-cases", tc.TypicalCaseUpdateSchema, None, {"200": tc.TypicalCaseSchema}),
    "upload_attachment": ("Upload a photo or PDF", "attachments", "multipart", None, {"201": s.AttachmentSchema}),
    "download_attachment": ("Download an attachment", "attachments", None, None, {"200": "the file"}),
}
