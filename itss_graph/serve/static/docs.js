/* The API docs page, drawn from /api/openapi.json by this script (no Swagger UI from a CDN):
   each route with its summary, parameters and an example address to try. Text only. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var lang = new URLSearchParams(location.search).get("lang") === "zh" ? "zh" : "en";
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = String(attrs[k]);
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function typeOf(schema) {
    if (!schema) return "";
    if (schema.enum) return schema.enum.join(" | ");
    if (schema.anyOf) return schema.anyOf.map(typeOf).filter(Boolean).join(" | ");
    if (schema.type === "array") return typeOf(schema.items) + "…";
    return schema.type || "";
  }
  Promise.all([
    fetch("/static/messages/" + lang + ".json").then(function (r) { return r.json(); }),
    fetch("/api/openapi.json").then(function (r) { return r.json(); })
  ]).then(function (got) {
    var T = got[0], spec = got[1];
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = T["docs.title"];
    document.getElementById("docs-title").textContent = T["docs.title"];
    var main = document.getElementById("main");
    main.appendChild(el("h1", {text: T["docs.title"]}));
    main.appendChild(el("p", {class: "lead", text: T["docs.lead"]}));
    main.appendChild(el("p", {}, [el("a", {href: "/api/openapi.json", text: T["docs.schema"]})]));
    Object.keys(spec.paths).sort().forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method];
        var box = el("section", {class: "block route", id: "route-" + path.replace(/[^a-z0-9]+/gi, "-")});
        box.appendChild(el("h2", {}, [el("code", {text: method.toUpperCase() + " " + path})]));
        if (op.summary) box.appendChild(el("p", {text: op.summary}));
        var rows = (op.parameters || []).map(function (prm) {
          return el("tr", {}, [el("td", {}, [el("code", {text: prm.name})]), el("td", {text: typeOf(prm.schema)}),
                               el("td", {text: prm.required ? T["docs.required"] : ""}),
                               el("td", {text: prm.description || (prm.schema && prm.schema["default"] !== undefined ? T["docs.default"] + " " + JSON.stringify(prm.schema["default"]) : "")})]);
        });
        if (rows.length) {
          box.appendChild(el("table", {class: "data"}, [el("thead", {}, [el("tr", {}, [
            el("th", {text: T["docs.parameter"]}), el("th", {text: T["docs.type"]}), el("th", {text: ""}), el("th", {text: T["docs.about"]})])]),
            el("tbody", {}, rows)]));
        }
        box.appendChild(el("p", {}, [el("a", {href: path, text: T["docs.try"] + " " + path})]));
        main.appendChild(box);
      });
    });
    document.body.setAttribute("data-ready", "true");
  });
});
