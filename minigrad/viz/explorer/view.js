// The explorer page, part 1 of 2: the data, the SVG's elements, pan and zoom, and the
// overlay that marks them. page.html wraps this file and explorer.js in one function, in
// that order, so they share its variables; neither runs on its own.
  var data = JSON.parse(document.getElementById("minigrad-data").textContent);
  var svg = document.querySelector("#graph > svg");
  var SVGNS = "http://www.w3.org/2000/svg";
  var PATH_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#F0E442"];
  var PATH_DASHES = ["", "10 4", "3 3", "12 3 3 3", "", "10 4", "3 3"];
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function A(i) {  // an array as the page shows it (see ArrayTable)
    var row = data.arrays[i];
    return row ? { s: row[0], d: row[1], b: row[2] } : { s: "", d: "", b: "" };
  }
  function shapeText(shape) {
    if (!shape) return "";
    return "(" + shape.join(", ") + (shape.length === 1 ? ",)" : ")");
  }

  // ---- the SVG's elements, by the names draw() gave them --------------------------------
  var vertexEl = {}, clusterEl = {}, edgeEl = [], byTitle = {};
  if (svg) {
    svg.querySelectorAll("g.node, g.cluster, g.edge").forEach(function (g) {
      var title = g.querySelector(":scope > title");
      var name = title ? title.textContent : "";
      if (title) title.remove();  // the browser's own tooltips would cover the page's
      if (g.classList.contains("node")) { vertexEl[name] = g; g.dataset.vertex = name; }
      else if (g.classList.contains("cluster")) { clusterEl[name] = g; }
      else { (byTitle[name] = byTitle[name] || []).push(g); }
    });
  }
  data.edges.forEach(function (edge, i) {
    var list = byTitle[edge.tail + "->" + edge.head];
    edgeEl[i] = list && list.length ? list.shift() : null;
    if (edgeEl[i]) {
      edgeEl[i].dataset.edge = i;
      if (edge.kind === "detached") edgeEl[i].classList.add("detached");
    }
  });
  var stepOf = {};
  data.steps.forEach(function (step, i) { if (step.v) stepOf[step.v] = i; });

  // ---- notes ---------------------------------------------------------------------------
  var notes = data.notes.slice();
  if (!svg) notes.push("The graph's picture is missing from this page.");
  if (!data.steps.length && !notes.length) notes.push("No backward pass was recorded for this graph.");
  notes.forEach(function (text) { $("notes").appendChild(el("p", {}, text)); });

  // ---- pan and zoom ---------------------------------------------------------------------
  // `view` is the rectangle of the graph (in its own units) shown in the window. It is
  // applied as a CSS transform of the SVG, which the browser composes without laying the
  // SVG out again; changing the viewBox instead costs ~50 ms per move on a 1,000-node graph.
  var view = null, home = null, graphBox = $("graph"), size = { w: 0, h: 0 }, placed = null;
  if (svg) {
    var box = svg.viewBox.baseVal;
    home = { x: box.x, y: box.y, w: box.width, h: box.height };
    svg.setAttribute("width", home.w); svg.setAttribute("height", home.h);
    view = Object.assign({}, home);
  }
  function measure() { size = { w: graphBox.clientWidth || 1, h: graphBox.clientHeight || 1 }; }
  function applyView() {
    if (!view) return;
    var s = Math.min(size.w / view.w, size.h / view.h);
    var tx = (size.w - view.w * s) / 2 - (view.x - home.x) * s;
    var ty = (size.h - view.h * s) / 2 - (view.y - home.y) * s;
    placed = { s: s, tx: tx, ty: ty };
    svg.style.transform = overlay.style.transform = "translate(" + tx + "px," + ty + "px) scale(" + s + ")";
    sharpen();
  }
  // The layers are composited (will-change), so panning moves pixels already drawn; after
  // a zoom they are drawn again at the new scale, once it has settled, to stay sharp.
  var drawnScale = null, sharpenTimer = null;
  function sharpen() {
    if (placed.s === drawnScale) return;
    clearTimeout(sharpenTimer);
    sharpenTimer = setTimeout(function () {
      drawnScale = placed.s;
      svg.style.willChange = overlay.style.willChange = "auto";
      requestAnimationFrame(function () { svg.style.willChange = overlay.style.willChange = ""; });
    }, 250);
  }
  function zoom(factor, cx, cy) {
    if (!view) return;
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    view.x = cx - (cx - view.x) * factor; view.y = cy - (cy - view.y) * factor;
    view.w *= factor; view.h *= factor; applyView();
  }
  function fit() { if (view) { view = Object.assign({}, home); applyView(); } }
  function toGraph(event) {
    var rect = graphBox.getBoundingClientRect();
    return { x: (event.clientX - rect.left - placed.tx) / placed.s + home.x,
             y: (event.clientY - rect.top - placed.ty) / placed.s + home.y };
  }
  window.addEventListener("resize", function () { measure(); applyView(); });
  function visible(g) {  // is the centre of g inside the current view?
    var c = centreOf(g);
    return c.x >= view.x && c.x <= view.x + view.w && c.y >= view.y && c.y <= view.y + view.h;
  }
  // Boxes are measured once, before any state changes: measuring later would force the
  // browser to lay out the whole restyled SVG again on every step.
  var boxes = new Map(), toViewBox = null;
  function boxOf(g) {
    var b = boxes.get(g);
    if (!b) { b = g.getBBox(); boxes.set(g, b); }
    return b;
  }
  function centreOf(g) {
    var b = boxOf(g);
    if (!toViewBox) {
      var m = g.getCTM(), root = svg.getCTM();
      toViewBox = m && root ? root.inverse().multiply(m) : svg.createSVGMatrix();
    }
    var p = svg.createSVGPoint(); p.x = b.x + b.width / 2; p.y = b.y + b.height / 2;
    return p.matrixTransform(toViewBox);
  }
  function readableStart(g) {
    // A graph much taller or wider than the window would be unreadably small when
    // fitted: show it at its natural size around g instead (the output, where backward starts).
    var w = size.w, h = size.h;
    if (!view || !w || !h || Math.min(w / home.w, h / home.h) > 0.55 || !g) return;
    var c = centreOf(g);
    view = { x: c.x - w / 2, y: c.y - h / 2, w: w, h: h }; applyView();
  }
  function centreOn(g) {
    if (!view || !g) return;
    var c = centreOf(g), w = Math.min(view.w, home.w), h = Math.min(view.h, home.h);
    view = { x: c.x - w / 2, y: c.y - h / 2, w: w, h: h }; applyView();
  }
  var drag = null;
  graphBox.addEventListener("wheel", function (event) {
    if (!view) return;
    event.preventDefault();
    var p = toGraph(event);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
  }, { passive: false });
  graphBox.addEventListener("pointerdown", function (event) {
    if (!view || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
  });
  window.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true; graphBox.classList.add("dragging");
    view.x = drag.vx - dx / placed.s; view.y = drag.vy - dy / placed.s; applyView();
  });
  window.addEventListener("pointerup", function () {
    graphBox.classList.remove("dragging");
    setTimeout(function () { drag = null; }, 0);  // a drag's release is not a click
  });

  // ---- the overlay: what changes while stepping is drawn above the SVG ---------------------
  // Any change inside the SVG makes the browser repaint all of it, some 30 ms for 1,000
  // vertices. Marks, badges and highlighted edges live in a small layer on top instead,
  // moved by the same transform, so a step repaints only them; the classes set on the SVG's
  // own groups (current, sending, done, ...) only name the state and change no style.
  var overlay = el("div", { id: "overlay", "aria-hidden": "true" }), edgeGroup = null;
  if (svg) {
    var graph0 = svg.querySelector("g.graph");
    var edgeLayer = svgEl("svg", { width: home.w, height: home.h,
                                   viewBox: [home.x, home.y, home.w, home.h].join(" ") });
    edgeGroup = svgEl("g", { transform: graph0 ? graph0.getAttribute("transform") || "" : "" });
    edgeLayer.appendChild(edgeGroup); overlay.appendChild(edgeLayer);
    overlay.style.width = home.w + "px"; overlay.style.height = home.h + "px";
    graphBox.appendChild(overlay);
  }
  var hiddenNow = {};
  function rectOf(g) {  // the box of g in the overlay's pixels
    var b = boxOf(g), c = centreOf(g);
    return { x: c.x - b.width / 2 - home.x, y: c.y - b.height / 2 - home.y, w: b.width, h: b.height };
  }
  function nodeMark(id, cls, text) {
    var g = vertexEl[id];
    if (!g) return null;
    var r = rectOf(g), pad = 3;
    var div = el("div", { "class": "mark is-" + cls, "data-v": id }, text);
    div.style.left = (r.x - pad) + "px"; div.style.top = (r.y - pad) + "px";
    div.style.width = (r.w + 2 * pad) + "px"; div.style.height = (r.h + 2 * pad) + "px";
    if (hiddenNow[id]) div.style.display = "none";
    overlay.appendChild(div);
    return div;
  }
  function edgeMark(i, cls, colour, dash) {
    var g = edgeEl[i];
    if (!g || !edgeGroup) return null;
    var copy = svgEl("g", { "class": "is-" + cls, "data-e": i });
    g.querySelectorAll("path:not(.hit), polygon").forEach(function (shape) {
      var twin = shape.cloneNode(false);
      twin.removeAttribute("fill"); twin.removeAttribute("stroke"); twin.removeAttribute("style");
      copy.appendChild(twin);
    });
    if (colour) copy.style.setProperty("--path-colour", colour);
    if (dash) copy.style.setProperty("--path-dash", dash);
    var edge = data.edges[i];
    if (hiddenNow[edge.tail] && hiddenNow[edge.head]) copy.style.display = "none";
    edgeGroup.appendChild(copy);
    return copy;
  }
  function drop(mark) { if (mark && mark.parentNode) mark.parentNode.removeChild(mark); }

  var badges = {};
  function badge(id, text, cls) {
    var t = badges[id];
    if (!t && !text) return;
    if (!t) {
      var g = vertexEl[id];
      if (!g) return;
      var r = rectOf(g);
      t = badges[id] = el("div", { "data-v": id });
      t.style.left = (r.x + r.w / 2) + "px"; t.style.top = (r.y + r.h + 1) + "px";
      if (hiddenNow[id]) t.style.display = "none";
      overlay.appendChild(t);
    }
    t.textContent = text || "";
    t.className = "badge" + (cls ? " " + cls : "");
  }
  var checks = {};
  function check(id, on) {
    if (on && !checks[id]) { checks[id] = nodeMark(id, "done"); if (vertexEl[id]) vertexEl[id].classList.add("done"); }
    if (!on && checks[id]) { drop(checks[id]); delete checks[id]; if (vertexEl[id]) vertexEl[id].classList.remove("done"); }
  }
