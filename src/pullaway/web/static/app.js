/* pullaway: small charts in plain SVG, and a few form helpers.
 * Data comes from JSON script blocks (type application/json), read with JSON.parse.
 * Text is only ever set with textContent, never innerHTML. No network requests. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var DAY = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    }
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, str, cls, anchor) {
    var t = el("text", { x: x, y: y, "class": cls || "axis", "text-anchor": anchor || "start" }, parent);
    t.textContent = str;
    return t;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function parseDay(s) { var p = s.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function fmtDay(ms) { var d = new Date(ms); return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear(); }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p;
    var steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) if (m <= steps[i]) return steps[i] * p;
    return 10 * p;
  }
  function svgFor(container, height) {
    clear(container);
    var width = Math.max(280, container.clientWidth || 600);
    var svg = el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, "class": "chart-svg", focusable: "false" }, container);
    return { svg: svg, width: width, height: height };
  }
  function readData(id) {
    var block = document.getElementById(id);
    if (!block) return null;
    try { return JSON.parse(block.textContent || "null"); } catch (e) { return null; }
  }

  /* ---------- Kaplan–Meier step curves (share who came back by day d) ---------- */
  function stepPath(points, key, xs, ys) {
    var d = "M" + xs(0) + "," + ys(0), prev = 0;
    points.forEach(function (p) {
      d += " H" + xs(p.days) + " V" + ys(p[key] == null ? prev : p[key]);
      prev = p[key] == null ? prev : p[key];
    });
    return d;
  }
  function bandPath(points, xs, ys) {
    if (!points.length) return "";
    var d = "M" + xs(0) + "," + ys(0), hi = 0, lo = 0, lows = [];
    points.forEach(function (p) {
      hi = p.high == null ? hi : p.high;
      lo = p.low == null ? lo : p.low;
      lows.push(lo);
      d += " H" + xs(p.days) + " V" + ys(hi);
    });
    d += " V" + ys(lows[lows.length - 1]);
    for (var i = points.length - 1; i >= 0; i--) {
      d += " V" + ys(i ? lows[i - 1] : 0) + " H" + xs(i ? points[i - 1].days : 0);
    }
    return d + " Z";
  }
  function drawCurves(container, groups, today) {
    var c = svgFor(container, 240), m = { l: 44, r: 16, t: 12, b: 34 };
    var maxDay = 7;
    groups.forEach(function (g) { g.curve.forEach(function (p) { maxDay = Math.max(maxDay, p.days); }); });
    if (today != null) maxDay = Math.max(maxDay, today + 1);
    maxDay = Math.ceil(maxDay * 1.05);
    var w = c.width - m.l - m.r, h = c.height - m.t - m.b;
    var xs = function (d) { return (m.l + (d / maxDay) * w).toFixed(1); };
    var ys = function (v) { return (m.t + (1 - v) * h).toFixed(1); };
    [0, 0.5, 1].forEach(function (v) {
      el("line", { x1: m.l, x2: c.width - m.r, y1: ys(v), y2: ys(v), "class": "grid" }, c.svg);
      text(c.svg, m.l - 6, +ys(v) + 4, Math.round(v * 100) + "%", "axis", "end");
    });
    var step = maxDay > 60 ? 14 : maxDay > 28 ? 7 : maxDay > 10 ? 2 : 1;
    for (var d = 0; d <= maxDay; d += step) text(c.svg, xs(d), c.height - m.b + 16, String(d), "axis", "middle");
    text(c.svg, m.l + w / 2, c.height - 4, "days since he pulled away", "axis", "middle");
    groups.forEach(function (g) {
      if (!g.curve.length) return;
      el("path", { d: bandPath(g.curve, xs, ys), "class": "band band-" + g.key }, c.svg);
    });
    groups.forEach(function (g) {
      if (!g.curve.length) return;
      var line = el("path", { d: stepPath(g.curve, "back", xs, ys), "class": "curve curve-" + g.key }, c.svg);
      var t = el("title", {}, line); t.textContent = g.label + ": " + (g.episodes != null ? g.episodes + " pull-aways" : "");
    });
    if (today != null) {
      el("line", { x1: xs(today), x2: xs(today), y1: m.t, y2: m.t + h, "class": "today" }, c.svg);
      var roomRight = c.width - m.r - xs(today) > 80;
      text(c.svg, +xs(today) + (roomRight ? 4 : -4), m.t + 12, "today: day " + today, "axis today-label", roomRight ? "start" : "end");
    }
  }

  /* ---------- timeline: messages per day or week, episodes shaded, zoomable ---------- */
  function Timeline(container, data) {
    this.container = container;
    this.data = data;
    this.t = data.days.map(parseDay);
    this.lo = 0; this.hi = this.t.length - 1;
    this.zoomButtons = document.querySelector('[data-zoom-for="' + container.getAttribute("data-chart") + '"]');
    this.tip = document.createElement("div");
    this.tip.className = "chart-tip";
    this.tip.hidden = true;
    container.appendChild(this.tip);
    var self = this;
    if (this.zoomButtons) {
      this.zoomButtons.addEventListener("click", function (ev) {
        var b = ev.target.closest("button[data-zoom]");
        if (!b) return;
        var span = b.getAttribute("data-zoom");
        self.hi = self.t.length - 1;
        self.lo = span === "all" ? 0 : Math.max(0, self.hi - (+span) + 1);
        self.draw();
      });
    }
    window.addEventListener("pointerup", function (ev) { if (self.onUp) self.onUp(ev); });
    this.draw();
  }
  Timeline.prototype.series = function () {
    var d = this.data, lo = this.lo, hi = this.hi, weekly = hi - lo > 180, out = [];
    for (var i = lo; i <= hi; i += weekly ? 7 : 1) {
      var end = Math.min(hi, i + (weekly ? 6 : 0)), row = { start: this.t[i], end: this.t[end], me: 0, them: 0, base: null, eng: null, n: 0 };
      var bsum = 0, bn = 0, esum = 0, en = 0;
      for (var j = i; j <= end; j++) {
        row.me += d.me[j] || 0; row.them += d.them[j] || 0; row.n++;
        if (d.baseline[j] != null) { bsum += d.baseline[j]; bn++; }
        if (d.engagement[j] != null) { esum += d.engagement[j]; en++; }
      }
      row.base = bn ? (bsum / bn) * row.n : null;
      row.eng = en ? esum / en : null;
      out.push(row);
    }
    return { rows: out, weekly: weekly };
  };
  Timeline.prototype.draw = function () {
    var self = this, d = this.data;
    var tip = this.tip;
    var c = svgFor(this.container, 300);
    this.container.appendChild(tip);
    if (!this.t.length) { text(c.svg, 20, 40, "No messages to show.", "axis"); return; }
    var m = { l: 40, r: 12, t: 34, b: 28 }, engH = 56, gap = 22;
    var w = c.width - m.l - m.r, h = c.height - m.t - m.b - engH - gap;
    var t0 = this.t[this.lo], t1 = this.t[this.hi] + DAY;
    var xs = function (ms) { return m.l + ((ms - t0) / (t1 - t0)) * w; };
    var s = this.series(), rows = s.rows, maxV = 1;
    rows.forEach(function (r) { maxV = Math.max(maxV, r.me, r.them, r.base || 0); });
    maxV = niceMax(maxV);
    var ys = function (v) { return m.t + (1 - v / maxV) * h; };
    var engTop = m.t + h + gap, engMin = -4, engMax = 2;
    var ye = function (z) { var v = Math.max(engMin, Math.min(engMax, z)); return engTop + (1 - (v - engMin) / (engMax - engMin)) * engH; };
    // episodes (behind everything)
    var epLayer = el("g", { "class": "episodes-layer" }, c.svg);
    d.episodes.forEach(function (ep) {
      var a = Math.max(t0, parseDay(ep.onset)), b = Math.min(t1, parseDay(ep.end) + DAY);
      if (b <= t0 || a >= t1) return;
      var link = el("a", { href: ep.href, "class": "episode-link" }, epLayer);
      var r = el("rect", { x: xs(a).toFixed(1), y: m.t - 14, width: Math.max(3, xs(b) - xs(a)).toFixed(1), height: h + gap + engH + 14, "class": "episode episode-" + ep.strategy + (ep.open ? " episode-open" : "") }, link);
      var tt = el("title", {}, r); tt.textContent = ep.label;
      text(link, (xs(a) + xs(b)) / 2, m.t - 18, "#" + ep.number, "episode-label", "middle");
    });
    // grid and y labels
    [0, 0.5, 1].forEach(function (f) {
      el("line", { x1: m.l, x2: m.l + w, y1: ys(maxV * f), y2: ys(maxV * f), "class": "grid" }, c.svg);
      text(c.svg, m.l - 5, ys(maxV * f) + 4, String(Math.round(maxV * f)), "axis", "end");
    });
    text(c.svg, 0, 11, s.weekly ? "messages per week" : "messages per day", "axis", "start");
    // x ticks
    this.ticks(c.svg, xs, t0, t1, m.t + h + gap + engH + 16);
    // his bars, her line, his baseline
    var bw = Math.max(1, (xs(rows[0].end + DAY) - xs(rows[0].start)) - 1);
    var bars = el("g", { "class": "bars-them" }, c.svg);
    rows.forEach(function (r) {
      if (r.them > 0) el("rect", { x: xs(r.start).toFixed(1), y: ys(r.them).toFixed(1), width: bw.toFixed(1), height: (ys(0) - ys(r.them)).toFixed(1) }, bars);
    });
    var mid = function (r) { return ((xs(r.start) + xs(r.end + DAY)) / 2).toFixed(1); };
    var meLine = rows.map(function (r, i) { return (i ? "L" : "M") + mid(r) + "," + ys(r.me).toFixed(1); }).join(" ");
    el("path", { d: meLine, "class": "line-me" }, c.svg);
    var base = "", pen = false;
    rows.forEach(function (r) {
      if (r.base == null) { pen = false; return; }
      base += (pen ? "L" : "M") + mid(r) + "," + ys(r.base).toFixed(1) + " "; pen = true;
    });
    if (base) el("path", { d: base, "class": "line-base" }, c.svg);
    // engagement strip
    el("line", { x1: m.l, x2: m.l + w, y1: ye(0), y2: ye(0), "class": "grid" }, c.svg);
    el("line", { x1: m.l, x2: m.l + w, y1: ye(-2), y2: ye(-2), "class": "grid grid-dash" }, c.svg);
    text(c.svg, m.l - 5, ye(0) + 4, "usual", "axis", "end");
    text(c.svg, m.l - 5, ye(-2) + 4, "low", "axis", "end");
    text(c.svg, m.l + w, engTop - 6, "his engagement against his usual level", "axis", "end");
    var eng = ""; pen = false;
    rows.forEach(function (r) {
      if (r.eng == null) { pen = false; return; }
      eng += (pen ? "L" : "M") + mid(r) + "," + ye(r.eng).toFixed(1) + " "; pen = true;
    });
    if (eng) el("path", { d: eng, "class": "line-eng" }, c.svg);
    // drag to zoom, hover tip
    var sel = el("rect", { x: 0, y: m.t, width: 0, height: h + gap + engH, "class": "selection" }, c.svg);
    sel.setAttribute("visibility", "hidden");
    var startX = null, moved = false;
    var toIndex = function (px) {
      var ms = t0 + ((px - m.l) / w) * (t1 - t0), best = self.lo;
      for (var i = self.lo; i <= self.hi; i++) if (self.t[i] <= ms) best = i;
      return best;
    };
    var localX = function (ev) { var b = c.svg.getBoundingClientRect(); return Math.max(m.l, Math.min(m.l + w, ev.clientX - b.left)); };
    c.svg.addEventListener("pointerdown", function (ev) { startX = localX(ev); moved = false; });
    c.svg.addEventListener("pointermove", function (ev) {
      var x = localX(ev);
      if (startX !== null && Math.abs(x - startX) > 4) {
        moved = true;
        sel.setAttribute("visibility", "visible");
        sel.setAttribute("x", Math.min(x, startX)); sel.setAttribute("width", Math.abs(x - startX));
      }
      var idx = toIndex(x), r = null;
      for (var k = 0; k < rows.length; k++) if (rows[k].start <= self.t[idx]) r = rows[k];
      if (r) {
        tip.hidden = false;
        tip.textContent = (s.weekly ? "week of " : "") + fmtDay(r.start) + " · " + d.them_name + ": " + r.them + " · " + d.me_name + ": " + r.me;
        var left = Math.min(c.width - 220, Math.max(0, x - 100));
        tip.style.left = left + "px";
      }
    });
    c.svg.addEventListener("pointerleave", function () { tip.hidden = true; });
    c.svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); ev.stopPropagation(); } }, true);
    self.onUp = function (ev) {
      if (startX === null) return;
      var x = localX(ev), a = Math.min(x, startX), b = Math.max(x, startX);
      startX = null;
      sel.setAttribute("visibility", "hidden");
      if (moved && b - a > 8) {
        var lo = toIndex(a), hi = toIndex(b);
        if (hi - lo >= 6) { self.lo = lo; self.hi = hi; self.draw(); }
      }
    };
  };
  Timeline.prototype.ticks = function (svg, xs, t0, t1, y) {
    var span = (t1 - t0) / DAY, start = new Date(t0), ticks = [];
    var y0 = start.getUTCFullYear(), m0 = start.getUTCMonth();
    if (span > 900) {
      for (var yr = y0 + 1; Date.UTC(yr, 0, 1) < t1; yr++) ticks.push([Date.UTC(yr, 0, 1), String(yr)]);
    } else if (span > 75) {
      var every = span > 400 ? 3 : 1;
      for (var k = 1; Date.UTC(y0, m0 + k, 1) < t1; k++) {
        var ms = Date.UTC(y0, m0 + k, 1), dd = new Date(ms);
        if (dd.getUTCMonth() % every === 0) ticks.push([ms, MONTHS[dd.getUTCMonth()] + (dd.getUTCMonth() === 0 ? " " + dd.getUTCFullYear() : "")]);
      }
    } else {
      var stepDays = span > 30 ? 7 : span > 10 ? 3 : 1;
      for (var t = t0; t < t1; t += stepDays * DAY) { var e = new Date(t); ticks.push([t, e.getUTCDate() + " " + MONTHS[e.getUTCMonth()]]); }
    }
    ticks.forEach(function (tk) { text(svg, xs(tk[0]), y, tk[1], "axis", "middle"); });
  };

  /* ---------- journal: follow-ups per day, mood and urge ---------- */
  function drawJournal(container, data) {
    var c = svgFor(container, 200), m = { l: 28, r: 28, t: 12, b: 26 };
    var n = data.days.length, w = c.width - m.l - m.r, h = c.height - m.t - m.b;
    if (!n) return;
    var maxF = niceMax(Math.max.apply(null, data.follow_ups.concat([4])));
    var bw = w / n, xs = function (i) { return m.l + i * bw; };
    var yf = function (v) { return m.t + (1 - v / maxF) * h; };
    var y10 = function (v) { return m.t + (1 - v / 10) * h; };
    [0, 5, 10].forEach(function (v) {
      el("line", { x1: m.l, x2: m.l + w, y1: y10(v), y2: y10(v), "class": "grid" }, c.svg);
      text(c.svg, m.l + w + 4, y10(v) + 4, String(v), "axis");
    });
    text(c.svg, m.l - 4, yf(maxF) + 8, String(maxF), "axis", "end");
    text(c.svg, m.l - 4, yf(0), "0", "axis", "end");
    var g = el("g", { "class": "bars-me" }, c.svg);
    data.follow_ups.forEach(function (v, i) {
      if (v > 0) el("rect", { x: xs(i).toFixed(1), y: yf(v).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: (yf(0) - yf(v)).toFixed(1) }, g);
    });
    [["mood", function (v) { return y10((v - 1) * 2.5); }], ["urge", y10]].forEach(function (pair) {
      var key = pair[0], f = pair[1];
      data[key].forEach(function (v, i) {
        if (v == null) return;
        el("circle", { cx: (xs(i) + bw / 2).toFixed(1), cy: f(v).toFixed(1), r: 3.5, "class": "dot-" + key }, c.svg);
      });
    });
    [0, Math.floor(n / 2), n - 1].forEach(function (i, k) {
      text(c.svg, xs(i) + (k === 2 ? bw : 0), c.height - 6, fmtDay(parseDay(data.days[i])), "axis", k === 0 ? "start" : k === 2 ? "end" : "middle");
    });
  }

  function drawAll() {
    document.querySelectorAll(".chart[data-chart]").forEach(function (container) {
      var data = readData(container.getAttribute("data-chart"));
      if (!data) return;
      if (data.kind === "timeline") { if (!container.timeline) container.timeline = new Timeline(container, data); else container.timeline.draw(); }
      else if (data.kind === "returns") drawCurves(container, [{ key: "history", label: "Earlier pull-aways", curve: data.curve }], data.today);
      else if (data.kind === "compare") drawCurves(container, data.groups, null);
      else if (data.kind === "journal") drawJournal(container, data);
    });
  }

  /* ---------- forms: drop zone, range output, quick exit ---------- */
  function setupForms() {
    var zone = document.getElementById("dropzone"), input = document.getElementById("files"), names = document.getElementById("file-names");
    if (zone && input) {
      var show = function () {
        var list = [];
        for (var i = 0; i < input.files.length; i++) list.push(input.files[i].name);
        names.textContent = list.join(", ");
      };
      input.addEventListener("change", show);
      ["dragenter", "dragover"].forEach(function (n) { zone.addEventListener(n, function (ev) { ev.preventDefault(); zone.classList.add("dragging"); }); });
      ["dragleave", "drop"].forEach(function (n) { zone.addEventListener(n, function () { zone.classList.remove("dragging"); }); });
      zone.addEventListener("drop", function (ev) { ev.preventDefault(); if (ev.dataTransfer && ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; show(); } });
      var form = document.getElementById("upload-form"), status = document.getElementById("upload-status");
      if (form && status) form.addEventListener("submit", function () { reading(form, input, status); });
    }
    document.querySelectorAll("input[type=range][data-output]").forEach(function (r) {
      var out = document.getElementById(r.getAttribute("data-output"));
      var sync = function () { if (out) out.textContent = r.value; };
      r.addEventListener("input", sync); sync();
    });
    var exit = function () { document.title = "New Tab"; clear(document.body); window.location.replace("about:blank"); };
    document.querySelectorAll("[data-quick-exit]").forEach(function (b) { b.addEventListener("click", exit); });
    if (document.querySelector("[data-quick-exit]")) {
      var last = 0;
      document.addEventListener("keydown", function (ev) {
        if (ev.key !== "Escape") return;
        var now = Date.now(); if (now - last < 800) exit(); last = now;
      });
    }
  }

  /* While a large export is read (a million messages take several seconds), say so. */
  function reading(form, input, status) {
    var count = input.files.length, bytes = 0, local = document.getElementById("local-path");
    var path = local ? local.value.trim() : "";
    if (!count && !path) return;
    for (var i = 0; i < count; i++) bytes += input.files[i].size;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Reading…";
    var size = bytes >= 1e6 ? Math.round(bytes / 1e6) + " MB" : Math.max(1, Math.round(bytes / 1e3)) + " KB";
    var what = count ? (count === 1 ? "1 file" : count + " files") + " (" + size + ")" : "";
    if (path) what = what ? what + " and " + path : path;
    status.textContent = "Reading " + what + " on this computer. " +
      "A very large export can take a minute; keep this page open.";
  }

  function start() {
    setupForms();
    drawAll();
    var pending = null;
    window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(drawAll, 150); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
