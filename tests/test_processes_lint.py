"""Validation before deploy: the lint on the real shipped diagrams, one broken or hostile change at a time."""
import pytest

from app.models import ROLES
from app.services import process_lint
from process_support import BPMN, DMN, edited, shipped

ALL_ROLES = set(ROLES)


def lint(files, forms, held=ALL_ROLES, **kw):
    return process_lint.lint(files, forms, held=held, **kw)


def only_errors(problems):
    return [p for p in problems if p["level"] == "error"]


def error_for(problems, element_id):
    found = [p for p in only_errors(problems) if p["element_id"] == element_id]
    assert found, problems
    return found[0]


def test_shipped_diagrams_pass_without_problems(app):
    assert lint(*shipped()) == []


# ---- hostile or broken files ------------------------------------------------------------------------------------
def test_malformed_xml_is_rejected_with_the_file_named(app):
    files, forms = shipped()
    files[BPMN] = files[BPMN].replace("</bpmn:definitions>", "")
    [found] = lint(files, forms)
    assert found["file"] == BPMN and "malformed XML" in found["message"]


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',  # XXE
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',  # billion laughs (shortened)
])
def test_dtds_and_entities_are_rejected(app, prolog):
    files, forms = shipped()
    files[DMN] = files[DMN].replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>' + prolog)
    [found] = lint(files, forms)
    assert found["file"] == DMN and "entit" in found["message"]


def test_a_file_over_the_size_limit_is_rejected(app):
    files, forms = shipped()
    [found] = lint(files, forms, max_bytes=10_000)  # the BPMN is ~65 kB, the DMN ~4 kB
    assert found["file"] == BPMN and "over the limit of 10000" in found["message"]


def test_file_names_other_than_bpmn_and_dmn_are_rejected(app):
    files, forms = shipped()
    files["../evil.bpmn.sh"] = files[DMN]
    assert "file names" in lint(files, forms)[0]["message"]


# ---- timers ------------------------------------------------------------------------------------------------------
def test_unquoted_iso_duration_in_a_timer_is_an_error(app):
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">PT2H</bpmn:timeDate>")
    found = error_for(lint(files, forms), "Timer_assignment_overdue")
    assert "quote it: 'PT2H'" in found["message"] and found["element_name"] == "2小时未指派"


def test_a_quoted_duration_is_no_date_but_is_a_valid_duration(app):
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">'PT2H'</bpmn:timeDate>")
    assert "a timeDate needs a date-time" in error_for(lint(files, forms), "Timer_assignment_overdue")["message"]
    files, forms = edited("<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">assignment_due</bpmn:timeDate>",
                          "<bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">'PT2H'</bpmn:timeDuration>")
    assert only_errors(lint(files, forms)) == []


def test_a_timer_on_a_variable_nobody_sets_is_an_error(app):
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">add_workdays(assigned_at, 2)</bpmn:timeDate>")
    assert "assigned_at" in error_for(lint(files, forms), "Timer_assignment_overdue")["message"]


def test_a_timer_with_the_working_day_functions_passes(app):
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">add_workdays(registered_at, 1)</bpmn:timeDate>")
    assert only_errors(lint(files, forms)) == []


# ---- scripts and conditions --------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["__import__('os').system('id')", "import os", "x = ().__class__"])
def test_escapes_in_a_script_are_errors(app, line):
    files, forms = edited("round = 1\n", f"round = 1\n{line}\n")
    found = error_for(lint(files, forms), "Script_init")
    assert found["element_name"] == "初始化闭环数据" and "restricted" in found["message"]


def test_escape_in_a_condition_is_an_error(app):
    files, forms = edited("grade == 'general'</bpmn:conditionExpression>",
                          "__import__('os') or grade == 'general'</bpmn:conditionExpression>")
    found = [p for p in only_errors(lint(files, forms)) if "restricted" in p["message"]]
    assert found and found[0]["element_id"].startswith("Flow_")


def test_escape_in_a_decision_table_cell_is_an_error(app):
    files, forms = shipped()
    files[DMN] = files[DMN].replace("<text>'general'</text>", "<text>__import__('os')</text>")
    found = only_errors(lint(files, forms))
    assert found and found[0]["file"] == DMN and found[0]["element_id"] == "OutputEntry_general_grade"


# ---- lanes and forms ---------------------------------------------------------------------------------------------
def test_a_lane_that_is_no_role_is_an_error(app):
    files, forms = edited('<bpmn:lane id="Lane_supervision" name="supervision">',
                          '<bpmn:lane id="Lane_supervision" name="督导">')
    assert "not a role code" in error_for(lint(files, forms), "Lane_supervision")["message"]


def test_a_lane_nobody_holds_is_an_error(app):
    found = error_for(lint(*shipped(), held=ALL_ROLES - {"expert"}), "Lane_joint_expert")
    assert "nobody holds the role expert" in found["message"]


def test_a_user_task_with_a_missing_form_is_an_error(app):
    files, forms = shipped()
    del forms["stop_work_order"]
    assert "'stop_work_order' does not exist" in error_for(lint(files, forms), "Task_stop_work")["message"]


def test_a_user_task_without_form_key_is_an_error(app):
    files, forms = edited('<spiffworkflow:property name="formKey" value="stop_work_order" />', "")
    assert "no formKey" in error_for(lint(files, forms), "Task_stop_work")["message"]


def test_an_invalid_form_schema_is_an_error(app):
    files, forms = shipped()
    forms["verification"]["schema"]["properties"]["passed"]["type"] = "yes-or-no"
    found = only_errors(lint(files, forms))
    assert found[0]["file"] == "forms/verification.json" and "JSON Schema" in found[0]["message"]


# ---- gateways and reachability -----------------------------------------------------------------------------------
def test_a_gateway_flow_without_condition_is_an_error(app):
    files, forms = edited("grade == 'larger'</bpmn:conditionExpression>", "</bpmn:conditionExpression>")
    assert "has no condition" in error_for(lint(files, forms), "Gateway_verify_tier")["message"]


def test_a_gateway_without_default_needs_conditions_everywhere(app):
    files, forms = edited('name="重大及以上？" default="Flow_report_no"', 'name="重大及以上？"')
    found = error_for(lint(files, forms), "Gateway_report")
    assert "Flow_report_no" in found["message"] and "no default flow" in found["message"]


def test_an_unreachable_element_is_an_error(app):
    files, forms = edited('<bpmn:startEvent id="StartEvent_registration"',
                          '<bpmn:task id="Task_orphan" name="孤立任务" />\n'
                          '    <bpmn:startEvent id="StartEvent_registration"')
    found = error_for(lint(files, forms), "Task_orphan")
    assert found["element_name"] == "孤立任务" and "not reachable" in found["message"]


def test_an_element_from_which_no_end_is_reachable_is_an_error(app):
    files, forms = edited('<bpmn:startEvent id="StartEvent_registration"',
                          '<bpmn:task id="Task_dead" name="死胡同"><bpmn:incoming>Flow_dead</bpmn:incoming></bpmn:task>\n'
                          '    <bpmn:sequenceFlow id="Flow_dead" sourceRef="Gateway_split" targetRef="Task_dead" />\n'
                          '    <bpmn:startEvent id="StartEvent_registration"')
    assert "no end event" in error_for(lint(files, forms), "Task_dead")["message"]


def test_a_diagram_the_engine_cannot_load_is_an_error(app):
    files, forms = edited('calledElement="hazard_joint_verification"', 'calledElement="no_such_process"')
    found = only_errors(lint(files, forms))
    assert any("engine cannot load" in p["message"] for p in found)


def test_a_literal_date_without_a_time_zone_is_a_warning_not_an_error(app):
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">'2026-12-01T09:00:00'</bpmn:timeDate>")
    problems = [p for p in lint(files, forms) if p.get("element_id") == "Timer_assignment_overdue"]
    assert [p["level"] for p in problems] == ["warning"] and "+08:00" in problems[0]["message"]
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">'2026-12-01T09:00:00+08:00'</bpmn:timeDate>")
    assert [p for p in lint(files, forms) if p.get("element_id") == "Timer_assignment_overdue"] == []
