/* Draw an ITSS Graph view. User data arrives as JSON (GRAPH) and reaches the DOM only through
   textContent (and vis-network, which draws labels on a canvas and shows tooltips with
   innerText): never innerHTML. */
function itssDraw(G, canvasId) {
  "use strict";
  var T = G.view.text;
  var nodes = new vis.DataSet(G.nodes);
  var edges = new vis.DataSet(G.edges);
  var network = new vis.Network(document.getElementById(canvasId), {nodes: nodes, edges: edges}, G.options);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); });
  }

  var legend = document.getElementById("legend");
  G.view.legend.forEach(function (item) {
    var row = el("div", null, "legend-item");
    var sw = el("span", null, "swatch");
    sw.style.background = item.color;
    row.appendChild(sw);
    row.appendChild(el("span", item.label));
    legend.appendChild(row);
  });

  var notes = document.getElementById("notes");
  G.view.notes.forEach(function (text) { notes.appendChild(el("div", text, "note")); });

  function itemList(items) {
    var list = el("ul", null, "panel");
    items.forEach(function (item) {
      var li = el("li", item.text);
      if (item.note) li.appendChild(el("div", item.note, "prov"));
      list.appendChild(li);
    });
    return list;
  }
  var panels = document.getElementById("panels");
  G.view.panels.forEach(function (panel) {
    panels.appendChild(el("h2", panel.heading));
    if (panel.intro) panels.appendChild(el("div", panel.intro, "prov"));
    if (panel.items.length) panels.appendChild(itemList(panel.items));
    panel.groups.forEach(function (group) {
      panels.appendChild(el("h3", group.heading));
      panels.appendChild(itemList(group.items));
    });
  });

  function propsTable(details) {
    var table = el("table", null, "props");
    Object.keys(details || {}).forEach(function (key) {
      var tr = el("tr");
      tr.appendChild(el("td", key, "key"));
      tr.appendChild(el("td", details[key]));
      table.appendChild(tr);
    });
    return table;
  }
  function showNode(nodeId) {
    var box = document.getElementById("details");
    box.textContent = "";
    var node = nodes.get(nodeId);
    if (!node) return;
    box.appendChild(propsTable(node.details));
    if (node.members) {
      box.appendChild(el("h3", T.members + " (" + node.members.length + ")"));
      var list = el("ul", null, "members");
      node.members.slice(0, G.view.detail_members).forEach(function (m) { list.appendChild(el("li", m)); });
      if (node.members.length > G.view.detail_members) {
        list.appendChild(el("li", fmt(T.more, {n: node.members.length - G.view.detail_members})));
      }
      box.appendChild(list);
    }
  }
  function showEdge(edgeId) {
    var edge = edges.get(edgeId);
    var box = document.getElementById("details");
    box.textContent = "";
    if (!edge) return;
    var details = edge.details || {};
    if (!edge.details) { details = {from: edge.from, to: edge.to, relation: edge.label}; }
    box.appendChild(propsTable(details));
  }
  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // search by id or name; a CI drawn inside a group is found through the group
  var lastQuery = "", hits = [], hitIndex = 0;
  document.getElementById("search").addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var query = this.value.trim().toLowerCase();
    var result = document.getElementById("search-result");
    result.textContent = "";
    if (!query) return;
    if (query !== lastQuery) {
      lastQuery = query;
      hitIndex = 0;
      var exact = nodes.get({filter: function (n) {
        return String(n.id).toLowerCase() === query ||
          (n.members || []).some(function (m) { return String(m).toLowerCase() === query; });
      }});
      var partial = nodes.get({filter: function (n) {
        return String(n.search || "").toLowerCase().indexOf(query) >= 0;
      }});
      var seen = {};
      hits = [];
      exact.concat(partial).forEach(function (n) { if (!seen[n.id]) { seen[n.id] = true; hits.push(n.id); } });
    } else {
      hitIndex = (hitIndex + 1) % Math.max(hits.length, 1);
    }
    if (!hits.length) { result.textContent = T.not_found; return; }
    var id = hits[hitIndex];
    if (hits.length > 1) result.textContent = fmt(T.match, {i: hitIndex + 1, n: hits.length});
    network.selectNodes([id]);
    network.focus(id, {scale: 1.2, animation: false});
    showNode(id);
  });

  var serveLink = document.getElementById("serve-link");
  if (serveLink && G.view.serve) {
    serveLink.textContent = G.view.serve;
    serveLink.setAttribute("href", G.view.serve);
  }

  // fit the whole graph with a margin, so no node or label ends at the edge of the canvas
  function fitWithMargin() {
    network.fit({animation: false});
    network.moveTo({scale: network.getScale() * 0.92, animation: false});
  }
  var physics = G.options.physics && G.options.physics.enabled;
  if (physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      fitWithMargin();
      document.body.setAttribute("data-stable", "true");
    });
  } else {
    network.once("afterDrawing", function () {
      fitWithMargin();
      document.body.setAttribute("data-stable", "true");
    });
  }
  window.addEventListener("resize", function () { network.redraw(); fitWithMargin(); });
  return {network: network, nodes: nodes, edges: edges, view: G.view};
}
