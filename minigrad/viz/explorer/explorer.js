// The explorer page, part 2 of 2: stepping through the recorded backward pass, details,
// gradient paths, module clusters, search and keys (see view.js, which comes first). Every
// number it shows was computed by the engine in Python and written in the page's JSON.
  // ---- stepping through the recorded backward pass --------------------------------------
  var steps = data.steps, current = 0, marked = [], timer = null;
  var leafState = {};  // leaf id -> the array index of its gradient so far
  var following = true;  // the view follows the current op
  var slider = $("slider");
  slider.max = steps.length;
  function clearMarks() {
    marked.forEach(function (m) { m[0].classList.remove(m[1]); drop(m[2]); });
    marked = [];
  }
  function markVertex(id, cls) {
    if (vertexEl[id]) { vertexEl[id].classList.add(cls); marked.push([vertexEl[id], cls, nodeMark(id, cls)]); }
  }
  function markEdge(i, cls) {
    if (edgeEl[i]) { edgeEl[i].classList.add(cls); marked.push([edgeEl[i], cls, edgeMark(i, cls)]); }
  }
  function receiverText(send) {
    var value = send.of > 1 ? A(send.sum).b : A(send.grad).b;
    return (send.of > 1 ? send.n + "/" + send.of + " " : "") + "∇ " + value;
  }
  function isLeaf(id) { var v = data.vertices[id]; return v && v.kind !== "op" && v.kind !== "ghost" && v.kind !== "output"; }
  function doStep(i, quiet) {  // the effects of step i (0-based) that stay after it
    var step = steps[i];
    if (step.v) { check(step.v, true); if (!isLeaf(step.v)) badge(step.v, "", ""); }
    step.sends.forEach(function (send) {
      if (!send.to) return;
      if (isLeaf(send.to)) leafState[send.to] = send.of > 1 ? send.sum : send.grad;
      if (isLeaf(send.to) || send.of > 1) {
        badge(send.to, receiverText(send), send.n < send.of ? "partial" : "");
      }
    });
  }
  function highlight(i) {  // the transient marks of step i
    clearMarks();
    if (i < 0) return;
    var step = steps[i];
    markVertex(step.v, "current");
    if (following && vertexEl[step.v] && !hiddenNow[step.v] && !visible(vertexEl[step.v])) centreOn(vertexEl[step.v]);
    step.sends.forEach(function (send) {
      if (send.edge !== null && send.edge !== undefined) markEdge(send.edge, "sending");
      if (send.to && !isLeaf(send.to)) markVertex(send.to, "receiving");
    });
  }
  function resetAll() {
    Object.keys(badges).forEach(function (id) { badges[id].textContent = ""; });
    leafState = {};
    Object.keys(checks).forEach(function (id) { check(id, false); });
  }
  function goTo(k) {
    k = Math.max(0, Math.min(steps.length, k));
    if (k === current + 1) { doStep(k - 1); }
    else if (k !== current) { resetAll(); for (var i = 0; i < k; i++) doStep(i); }
    current = k;
    highlight(k - 1);
    slider.value = k;
    $("counter").textContent = "step " + k + " of " + steps.length;
    showStep(k - 1);
  }
  function showStep(i) {
    var box = $("step-text");
    box.textContent = "";
    if (!steps.length) { box.appendChild(el("p", { "class": "hint" }, notes.length ? "Nothing to step through: see the note above." : "No steps.")); return; }
    if (i < 0) {
      box.appendChild(el("p", {}, steps.length + " steps, one per op, in the engine's order. Press → to run the first VJP."));
      return;
    }
    var step = steps[i], v = data.vertices[step.v] || {};
    box.appendChild(el("p", {}, "Step " + (i + 1) + ": the VJP of "));
    box.lastChild.appendChild(el("b", {}, step.op + (v.name ? " (" + v.name + ")" : "")));
    if (!step.v || !vertexEl[step.v]) box.appendChild(el("p", { "class": "hint" }, "(this op is not drawn: cut by max_nodes)"));
    box.appendChild(el("div", {}, "gradient received, dL/d(output):"));
    box.appendChild(el("pre", {}, A(step.grad).d));
    step.sends.forEach(function (send) {
      var target = data.vertices[send.to] || {};
      var div = el("div", { "class": "send" + (send.n < send.of ? " accumulating" : "") });
      div.appendChild(el("div", {}, "to input " + send.slot + ": " + (target.name || target.op || send.to || "?")));
      div.appendChild(el("pre", {}, A(send.grad).d));
      if (send.of > 1) {
        div.appendChild(el("div", {}, (send.n < send.of ? "accumulating: " : "complete: ") +
          "contribution " + send.n + " of " + send.of + " (this tensor is used " + send.of + " times); sum so far:"));
        div.appendChild(el("pre", {}, A(send.sum).d));
      }
      box.appendChild(div);
    });
    if (i === steps.length - 1 && Object.keys(data.leafGrads).length) {
      box.appendChild(el("p", { "class": "hint" }, "Done: every leaf now holds its gradient (∇ under it)."));
    }
  }
  function play() {
    if (timer) { clearInterval(timer); timer = null; setPlay(false); return; }
    if (current >= steps.length) goTo(0);
    setPlay(true);
    timer = setInterval(function () {
      if (current >= steps.length) { clearInterval(timer); timer = null; setPlay(false); return; }
      goTo(current + 1);
    }, Math.max(60, Math.min(700, 12000 / Math.max(steps.length, 1))));
  }
  function setPlay(on) { $("play").textContent = on ? "❚❚ pause" : "▶︎ play"; $("play").setAttribute("aria-label", on ? "Pause" : "Play"); }
  $("step").onclick = function () { goTo(current + 1); };
  $("back").onclick = function () { goTo(current - 1); };
  $("first").onclick = function () { goTo(0); };
  $("last").onclick = function () { goTo(steps.length); };
  $("play").onclick = play;
  slider.oninput = function () { goTo(+slider.value); };

  // ---- details of a vertex ---------------------------------------------------------------
  var pinned = null, pinnedMark = null;
  function gradientOf(id) {
    var v = data.vertices[id];
    if (!v) return null;
    if (v.kind === "op" && stepOf[id] !== undefined && stepOf[id] < current) return steps[stepOf[id]].grad;
    if (isLeaf(id) && current === steps.length && data.leafGrads[id] !== undefined) return data.leafGrads[id];
    if (leafState[id] !== undefined) return leafState[id];
    return null;
  }
  function showDetails(id) {
    var v = data.vertices[id], body = $("details-body");
    body.textContent = "";
    if (!v) { body.appendChild(el("p", { "class": "hint" }, id === "cut" ? notes[0] || "" : "Hover or click a vertex.")); return; }
    var dl = el("dl");
    function row(k, value) { if (value !== null && value !== undefined && value !== "") { dl.appendChild(el("dt", {}, k)); dl.appendChild(el("dd", {}, value)); } }
    row("kind", v.kind); row("op", v.op); row("name", v.name); row("params", v.params);
    row("shape", shapeText(v.shape)); row("dtype", v.dtype);
    if (v.inputs && v.inputs.length) row("inputs", v.inputs.join("; "));
    if (v.kind === "op") row("created at", v.site || "not recorded (build the graph inside `with minigrad.viz.record():`)");
    body.appendChild(dl);
    if (v.value !== undefined) { body.appendChild(el("div", {}, "value")); body.appendChild(el("pre", {}, A(v.value).d)); }
    var g = gradientOf(id);
    if (g !== null) { body.appendChild(el("div", {}, "gradient")); body.appendChild(el("pre", {}, A(g).d)); }
    else if (v.kind === "op" || v.requiresGrad) body.appendChild(el("p", { "class": "hint" }, "gradient: not yet (step on)"));
  }
  Object.keys(vertexEl).forEach(function (id) {
    var g = vertexEl[id];
    g.addEventListener("mouseenter", function () { if (!pinned) showDetails(id); });
    g.addEventListener("click", function (event) {
      event.stopPropagation();
      if (drag && drag.moved) return;
      if (pinned && vertexEl[pinned]) vertexEl[pinned].classList.remove("pinned");
      drop(pinnedMark); pinnedMark = null;
      pinned = pinned === id ? null : id;
      if (pinned) { g.classList.add("pinned"); pinnedMark = nodeMark(id, "pinned"); }
      showDetails(id);
    });
  });

  // ---- the detached edges' explanation ----------------------------------------------------
  var tip = $("tip");
  function showTip(event, text) { tip.textContent = text; tip.hidden = false; tip.style.left = (event.clientX + 14) + "px"; tip.style.top = (event.clientY + 14) + "px"; }
  data.edges.forEach(function (edge, i) {
    if (edge.kind !== "detached" || !edgeEl[i]) return;
    var from = data.vertices[edge.tail] || {}, to = data.vertices[edge.head] || {};
    var text = "Detached: the value of " + (from.name || from.op || "this tensor") + " " + shapeText(edge.shape) +
      " flows forward into " + (to.op || to.name || "the next op") + ", but no gradient flows back along this edge. " +
      "The gradient treats it as a constant, ignoring how it depends on the parameters (as x.detach() asks).";
    var line = edgeEl[i].querySelector("path");
    if (line) {  // a wider invisible twin of the line, so the pointer need not hit 1.6 px
      var hit = line.cloneNode(false);
      hit.setAttribute("class", "hit"); hit.removeAttribute("style");
      edgeEl[i].appendChild(hit);
    }
    edgeEl[i].addEventListener("mousemove", function (event) { showTip(event, text); });
    edgeEl[i].addEventListener("mouseleave", function () { tip.hidden = true; });
  });

  // ---- gradient paths -----------------------------------------------------------------------
  var pathsOn = {};  // "t:p" -> true
  var pathMarks = [];
  function paintPaths() {
    pathMarks.forEach(function (m) { m[0].classList.remove("on-path"); drop(m[1]); });
    pathMarks = [];
    var owners = {};
    Object.keys(pathsOn).forEach(function (key) {
      var parts = key.split(":"), path = data.paths[+parts[0]].paths[+parts[1]];
      path.edges.forEach(function (e) { (owners[e] = owners[e] || []).push(+parts[1]); });
    });
    Object.keys(owners).forEach(function (e) {
      if (!edgeEl[e]) return;
      var list = owners[e], p = list[list.length - 1], shared = list.length > 1;
      edgeEl[e].classList.add("on-path");
      pathMarks.push([edgeEl[e], edgeMark(+e, "on-path", shared ? "#333333" : PATH_COLOURS[p % PATH_COLOURS.length],
                                          shared ? "none" : PATH_DASHES[p % PATH_DASHES.length] || "none")]);
    });
    // the gradient being sent stays on top of the highlighted paths
    marked.forEach(function (m) { if (m[2] && m[2].parentNode === edgeGroup) edgeGroup.appendChild(m[2]); });
  }
  function opsText(ops) {
    if (ops.length <= 10) return ops.join(" → ");
    return ops.slice(0, 4).join(" → ") + " → … " + (ops.length - 7) + " more … → " + ops.slice(-3).join(" → ");
  }
  function showPaths(t) {
    var body = $("paths-body");
    body.textContent = "";
    if (!data.paths.length) { body.appendChild(el("p", { "class": "hint" }, "No paths (they need one output and the graph's saved values).")); return; }
    var select = el("select", { id: "wrt", "aria-label": "Tensor whose gradient paths are shown" });
    data.paths.forEach(function (entry, i) { select.appendChild(el("option", { value: i }, "from " + entry.name)); });
    select.value = t;
    select.onchange = function () { pathsOn = {}; paintPaths(); showPaths(+select.value); };
    body.appendChild(select);
    var entry = data.paths[t];
    if (entry.note) { body.appendChild(el("p", { "class": "hint" }, entry.note)); return; }
    body.appendChild(el("p", { "class": "hint" }, entry.paths.length + " path" + (entry.paths.length === 1 ? "" : "s") +
      " from " + entry.name + " to the output; each carries the chain-rule product along it (grad_paths)."));
    entry.paths.forEach(function (path, p) {
      var row = el("div", { "class": "path-row" });
      var box = el("input", { type: "checkbox", id: "path-" + t + "-" + p, "data-path": p });
      box.onchange = function () { if (box.checked) pathsOn[t + ":" + p] = true; else delete pathsOn[t + ":" + p]; paintPaths(); };
      var label = el("label", { "for": box.id });
      var swatch = el("span", { "class": "swatch" });
      swatch.style.borderTopColor = PATH_COLOURS[p % PATH_COLOURS.length];
      swatch.style.borderTopStyle = PATH_DASHES[p % PATH_DASHES.length] ? "dashed" : "solid";
      label.appendChild(swatch);
      label.appendChild(document.createTextNode("path " + (p + 1) + ": " + entry.name + " → " + opsText(path.ops)));
      label.appendChild(el("pre", { "class": "contribution" }, A(path.contribution).d));
      if (!path.complete) label.appendChild(el("span", { "class": "hint" }, " (partly outside the drawing)"));
      row.appendChild(box); row.appendChild(label); body.appendChild(row);
    });
    body.appendChild(el("div", { "class": "sum" }, "sum of the paths:"));
    body.appendChild(el("pre", { id: "path-sum" }, A(entry.sum).d));
    if (entry.engine) {
      body.appendChild(el("div", {}, "the engine's gradient for " + entry.name + ":"));
      body.appendChild(el("pre", { id: "path-engine" }, A(entry.engine).d));
    }
  }

  // ---- module clusters: collapse, and repeated blocks once ----------------------------------
  var collapsed = {}, folded = false, summaries = {};
  function clusterSummary(i) {
    var c = data.clusters[i], g = clusterEl[c.id];
    if (!g || summaries[i]) return summaries[i];
    var b = boxOf(g);
    var t = svgEl("text", { x: b.x + b.width / 2, y: b.y + b.height / 2 + 16, "text-anchor": "middle", "class": "cluster-summary" });
    t.appendChild(svgEl("tspan", { x: b.x + b.width / 2, dy: 0 }, "collapsed: " + c.ops.length + (c.ops.length === 1 ? " op" : " ops")));
    t.appendChild(svgEl("tspan", { x: b.x + b.width / 2, dy: 15 }, "in " + c.inputs.map(shapeText).join(", ") + " → out " + c.outputs.map(shapeText).join(", ")));
    g.appendChild(t); summaries[i] = t;
    return t;
  }
  function ancestorCollapsed(i) {
    for (var p = data.clusters[i].parent; p !== null && p !== undefined; p = data.clusters[p].parent) if (collapsed[p]) return true;
    return false;
  }
  function layoutClusters() {
    var hidden = {};
    data.clusters.forEach(function (c, i) {
      var foldedAway = folded && c.repeatOf !== undefined;
      var g = clusterEl[c.id];
      if (collapsed[i] || foldedAway) c.members.forEach(function (m) { hidden[m] = true; });
      if (g) {
        g.classList.toggle("hidden", foldedAway || ancestorCollapsed(i));
        g.classList.toggle("collapsed", !!collapsed[i]);
        if (collapsed[i]) clusterSummary(i).style.display = ""; else if (summaries[i]) summaries[i].style.display = "none";
        var badgeEl = g.querySelector("text.repeat-badge");
        if (c.repeat && badgeEl) badgeEl.style.display = folded ? "" : "none";
        if (c.repeat && !badgeEl && folded) {
          var b = boxOf(g);
          g.appendChild(svgEl("text", { x: b.x + b.width - 6, y: b.y + 16, "text-anchor": "end", "class": "repeat-badge" }, "×" + c.repeat));
        }
      }
    });
    Object.keys(vertexEl).forEach(function (id) { vertexEl[id].classList.toggle("hidden", !!hidden[id]); });
    hiddenNow = hidden;
    overlay.querySelectorAll("[data-v]").forEach(function (m) { m.style.display = hidden[m.dataset.v] ? "none" : ""; });
    overlay.querySelectorAll("[data-e]").forEach(function (m) {
      var edge = data.edges[+m.dataset.e]; m.style.display = hidden[edge.tail] && hidden[edge.head] ? "none" : "";
    });
    data.edges.forEach(function (edge, i) { if (edgeEl[i]) edgeEl[i].classList.toggle("hidden", !!(hidden[edge.tail] && hidden[edge.head])); });
    renderModules();
  }
  function toggleCluster(i) { collapsed[i] = !collapsed[i]; layoutClusters(); }
  data.clusters.forEach(function (c, i) {
    var g = clusterEl[c.id];
    if (g) g.addEventListener("click", function (event) { if (drag && drag.moved) return; event.stopPropagation(); toggleCluster(i); });
  });
  function renderModules() {
    var body = $("modules-body");
    body.textContent = "";
    if (!data.clusters.length) { body.appendChild(el("p", { "class": "hint" }, "No module calls recorded (run the model inside `with minigrad.viz.record():`).")); return; }
    body.appendChild(el("p", { "class": "hint" }, "Click a box (or a button here) to collapse or expand it."));
    data.clusters.forEach(function (c, i) {
      var row = el("div", { "class": "module-row" });
      var button = el("button", { "data-cluster": i, "aria-pressed": collapsed[i] ? "true" : "false" }, collapsed[i] ? "expand" : "collapse");
      button.onclick = function () { toggleCluster(i); };
      row.appendChild(button);
      var depth = 0; for (var p = c.parent; p !== null && p !== undefined; p = data.clusters[p].parent) depth++;
      row.appendChild(el("span", {}, "\u00a0".repeat(depth * 3) + c.label + (c.name ? " " + c.name : "") + (c.repeat ? " ×" + c.repeat : "") +
        "  in " + c.inputs.map(shapeText).join(", ") + " → out " + c.outputs.map(shapeText).join(", ")));
      body.appendChild(row);
    });
  }
  var hasRepeats = data.clusters.some(function (c) { return c.repeat; });
  $("fold-label").hidden = !hasRepeats;
  $("fold").onchange = function () { folded = $("fold").checked; layoutClusters(); };

  // ---- search ----------------------------------------------------------------------------
  var matches = [], matchMarks = [], matchAt = -1;
  function search(query) {
    matches.forEach(function (id) { vertexEl[id].classList.remove("match"); });
    matchMarks.forEach(drop);
    matches = []; matchMarks = []; matchAt = -1;
    query = query.trim().toLowerCase();
    if (query) {
      Object.keys(vertexEl).forEach(function (id) {
        var v = data.vertices[id] || {};
        var text = [id, v.name, v.op, v.kind].join(" ").toLowerCase();
        if (text.indexOf(query) >= 0) { matches.push(id); vertexEl[id].classList.add("match"); matchMarks.push(nodeMark(id, "match")); }
      });
    }
    $("matches").textContent = query ? matches.length + " found" : "";
  }
  function nextMatch() {
    if (!matches.length) return;
    matchAt = (matchAt + 1) % matches.length;
    centreOn(vertexEl[matches[matchAt]]);
    showDetails(matches[matchAt]);
  }
  $("search").addEventListener("input", function () { search(this.value); });
  $("search").addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); nextMatch(); } });
  $("zoom-in").onclick = function () { zoom(1 / 1.25); };
  $("zoom-out").onclick = function () { zoom(1.25); };
  $("fit").onclick = fit;

  // ---- keyboard ----------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "range" || target.tagName === "SELECT")) return;
    var keys = {
      ArrowRight: function () { goTo(current + 1); }, ArrowLeft: function () { goTo(current - 1); },
      Home: function () { goTo(0); }, End: function () { goTo(steps.length); }, " ": play,
      "+": function () { zoom(1 / 1.25); }, "=": function () { zoom(1 / 1.25); }, "-": function () { zoom(1.25); },
      "0": fit, "/": function () { $("search").focus(); }
    };
    if (keys[event.key] && !event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); keys[event.key](); }
  });

  // ---- start -------------------------------------------------------------------------------
  measure(); applyView();
  Object.keys(vertexEl).forEach(function (id) { boxOf(vertexEl[id]); });
  Object.keys(clusterEl).forEach(function (id) { boxOf(clusterEl[id]); });
  showPaths(0);
  layoutClusters();
  goTo(0);
  readableStart(vertexEl[data.steps.length ? data.steps[0].v : "out0"] || vertexEl.out0);
  // For tests and the curious: the page's state, read-only but for stepping.
  window.minigradExplorer = {
    data: data, goTo: goTo, current: function () { return current; },
    stepCount: steps.length, edgeElement: function (i) { return edgeEl[i]; },
    vertexElement: function (id) { return vertexEl[id]; }, toggleCluster: toggleCluster,
    follow: function (on) { following = !!on; }
  };
