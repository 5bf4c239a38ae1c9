/* The process editor: one working copy of a version's files ({name: xml}) and forms ({key: form}) edited
   with bpmn-js (BPMN), dmn-js (DMN) and a JSON editor with a server-rendered preview (forms); validated and
   deployed through the JSON endpoints. Nothing is saved on the server until a deploy succeeds. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('editor-data').textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var state = { files: Object.assign({}, data.content.files), forms: Object.assign({}, data.content.forms),
    tab: null, dirty: false, problems: [], form: null };
  var bpmn = null; var dmn = null; var shownBpmn = null; var shownDmn = null; var markers = [];
  var $ = function (id) { return document.getElementById(id); };
  var t = window.hazardI18n({
    '流程图 {n}': 'Diagram {n}', '决策表 {n}': 'Decision table {n}', '表单（{n}）': 'Forms ({n})',
    '无法打开：{m}': 'Cannot open: {m}', '导入时有 {n} 条警告：{m}': 'Import warnings ({n}): {m}',
    'JSON 格式错误：{m}': 'Invalid JSON: {m}', '新表单的 key（小写字母、数字、下划线）：': 'Key of the new form (lowercase letters, digits, underscores):',
    '表单 key 无效或已存在：{k}': 'Form key invalid or already in use: {k}', '删除表单 {k}？': 'Delete form {k}?'
  });

  function names(ext) { return Object.keys(state.files).filter(function (n) { return n.slice(-ext.length) === ext; }).sort(); }

  function status(message, kind) {
    var box = $('editor-status');
    box.textContent = message || '';
    box.className = 'editor-status' + (kind ? ' ' + kind : '');
  }

  function request(url, body, isForm) {
    var headers = { 'X-CSRF-Token': csrf, 'Accept': 'application/json' };
    if (!isForm) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, { method: 'POST', headers: headers, credentials: 'same-origin',
      body: isForm ? body : JSON.stringify(body) })
      .then(function (r) {
        return r.json().catch(function () { return { message: r.status + ' ' + r.statusText }; })
          .then(function (json) { return { ok: r.ok, status: r.status, json: json }; });
      });
  }

  // ---- tabs ----------------------------------------------------------------------------------------------
  function renderTabs() {
    var box = $('file-tabs');
    box.innerHTML = '';
    var tabs = names('.bpmn').map(function (n) { return { kind: 'bpmn', name: n, label: t('流程图 {n}', { n: n }) }; })
      .concat(names('.dmn').map(function (n) { return { kind: 'dmn', name: n, label: t('决策表 {n}', { n: n }) }; }))
      .concat([{ kind: 'forms', name: 'forms', label: t('表单（{n}）', { n: Object.keys(state.forms).length }) }]);
    tabs.forEach(function (tab) {
      var on = state.tab && state.tab.kind === tab.kind && state.tab.name === tab.name;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'tab' + (on ? ' on' : '');
      button.setAttribute('role', 'tab');
      button.setAttribute('aria-selected', on ? 'true' : 'false');
      button.dataset.kind = tab.kind;
      button.dataset.name = tab.name;
      button.textContent = tab.label;
      button.addEventListener('click', function () { openTab(tab); });
      box.appendChild(button);
    });
  }

  function sync() {
    var jobs = [];
    if (bpmn && shownBpmn && state.files[shownBpmn] !== undefined) {
      jobs.push(bpmn.saveXML({ format: true }).then(function (r) { state.files[shownBpmn] = r.xml; }));
    }
    if (dmn && shownDmn && state.files[shownDmn] !== undefined) {
      jobs.push(dmn.saveXML({ format: true }).then(function (r) { state.files[shownDmn] = r.xml; }));
    }
    return Promise.all(jobs);
  }

  function openTab(tab) {
    return sync().then(function () {
      state.tab = tab;
      renderTabs();
      $('pane-bpmn').hidden = tab.kind !== 'bpmn';
      $('pane-dmn').hidden = tab.kind !== 'dmn';
      $('pane-forms').hidden = tab.kind !== 'forms';
      if (tab.kind === 'bpmn') { return showBpmn(tab.name); }
      if (tab.kind === 'dmn') { return showDmn(tab.name); }
      renderForms();
    }).catch(function (err) { status(t('无法打开：{m}', { m: err.message }), 'error'); });
  }

  // ---- BPMN ---------------------------------------------------------------------------------------------
  function showBpmn(name) {
    if (!bpmn) {
      bpmn = new window.BpmnJS({ container: '#bpmn-canvas', moddleExtensions: { spiffworkflow: window.SPIFF_MODDLE } });
      window.HazardProperties.attach(bpmn, $('props'), {
        roles: data.roles, statuses: data.statuses,
        forms: function () { return Object.keys(state.forms).sort(); },
        decisions: decisionIds
      });
      bpmn.on('commandStack.changed', function () { state.dirty = true; });
    }
    shownBpmn = null;
    return bpmn.importXML(state.files[name]).then(function (result) {
      shownBpmn = name;
      bpmn.get('canvas').zoom('fit-viewport');
      applyMarkers();
      if (result.warnings && result.warnings.length) {
        status(t('导入时有 {n} 条警告：{m}', { n: result.warnings.length, m: result.warnings[0].message }), 'warning');
      }
      window.processEditor.bpmn = bpmn;
    });
  }

  function decisionIds() {
    var ids = [];
    names('.dmn').forEach(function (n) {
      var doc = new DOMParser().parseFromString(state.files[n], 'application/xml');
      Array.prototype.forEach.call(doc.getElementsByTagNameNS('*', 'decision'), function (d) { ids.push(d.getAttribute('id')); });
    });
    return ids;
  }

  function applyMarkers() {
    if (!bpmn || !shownBpmn) { return; }
    var canvas = bpmn.get('canvas');
    var registry = bpmn.get('elementRegistry');
    markers.forEach(function (m) { if (registry.get(m[0])) { canvas.removeMarker(m[0], m[1]); } });
    markers = [];
    state.problems.forEach(function (p) {
      if (p.file === shownBpmn && p.element_id && registry.get(p.element_id)) {
        var marker = p.level === 'error' ? 'lint-error' : 'lint-warning';
        canvas.addMarker(p.element_id, marker);
        markers.push([p.element_id, marker]);
      }
    });
  }

  // ---- DMN ----------------------------------------------------------------------------------------------
  function showDmn(name) {
    if (!dmn) {
      dmn = new window.DmnJS({ container: '#dmn-canvas' });
      dmn.on('views.changed', function () { state.dirty = true; });
    }
    shownDmn = null;
    return dmn.importXML(state.files[name]).then(function () {
      shownDmn = name;
      var table = dmn.getViews().filter(function (v) { return v.type === 'decisionTable'; })[0];
      return table ? dmn.open(table) : null;
    });
  }

  // ---- forms --------------------------------------------------------------------------------------------
  var previewTimer = null;

  function renderForms() {
    var select = $('form-select');
    var keys = Object.keys(state.forms).sort();
    select.innerHTML = '';
    keys.forEach(function (k) { select.appendChild(new Option(k, k, false, k === state.form)); });
    if (!state.forms[state.form]) { state.form = keys[0] || null; }
    select.value = state.form || '';
    showForm(state.form);
  }

  function showForm(key) {
    state.form = key;
    $('form-json').value = key ? JSON.stringify(state.forms[key], null, 2) : '';
    $('form-json').disabled = !key;
    $('form-json-error').hidden = true;
    preview();
  }

  function preview() {
    var box = $('form-preview');
    if (!state.form) { box.innerHTML = ''; return; }
    request(data.api.preview, { form: state.forms[state.form] }).then(function (r) {
      if (r.ok) { box.innerHTML = r.json.html; return; }
      box.innerHTML = '';
      var p = document.createElement('p');
      p.className = 'field-error';
      p.textContent = r.json.message;
      box.appendChild(p);
    });
  }

  function onFormInput() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var error = $('form-json-error');
      try {
        state.forms[state.form] = JSON.parse($('form-json').value);
        state.dirty = true;
        error.hidden = true;
        preview();
      } catch (err) {
        error.textContent = t('JSON 格式错误：{m}', { m: err.message });
        error.hidden = false;
      }
    }, 350);
  }

  function addForm() {
    var key = (window.prompt(t('新表单的 key（小写字母、数字、下划线）：')) || '').trim();
    if (!key) { return; }
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(key) || state.forms[key]) { status(t('表单 key 无效或已存在：{k}', { k: key }), 'error'); return; }
    state.forms[key] = { schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', title: key, type: 'object',
      properties: {}, required: [] }, ui: { order: [] } };
    state.form = key;
    state.dirty = true;
    renderTabs();
    renderForms();
  }

  function deleteForm() {
    if (!state.form || !window.confirm(t('删除表单 {k}？', { k: state.form }))) { return; }
    delete state.forms[state.form];
    state.form = null;
    state.dirty = true;
    renderTabs();
    renderForms();
  }

  window.processEditor = { state: state, openTab: openTab, sync: sync };
  window.ProcessEditorParts = { $: $, status: status, request: request, names: names, renderTabs: renderTabs,
    openTab: openTab, sync: sync, applyMarkers: applyMarkers, renderForms: renderForms, showForm: showForm,
    data: data, state: state, bpmnModeler: function () { return bpmn; } };

  $('form-select').addEventListener('change', function () { showForm($('form-select').value); });
  $('form-json').addEventListener('input', onFormInput);
  $('form-add').addEventListener('click', addForm);
  $('form-delete').addEventListener('click', deleteForm);
  window.addEventListener('beforeunload', function (e) { if (state.dirty) { e.preventDefault(); e.returnValue = ''; } });
  var first = names('.bpmn')[0];
  openTab(first ? { kind: 'bpmn', name: first } : { kind: 'forms', name: 'forms' });
}());
