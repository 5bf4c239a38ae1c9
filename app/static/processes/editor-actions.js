/* The editor's actions: upload and download files, validate (problems listed and highlighted in the
   modeler by element id), deploy with a comment. Uses the working copy kept by editor.js. */
(function () {
  'use strict';
  var E = window.ProcessEditorParts;
  var $ = E.$;
  var t = window.hazardI18n({
    '错误': 'error', '警告': 'warning', '{e} 个错误，{w} 个警告': 'Errors: {e}, warnings: {w}',
    '✓ 没有发现问题': '✓ No problems found', '（{name}）': ' ({name})', '正在校验…': 'Validating…',
    '校验通过，可以部署': 'Valid, ready to deploy', '校验未通过：修正标红的元素后再部署': 'Validation failed: fix the elements marked in red, then deploy',
    '请填写版本说明': 'Please enter a version note', '正在校验并部署…': 'Validating and deploying…',
    '已部署版本 {n}': 'Deployed version {n}', '正在上传 {name}…': 'Uploading {name}…',
    '上传被拒绝：{m}': 'Upload rejected: {m}', '已载入 {name}（尚未部署）': 'Loaded {name} (not deployed yet)'
  });
  var LEVELS = { error: t('错误'), warning: t('警告') };

  function content() {
    return { files: E.state.files, forms: E.state.forms };
  }

  // ---- problems -----------------------------------------------------------------------------------------
  function renderProblems(problems) {
    E.state.problems = problems || [];
    var list = $('problems');
    list.innerHTML = '';
    var errors = E.state.problems.filter(function (p) { return p.level === 'error'; }).length;
    $('problem-count').textContent = t('{e} 个错误，{w} 个警告', { e: errors, w: E.state.problems.length - errors });
    if (!E.state.problems.length) {
      var ok = document.createElement('li');
      ok.className = 'ok';
      ok.textContent = t('✓ 没有发现问题');
      list.appendChild(ok);
    }
    E.state.problems.forEach(function (p) {
      var item = document.createElement('li');
      item.className = 'problem ' + p.level;
      item.dataset.element = p.element_id;
      var head = document.createElement('button');
      head.type = 'button';
      head.className = 'linkish';
      head.textContent = '[' + (LEVELS[p.level] || p.level) + '] ' + (p.file || '') +
        (p.element_id ? ' · ' + p.element_id : '') + (p.element_name ? t('（{name}）', { name: p.element_name }) : '');
      head.addEventListener('click', function () { reveal(p); });
      var message = document.createElement('div');
      message.className = 'problem-message';
      message.textContent = p.message;
      item.appendChild(head);
      item.appendChild(message);
      list.appendChild(item);
    });
    E.applyMarkers();
  }

  function reveal(p) {
    if (/\.bpmn$/.test(p.file) && E.state.files[p.file] !== undefined) {
      E.openTab({ kind: 'bpmn', name: p.file }).then(function () {
        var modeler = E.bpmnModeler();
        var element = modeler && modeler.get('elementRegistry').get(p.element_id);
        if (element) {
          modeler.get('selection').select(element);
          modeler.get('canvas').scrollToElement(element);
        }
      });
    } else if (/\.dmn$/.test(p.file) && E.state.files[p.file] !== undefined) {
      E.openTab({ kind: 'dmn', name: p.file });
    } else if (/^forms\//.test(p.file)) {
      E.state.form = p.file.replace(/^forms\//, '').replace(/\.json$/, '');
      E.openTab({ kind: 'forms', name: 'forms' });
    }
  }

  // ---- validate and deploy ------------------------------------------------------------------------------
  function validate() {
    E.status(t('正在校验…'));
    return E.sync().then(function () { return E.request(E.data.api.validate, content()); }).then(function (r) {
      if (!r.ok) { E.status(r.json.message, 'error'); return; }
      renderProblems(r.json.problems);
      E.status(t(r.json.ok ? '校验通过，可以部署' : '校验未通过：修正标红的元素后再部署'), r.json.ok ? 'success' : 'error');
    });
  }

  function deploy(event) {
    event.preventDefault();
    var comment = $('deploy-comment').value.trim();
    if (!comment) { E.status(t('请填写版本说明'), 'error'); $('deploy-comment').focus(); return; }
    $('deploy-btn').disabled = true;
    E.status(t('正在校验并部署…'));
    E.sync().then(function () {
      var body = content();
      body.comment = comment;
      return E.request(E.data.api.deploy, body);
    }).then(function (r) {
      $('deploy-btn').disabled = false;
      if (r.ok) {
        E.state.dirty = false;
        E.status(t('已部署版本 {n}', { n: r.json.version }), 'success');
        window.location.href = r.json.url;
        return;
      }
      renderProblems(r.json.problems || []);
      E.status(r.json.message, 'error');
    }).catch(function (err) { $('deploy-btn').disabled = false; E.status(err.message, 'error'); });
  }

  // ---- upload and download ------------------------------------------------------------------------------
  function upload() {
    var input = $('upload-input');
    var file = input.files[0];
    if (!file) { return; }
    var body = new FormData();
    body.append('file', file);
    E.status(t('正在上传 {name}…', { name: file.name }));
    E.sync().then(function () { return E.request(E.data.api.upload, body, true); }).then(function (r) {
      input.value = '';
      if (!r.ok) { E.status(t('上传被拒绝：{m}', { m: r.json.message }), 'error'); return; }
      E.state.dirty = true;
      if (r.json.kind === 'form') {
        E.state.forms[r.json.name] = r.json.form;
        E.state.form = r.json.name;
        E.renderTabs();
        E.openTab({ kind: 'forms', name: 'forms' });
      } else {
        E.state.files[r.json.name] = r.json.text;
        E.renderTabs();
        E.openTab({ kind: r.json.kind, name: r.json.name });
      }
      E.status(t('已载入 {name}（尚未部署）', { name: r.json.name }), 'success');
    });
  }

  function save(text, name, type) {
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  function download() {
    E.sync().then(function () {
      var tab = E.state.tab;
      if (!tab) { return; }
      if (tab.kind === 'forms') {
        if (E.state.form) { save(JSON.stringify(E.state.forms[E.state.form], null, 2), E.state.form + '.json', 'application/json'); }
      } else {
        save(E.state.files[tab.name], tab.name, 'application/xml');
      }
    });
  }

  $('validate-btn').addEventListener('click', validate);
  $('deploy-form').addEventListener('submit', deploy);
  $('upload-input').addEventListener('change', upload);
  $('download-btn').addEventListener('click', download);
}());
