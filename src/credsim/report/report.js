// credsim report: draws the charts of the JSON block #credsim-data as inline SVG. Hand-written,
// no library, no network. Reports its outcome on <body>: data-render ("ok" or "error"),
// data-charts (charts drawn), data-errors, data-rects (each plot area, page coordinates) — the
// headless-browser test reads these. "#chart=ID" in the address draws that one chart alone,
// with its title and caption inside the SVG (for exporting a picture).
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
                 '#bcbd22', '#006d77'];
  var SEQ = ['#440154', '#3b528b', '#21918c', '#5ec962', '#b5de2b', '#fde725'];
  var DASH = ['', '7 4', '2 3', '10 3 2 3'];
  var errors = [];
  var rects = [];
  var placed = [];
  var drawn = 0;
  var finished = false;

  function fail(msg) {
    errors.push(String(msg));
    if (finished) report();
  }
  window.addEventListener('error', function (e) { fail('script error: ' + (e && e.message)); });

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var a = {x: x, y: y, 'font-family': FONT, 'font-size': 11, fill: '#333'};
    for (var k in attrs) a[k] = attrs[k];
    var t = el('text', a, parent);
    t.textContent = s;
    return t;
  }
  function h(tag, cls, parent, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    if (parent) parent.appendChild(e);
    return e;
  }
  function color(i) { return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]; }
  function seq(i, n) {
    if (n <= 1) return SEQ[2];
    var f = i / (n - 1) * (SEQ.length - 1), j = Math.min(Math.floor(f), SEQ.length - 2);
    return mix(SEQ[j], SEQ[j + 1], f - j);
  }
  function mix(a, b, f) {
    var pa = [1, 3, 5].map(function (k) { return parseInt(a.substr(k, 2), 16); });
    var pb = [1, 3, 5].map(function (k) { return parseInt(b.substr(k, 2), 16); });
    return '#' + pa.map(function (v, k) {
      var c = Math.round(v + (pb[k] - v) * f).toString(16);
      return c.length < 2 ? '0' + c : c;
    }).join('');
  }

  // Numbers as a reader wants them: shares as %, counts with separators, others to 3 digits.
  function fmt(v, f) {
    if (v === null || v === undefined || !isFinite(v)) return 'n/a';
    if (f === 'pct') {
      var p = v * 100, a = Math.abs(p);
      return (a >= 10 || a === 0 ? p.toFixed(0) : a >= 1 ? p.toFixed(1) : p.toPrecision(2)) + '%';
    }
    if (f === 'int') return Math.round(v).toLocaleString('en-US');
    var b = Math.abs(v);
    if (b >= 10000) return Math.round(v).toLocaleString('en-US');
    if (b >= 100) return v.toFixed(0);
    if (b === 0) return '0';
    return String(Number(v.toPrecision(3)));
  }
  // Round tick values spanning [lo, hi]; the axis is widened to the outer ticks.
  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) { hi = lo + 1; lo = lo - 1; }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
    var err = (hi - lo) / n / step;
    if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
    var a = Math.floor(lo / step + 1e-9), b = Math.ceil(hi / step - 1e-9), t = [];
    for (var k = a; k <= b; k++) t.push(Math.abs(k * step) < step * 1e-9 ? 0 : Number((k * step).toPrecision(12)));
    return {ticks: t, lo: a * step, hi: b * step};
  }
  function extent(values, axis) {
    var lo = Infinity, hi = -Infinity;
    values.forEach(function (v) { if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    if (axis.ref !== undefined) { lo = Math.min(lo, axis.ref); hi = Math.max(hi, axis.ref); }
    if (axis.min !== undefined) lo = Math.min(lo, axis.min) === axis.min ? axis.min : lo;
    if (axis.max !== undefined && hi <= axis.max) hi = axis.max;
    if (axis.min !== undefined && lo >= axis.min) lo = axis.min;
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi === lo) { hi = lo + (Math.abs(lo) || 1) * 0.1; lo = lo - (Math.abs(lo) || 1) * 0.1; if (axis.min !== undefined && lo < axis.min) lo = axis.min; }
    return niceTicks(lo, hi, 5);
  }
  function wrap(s, width) {
    var words = String(s).split(' '), lines = [], cur = '';
    words.forEach(function (w) {
      if ((cur + ' ' + w).length > width && cur) { lines.push(cur); cur = w; } else cur = cur ? cur + ' ' + w : w;
    });
    if (cur) lines.push(cur);
    return lines;
  }

  // ---- the frame every chart shares: size, optional title block, legend, plot rectangle -------
  function Frame(chart, opts) {
    this.chart = chart;
    this.W = opts.width || 860;
    this.solo = opts.solo;
    this.head = 0;
    this.legendItems = opts.legend || [];
    var legendRows = layoutLegend(this.legendItems, this.W - 80);
    this.legendH = legendRows.length * 18 + (legendRows.length ? 8 : 0);
    this.legendRows = legendRows;
    if (this.solo) this.head = 24 + wrap(chart.caption, 120).length * 15 + 8;
    this.L = opts.left || 72;
    this.R = 24;
    this.T = this.head + 14;
    this.plotH = opts.plotH || 260;
    this.B = 46;
    this.H = this.T + this.plotH + this.B + this.legendH;
    this.plotW = this.W - this.L - this.R;
    this.svg = el('svg', {width: this.W, height: this.H, viewBox: '0 0 ' + this.W + ' ' + this.H,
                          role: 'img', 'aria-label': chart.title, id: 'svg-' + chart.id,
                          'data-chart-id': chart.id});
    this.svg.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns', NS);
    el('rect', {x: 0, y: 0, width: this.W, height: this.H, fill: '#ffffff'}, this.svg);
    if (this.solo) {
      text(this.svg, 12, 22, chart.title, {'font-size': 15, 'font-weight': 'bold', fill: '#111'});
      var self = this;
      wrap(chart.caption, 120).forEach(function (line, i) {
        text(self.svg, 12, 42 + i * 15, line, {'font-size': 12, fill: '#444'});
      });
    }
    this.plot = {x: this.L, y: this.T, w: this.plotW, h: this.plotH};
  }
  function layoutLegend(items, width) {
    var rows = [], row = [], x = 0;
    items.forEach(function (it) {
      var w = 30 + it.label.length * 6.6 + 16;
      if (x + w > width && row.length) { rows.push(row); row = []; x = 0; }
      row.push({item: it, x: x}); x += w;
    });
    if (row.length) rows.push(row);
    return rows;
  }
  Frame.prototype.drawLegend = function () {
    var y0 = this.T + this.plotH + this.B, self = this;
    this.legendRows.forEach(function (row, r) {
      row.forEach(function (cell) {
        var it = cell.item, x = self.L + cell.x, y = y0 + r * 18 + 6;
        if (it.kind === 'band') el('rect', {x: x, y: y - 6, width: 22, height: 12, fill: it.color, 'fill-opacity': it.alpha || 0.3}, self.svg);
        else if (it.kind === 'box') el('rect', {x: x + 4, y: y - 6, width: 14, height: 12, fill: it.color}, self.svg);
        else el('line', {x1: x, y1: y, x2: x + 22, y2: y, stroke: it.color, 'stroke-width': 2.5, 'stroke-dasharray': DASH[(it.dash || 0) % DASH.length] || null}, self.svg);
        text(self.svg, x + 28, y + 4, it.label, {'font-size': 11});
      });
    });
  };
  Frame.prototype.yAxis = function (ticks, y, f, label) {
    var self = this, p = this.plot;
    ticks.forEach(function (v) {
      var yy = y(v);
      el('line', {x1: p.x, x2: p.x + p.w, y1: yy, y2: yy, stroke: '#e3e3e3', 'stroke-width': 1}, self.svg);
      text(self.svg, p.x - 6, yy + 4, fmt(v, f), {'text-anchor': 'end'});
    });
    el('line', {x1: p.x, x2: p.x, y1: p.y, y2: p.y + p.h, stroke: '#555'}, this.svg);
    text(this.svg, 14, p.y + p.h / 2, label, {'text-anchor': 'middle', transform: 'rotate(-90 14 ' + (p.y + p.h / 2) + ')', 'font-size': 12});
  };
  Frame.prototype.xLabel = function (label) {
    el('line', {x1: this.plot.x, x2: this.plot.x + this.plot.w, y1: this.plot.y + this.plot.h, y2: this.plot.y + this.plot.h, stroke: '#555'}, this.svg);
    text(this.svg, this.plot.x + this.plot.w / 2, this.plot.y + this.plot.h + 36, label, {'text-anchor': 'middle', 'font-size': 12});
  };
  Frame.prototype.ref = function (y, v) {
    if (v === undefined) return;
    var yy = y(v);
    el('line', {x1: this.plot.x, x2: this.plot.x + this.plot.w, y1: yy, y2: yy, stroke: '#555', 'stroke-dasharray': '4 3'}, this.svg);
  };

  // ---- hover: a vertical rule and a box with every series' value at the nearest week ----------
  var tip = null;
  function showTip(evt, html) {
    if (!tip) { tip = h('div', 'tip', document.body); }
    tip.innerHTML = html;
    tip.style.display = 'block';
    tip.style.left = Math.min(evt.clientX + 14, window.innerWidth - 320) + 'px';
    tip.style.top = (evt.clientY + 14) + 'px';
  }
  function hideTip() { if (tip) tip.style.display = 'none'; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; }); }

  function valueAt(part, t) {
    for (var i = 0; i < part.t.length; i++) if (part.t[i] === t) return part.y[i];
    return null;
  }

  // ---- line charts (with bands) and stacked shares over weeks ---------------------------------
  function drawLine(chart, solo) {
    var series = chart.series, stacked = chart.kind === 'stack';
    var ticks = [], vals = [];
    series.forEach(function (s) {
      s.parts.forEach(function (p) {
        if (!Array.isArray(p.t) || !Array.isArray(p.y) || p.t.length !== p.y.length) throw new Error('bad series data in ' + chart.id);
        p.t.forEach(function (t) { if (ticks.indexOf(t) < 0) ticks.push(t); });
        if (!stacked) vals = vals.concat(p.y);
      });
    });
    ticks.sort(function (a, b) { return a - b; });
    if (!ticks.length) throw new Error('no data in ' + chart.id);
    var cum = {};
    if (stacked) {
      ticks.forEach(function (t) { cum[t] = 0; });
      series.forEach(function (s) { s.parts[0].t.forEach(function (t, i) { cum[t] += s.parts[0].y[i] || 0; }); });
      for (var t in cum) vals.push(cum[t]);
    }
    var legend = series.map(function (s, i) {
      var c = stacked ? seq(i, series.length) : color(s.color);
      return {label: s.label, color: c, kind: s.role === 'band' ? 'band' : stacked ? 'box' : 'line', alpha: s.alpha, dash: s.dash};
    });
    var F = new Frame(chart, {solo: solo, legend: legend});
    var ex = extent(vals, chart.y), p = F.plot;
    var x0 = ticks[0], x1 = ticks[ticks.length - 1];
    // Data never sits on the frame (a line along an axis would hide in it): 8 px inside each edge.
    var PAD = 8;
    var x = function (t) { return x1 === x0 ? p.x + p.w / 2 : p.x + PAD + (t - x0) / (x1 - x0) * (p.w - 2 * PAD); };
    var y = function (v) { return p.y + p.h - PAD - (v - ex.lo) / (ex.hi - ex.lo) * (p.h - 2 * PAD); };
    F.yAxis(ex.ticks, y, chart.y.fmt, chart.y.label);
    var continuous = chart.x.continuous;
    var xt = niceTicks(x0, x1 === x0 ? x0 + 1 : x1, 8).ticks.filter(function (t) {
      return t >= x0 - 1e-9 && t <= x1 + 1e-9 && (continuous || Math.round(t) === t);
    });
    xt.forEach(function (t) {
      el('line', {x1: x(t), x2: x(t), y1: p.y + p.h, y2: p.y + p.h + 5, stroke: '#555'}, F.svg);
      text(F.svg, x(t), p.y + p.h + 18, continuous ? fmt(t, 'num') : String(t), {'text-anchor': 'middle'});
    });
    F.xLabel(chart.x.label);
    var g = el('g', {'class': 'marks'}, F.svg);
    if (stacked) {
      var base = {};
      ticks.forEach(function (t) { base[t] = 0; });
      series.forEach(function (s, i) {
        var part = s.parts[0], top = [], bot = [];
        ticks.forEach(function (t) {
          var v = valueAt(part, t) || 0;
          bot.push([x(t), y(base[t])]); base[t] += v; top.push([x(t), y(base[t])]);
        });
        var pts = top.concat(bot.reverse()).map(function (q) { return q[0].toFixed(1) + ',' + q[1].toFixed(1); }).join(' ');
        el('polygon', {points: pts, fill: seq(i, series.length), stroke: '#ffffff', 'stroke-width': 0.5, 'class': 'mark'}, g);
      });
    } else {
      series.forEach(function (s) {
        if (s.role === 'band') {
          var lo = s.parts[0], hi = s.parts[1], seg = [];
          var flush = function () {
            if (seg.length) {
              var pts = seg.map(function (q) { return x(q[0]).toFixed(1) + ',' + y(q[2]).toFixed(1); })
                .concat(seg.slice().reverse().map(function (q) { return x(q[0]).toFixed(1) + ',' + y(q[1]).toFixed(1); }));
              el('polygon', {points: pts.join(' '), fill: color(s.color), 'fill-opacity': s.alpha || 0.3, 'class': 'mark'}, g);
            }
            seg = [];
          };
          lo.t.forEach(function (t, i) {
            var a = lo.y[i], b = valueAt(hi, t);
            if (a === null || b === null) flush(); else seg.push([t, a, b]);
          });
          flush();
        }
      });
      series.forEach(function (s) {
        if (s.role !== 'line') return;
        var part = s.parts[0], d = '', pen = false, single = [];
        part.t.forEach(function (t, i) {
          var v = part.y[i];
          if (v === null) { pen = false; return; }
          d += (pen ? 'L' : 'M') + x(t).toFixed(1) + ',' + y(v).toFixed(1);
          single.push([t, v]);
          pen = true;
        });
        if (!s.dots) el('path', {d: d, fill: 'none', stroke: color(s.color), 'stroke-width': 2.2, 'stroke-dasharray': DASH[(s.dash || 0) % DASH.length] || null, 'class': 'mark'}, g);
        if (single.length <= 2 || s.dots) single.forEach(function (q) { el('circle', {cx: x(q[0]), cy: y(q[1]), r: 3.5, fill: color(s.color), 'class': 'mark'}, g); });
      });
    }
    F.ref(y, chart.y.ref);
    F.drawLegend();
    // Hover.
    var rule = el('line', {x1: 0, x2: 0, y1: p.y, y2: p.y + p.h, stroke: '#999', visibility: 'hidden'}, F.svg);
    var overlay = el('rect', {x: p.x, y: p.y, width: p.w, height: p.h, fill: 'transparent'}, F.svg);
    overlay.addEventListener('mousemove', function (evt) {
      var box = F.svg.getBoundingClientRect(), mx = (evt.clientX - box.left) * F.W / box.width;
      var best = ticks[0];
      ticks.forEach(function (t) { if (Math.abs(x(t) - mx) < Math.abs(x(best) - mx)) best = t; });
      rule.setAttribute('x1', x(best)); rule.setAttribute('x2', x(best)); rule.setAttribute('visibility', 'visible');
      var rows = series.map(function (s) {
        var v = s.role === 'band' ? fmt(valueAt(s.parts[0], best), chart.y.fmt) + ' – ' + fmt(valueAt(s.parts[1], best), chart.y.fmt)
                                  : fmt(valueAt(s.parts[0], best), chart.y.fmt);
        return '<tr><td>' + esc(s.label) + '</td><td class="num">' + esc(v) + '</td></tr>';
      });
      var head = chart.x.name ? esc(chart.x.name) + ' = ' + esc(fmt(best, 'num')) : 'week ' + best;
      showTip(evt, '<b>' + head + '</b><table>' + rows.join('') + '</table>');
    });
    overlay.addEventListener('mouseleave', function () { rule.setAttribute('visibility', 'hidden'); hideTip(); });
    return F;
  }

  // ---- grouped bars over categories (wealth deciles) ----------------------------------------
  function drawBars(chart, solo) {
    var cats = chart.categories, series = chart.series, vals = [];
    series.forEach(function (s) {
      if (s.parts.length !== cats.length) throw new Error('bars of ' + chart.id + ' do not match the categories');
      s.parts.forEach(function (p) { vals.push(p.y[0]); });
    });
    var legend = series.map(function (s) { return {label: s.label, color: color(s.color), kind: 'box'}; });
    var F = new Frame(chart, {solo: solo, legend: legend});
    var ex = extent(vals, chart.y), p = F.plot;
    var y = function (v) { return p.y + p.h - (v - ex.lo) / (ex.hi - ex.lo) * p.h; };
    F.yAxis(ex.ticks, y, chart.y.fmt, chart.y.label);
    var gw = p.w / cats.length, bw = Math.min(28, gw * 0.8 / Math.max(1, series.length));
    var g = el('g', {'class': 'marks'}, F.svg);
    cats.forEach(function (c, i) {
      var cx = p.x + gw * (i + 0.5);
      text(F.svg, cx, p.y + p.h + 18, c, {'text-anchor': 'middle'});
      series.forEach(function (s, j) {
        var v = s.parts[i].y[0];
        if (v === null) return;
        var bx = cx - bw * series.length / 2 + j * bw, top = y(Math.max(v, ex.lo)), zero = y(Math.max(0, ex.lo));
        var r = el('rect', {x: bx.toFixed(1), y: Math.min(top, zero).toFixed(1), width: (bw - 1).toFixed(1),
                            height: Math.max(Math.abs(zero - top), v > 0 ? 1 : 0).toFixed(1), fill: color(s.color), 'class': 'mark'}, g);
        r.addEventListener('mousemove', function (evt) { showTip(evt, '<b>' + esc(c) + '</b><br>' + esc(s.label) + ': ' + esc(fmt(v, chart.y.fmt))); });
        r.addEventListener('mouseleave', hideTip);
      });
    });
    F.xLabel(chart.x.label);
    F.drawLegend();
    return F;
  }

  // ---- a table of coloured cells (transitions, effects by decile) ----------------------------
  function drawHeat(chart, solo) {
    var rows = chart.rows, cols = chart.cols, max = 0;
    chart.cells.forEach(function (r) { r.forEach(function (c) { if (c && c.y[0] !== null) max = Math.max(max, c.y[0]); }); });
    var longest = 0;
    rows.forEach(function (r) { longest = Math.max(longest, String(r).length); });
    var cellH = 26;
    var F = new Frame(chart, {solo: solo, left: Math.max(72, 40 + longest * 6.8), plotH: Math.max(60, rows.length * cellH),
                              legend: [{label: 'darker = larger share; numbers in % (max ' + fmt(max, 'pct') + ')', color: '#08306b', kind: 'box'}]});
    var p = F.plot, cw = p.w / cols.length, ch = p.h / rows.length;
    var g = el('g', {'class': 'marks'}, F.svg);
    rows.forEach(function (rname, i) {
      text(F.svg, p.x - 6, p.y + ch * (i + 0.5) + 4, rname, {'text-anchor': 'end'});
      cols.forEach(function (cname, j) {
        var c = chart.cells[i][j], v = c ? c.y[0] : null;
        var f = v === null || max <= 0 ? 0 : v / max;
        var fill = v === null ? '#f4f4f4' : mix('#f7fbff', '#08306b', f);
        var r = el('rect', {x: (p.x + j * cw).toFixed(1), y: (p.y + i * ch).toFixed(1), width: (cw - 1).toFixed(1), height: (ch - 1).toFixed(1), fill: fill, 'class': 'mark'}, g);
        if (v !== null) text(g, p.x + (j + 0.5) * cw, p.y + (i + 0.5) * ch + 4, fmt(v, 'pct'), {'text-anchor': 'middle', 'font-size': 10, fill: f > 0.5 ? '#ffffff' : '#222'});
        r.addEventListener('mousemove', function (evt) { showTip(evt, esc(rname) + ' → ' + esc(cname) + ': ' + esc(fmt(v, 'pct'))); });
        r.addEventListener('mouseleave', hideTip);
      });
    });
    cols.forEach(function (cname, j) { text(F.svg, p.x + (j + 0.5) * cw, p.y + p.h + 16, cname, {'text-anchor': 'middle', 'font-size': 10}); });
    text(F.svg, 14, p.y + p.h / 2, chart.rowLabel || '', {'text-anchor': 'middle', transform: 'rotate(-90 14 ' + (p.y + p.h / 2) + ')', 'font-size': 12});
    text(F.svg, p.x + p.w / 2, p.y + p.h + 36, chart.x.label, {'text-anchor': 'middle', 'font-size': 12});
    F.drawLegend();
    return F;
  }

  // ---- horizontal rows: calibration ratios and compare intervals ------------------------------
  function drawRows(chart, solo, items) {
    // items: [{label, v, lo, hi, tip}] on one x scale.
    var vals = [];
    items.forEach(function (it) { [it.v, it.lo, it.hi].forEach(function (v) { if (v !== null && v !== undefined) vals.push(v); }); });
    var longest = 0;
    items.forEach(function (it) { longest = Math.max(longest, it.label.length); });
    var rowH = 22;
    var F = new Frame(chart, {solo: solo, left: Math.min(420, Math.max(90, 24 + longest * 6.4)), plotH: Math.max(60, items.length * rowH)});
    var p = F.plot, ex = extent(vals, chart.y);
    var x = function (v) { return p.x + (v - ex.lo) / (ex.hi - ex.lo) * p.w; };
    ex.ticks.forEach(function (v) {
      el('line', {x1: x(v), x2: x(v), y1: p.y, y2: p.y + p.h, stroke: '#e3e3e3'}, F.svg);
      text(F.svg, x(v), p.y + p.h + 18, fmt(v, 'num') + '%', {'text-anchor': 'middle'});
    });
    if (chart.y.ref !== undefined) el('line', {x1: x(chart.y.ref), x2: x(chart.y.ref), y1: p.y, y2: p.y + p.h, stroke: '#555', 'stroke-dasharray': '4 3'}, F.svg);
    var g = el('g', {'class': 'marks'}, F.svg), rh = p.h / items.length;
    items.forEach(function (it, i) {
      var cy = p.y + rh * (i + 0.5);
      text(F.svg, p.x - 6, cy + 4, it.label, {'text-anchor': 'end'});
      var hit;
      if (chart.kind === 'calib') {
        if (it.v === null) { text(g, p.x + 4, cy + 4, 'n/a', {}); return; }
        hit = el('rect', {x: Math.min(x(0), x(it.v)), y: cy - rh * 0.35, width: Math.max(1, Math.abs(x(it.v) - x(0))), height: rh * 0.7, fill: color(0), 'class': 'mark'}, g);
      } else {
        if (it.lo !== null && it.hi !== null) el('line', {x1: x(it.lo), x2: x(it.hi), y1: cy, y2: cy, stroke: color(0), 'stroke-width': 2.5, 'class': 'mark'}, g);
        hit = el('circle', {cx: x(it.v), cy: cy, r: 4.5, fill: color(1), 'class': 'mark'}, g);
      }
      hit.addEventListener('mousemove', function (evt) { showTip(evt, it.tip); });
      hit.addEventListener('mouseleave', hideTip);
    });
    el('line', {x1: p.x, x2: p.x + p.w, y1: p.y + p.h, y2: p.y + p.h, stroke: '#555'}, F.svg);
    text(F.svg, p.x + p.w / 2, p.y + p.h + 36, chart.y.label, {'text-anchor': 'middle', 'font-size': 12});
    F.drawLegend();
    return F;
  }
  function drawCalib(chart, solo) {
    var items = chart.rows.map(function (r) {
      var m = r.model.y[0], t = r.target.y[0];
      var v = m !== null && t !== null && t !== 0 ? m / t * 100 : null;
      return {label: r.name, v: v, tip: esc(r.name) + '<br>model ' + esc(fmt(m, 'num')) + ', published ' + esc(fmt(t, 'num'))};
    });
    return drawRows(chart, solo, items);
  }
  function drawCi(chart, solo) {
    var items = chart.rows.map(function (r) {
      var a = Math.abs(r.mean_a), s = function (v) { return v === null ? null : v / a * 100; };
      return {label: r.label || r.metric, v: s(r.diff), lo: s(r.lo), hi: s(r.hi),
              tip: esc(r.system + ' ' + r.metric) + '<br>A ' + esc(fmt(r.mean_a, 'num')) + ', B ' + esc(fmt(r.mean_b, 'num')) +
                   '<br>B − A ' + esc(fmt(r.diff, 'num')) + ' [' + esc(fmt(r.lo, 'num')) + ', ' + esc(fmt(r.hi, 'num')) + '], n = ' + esc(fmt(r.n, 'num'))};
    });
    return drawRows(chart, solo, items);
  }
  // A difference over weeks with its interval: drawn as a band and a line.
  function drawCline(chart, solo) {
    var pts = chart.points;
    var lo = {t: [], y: []}, hi = {t: [], y: []}, mid = {t: [], y: []};
    pts.forEach(function (q) { lo.t.push(q.t); lo.y.push(q.lo); hi.t.push(q.t); hi.y.push(q.hi); mid.t.push(q.t); mid.y.push(q.diff); });
    var c = {id: chart.id, kind: 'line', title: chart.title, caption: chart.caption, x: chart.x, y: chart.y,
             series: [{role: 'band', label: '95% interval', color: 0, alpha: 0.25, parts: [lo, hi]},
                      {role: 'line', label: 'mean difference (B − A)', color: 0, parts: [mid]}]};
    return drawLine(c, solo);
  }

  var DRAW = {line: drawLine, stack: drawLine, bars: drawBars, heat: drawHeat, calib: drawCalib, ci: drawCi, cline: drawCline};

  function calibTable(chart, fig) {
    var t = h('table', 'calib', fig);
    var head = h('tr', null, t);
    ['target', 'model', 'published', 'row of metrics.csv', 'source'].forEach(function (s) { h('th', null, head, s); });
    chart.rows.forEach(function (r) {
      var tr = h('tr', null, t);
      h('td', null, tr, r.name);
      h('td', 'num', tr, fmt(r.model.y[0], 'num'));
      h('td', 'num', tr, fmt(r.target.y[0], 'num'));
      h('td', null, tr, [r.system, r.metric, r.key].filter(function (s) { return s; }).join(' / '));
      h('td', null, tr, r.source || '');
    });
  }

  function figure(chart, parent, solo) {
    var fig = h('figure', 'chart', parent);
    fig.id = chart.id;
    if (!solo) {
      var hd = h('h3', null, fig);
      hd.textContent = chart.title + ' ';
      var a = h('a', 'anchor', hd, '#');
      a.href = '#' + chart.id;
      a.title = 'chart id: ' + chart.id;
    }
    try {
      var draw = DRAW[chart.kind];
      if (!draw) throw new Error('unknown chart kind ' + chart.kind);
      var F = draw(chart, solo);
      fig.appendChild(F.svg);
      if (!solo) h('figcaption', null, fig, chart.caption);
      if (chart.kind === 'calib' && !solo) calibTable(chart, fig);
      placed.push({id: chart.id, svg: F.svg, W: F.W, plot: F.plot});
      drawn++;
    } catch (e) {
      h('p', 'error', fig, 'This chart could not be drawn: ' + e.message);
      fail(chart.id + ': ' + e.message);
    }
  }

  function header(doc, root) {
    h('h1', null, root, 'credsim report');
    h('p', 'lead', root, 'Simulated effects of social credit systems on a synthetic society. Every person here is ' +
      'generated by the simulator; no real person is scored. Time runs in weeks (one tick = one simulated week). ' +
      'Hover over a chart to read exact values.');
    if (doc.runs.length) {
      var t = h('table', 'runs', root), head = h('tr', null, t);
      ['run', 'scenario', 'systems', 'persons', 'weeks', 'seed', 'folder'].forEach(function (s) { h('th', null, head, s); });
      doc.runs.forEach(function (r) {
        var tr = h('tr', null, t);
        h('td', null, tr, r.label);
        h('td', null, tr, (r.scenario_file || '') + (r.overrides && r.overrides.length ? ' with ' + r.overrides.join(', ') : ''));
        h('td', null, tr, r.systems.map(function (s) { return s.name + ' (' + s.type + ')'; }).join(', '));
        h('td', 'num', tr, fmt(r.persons, 'int'));
        h('td', 'num', tr, String(r.ticks));
        h('td', 'num', tr, String(r.seed));
        h('td', null, tr, r.dir);
      });
    }
    doc.compares.forEach(function (c) {
      h('p', null, root, 'Comparison "' + c.label + '": ' + c.label_a + ' (A) vs ' + c.label_b + ' (B), from ' + c.dir + '.');
    });
    var nav = h('nav', null, root);
    doc.sections.forEach(function (s) {
      var a = h('a', null, nav, s.title);
      a.href = '#sec-' + s.id;
    });
  }

  // Plot areas in page pixels, measured once the page is laid out (the SVG may be scaled).
  function measure() {
    rects = placed.map(function (c) {
      var box = c.svg.getBoundingClientRect(), k = box.width / c.W;
      return {id: c.id, x: Math.round(box.left + window.scrollX + c.plot.x * k), y: Math.round(box.top + window.scrollY + c.plot.y * k),
              w: Math.round(c.plot.w * k), h: Math.round(c.plot.h * k)};
    });
  }

  function report() {
    measure();
    var b = document.body;
    b.setAttribute('data-render', errors.length ? 'error' : 'ok');
    b.setAttribute('data-charts', String(drawn));
    b.setAttribute('data-errors', String(errors.length));
    b.setAttribute('data-rects', JSON.stringify(rects));
    b.setAttribute('data-doc-height', String(Math.ceil(document.documentElement.scrollHeight)));
    var list = document.getElementById('render-errors');
    if (list) {
      list.textContent = '';
      errors.forEach(function (m) { h('li', null, list, m); });
      list.style.display = errors.length ? 'block' : 'none';
    }
  }

  function main() {
    var root = document.getElementById('report');
    var doc = JSON.parse(document.getElementById('credsim-data').textContent);
    var m = /^#chart=(.+)$/.exec(window.location.hash);
    if (m) {
      document.body.className = 'solo';
      var found = null;
      doc.sections.forEach(function (s) { s.charts.forEach(function (c) { if (c.id === m[1]) found = c; }); });
      if (!found) throw new Error('no chart with id ' + m[1]);
      figure(found, root, true);
      var svg = root.querySelector('svg');
      document.body.setAttribute('data-width', svg.getAttribute('width'));
      document.body.setAttribute('data-height', svg.getAttribute('height'));
      return;
    }
    header(doc, root);
    doc.sections.forEach(function (s) {
      var sec = h('section', null, root);
      sec.id = 'sec-' + s.id;
      h('h2', null, sec, s.title);
      if (s.intro) h('p', 'intro', sec, s.intro);
      s.charts.forEach(function (c) { figure(c, sec, false); });
    });
  }

  try { main(); } catch (e) { fail('report script: ' + (e && e.message)); }
  finished = true;
  report();
})();
