// The dusk dashboard: draws the state of /api/state (live) or the state
// inlined in #dusk-data (a report). No external assets.
(function () {
  'use strict';
  var PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948',
    '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#2ca02c'];
  var MEM = [
    {key: 'resident', label: 'resident', color: '#4e79a7'},
    {key: 'spilled', label: 'spilled (in the store now)', color: '#f28e2b'},
    {key: 'read_back', label: 'read back (total)', color: '#59a14f'},
    {key: 'limit', label: 'limit', color: '#e15759', dash: true}
  ];
  var $ = function (id) { return document.getElementById(id); };
  var chosen = null; // the run picked in the selector; null follows the newest
  var last = null;

  function bytes(n) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (Math.abs(n) >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
  }
  function dur(ms) {
    if (ms < 1) return (ms * 1000).toFixed(0) + ' µs';
    if (ms < 1000) return ms.toFixed(1) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
    return Math.floor(ms / 60000) + ' min ' + ((ms % 60000) / 1000).toFixed(0) + ' s';
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function color(i) { return PALETTE[i % PALETTE.length]; }

  // setup sizes a canvas to its CSS width and returns its 2D context.
  function setup(c, h) {
    var ratio = window.devicePixelRatio || 1;
    var w = c.clientWidth || 1000;
    c.style.height = h + 'px';
    c.width = Math.round(w * ratio);
    c.height = Math.round(h * ratio);
    var ctx = c.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    return {ctx: ctx, w: w, h: h};
  }
  function timeAxis(ctx, x0, x1, y, span) {
    ctx.strokeStyle = '#d9dee7';
    ctx.fillStyle = '#667085';
    ctx.beginPath(); ctx.moveTo(x0, y); ctx.lineTo(x1, y); ctx.stroke();
    for (var i = 0; i <= 5; i++) {
      var x = x0 + (x1 - x0) * i / 5, label = dur(span * i / 5), tw = ctx.measureText(label).width;
      ctx.fillText(label, Math.max(x0, Math.min(x - tw / 2, x1 - tw)), y + 13);
    }
  }

  function legend(box, items) {
    box.textContent = '';
    items.forEach(function (it) {
      var s = el('span');
      var sw = el('i');
      sw.style.background = it.color;
      s.appendChild(sw);
      s.appendChild(document.createTextNode(it.label));
      box.appendChild(s);
    });
  }

  function drawStream(ru) {
    var c = $('stream');
    var workers = Math.max(ru.workers, 1);
    var rowH = workers > 32 ? 8 : 18, left = 44, top = 4;
    var g = setup(c, top + workers * rowH + 20);
    var ctx = g.ctx, span = Math.max(ru.duration_ms, 1), width = g.w - left - 8;
    var x = function (t) { return left + Math.max(0, Math.min(t, span)) / span * width; };
    ctx.fillStyle = '#667085';
    for (var w = 0; w < workers; w++) {
      if (rowH >= 12) ctx.fillText('w' + w, 4, top + w * rowH + rowH - 5);
      if (w % 2) { ctx.fillStyle = '#f4f6f9'; ctx.fillRect(left, top + w * rowH, width, rowH); ctx.fillStyle = '#667085'; }
    }
    var drawn = 0;
    function bar(t, end, alpha) {
      var x0 = x(t.s), x1 = Math.max(x(end), x0 + 1);
      ctx.globalAlpha = alpha;
      ctx.fillStyle = color(t.o);
      ctx.fillRect(x0, top + t.w * rowH + 1, x1 - x0, rowH - 2);
      if (t.err) { ctx.strokeStyle = '#b42318'; ctx.strokeRect(x0, top + t.w * rowH + 1, x1 - x0, rowH - 2); }
      drawn++;
    }
    ru.stream.forEach(function (t) { bar(t, t.e, 1); });
    ru.running.forEach(function (t) { bar(t, span, 0.45); });
    ctx.globalAlpha = 1;
    timeAxis(ctx, left, left + width, top + workers * rowH + 2, span);
    c.setAttribute('data-tasks', String(ru.stream.length));
    c.setAttribute('data-running', String(ru.running.length));
    c.setAttribute('data-drawn', String(drawn));
    var cap = ru.stream.length + ' tasks drawn on ' + workers + ' workers';
    if (ru.running.length) cap += ', ' + ru.running.length + ' running';
    if (ru.dropped_tasks) cap += ' (' + ru.dropped_tasks + ' older tasks only summarised)';
    $('stream-caption').textContent = cap;
    legend($('legend'), ru.ops.map(function (o, i) { return {label: o.op, color: color(i)}; }));
    c.onmousemove = function (ev) {
      var r = c.getBoundingClientRect();
      var t = (ev.clientX - r.left - left) / width * span, w = Math.floor((ev.clientY - r.top - top) / rowH);
      var hit = null;
      for (var i = ru.stream.length - 1; i >= 0 && !hit; i--) {
        var k = ru.stream[i];
        if (k.w === w && k.s <= t && t <= k.e) hit = k;
      }
      c.title = hit ? hit.k + ' (' + ru.ops[hit.o].op + '): ' + dur(hit.e - hit.s) +
        (hit.b ? ', ' + bytes(hit.b) : '') + (hit.err ? '\n' + hit.err : '') : '';
    };
  }

  function bars(box, rows) {
    box.textContent = '';
    rows.forEach(function (r) {
      var row = el('div', 'bar');
      var name = el('span', 'name', r.name);
      name.title = r.name;
      var track = el('div', 'track'), fill = el('div', 'fill');
      fill.style.width = (Math.max(0, Math.min(1, r.frac)) * 100).toFixed(1) + '%';
      fill.style.background = r.color;
      track.appendChild(fill);
      row.appendChild(name); row.appendChild(track);
      row.appendChild(el('span', 'num' + (r.err ? ' err' : ''), r.text));
      box.appendChild(row);
    });
  }

  function drawProgress(ru) {
    var box = $('progress');
    bars(box, ru.ops.map(function (o, i) {
      var total = o.total > 0 ? o.total : o.done;
      var text = o.done + ' / ' + (o.total > 0 ? o.total : '?') + ' · ' + dur(o.time_ms);
      if (o.failed) text += ' · ' + o.failed + ' failed';
      return {name: o.op, frac: total ? o.done / total : 0, color: color(i), text: text, err: o.failed > 0};
    }));
    box.setAttribute('data-ops', String(ru.ops.length));
  }

  function drawUtil(ru) {
    var box = $('util'), span = Math.max(ru.duration_ms, 1), rows = [], sum = 0;
    for (var w = 0; w < Math.max(ru.workers, ru.busy_ms.length); w++) {
      var b = ru.busy_ms[w] || 0, f = Math.min(b / span, 1);
      sum += f;
      rows.push({name: 'worker ' + w, frac: f, color: '#4e79a7', text: (f * 100).toFixed(0) + '% · ' + dur(b)});
    }
    if (rows.length) rows.unshift({name: 'all workers', frac: sum / rows.length, color: '#1d2330',
      text: (sum / rows.length * 100).toFixed(0) + '% of ' + dur(span)});
    bars(box, rows);
    box.setAttribute('data-workers', String(Math.max(rows.length - 1, 0)));
  }

  function drawMemory(ru) {
    var c = $('memory'), pts = ru.memory.slice();
    if (ru.final_memory && (pts.length === 0 || pts[pts.length - 1].t < ru.final_memory.t)) pts.push(ru.final_memory);
    var g = setup(c, 220), ctx = g.ctx, left = 70, top = 8, h = 220 - top - 22, width = g.w - left - 8;
    var span = Math.max(ru.duration_ms, 1), ymax = 1;
    pts.forEach(function (p) { MEM.forEach(function (m) { ymax = Math.max(ymax, p[m.key]); }); });
    ymax *= 1.05;
    var x = function (t) { return left + Math.max(0, Math.min(t, span)) / span * width; };
    var y = function (v) { return top + h - v / ymax * h; };
    ctx.fillStyle = '#667085';
    ctx.strokeStyle = '#eceff4';
    for (var i = 0; i <= 4; i++) {
      var v = ymax * i / 4;
      ctx.beginPath(); ctx.moveTo(left, y(v)); ctx.lineTo(left + width, y(v)); ctx.stroke();
      ctx.fillText(bytes(Math.round(v)), 4, y(v) + 4);
    }
    timeAxis(ctx, left, left + width, top + h, span);
    MEM.forEach(function (m) {
      if (!pts.length) return;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(m.dash ? [6, 4] : []);
      ctx.beginPath();
      ctx.moveTo(x(0), y(m.key === 'limit' ? pts[0].limit : 0));
      pts.forEach(function (p) { ctx.lineTo(x(p.t), y(p[m.key])); });
      ctx.lineTo(x(span), y(pts[pts.length - 1][m.key]));
      ctx.stroke();
    });
    ctx.setLineDash([]);
    c.setAttribute('data-samples', String(ru.memory.length));
    var cap;
    if (!pts.length) {
      cap = 'no memory samples: samples come with every spill and read-back, and this run had none';
    } else {
      var p = pts[pts.length - 1];
      cap = ru.memory.length + ' memory samples · peak ' + bytes(p.peak) + ' of a ' + bytes(p.limit) +
        ' limit · spilled ' + bytes(p.spilled_total) + ' (' + p.spills + ' values) · read back ' +
        bytes(p.read_back) + ' (' + p.read_backs + ' values)';
      if (ru.thinned_samples) cap += ' · ' + ru.thinned_samples + ' older samples thinned out';
    }
    $('memory-caption').textContent = cap;
    legend($('memory-legend'), MEM);
  }

  function render(st) {
    last = st;
    var sel = $('run');
    var runs = st.runs || [];
    if (sel.options.length !== runs.length || (runs.length && sel.options[runs.length - 1].value !== String(runs[runs.length - 1].run))) {
      sel.textContent = '';
      runs.forEach(function (ru) { sel.appendChild(el('option', '', 'run ' + ru.run)).value = String(ru.run); });
    }
    var ru = null;
    runs.forEach(function (r) { if (String(r.run) === chosen) ru = r; });
    if (!ru) ru = runs[runs.length - 1];
    document.body.setAttribute('data-runs', String(runs.length));
    if (!ru) { $('status').textContent = st.live ? 'waiting for a computation' : 'no computation recorded'; return; }
    sel.value = String(ru.run);
    var s = (ru.finished ? 'finished in ' : 'running for ') + dur(ru.duration_ms) + ' · ' + ru.done +
      (ru.tasks >= 0 ? ' / ' + ru.tasks : '') + ' tasks · ' + ru.workers + ' workers · ' + ru.steals + ' steals';
    if (ru.error) s += ' · error: ' + ru.error;
    $('status').textContent = s;
    drawStream(ru);
    drawProgress(ru);
    drawUtil(ru);
    drawMemory(ru);
  }

  $('run').onchange = function () { chosen = this.value; if (last) render(last); };
  window.onresize = function () { if (last) render(last); };

  function poll() {
    fetch('api/state', {cache: 'no-store'}).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(render).catch(function (e) {
      $('status').textContent = 'cannot reach the dashboard: ' + e.message;
    }).then(function () { setTimeout(poll, 500); });
  }

  var inlined = JSON.parse($('dusk-data').textContent);
  if (inlined) render(inlined); else poll();
})();
