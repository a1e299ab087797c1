/* ITSS Graph explorer: the graph canvas. It starts with the CIs the address names and grows on
   demand: each expansion (a CI's providers, dependants or all relations, optionally of one
   relation type) is a step in the address (x=DIRECTION|RELATION|ID), so the graph can be
   shared and rebuilt. Collapsing a CI removes its steps; grouping (type, rack, site, service),
   hidden types and pinned CIs are in the address too. Edges are drawn as the CMDB writes the
   relation (source -> target); what failure does across it is in the edge's details. */
"use strict";

(function () {
  var t = ITSS.t, el = ITSS.el, api = ITSS.api;

  var palette = null;  // the static views' colours (itss_graph/render/palette.py), from the server
  var GROUPS = ["none", "type", "rack", "site", "service"];
  var DEFAULT_EXPAND = 50;

  var answers = {};  // request -> promise, for this page's life (the server keys by generation)
  function ask(path, values) {
    var key = ITSS.apiUrl(path, values);
    if (!answers[key]) {
      answers[key] = api(path, values);
      answers[key].catch(function () { delete answers[key]; });
    }
    return answers[key];
  }

  function parseStep(text) {
    var a = text.indexOf("|"), b = text.indexOf("|", a + 1);
    if (a < 0 || b < 0) return null;
    return {dir: text.slice(0, a), rel: text.slice(a + 1, b), id: text.slice(b + 1)};
  }
  function stepText(step) { return step.dir + "|" + (step.rel || "") + "|" + step.id; }

  function readState(p) {
    return {seeds: p.getAll("ci"), steps: p.getAll("x").map(parseStep).filter(Boolean),
            hide: p.getAll("hide"), group: GROUPS.indexOf(p.get("group")) > 0 ? p.get("group") : "none",
            pins: p.getAll("pin"), selected: p.get("sel") || "", n: Math.min(parseInt(p.get("n") || DEFAULT_EXPAND, 10) || DEFAULT_EXPAND, 200)};
  }
  function stateParams(s) {
    return {ci: s.seeds, x: s.steps.map(stepText), hide: s.hide, group: s.group === "none" ? "" : s.group,
            pin: s.pins, sel: s.selected, n: s.n === DEFAULT_EXPAND ? "" : s.n};
  }

  ITSS.register("/graph", function (main, p) {
    ITSS.setTitle(t("nav.graph"));
    var s = readState(p);
    var layout = el("div", {class: "graph-layout"});
    var toolbar = el("div", {class: "graph-toolbar"});
    var canvasBox = el("div", {class: "graph-canvas", id: "graph-canvas"});
    var side = el("aside", {class: "graph-side", id: "graph-side"});
    main.appendChild(toolbar);
    main.appendChild(layout);
    layout.appendChild(canvasBox);
    layout.appendChild(side);

    function update(changes, push) {
      Object.assign(s, changes);
      var target = ITSS.href("/graph", stateParams(s));
      if (push) history.pushState(null, "", target); else history.replaceState(null, "", target);
      return draw();
    }

    toolbar.appendChild(ITSS.ciPicker(t("graph.add"), function (id) {
      if (s.seeds.indexOf(id) < 0) update({seeds: s.seeds.concat([id]), selected: id}, true);
    }));
    var groupSelect = el("select", {id: "group-by", "aria-label": t("graph.group")}, GROUPS.map(function (g) {
      return el("option", {value: g, text: t("graph.group_" + g), selected: g === s.group});
    }));
    groupSelect.addEventListener("change", function () { update({group: groupSelect.value}, true); });
    toolbar.appendChild(el("label", {}, [el("span", {text: t("graph.group") + " "}), groupSelect]));
    var hideBox = el("details", {class: "hide-types"}, [el("summary", {text: t("graph.hide")})]);
    toolbar.appendChild(hideBox);
    var fitButton = el("button", {type: "button", text: t("graph.fit"), onclick: function () { if (network) network.fit(); }});
    toolbar.appendChild(fitButton);
    var info = el("span", {class: "graph-info", id: "graph-info"});
    toolbar.appendChild(info);

    if (!s.seeds.length) {
      side.appendChild(el("p", {class: "empty", text: t("graph.empty")}));
      return null;
    }

    var network = null, nodes = null, edges = null, types = null, drawn = {}, draws = 0;
    var colours = fetch("/static/palette.json", {credentials: "same-origin"}).then(function (r) { return r.json(); });
    return Promise.all([ITSS.needVis(), ask("types", {lang: ITSS.state.lang}), colours]).then(function (got) {
      var vis = got[0];
      palette = got[2];
      types = {};
      got[1].ci_types.forEach(function (ct) { types[ct.name] = ct; });
      nodes = new vis.DataSet();
      edges = new vis.DataSet();
      network = new vis.Network(canvasBox, {nodes: nodes, edges: edges}, {
        interaction: {hover: true, tooltipDelay: 200, navigationButtons: false, keyboard: false},
        physics: {solver: "forceAtlas2Based", stabilization: {iterations: 150}},
        edges: {arrows: "to", smooth: false, font: {size: 10, align: "middle"}, color: {color: "#888"}},
        nodes: {font: {size: 12}, shape: "dot", size: 14}});
      window.itssGraph = {network: network, nodes: nodes, edges: edges};
      network.on("click", function (params) {
        if (params.nodes.length) {
          var id = params.nodes[0];
          if (network.isCluster(id)) { network.openCluster(id); return; }
          update({selected: id}, false);
        } else if (params.edges.length) {
          var edge = edges.get(params.edges[0]);
          if (edge) showEdge(edge);
        }
      });
      network.on("doubleClick", function (params) {
        if (params.nodes.length && !network.isCluster(params.nodes[0])) expand(params.nodes[0], "all", "");
      });
      network.on("dragEnd", function (params) {
        params.nodes.forEach(function (id) {
          if (pinnedAt(id)) pin(id, true);
        });
      });
      return draw();
    });

    function pinnedAt(id) {
      for (var k = 0; k < s.pins.length; k++) {
        var at = s.pins[k].lastIndexOf("@");
        if (s.pins[k].slice(0, at) === id) return s.pins[k];
      }
      return null;
    }

    function pin(id, on) {
      var pins = s.pins.filter(function (x) { return x.slice(0, x.lastIndexOf("@")) !== id; });
      if (on) {
        var pos = network.getPositions([id])[id];
        pins.push(id + "@" + Math.round(pos.x) + "," + Math.round(pos.y));
      }
      return update({pins: pins}, true);
    }

    function expand(id, dir, rel) {
      var step = {dir: dir, rel: rel || "", id: id};
      var exists = s.steps.some(function (x) { return stepText(x) === stepText(step); });
      return update({steps: exists ? s.steps : s.steps.concat([step]), selected: id}, true);
    }

    function collapse(id) {
      return update({steps: s.steps.filter(function (x) { return x.id !== id; })}, true);
    }

    // the graph the address describes: seeds, then each expansion step in order
    function draw() {
      var wanted = {}, wantedEdges = {}, truncated = 0;
      function addNode(ci) {
        if (!wanted[ci.id]) wanted[ci.id] = {id: ci.id, type: ci.type, name: ci.name};
      }
      var seedAnswers = s.seeds.map(function (id) { return ask("neighbours", {ci: id, limit: 0}); });
      var stepAnswers = s.steps.map(function (step) {
        return ask("neighbours", {ci: step.id, direction: step.dir, relation: step.rel || undefined, limit: s.n});
      });
      return Promise.all(seedAnswers.concat(stepAnswers).map(function (pr) {
        return pr.then(function (doc) { return doc; }, function (error) { return {error: error}; });
      })).then(function (docs) {
        var errors = [];
        docs.forEach(function (doc, k) {
          if (doc.error) { errors.push(doc.error.message); return; }
          addNode(doc.ci);
          if (k < s.seeds.length) return;
          truncated += doc.total - doc.relations.length;
          doc.relations.forEach(function (r) {
            addNode(r);
            var key = r.source + "|" + r.relation + "|" + r.target;
            wantedEdges[key] = r;
          });
        });
        var hidden = {};
        s.hide.forEach(function (ty) { hidden[ty] = true; });
        // nodes: keep the ones drawn (positions stay), add the new ones, drop the gone ones
        var seen = {};
        Object.keys(wanted).forEach(function (id) {
          var ci = wanted[id];
          seen[id] = true;
          var node = nodeOf(ci, hidden[ci.type]);
          if (nodes.get(id)) nodes.update(node); else nodes.add(node);
        });
        nodes.getIds().forEach(function (id) { if (!seen[id]) nodes.remove(id); });
        var seenEdges = {};
        Object.keys(wantedEdges).forEach(function (key) {
          seenEdges[key] = true;
          if (!edges.get(key)) edges.add(edgeOf(key, wantedEdges[key]));
        });
        edges.getIds().forEach(function (id) { if (!seenEdges[id]) edges.remove(id); });
        s.pins.forEach(function (text) {
          var at = text.lastIndexOf("@"), id = text.slice(0, at), xy = text.slice(at + 1).split(",");
          if (nodes.get(id)) nodes.update({id: id, x: parseFloat(xy[0]), y: parseFloat(xy[1]), fixed: {x: true, y: true}, borderWidth: 3});
        });
        drawn = wanted;
        hideList(wanted, hidden);
        info.textContent = t("graph.info", {nodes: Object.keys(wanted).length, edges: Object.keys(wantedEdges).length}) +
          (truncated ? " " + t("graph.truncated", {n: truncated}) : "");
        if (errors.length) info.textContent += " " + t("common.error", {message: errors.join("; ")});
        return grouping(wanted).then(function () {
          if (s.selected && wanted[s.selected]) return showNode(s.selected);
          ITSS.clear(side);
          side.appendChild(el("p", {class: "hint", text: t("graph.hint")}));
        }).then(function () {
          canvasBox.setAttribute("data-drawn", String(++draws));  // tests wait for this
        });
      });
    }

    function nodeOf(ci, hide) {
      var type = types[ci.type] || {};
      var colour = palette.layers[String(type.layer)] || "#cccccc";
      var node = {id: ci.id, label: ci.name || ci.id, title: (ci.name || ci.id) + "\n" + ci.id + " · " + ci.type,
                  color: {background: colour, border: s.seeds.indexOf(ci.id) >= 0 ? palette.service_border : "#555"},
                  borderWidth: s.seeds.indexOf(ci.id) >= 0 ? 3 : 1, shape: type.service ? "box" : "dot",
                  hidden: !!hide, ciType: ci.type, fixed: false};
      return node;
    }

    function edgeOf(key, r) {
      var flows = r.roles.indexOf("related") < 0;
      return {id: key, from: r.source, to: r.target, label: r.relation, dashes: !flows || r.effect === "degraded",
              title: r.source + " —" + r.relation + "→ " + r.target, relation: r.relation, roles: r.roles, effect: r.effect,
              other: r.id, color: {color: r.effect === "down" ? palette.down[0] : r.effect === "degraded" ? palette.degraded : "#888"}};
    }

    function hideList(wanted, hidden) {
      while (hideBox.childNodes.length > 1) hideBox.removeChild(hideBox.lastChild);
      var present = {};
      Object.keys(wanted).forEach(function (id) { present[wanted[id].type] = (present[wanted[id].type] || 0) + 1; });
      s.hide.forEach(function (ty) { if (!present[ty]) present[ty] = 0; });
      Object.keys(present).sort().forEach(function (ty) {
        var box = el("input", {type: "checkbox", checked: !!hidden[ty], "data-type": ty});
        box.addEventListener("change", function () {
          var hide = s.hide.filter(function (x) { return x !== ty; });
          if (box.checked) hide.push(ty);
          update({hide: hide}, true);
        });
        hideBox.appendChild(el("label", {class: "hide-type"}, [box, el("span", {text: " " + ty + " (" + present[ty] + ")"})]));
      });
    }

    // group the drawn CIs with vis-network clusters: by type here, by place or service from the API
    function grouping(wanted) {
      var ids = Object.keys(wanted);
      Object.keys(network.body.nodes).forEach(function (id) {
        if (network.isCluster(id)) network.openCluster(id);
      });
      if (s.group === "none" || !ids.length) return Promise.resolve();
      var keys;
      if (s.group === "type") {
        keys = Promise.resolve(ids.reduce(function (m, id) { m[id] = wanted[id].type; return m; }, {}));
      } else {
        keys = ask("groups", {ci: ids.slice(0, 500), by: s.group}).then(function (doc) {
          var m = {};
          Object.keys(doc.groups).forEach(function (id) {
            var g = doc.groups[id];
            m[id] = g.length === 1 ? g[0] : g.length ? t("graph.n_groups", {n: g.length, what: t("graph.group_" + s.group)}) : null;
          });
          return m;
        });
      }
      return keys.then(function (m) {
        var members = {};
        ids.forEach(function (id) {
          if (m[id] === null || m[id] === undefined || id === s.selected) return;
          (members[m[id]] = members[m[id]] || []).push(id);
        });
        Object.keys(members).forEach(function (key, k) {
          if (members[key].length < 2) return;
          var set = {};
          members[key].forEach(function (id) { set[id] = true; });
          network.cluster({
            joinCondition: function (node) { return set[node.id] === true; },
            clusterNodeProperties: {id: "group:" + k, label: key + " × " + members[key].length, shape: "box",
                                    color: {background: "#eef", border: "#1f3a93"}, borderWidth: 2,
                                    title: t("graph.group_title", {key: key, n: members[key].length})}});
        });
      });
    }

    function showNode(id) {
      var ci = drawn[id];
      ITSS.clear(side);
      side.appendChild(el("h2", {text: ci.name || ci.id}));
      side.appendChild(el("p", {class: "ci-id"}, [el("code", {text: ci.id}), el("span", {class: "type-tag", text: ci.type})]));
      var buttons = el("div", {class: "node-actions"}, [
        el("button", {type: "button", class: "expand-providers", text: t("graph.expand_providers"), onclick: function () { expand(id, "providers", ""); }}),
        el("button", {type: "button", class: "expand-dependants", text: t("graph.expand_dependants"), onclick: function () { expand(id, "dependants", ""); }}),
        el("button", {type: "button", class: "expand-all", text: t("graph.expand_all"), onclick: function () { expand(id, "all", ""); }}),
        el("button", {type: "button", class: "collapse", text: t("graph.collapse"), onclick: function () { collapse(id); }}),
        el("button", {type: "button", class: "pin", text: pinnedAt(id) ? t("graph.unpin") : t("graph.pin"), onclick: function () { pin(id, !pinnedAt(id)); }})]);
      side.appendChild(buttons);
      var byRelation = el("div", {class: "by-relation"}, [ITSS.loading()]);
      side.appendChild(el("h3", {text: t("graph.by_relation")}));
      side.appendChild(byRelation);
      side.appendChild(el("h3", {text: t("ci.actions")}));
      side.appendChild(el("nav", {class: "actions vertical"}, [
        ITSS.link("/ci", {id: id}, t("graph.open_ci")), ITSS.link("/whatif", {fail: id}, t("ci.fail")),
        ITSS.link("/spof", {target: id}, t("ci.spof")), ITSS.link("/depends", {target: id}, t("ci.depends")),
        ITSS.link("/path", {dependant: id}, t("ci.path")), ITSS.link("/root-cause", {symptom: id}, t("ci.rootcause"))]));
      return ask("neighbours", {ci: id, limit: 0}).then(function (doc) {
        ITSS.clear(byRelation);
        Object.keys(doc.counts).forEach(function (key) {
          var role = key.split(" ")[0], rel = key.slice(role.length + 1);
          var dir = role === "provider" ? "providers" : role === "dependant" ? "dependants" : "all";
          byRelation.appendChild(el("button", {type: "button", class: "expand-relation", "data-relation": rel, "data-role": role,
            text: t("graph.expand_relation", {role: t("role_short." + role), relation: rel, n: doc.counts[key]}),
            onclick: function () { expand(id, dir, rel); }}));
        });
        if (!Object.keys(doc.counts).length) byRelation.appendChild(el("p", {class: "empty", text: t("common.none")}));
      }, function (error) { ITSS.clear(byRelation); byRelation.appendChild(ITSS.failure(error)); });
    }

    function showEdge(edge) {
      ITSS.clear(side);
      side.appendChild(el("h2", {text: t("graph.relation")}));
      side.appendChild(el("p", {class: "written"}, [el("code", {text: edge.from}), " —" + edge.relation + "→ ", el("code", {text: edge.to})]));
      var rows = [{key: t("col.relation"), value: edge.relation}, {key: t("graph.source"), value: edge.from},
                  {key: t("graph.target"), value: edge.to}];
      if (edge.effect) {
        rows.push({key: t("col.effect"), value: t("effect." + edge.effect)});
      }
      rows.push({key: t("graph.failure"), value: failureText(edge)});
      side.appendChild(ITSS.table([["key", "col.property"], ["value", "col.value"]], rows, {cls: "props"}));
    }

    // what failure does across an edge, said from the CMDB's direction
    function failureText(edge) {
      var other = edge.other, asked = other === edge.to ? edge.from : edge.to;
      var parts = [];
      if (edge.roles.indexOf("provider") >= 0) parts.push(t("graph.reaches", {from: other, to: asked}));
      if (edge.roles.indexOf("dependant") >= 0) parts.push(t("graph.reaches", {from: asked, to: other}));
      return parts.length ? parts.join("; ") : t("role.related");
    }
  });
})();
