"""What codes and diagram names are called in the current language: the steps of the diagram, the process events
and the audited actions (each marked for the English catalog), and whether the page is in English."""
from flask_babel import get_locale
from flask_babel import gettext as _


def is_english():
    return str(get_locale()) == "en"


def label(table, code):
    """A code's name from a {code: (Chinese, English)} table in the current language; an unknown code as it is."""
    names = table.get(code)
    if not names:
        return code or ""
    return names[1] if is_english() else names[0]


def N_(text):
    """Mark a string for extraction (Babel's default N_ keyword) without translating it here."""
    return text


# Names that come from the diagram and the services, so that they appear in the English catalog.
_STEP_NAMES = [N_("隐患登记"), N_("整改指派"), N_("企业整改"), N_("复核验收（项目执行小组）"), N_("复核验收（督导组）"),
               N_("局方审核销号"), N_("专家审核"), N_("下达停产停业指令"), N_("移送执法"), N_("已销号")]
_EVENT_NAMES = {"major_hazard_report": N_("重大隐患报告"), "assignment_overdue": N_("隐患超过2小时未指派"),
                "rectification_reminder": N_("整改期限即将届满提醒"),
                "rectification_urging": N_("催办通知：整改已逾期"),
                "enforcement_referral": N_("逾期未整改，移送执法"),
                "verification_overdue": N_("复核验收超过3个工作日"), "quality_problem": N_("质量抽查发现问题"),
                "monthly_report": N_("隐患排查治理月报"), "weekly_report": N_("隐患整改进展周报"),
                "region_risk_raised": N_("区域风险等级升高"), "objection_raised": N_("企业提出异议"),
                "objection_answered": N_("异议已答复"), "objection_overdue": N_("企业异议超过3个工作日未答复"),
                "follow_up_recurred": N_("销号后复查发现隐患反弹"), "follow_up_overdue": N_("销号后复查逾期未做"),
                "inspection_planned": N_("排查通知"), "inspection_plan_cancelled": N_("排查取消"),
                "case_regraded": N_("隐患重新定级"), "inspection_recorded": N_("排查结果待确认"),
                "cooperation_supervision": N_("配合评分连续两月 C 类，启动专项督导"),
                "inspection_acknowledged": N_("排查结果已由企业确认"),
                "rectification_lagging": N_("整改督导：进度滞后"), "rectification_interview": N_("整改督导：启动约谈"),
                "site_checks_drawn": N_("双随机抽查：请现场督导检查"),
                "measurement_exceeded": N_("现场检测数据超标"),
                "visit_rating_low": N_("满意度低分评价"),
                "complaint_raised": N_("收到服务投诉"), "complaint_answer_drafted": N_("投诉答复待审核"),
                "complaint_answer_returned": N_("投诉答复被退回"), "complaint_answered": N_("服务投诉答复"),
                "complaint_investigation_overdue": N_("服务投诉超过24小时未启动调查"),
                "complaint_answer_overdue": N_("服务投诉超过72小时未答复"),
                "checklist_updated": N_("标准更新通知"), "checklist_change_proposed": N_("检查表修改待审核"),
                "checklist_change_approved": N_("检查表修改已批准生效"),
                "checklist_change_rejected": N_("检查表修改被退回"),
                "service_report_issued": N_("企业服务情况报告已出具"),
                "service_report_withdrawn": N_("企业服务情况报告已撤回"),
                "iot_warning": N_("物联网监测预警"), "iot_alarm": N_("物联网监测告警"),
                "iot_offline": N_("监测设备离线"), "iot_alarm_escalated": N_("监测告警超时无人确认"),
                "iot_maintenance_due": N_("监测设备维护提醒"),
                "public_report_received": N_("收到群众举报"), "public_report_assigned": N_("群众举报待核查"),
                "bureau_notice": N_("通知公告"), "bureau_notice_withdrawn": N_("通知公告已撤回"),
                "warning_case": N_("警示案例"),
                "bureau_notice_urged": N_("通知催签"), "bureau_notice_overdue": N_("通知签收期限已过"),
                "case_referred": N_("隐患移送其他部门"), "referral_overdue": N_("移送部门逾期未回复"),
                "referral_received": N_("收到移送函"), "referral_reply_overdue": N_("移送函超过回复期限"),
                "referral_department_replied": N_("部门回复移送"),
                "major_report_due": N_("重大隐患专报待报送"), "major_plan_due": N_("重大隐患治理方案待提交"),
                "major_report_submitted": N_("重大隐患专报"), "major_plan_submitted": N_("重大隐患治理方案待审核"),
                "major_plan_approved": N_("重大隐患治理方案已批准"), "major_plan_returned": N_("重大隐患治理方案被退回"),
                "major_report_overdue": N_("重大隐患专报逾期未报送"),
                "major_plan_overdue": N_("重大隐患治理方案逾期未提交"),
                "major_hazard_listed": N_("重大隐患挂牌督办"), "major_hazard_delisted": N_("重大隐患摘牌"),
                "enterprise_document_expiring": N_("档案证照即将到期"),
                "enterprise_document_expired": N_("档案证照已过期"),
                "enterprise_document_returned": N_("档案资料被退回"),
                "expert_dispatched": N_("专家调派"), "instrument_calibration_due": N_("设备校准到期提醒"),
                "staff_certificate_expiring": N_("人员证书即将到期"), "staff_certificate_expired": N_("人员证书已过期"),
                "return_visit_due": N_("重点企业待回访提醒"), "return_visit_regressed": N_("回访发现整改成效反弹"),
                "return_visit_low_score": N_("回访满意度低分"),
                "return_visit_report_submitted": N_("季度回访汇总报告已提交"),
                "return_visit_report_acknowledged": N_("季度回访汇总报告已确认接收"),
                "return_visit_report_returned": N_("季度回访汇总报告被退回"),
                "periodic_report_issued": N_("定期报告已报送"), "periodic_report_signed": N_("定期报告已签收"),
                "periodic_report_returned": N_("定期报告被退回修改"), "periodic_report_overdue": N_("定期报告逾期未报送"),
                "hazard_source_returned": N_("重大危险源登记被退回"),
                "hazard_source_assessment_due": N_("重大危险源安全评估即将到期"),
                "hazard_source_assessment_lapsed": N_("重大危险源安全评估已过期"),
                "emergency_received": N_("突发状况接报"), "emergency_arrival_late": N_("突发状况到场超时"),
                "risk_point_returned": N_("风险点被退回"), "risk_point_red": N_("企业辨识出重大风险点"),
                "meeting_minutes_issued": N_("会议纪要已印发"), "meeting_action_assigned": N_("会议督办事项"),
                "meeting_action_done": N_("督办事项已完成"), "meeting_action_overdue": N_("督办事项逾期未完成"),
                "supply_expiring": N_("应急物资即将过期"), "supply_expired": N_("应急物资已过期")}
_ACTIONS = {"hazard_registered": N_("登记隐患信息"), "task_claimed": N_("认领任务"), "task_released": N_("释放任务"),
            "task_reassigned": N_("改派任务"), "task_draft_saved": N_("保存草稿"), "task_completed": N_("完成"),
            "draft_files_removed": N_("撤下草稿附件"),
            "case_updated": N_("流程推进"), "case_regraded": N_("重新定级"),
            "inspection_acknowledged": N_("企业确认排查结果"), "rectification_checked": N_("整改督导检查"),
            "site_checks_drawn": N_("双随机抽取督导检查"),
            "spot_check_results_published": N_("公开双随机抽查结果"),
            "spot_check_results_withdrawn": N_("撤回公开的抽查结果"),
            "case_made_public": N_("向社会公开隐患"), "case_withdrawn_from_public": N_("撤回公开的隐患"),
            "visit_rated": N_("满意度评价"),
            "visit_checked_in": N_("排查到场打卡"), "visit_checked_out": N_("排查离场打卡"),
            "visit_files_added": N_("上传排查现场资料"),
            "process_event": N_("流程事件"), "timer_fired": N_("期限到达"), "case_migrated": N_("迁移到新流程版本"),
            "deadlines_recomputed": N_("按新日历重算期限"), "enforcement_referred": N_("移送执法"),
            "incident_opened": N_("流程异常"), "incident_retried": N_("重试异常"),
            "key_supervision_added": N_("列入重点督办"), "key_supervision_removed": N_("移出重点督办"),
            "calendar_imported": N_("导入节假日安排"), "calendar_override": N_("调整工作日"),
            "calendar_override_removed": N_("取消工作日调整"), "process_deployed": N_("部署流程版本"),
            "enterprise_added": N_("添加企业"), "enterprise_updated": N_("修改企业信息"),
            "enterprises_imported": N_("导入企业名录"), "accident_recorded": N_("登记事故记录"),
            "accident_removed": N_("删除事故记录"), "accidents_imported": N_("导入事故记录"),
            "inspection_recorded": N_("登记排查"), "inspection_planned": N_("制定排查计划并通知企业"),
            "inspection_plan_cancelled": N_("取消排查计划"), "objection_raised": N_("提出异议"),
            "objection_answered": N_("答复异议"), "follow_up_recorded": N_("登记销号后复查"),
            "notice_acknowledged": N_("签收整改通知书"),
            "checklist_recorded": N_("登记检查表结果"), "checklists_loaded": N_("加载标准检查表"),
            "checklist_item_added": N_("添加检查项"), "checklist_item_updated": N_("修改检查项"),
            "checklist_item_activated": N_("启用检查项"), "checklist_item_deactivated": N_("停用检查项"),
            "checklist_change_proposed": N_("提出检查表修改"), "checklist_change_withdrawn": N_("撤回检查表修改"),
            "checklist_change_approved": N_("技术负责人批准检查表修改"),
            "checklist_change_rejected": N_("技术负责人退回检查表修改"),
            "user_created": N_("创建用户"),
            "user_updated": N_("修改用户信息"), "password_set": N_("设置新密码"), "user_activated": N_("启用账号"),
            "user_deactivated": N_("停用账号"), "quality_sampled": N_("抽中质量抽查"),
            "quality_reviewed": N_("质量抽查结论"), "login_locked": N_("登录失败次数过多，账号锁定"),
            "logged_in": N_("登录系统"), "login_failed": N_("登录失败（密码或验证码错误）"),
            "two_factor_enabled": N_("开启双因素认证"), "two_factor_disabled": N_("关闭双因素认证"),
            "two_factor_reset": N_("管理员重置双因素认证"),
            "monthly_report_sent": N_("发送月报"), "weekly_report_sent": N_("发送周报"),
            "cooperation_scored": N_("计算企业配合评分"),
            "password_changed": N_("修改自己的密码"),
            "complaint_raised": N_("提出服务投诉"), "complaint_opened": N_("低分评价转为服务投诉"),
            "complaint_investigation_started": N_("启动投诉调查"), "complaint_answer_drafted": N_("拟写投诉答复"),
            "complaint_answer_approved": N_("审核发送投诉答复"), "complaint_answer_returned": N_("退回投诉答复"),
            "complaint_overdue": N_("服务投诉逾期催办"),
            "typical_case_added": N_("加入典型案例库"), "typical_case_updated": N_("修改典型案例"),
            "typical_case_published": N_("向企业发布警示案例"), "typical_case_withdrawn": N_("撤回警示案例"),
            "service_report_drafted": N_("起草企业服务情况报告"), "service_report_updated": N_("修改服务情况报告草稿"),
            "service_report_issued": N_("出具企业服务情况报告"),
            "service_report_withdrawn": N_("撤回企业服务情况报告"),
            "iot_device_registered": N_("登记监测设备"), "iot_device_updated": N_("修改监测设备"),
            "iot_device_key_rotated": N_("更换设备接入密钥"), "iot_gateway_added": N_("添加边缘网关"),
            "iot_gateway_key_rotated": N_("更换网关接入密钥"), "iot_gateway_revoked": N_("停用边缘网关"),
            "iot_alarm_opened": N_("监测指标超限告警"), "iot_alarm_raised": N_("预警升级为告警"),
            "iot_alarm_recovered": N_("监测恢复正常"), "iot_device_offline": N_("监测设备离线"),
            "iot_alarm_acknowledged": N_("确认监测告警"), "iot_alarm_closed": N_("关闭监测告警"),
            "iot_alarm_escalated": N_("监测告警超时催办"), "iot_alarm_registered_as_hazard": N_("告警登记为隐患"),
            "iot_maintenance_recorded": N_("登记设备维护"),
            "public_report_received": N_("收到群众举报"), "public_report_accepted": N_("受理群众举报"),
            "public_report_rejected": N_("不予受理群众举报"), "public_report_assigned": N_("指派核查群众举报"),
            "public_report_verified": N_("登记举报核查结果"), "public_report_case_linked": N_("举报关联隐患案件"),
            "public_report_reward_proposed": N_("提出举报奖励"), "public_report_reward_approved": N_("批准举报奖励"),
            "public_report_reward_paid": N_("登记举报奖励发放"),
            "service_project_created": N_("建立服务项目"), "service_project_updated": N_("修改服务项目"),
            "service_project_roster_added": N_("加入服务对象名单"),
            "service_project_roster_removed": N_("移出服务对象名单"),
            "service_project_roster_imported": N_("导入服务对象名单"),
            "campaign_created": N_("建立专项行动"), "campaign_updated": N_("修改专项行动"),
            "campaign_started": N_("启动专项行动"),
            "bureau_notice_drafted": N_("起草通知公告"), "bureau_notice_updated": N_("修改通知公告草稿"),
            "bureau_notice_published": N_("发布通知公告"), "bureau_notice_withdrawn": N_("撤回通知公告"),
            "bureau_notice_signed": N_("企业签收通知公告"), "bureau_notice_urged": N_("催签通知公告"),
            "department_added": N_("添加部门"), "department_saved": N_("修改部门信息"),
            "case_referred": N_("移送/抄告其他部门"), "referral_replied": N_("登记部门回复"),
            "referral_closed": N_("移送办结"), "referral_urged": N_("移送逾期未回复催办"),
            "referral_signed": N_("部门签收移送函"),
            "joint_meeting_recorded": N_("登记联席会议"),
            "major_hazard_opened": N_("建立重大隐患专报与治理方案记录"), "major_report_submitted": N_("报送重大隐患专报"),
            "major_plan_submitted": N_("提交重大隐患治理方案"), "major_plan_approved": N_("批准重大隐患治理方案"),
            "major_plan_returned": N_("退回重大隐患治理方案"), "major_hazard_urged": N_("重大隐患专报或治理方案逾期催办"),
            "major_hazard_listed": N_("挂牌督办"), "major_hazard_delisted": N_("摘牌"),
            "enforcement_filed": N_("登记执法立案"), "enforcement_not_filed": N_("登记不予立案"),
            "enforcement_decided": N_("登记执法处理决定"), "enforcement_executed": N_("登记执法决定执行情况"),
            "enforcement_closed": N_("执法案件结案"),
            "enterprise_document_added": N_("上传档案资料"), "enterprise_document_updated": N_("更新档案资料"),
            "enterprise_document_reviewed": N_("审核档案资料"), "enterprise_document_returned": N_("退回档案资料"),
            "enterprise_document_retired": N_("档案资料移出档案"),
            "enterprise_document_expiring": N_("提醒企业证照即将到期"),
            "enterprise_document_expired": N_("提醒企业证照已过期"),
            "hazard_source_added": N_("登记重大危险源"), "hazard_source_updated": N_("修改重大危险源"),
            "hazard_source_reviewed": N_("审核重大危险源"), "hazard_source_returned": N_("退回重大危险源登记"),
            "hazard_source_retired": N_("核销重大危险源"),
            "hazard_source_assessment_due": N_("提醒企业重大危险源安全评估即将到期"),
            "hazard_source_assessment_lapsed": N_("提醒企业重大危险源安全评估已过期"),
            "training_recorded": N_("登记培训记录"), "training_updated": N_("修改培训记录"),
            "training_assessed": N_("登记培训考核结果"), "training_plan_item_added": N_("加入年度培训计划"),
            "training_plan_item_removed": N_("删除年度培训计划项"), "drill_recorded": N_("登记应急演练"),
            "drill_updated": N_("修改应急演练记录"), "drill_problem_registered": N_("演练问题登记为隐患"),
            "expert_added": N_("添加专家"), "expert_saved": N_("修改专家信息"), "expert_dispatched": N_("调派专家"),
            "instrument_added": N_("添加设备"), "instrument_saved": N_("修改设备信息"),
            "instrument_lent": N_("设备借出"), "instrument_returned": N_("设备归还"),
            "staff_certificate_added": N_("登记人员证书"), "staff_certificate_updated": N_("修改人员证书"),
            "staff_certificate_removed": N_("删除人员证书"),
            "staff_certificate_expiring": N_("提醒人员证书即将到期"),
            "staff_certificate_expired": N_("提醒人员证书已过期"),
            "return_visit_recorded": N_("登记回访"), "return_visit_regression_registered": N_("回访反弹登记为隐患"),
            "return_visit_due_sent": N_("发送待回访提醒"), "key_enterprise_marked": N_("标记回访重点企业"),
            "key_enterprise_unmarked": N_("取消回访重点企业标记"),
            "return_visit_report_drafted": N_("起草季度回访汇总报告"),
            "return_visit_report_updated": N_("修改季度回访汇总报告"),
            "return_visit_report_submitted": N_("提交季度回访汇总报告"),
            "return_visit_report_acknowledged": N_("确认接收季度回访汇总报告"),
            "return_visit_report_returned": N_("退回季度回访汇总报告"),
            "periodic_report_drafted": N_("起草定期报告"), "periodic_report_updated": N_("修改定期报告"),
            "periodic_report_issued": N_("报送定期报告"), "periodic_report_signed": N_("签收定期报告"),
            "periodic_report_returned": N_("退回定期报告"), "periodic_report_published": N_("发布年度整改白皮书"),
            "periodic_report_unpublished": N_("撤下年度整改白皮书"),
            "emergency_received": N_("突发状况接报登记"), "emergency_updated": N_("修改突发状况记录"),
            "emergency_stage_recorded": N_("记录突发状况处置环节时间"), "emergency_closed": N_("突发状况结案"),
            "emergency_notified": N_("突发状况通知局方和项目负责人"), "emergency_arrival_late": N_("突发状况到场超时提醒"),
            "emergency_responder_added": N_("登记出动人员"), "emergency_responder_removed": N_("移除出动人员"),
            "emergency_instrument_sent": N_("登记出动设备"), "emergency_registered_as_hazard": N_("突发状况登记为隐患"),
            "emergency_duty_added": N_("添加值班安排"), "emergency_duty_removed": N_("删除值班安排"),
            "risk_point_added": N_("添加风险点"), "risk_point_updated": N_("修改风险点"),
            "risk_point_reviewed": N_("审核风险点"), "risk_point_returned": N_("退回风险点"),
            "risk_point_retired": N_("风险点移出清单"), "risk_site_plan_uploaded": N_("上传风险分布图平面图"),
            "risk_marker_placed": N_("标注风险点位置"),
            "meeting_planned": N_("登记会议"), "meeting_updated": N_("修改会议"),
            "meeting_minutes_recorded": N_("登记会议纪要"), "meeting_minutes_issued": N_("印发会议纪要"),
            "meeting_minutes_signed": N_("签收会议纪要"), "meeting_action_added": N_("登记督办事项"),
            "meeting_action_done": N_("督办事项完成"), "meeting_action_cancelled": N_("取消督办事项"),
            "meeting_action_urged": N_("督办事项逾期催办"),
            "supply_point_added": N_("添加应急物资储备点"), "supply_point_saved": N_("修改应急物资储备点"),
            "supply_kind_added": N_("添加应急物资品种"), "supply_kind_saved": N_("修改应急物资品种"),
            "supply_minimum_set": N_("设置最低储备量"), "supply_received": N_("应急物资入库"),
            "supply_issued": N_("应急物资出库"), "supply_transferred": N_("应急物资调拨调出"),
            "supply_transfer_received": N_("应急物资调拨调入"), "supply_scrapped": N_("应急物资报废"),
            "supply_counted": N_("应急物资盘点"), "supply_batch_expiring": N_("提醒应急物资即将过期"),
            "supply_batch_expired": N_("提醒应急物资已过期")}


def step_name(name):
    """A diagram step name (or several joined by "、") in the current language."""
    if not name:
        return ""
    return (", " if is_english() else "、").join(_(part) for part in name.split("、"))


ACTION_CODES = frozenset(_ACTIONS)


def action_name(code):
    return _(_ACTIONS[code]) if code in _ACTIONS else code


def action_choices():
    """(code, name) of every audited action, in the current language, for a filter."""
    return [(code, _(name)) for code, name in _ACTIONS.items()]


def event_name(code):
    return _(_EVENT_NAMES[code]) if code in _EVENT_NAMES else code
