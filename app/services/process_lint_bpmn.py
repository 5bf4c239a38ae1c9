"""The element-level checks of one BPMN file (see process_lint): lanes, forms, timers, expressions, gateways,
reachability. Expressions are compiled in the restricted environment the engine runs them in, and timers are
evaluated there with stub calendar functions and sample data."""
import re
from datetime import datetime

from ..engine import SandboxError, compile_expression, compile_script
from ..engine.inspection import TIMER_KINDS, timer_value_problem
from ..engine.sandbox import RestrictedEnvironment
from ..models import ROLES

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
SAMPLE_MOMENT = "2026-11-23T09:00:00+08:00"
# An ISO 8601 duration / cycle / date typed without quotes: Python reads it as a name or a syntax error.
_BARE_ISO = re.compile(r"^(R\d*/)?P(\d+[YMWD])*(T(\d+([.,]\d+)?[HMS])+)?$|^\d{4}-\d{2}-\d{2}(T[\d:.+\-Z]*)?$", re.I)
FLOW_NODES = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess", "transaction", "startEvent", "endEvent",
              "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent", "exclusiveGateway",
              "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
HUMAN_TASKS = ("userTask", "manualTask")


def msg(zh, en):
    """A message in the app's "中文 / English" style (the web shows the half for the user's language)."""
    return f"{zh} / {en}"


def prefixed(zh_prefix, en_prefix, message):
    zh, _sep, en = message.partition(" / ")
    return msg(zh_prefix + zh, en_prefix + (en or zh))


def problem(file, message, element=None, element_id=None, name=None, level="error"):
    if element is not None:
        element_id, name = element.get("id"), element.get("name")
    return {"element_id": element_id or "", "element_name": name or "", "file": file, "message": message,
            "level": level}


def local(element):
    return etree_local(element.tag)


def etree_local(tag):
    """The tag without its namespace; comments and processing instructions have none."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# ---- expressions ----------------------------------------------------------------------------------------------
def stub_functions():
    """Stand-ins with the signatures of ScriptFunctions: they return sample moments and read no calendar."""
    return {"now": lambda: SAMPLE_MOMENT,
            "add_workdays": lambda moment, days: SAMPLE_MOMENT,
            "add_hours": lambda moment, hours: SAMPLE_MOMENT}


def _sample_eval(text, known):
    return RestrictedEnvironment(stub_functions()).evaluate(text, dict.fromkeys(known, SAMPLE_MOMENT))


def expression_problem(source, known):
    """Compile in the restricted environment, then evaluate with sample data to find names nothing sets."""
    text = (source or "").strip()
    if not text:
        return msg("表达式为空", "empty expression")
    if _BARE_ISO.match(text):
        return msg(f"{text} 是写成 Python 代码的 ISO 8601 值，要加引号：'{text}'",
                   f"{text} is an ISO 8601 value written as Python code; quote it: '{text}'")
    try:
        compile_expression(text)
    except SandboxError as exc:
        return restricted(exc)
    try:
        _sample_eval(text, known)
    except NameError as exc:
        return msg(f"用到了没有任何脚本、决策表、表单或登记数据设置的变量（{exc}）",
                   f"uses a name that no script, decision, form or start data sets ({exc})")
    except Exception:  # noqa: BLE001 - sample values of the wrong type are not the diagram's fault
        pass
    return None


def script_problem(source):
    try:
        compile_script(source or "")
    except SandboxError as exc:
        return restricted(exc)
    return None


def restricted(exc):
    return msg(f"受限环境不允许：{exc}", f"not allowed in the restricted environment: {exc}")


def timer_problem(kind, source, known):
    """None, or (level, message): an error when the engine could not use the timer, a warning for a
    timeDate without a time zone (the engine would read it in the server's zone, not Shanghai's)."""
    found = expression_problem(source, known)
    if found:
        return "error", found
    try:
        value = _sample_eval(source.strip(), known)
    except Exception as exc:  # noqa: BLE001
        return "error", msg(f"无法用样例数据求值：{type(exc).__name__}: {exc}",
                            f"cannot be evaluated with sample data: {type(exc).__name__}: {exc}")
    found = timer_value_problem(kind, value)
    if found:
        return "error", msg(f"取值不是有效的 {kind}：{found}", found)
    if kind == "timeDate" and _naive_moment(value):
        return "warning", msg(
            f"取值 {value!r} 没有时区，引擎会按服务器时区理解；请写 +08:00，或用 add_workdays / add_hours",
            f"{value!r} has no time zone, so the engine reads it in the server's zone; write +08:00, "
            f"or use add_workdays / add_hours")
    return None


def _naive_moment(value):
    try:
        return datetime.fromisoformat(value).tzinfo is None
    except ValueError:  # a week date the engine reads another way: nothing to say about its zone
        return False


# ---- one BPMN file --------------------------------------------------------------------------------------------
class BpmnLint:
    def __init__(self, file, tree, forms, known, held, problems):
        self.file, self.tree, self.forms, self.known, self.held = file, tree, forms, known, held
        self.problems = problems

    def run(self):
        self.lanes()
        self.human_tasks()
        self.timers()
        self.expressions()
        self.gateways()
        for container in self.tree.xpath("//bpmn:process | //bpmn:subProcess | //bpmn:transaction",
                                         namespaces=NS):
            self.reachability(container)

    def add(self, element, message, level="error"):
        self.problems.append(problem(self.file, message, element=element, level=level))

    def owner(self, element):
        """The nearest element with an id (the task that owns a script, the flow that owns a condition)."""
        return element if element.get("id") else next((a for a in element.iterancestors() if a.get("id")),
                                                       element)

    # ---- lanes and human tasks ----
    def lanes(self):
        humans = {t.get("id") for kind in HUMAN_TASKS for t in self.tree.iter(f"{{{NS['bpmn']}}}{kind}")}
        for lane in self.tree.iter(f"{{{NS['bpmn']}}}lane"):
            role = (lane.get("name") or "").strip()
            refs = {r.text.strip() for r in lane.findall("bpmn:flowNodeRef", NS) if r.text}
            if role not in ROLES:
                self.add(lane, msg(f"泳道名 {role!r} 不是角色代码；可用：{'、'.join(ROLES)}",
                                   f"lane name {role!r} is not a role code; use one of: {', '.join(ROLES)}"))
            elif self.held is not None and refs & humans and role not in self.held:
                self.add(lane, msg(f"没有在职用户拥有角色 {role}（{ROLES[role][0]}）：它的任务不会进入任何人的待办；"
                                   f"请先把这个角色分配给用户",
                                   f"nobody holds the role {role} ({ROLES[role][1]}): its tasks would wait in no "
                                   f"one's inbox; give the role to an active user first"))

    def human_tasks(self):
        in_lane = {r.text.strip() for r in self.tree.iter(f"{{{NS['bpmn']}}}flowNodeRef") if r.text}
        for kind in HUMAN_TASKS:
            for task in self.tree.iter(f"{{{NS['bpmn']}}}{kind}"):
                if task.get("id") not in in_lane:
                    self.add(task, msg("此任务不在任何泳道中，没有角色能在待办中看到它",
                                       "this task is in no lane, so no role would see it in an inbox"))
                keys = task.xpath("bpmn:extensionElements/spiffworkflow:properties/"
                                  "spiffworkflow:property[@name='formKey']/@value", namespaces=NS)
                key = keys[0].strip() if keys else ""
                if not key:
                    self.add(task, msg("没有 formKey 属性：请选择此任务显示的表单",
                                       "no formKey property: pick the form this task shows"))
                elif key not in self.forms:
                    self.add(task, msg(f"表单 {key!r} 不存在（现有：{'、'.join(sorted(self.forms))}）",
                                       f"form {key!r} does not exist (forms: {', '.join(sorted(self.forms))})"))

    # ---- timers, scripts, conditions ----
    def timers(self):
        for definition in self.tree.iter(f"{{{NS['bpmn']}}}timerEventDefinition"):
            event = definition.getparent()  # the event, not the definition element (which has an id too)
            parts = [child for child in definition if etree_local(child.tag) in TIMER_KINDS]
            if not parts:
                self.add(event, msg("定时器没有 timeDate、timeDuration 或 timeCycle 表达式",
                                    "timer without a timeDate, timeDuration or timeCycle expression"))
            for part in parts:
                kind, head = etree_local(part.tag), f"{etree_local(part.tag)} {(part.text or '').strip()!r}"
                found = timer_problem(kind, part.text or "", self.known)
                if found:
                    level, message = found
                    self.add(event, prefixed(f"定时器 {head}：", f"timer {head}: ", message), level=level)

    def expressions(self):
        for script in self.tree.xpath("//bpmn:script | //spiffworkflow:preScript | //spiffworkflow:postScript",
                                      namespaces=NS):
            found = script_problem(script.text)
            if found:
                tag = etree_local(script.tag)
                self.add(self.owner(script), prefixed(f"{tag}：", f"{tag}: ", found))
        for condition in self.tree.xpath("//bpmn:conditionExpression | //bpmn:completionCondition | "
                                         "//bpmn:loopCardinality | //spiffworkflow:payloadExpression",
                                         namespaces=NS):
            found = expression_problem(condition.text, self.known)
            if found:
                head = f"{etree_local(condition.tag)} {(condition.text or '').strip()!r}"
                self.add(self.owner(condition), prefixed(f"{head}：", f"{head}: ", found))

    def gateways(self):
        flows = self.tree.xpath("//bpmn:sequenceFlow", namespaces=NS)
        for gateway in self.tree.xpath("//bpmn:exclusiveGateway | //bpmn:inclusiveGateway", namespaces=NS):
            outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
            if len(outgoing) < 2:
                continue
            default = gateway.get("default")
            if default and default not in {f.get("id") for f in outgoing}:
                self.add(gateway, msg(f"默认流 {default} 不是此网关的出口",
                                      f"default flow {default} is not one of this gateway's outgoing flows"))
            bare = [f for f in outgoing if f.get("id") != default
                    and not (f.findtext("bpmn:conditionExpression", default="", namespaces=NS) or "").strip()]
            for flow in bare:
                label = flow.get("id") + (f" {flow.get('name')!r}" if flow.get("name") else "")
                self.add(gateway, msg(f"出口 {label} 没有条件{'' if default else '，且网关没有默认流'}",
                                      f"outgoing flow {label} has no condition"
                                      f"{'' if default else ' and the gateway has no default flow'}"))

    # ---- reachability ----
    def reachability(self, container):
        nodes = {n.get("id"): n for n in container if local(n) in FLOW_NODES}
        edges = {node_id: set() for node_id in nodes}
        for flow in container.findall("bpmn:sequenceFlow", NS):
            if flow.get("sourceRef") in edges and flow.get("targetRef") in nodes:
                edges[flow.get("sourceRef")].add(flow.get("targetRef"))
        for node in nodes.values():
            if local(node) == "boundaryEvent" and node.get("attachedToRef") in edges:
                edges[node.get("attachedToRef")].add(node.get("id"))
        self._link_events(nodes, edges)
        event_subs = {i for i, n in nodes.items() if n.get("triggeredByEvent") == "true"}
        starts = {i for i, n in nodes.items() if local(n) == "startEvent"} | event_subs
        if not starts and nodes:
            self.add(container, msg("没有开始事件", "no start event"))
            return
        reached = _closure(starts, edges)
        reverse = {i: {s for s, targets in edges.items() if i in targets} for i in nodes}
        ends = {i for i, n in nodes.items() if local(n) == "endEvent"}
        finishing = _closure(ends, reverse)
        for node_id, node in nodes.items():
            if node_id not in reached:
                self.add(node, msg("从开始事件无法到达", "not reachable from a start event"))
            elif node_id not in finishing and node_id not in event_subs:
                self.add(node, msg("从这里无法到达任何结束事件", "no end event can be reached from here"))

    def _link_events(self, nodes, edges):
        """A link throw event continues at the link catch event of the same name."""
        def links(kind):
            found = {}
            for node_id, node in nodes.items():
                link = node.find("bpmn:linkEventDefinition", NS)
                if local(node) == kind and link is not None:
                    found[link.get("name") or node.get("name")] = node_id
            return found
        catches = links("intermediateCatchEvent")
        for name, throw_id in links("intermediateThrowEvent").items():
            if name in catches:
                edges[throw_id].add(catches[name])


def _closure(seeds, edges):
    seen, stack = set(seeds), list(seeds)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
