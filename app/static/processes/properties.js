/* A small properties panel for the process editor, written against bpmn-js's modeling API.
   It edits what a process owner needs without touching XML: names, lane roles, a user task's form,
   case status and deadline variable, scripts, the decision a rule task calls, timer expressions,
   gateway conditions and default flows. Every change goes through `modeling`, so undo/redo work. */
(function () {
  'use strict';

  var t = window.hazardI18n({
    '{v}（未知）': '{v} (unknown)', '在图中选择一个元素以编辑它的属性。': 'Select an element in the diagram to edit its properties.',
    '名称': 'Name', '脚本（Python）': 'Script (Python)', '受限环境：不能 import，不能使用下划线开头的名字。': 'Sandboxed: no import, no names starting with an underscore.',
    '调用的流程 id': 'Called process id', '角色（泳道）': 'Role (lane)', '— 选择角色 —': '— choose a role —',
    '泳道名就是角色代码：泳道里的任务进入该角色的待办。': "The lane name is the role code: the lane's tasks go to that role's inbox.",
    '泳道（角色）：{lane}': 'Lane (role): {lane}', '未放入泳道': 'not in a lane', '表单 formKey': 'Form formKey',
    '— 选择表单 —': '— choose a form —', '案件状态 caseStatus': 'Case status caseStatus', '期限变量 dueVariable': 'Deadline variable dueVariable',
    '保存此任务截止时间的数据变量，例如 rectification_due。': "Data variable holding this task's deadline, e.g. rectification_due.",
    '决策表 calledDecisionId': 'Decision table calledDecisionId', '日期时间 timeDate': 'Date/time timeDate',
    '时长 timeDuration': 'Duration timeDuration', '周期 timeCycle': 'Cycle timeCycle', '定时器类型': 'Timer type',
    '定时器表达式': 'Timer expression', '条件（Python 表达式）': 'Condition (Python expression)',
    '例如 grade == \'general\'；默认流不需要条件。': "E.g. grade == 'general'; the default flow needs no condition.",
    ' 默认流（其它条件都不成立时走这条）': ' Default flow (taken when no other condition holds)', '默认流': 'Default flow',
    '— 无 —': '— none —', '有多条出口时：每条非默认流都要有条件。': 'With several outgoing flows, every non-default flow needs a condition.',
    TIMER_HINT: 'Expressions are sandboxed Python. Functions: now() the current time; add_workdays(time, n) n working days later ' +
      '(skipping weekends and public holidays, counting make-up working days); add_hours(time, n) n hours later. timeDate must give a ' +
      'date-time, e.g. add_workdays(rectification_started_at, rectification_days); ISO durations and cycles need quotes, e.g. \'PT2H\', \'R3/PT1H\'.'
  });

  var TYPE_NAMES = {
    'bpmn:UserTask': '用户任务', 'bpmn:ManualTask': '人工任务', 'bpmn:ScriptTask': '脚本任务',
    'bpmn:BusinessRuleTask': '业务规则任务', 'bpmn:CallActivity': '调用活动', 'bpmn:SubProcess': '子流程',
    'bpmn:StartEvent': '开始事件', 'bpmn:EndEvent': '结束事件', 'bpmn:BoundaryEvent': '边界事件',
    'bpmn:IntermediateCatchEvent': '中间捕获事件', 'bpmn:IntermediateThrowEvent': '中间抛出事件',
    'bpmn:ExclusiveGateway': '排他网关', 'bpmn:InclusiveGateway': '包容网关', 'bpmn:ParallelGateway': '并行网关',
    'bpmn:SequenceFlow': '顺序流', 'bpmn:Lane': '泳道', 'bpmn:Participant': '池', 'bpmn:Process': '流程',
    'bpmn:Collaboration': '协作', 'bpmn:Task': '任务'
  };
  var TIMER_KINDS = [['timeDate', t('日期时间 timeDate')], ['timeDuration', t('时长 timeDuration')], ['timeCycle', t('周期 timeCycle')]];
  var TIMER_HINT = '表达式是受限环境中的 Python。可用函数：now() 当前时间；add_workdays(时刻, n) n 个工作日后' +
    '（跳过周末和法定节假日，按调休补班）；add_hours(时刻, n) n 小时后。timeDate 要得到日期时间，例如 ' +
    'add_workdays(rectification_started_at, rectification_days)；ISO 时长和周期要加引号，例如 \'PT2H\'、\'R3/PT1H\'。';
  var ENGLISH = /^en\b/.test(document.documentElement.lang);
  if (ENGLISH) { TIMER_HINT = t('TIMER_HINT'); }

  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else if (key.slice(0, 2) === 'on') {
        node.addEventListener(key.slice(2), attrs[key]);
      } else if (attrs[key] !== undefined && attrs[key] !== null && attrs[key] !== false) {
        node.setAttribute(key, attrs[key] === true ? '' : attrs[key]);
      }
    });
    for (var i = 2; i < arguments.length; i++) { if (arguments[i]) { node.appendChild(arguments[i]); } }
    return node;
  }

  var uid = 0;
  function field(label, control, hint) {
    var id = control.id || ('prop-' + (++uid));
    control.id = id;
    return h('div', { 'class': 'prop-field' }, h('label', { 'for': id, text: label }), control,
      hint ? h('p', { 'class': 'prop-hint', text: hint }) : null);
  }

  function select(options, value, onchange, name) {
    var node = h('select', { name: name, onchange: function () { onchange(node.value); } });
    options.forEach(function (opt) {
      node.appendChild(h('option', { value: opt[0], text: opt[1], selected: opt[0] === value }));
    });
    if (value && !options.some(function (o) { return o[0] === value; })) {
      node.appendChild(h('option', { value: value, text: t('{v}（未知）', { v: value }), selected: true }));
    }
    return node;
  }

  function text(value, onchange, multiline, name) {
    var node = h(multiline ? 'textarea' : 'input', { name: name, rows: multiline ? 4 : null,
      spellcheck: 'false', onchange: function () { onchange(node.value); } });
    node.value = value || '';
    return node;
  }

  function Panel(modeler, container, ctx) {
    this.modeler = modeler;
    this.container = container;
    this.ctx = ctx;
    this.modeling = modeler.get('modeling');
    this.moddle = modeler.get('moddle');
    this.element = null;
    var self = this;
    modeler.on('selection.changed', function (e) {
      self.element = e.newSelection.length === 1 ? e.newSelection[0] : null;
      self.render();
    });
    modeler.on('elements.changed', function (e) {
      var mine = self.element && e.elements.some(function (x) { return x.id === self.element.id; });
      if (mine && !self.container.contains(document.activeElement)) { self.render(); }
    });
    modeler.on('import.done', function () { self.element = null; self.render(); });
  }

  Panel.prototype.render = function () {
    var c = this.container;
    c.innerHTML = '';
    if (!this.element || this.element.type === 'label') {
      c.appendChild(h('p', { 'class': 'muted', text: t('在图中选择一个元素以编辑它的属性。') }));
      c.appendChild(h('p', { 'class': 'prop-hint', text: TIMER_HINT }));
      return;
    }
    var bo = this.element.businessObject;
    var type = bo.$type.replace('bpmn:', '');
    c.appendChild(h('h3', { text: ENGLISH ? type.replace(/([a-z])([A-Z])/g, '$1 $2') : TYPE_NAMES[bo.$type] || type }));
    c.appendChild(h('p', { 'class': 'prop-id' }, h('code', { text: bo.id })));
    var sections = this.sections(bo);
    for (var i = 0; i < sections.length; i++) { if (sections[i]) { c.appendChild(sections[i]); } }
  };

  Panel.prototype.sections = function (bo) {
    var type = bo.$type;
    if (type === 'bpmn:Lane') { return [this.laneRole(bo)]; }
    var out = [field(t('名称'), text(bo.name, this.setName.bind(this), false, 'name'))];
    if (type === 'bpmn:UserTask' || type === 'bpmn:ManualTask') { out = out.concat(this.humanTask(bo)); }
    if (type === 'bpmn:ScriptTask') {
      out.push(field(t('脚本（Python）'), text(bo.script, this.update.bind(this, 'script'), true, 'script'),
        t('受限环境：不能 import，不能使用下划线开头的名字。')));
    }
    if (type === 'bpmn:BusinessRuleTask') { out.push(this.decision(bo)); }
    if (type === 'bpmn:CallActivity') {
      out.push(field(t('调用的流程 id'), text(bo.calledElement, this.update.bind(this, 'calledElement'), false, 'calledElement')));
    }
    var timer = (bo.eventDefinitions || []).filter(function (d) { return d.$type === 'bpmn:TimerEventDefinition'; })[0];
    if (timer) { out = out.concat(this.timer(timer)); }
    if (type === 'bpmn:SequenceFlow') { out = out.concat(this.flow(bo)); }
    if (type === 'bpmn:ExclusiveGateway' || type === 'bpmn:InclusiveGateway') { out.push(this.gatewayDefault(bo)); }
    return out;
  };

  Panel.prototype.setName = function (value) { this.modeling.updateLabel(this.element, value); };

  Panel.prototype.update = function (key, value) {
    var props = {};
    props[key] = value || undefined;
    this.modeling.updateProperties(this.element, props);
  };

  Panel.prototype.laneRole = function (bo) {
    var roles = this.ctx.roles.map(function (r) { return [r.code, r.code + ' · ' + r.name]; });
    return field(t('角色（泳道）'), select([['', t('— 选择角色 —')]].concat(roles), bo.name || '',
      this.setName.bind(this), 'lane-role'), t('泳道名就是角色代码：泳道里的任务进入该角色的待办。'));
  };

  // ---- spiffworkflow:properties ----
  Panel.prototype.extension = function (bo, type) {
    var ext = bo.extensionElements;
    return ext && (ext.values || []).filter(function (v) { return v.$type === type; })[0];
  };

  Panel.prototype.ensureExtensions = function () {
    var bo = this.element.businessObject;
    if (!bo.extensionElements) {
      var ext = this.moddle.create('bpmn:ExtensionElements', { values: [] });
      ext.$parent = bo;
      this.modeling.updateProperties(this.element, { extensionElements: ext });
    }
    return bo.extensionElements;
  };

  Panel.prototype.ensureExtension = function (type, attrs) {
    var found = this.extension(this.element.businessObject, type);
    if (found) { return found; }
    var ext = this.ensureExtensions();
    var created = this.moddle.create(type, attrs);
    created.$parent = ext;
    this.modeling.updateModdleProperties(this.element, ext, { values: (ext.values || []).concat([created]) });
    return created;
  };

  Panel.prototype.property = function (bo, name) {
    var props = this.extension(bo, 'spiffworkflow:Properties');
    var item = props && (props.properties || []).filter(function (p) { return p.name === name; })[0];
    return item ? item.value : '';
  };

  Panel.prototype.setProperty = function (name, value) {
    var props = this.ensureExtension('spiffworkflow:Properties', { properties: [] });
    var item = (props.properties || []).filter(function (p) { return p.name === name; })[0];
    if (item) {
      this.modeling.updateModdleProperties(this.element, item, { value: value });
      return;
    }
    item = this.moddle.create('spiffworkflow:Property', { name: name, value: value });
    item.$parent = props;
    this.modeling.updateModdleProperties(this.element, props, { properties: (props.properties || []).concat([item]) });
  };

  Panel.prototype.humanTask = function (bo) {
    var forms = this.ctx.forms().map(function (k) { return [k, k]; });
    var statuses = this.ctx.statuses.map(function (s) { return [s.code, s.code + ' · ' + s.name]; });
    var lane = (bo.get('lanes') || [])[0];
    return [
      h('p', { 'class': 'prop-hint', text: t('泳道（角色）：{lane}', { lane: lane && lane.name ? lane.name : t('未放入泳道') }) }),
      field(t('表单 formKey'), select([['', t('— 选择表单 —')]].concat(forms), this.property(bo, 'formKey'),
        this.setProperty.bind(this, 'formKey'), 'formKey')),
      field(t('案件状态 caseStatus'), select([['', '—']].concat(statuses), this.property(bo, 'caseStatus'),
        this.setProperty.bind(this, 'caseStatus'), 'caseStatus')),
      field(t('期限变量 dueVariable'), text(this.property(bo, 'dueVariable'), this.setProperty.bind(this, 'dueVariable'),
        false, 'dueVariable'), t('保存此任务截止时间的数据变量，例如 rectification_due。'))
    ];
  };

  Panel.prototype.decision = function (bo) {
    var current = this.extension(bo, 'spiffworkflow:CalledDecisionId');
    var self = this;
    var options = this.ctx.decisions().map(function (d) { return [d, d]; });
    return field(t('决策表 calledDecisionId'), select([['', '—']].concat(options), current ? current.value : '',
      function (value) {
        var item = self.ensureExtension('spiffworkflow:CalledDecisionId', { value: value });
        self.modeling.updateModdleProperties(self.element, item, { value: value });
      }, 'calledDecisionId'));
  };

  // ---- timers ----
  Panel.prototype.timer = function (definition) {
    var kind = TIMER_KINDS.map(function (k) { return k[0]; }).filter(function (k) { return definition[k]; })[0] || 'timeDate';
    var expr = definition[kind] ? definition[kind].body : '';
    var self = this;
    function write(newKind, body) {
      var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      props[newKind] = self.moddle.create('bpmn:FormalExpression', { body: body });
      self.modeling.updateModdleProperties(self.element, definition, props);
    }
    var area = text(expr, function (value) { write(kind, value); }, true, 'timer-expression');
    return [
      field(t('定时器类型'), select(TIMER_KINDS, kind, function (value) { kind = value; write(value, area.value); }, 'timer-kind')),
      field(t('定时器表达式'), area, TIMER_HINT)
    ];
  };

  // ---- gateways ----
  function isDecisionGateway(bo) {
    return bo && (bo.$type === 'bpmn:ExclusiveGateway' || bo.$type === 'bpmn:InclusiveGateway');
  }

  Panel.prototype.flow = function (bo) {
    var source = this.element.source;
    if (!source || !isDecisionGateway(source.businessObject)) { return []; }
    var self = this;
    var isDefault = source.businessObject.default === bo;
    var condition = bo.conditionExpression ? bo.conditionExpression.body : '';
    var checkbox = h('input', { type: 'checkbox', name: 'default-flow', checked: isDefault, onchange: function () {
      self.modeling.updateProperties(source, { 'default': checkbox.checked ? bo : undefined });
    } });
    return [
      field(t('条件（Python 表达式）'), text(condition, function (value) {
        self.modeling.updateProperties(self.element, { conditionExpression: value.trim()
          ? self.moddle.create('bpmn:FormalExpression', { body: value }) : undefined });
      }, true, 'condition'), t('例如 grade == \'general\'；默认流不需要条件。')),
      h('label', { 'class': 'prop-check' }, checkbox, document.createTextNode(t(' 默认流（其它条件都不成立时走这条）')))
    ];
  };

  Panel.prototype.gatewayDefault = function (bo) {
    var self = this;
    var flows = (bo.outgoing || []).map(function (f) { return [f.id, (f.name ? f.name + ' · ' : '') + f.id]; });
    return field(t('默认流'), select([['', t('— 无 —')]].concat(flows), bo.default ? bo.default.id : '', function (id) {
      var flow = (bo.outgoing || []).filter(function (f) { return f.id === id; })[0];
      self.modeling.updateProperties(self.element, { 'default': flow || undefined });
    }, 'gateway-default'), t('有多条出口时：每条非默认流都要有条件。'));
  };

  window.HazardProperties = { attach: function (modeler, container, ctx) { return new Panel(modeler, container, ctx); } };
}());
