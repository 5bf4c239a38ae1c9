/* The case diagram: the case's own version drawn by the bpmn-js viewer, with completed, current and waiting
   elements marked and each waiting timer's due time beside it. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('case-diagram-data').textContent);
  var viewer = new window.BpmnJS({ container: '#case-canvas' });
  var t = window.hazardI18n({
    '已完成': 'Completed', '当前步骤': 'Current step', '等待中': 'Waiting', '{name}：{due}': '{name}: {due}',
    '{name} · 到期 {due}': '{name} · due {due}', '流程图无法显示：{m}': 'Cannot display the diagram: {m}'
  });
  var TITLES = { completed: t('已完成'), current: t('当前步骤'), waiting: t('等待中') };

  function svgTitle(gfx, text) {
    var title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = text;
    gfx.appendChild(title);
  }

  viewer.importXML(data.xml).then(function () {
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    var overlays = viewer.get('overlays');
    canvas.zoom('fit-viewport');
    Object.keys(data.states).forEach(function (id) {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, 'st-' + data.states[id]);
      svgTitle(registry.getGraphics(id), TITLES[data.states[id]]);
    });
    data.timers.forEach(function (timer) {
      if (!registry.get(timer.id)) { return; }
      var badge = document.createElement('div');
      badge.className = 'timer-due';
      badge.textContent = '⏰ ' + timer.due;
      badge.title = t('{name}：{due}', { name: timer.name || timer.id, due: timer.due });
      overlays.add(timer.id, { position: { bottom: 6, left: -30 }, html: badge });
      svgTitle(registry.getGraphics(timer.id), t('{name} · 到期 {due}', { name: timer.name || timer.id, due: timer.due }));
    });
    document.querySelectorAll('.timer-list li[data-element]').forEach(function (item) {
      var id = item.dataset.element;
      item.addEventListener('mouseenter', function () { if (registry.get(id)) { canvas.addMarker(id, 'st-hover'); } });
      item.addEventListener('mouseleave', function () { if (registry.get(id)) { canvas.removeMarker(id, 'st-hover'); } });
    });
    document.getElementById('case-canvas').dataset.ready = 'true';
  }).catch(function (err) {
    document.getElementById('case-canvas').textContent = t('流程图无法显示：{m}', { m: err.message });
  });
}());
