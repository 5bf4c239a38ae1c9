"""A case running on a process version from before the grade review (its diagram has no `regrade` boundary event)
is told so (409), and keeps its grade."""
import re

import pytest

from app.errors import Conflict
from process_support import BPMN, deploy_as, restore_versions, shipped  # noqa: F401
from tests.test_lifecycle_service import case_row
from tests.test_regrading import assigned, do_regrade

pytestmark = pytest.mark.usefixtures("restore_versions")


def without_regrade_message(bpmn):
    """The shipped diagram as versions before the review had it in rectification: no boundary event waiting for
    the `regrade` message (its flow, lane entry and drawing removed too)."""
    for pattern in (r'\s*<bpmn:boundaryEvent id="Message_rect_regrade".*?</bpmn:boundaryEvent>',
                    r'\s*<bpmn:sequenceFlow id="Flow_rect_regrade" [^>]*/>',
                    r'\s*<bpmn:incoming>Flow_rect_regrade</bpmn:incoming>',
                    r'\s*<bpmn:flowNodeRef>Message_rect_regrade</bpmn:flowNodeRef>',
                    r'\s*<bpmndi:BPMNShape id="Message_rect_regrade_di".*?</bpmndi:BPMNShape>',
                    r'\s*<bpmndi:BPMNEdge id="Flow_rect_regrade_di".*?</bpmndi:BPMNEdge>'):
        bpmn, count = re.subn(pattern, "", bpmn, flags=re.S)
        assert count == 1, pattern
    return bpmn


@pytest.fixture
def old_version_deployed(people):
    files, forms = shipped()
    deploy_as(people.process_owner, {**files, BPMN: without_regrade_message(files[BPMN])}, forms)


def test_a_case_on_a_version_without_the_review_cannot_be_regraded(people, old_version_deployed):
    case_id = assigned(people)
    with pytest.raises(Conflict, match="流程版本不支持"):
        do_regrade(people.project_lead, case_id)
    assert case_row(case_id).grade == "general" and case_row(case_id).status == "rectifying"
