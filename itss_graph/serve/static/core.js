/* ITSS Graph explorer: the shared machinery of every screen.

   Rules this file keeps (and every screen with it):
   * user data reaches the DOM only as text: el() sets textContent, never innerHTML;
   * every state is in the address: screens read their parameters from location and change
     them with go()/replaceParams(), so a page can be bookmarked, shared and reloaded;
   * every word of the interface comes from the message file of the language (t()).
*/
"use strict";

var ITSS = (function () {
  var state = {lang: "en", messages: {}, ready: false, screens: {}, status: null, generation: ""};

  // -- text and elements -------------------------------------------------------------------
  function t(key, values) {
    var text = state.messages[key];
    if (text === undefined) {
      console.warn("missing message " + key);
      text = key;
    }
    return values ? text.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] === undefined ? m : String(values[k]);
    }) : text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function has(key) { return Object.prototype.hasOwnProperty.call(state.messages, key); }

  // a bilingual label in the page's language, the other one beside it
  function bilingual(value) {
    var main = label(value);
    var second = value && typeof value === "object" ? value[state.lang === "zh" ? "en" : "zh"] : "";
    return main + (second && second !== main ? " (" + second + ")" : "");
  }

  // a label of a bilingual answer field ({"en": ..., "zh": ...})
  function label(value) {
    if (value === null || value === undefined) return "";
    if (typeof value !== "object") return String(value);
    return value[state.lang] || value.en || value.zh || "";
  }

  // -- addresses ---------------------------------------------------------------------------
  function params() { return new URLSearchParams(location.search); }

  function href(path, values) {
    var query = new URLSearchParams();
    Object.keys(values || {}).forEach(function (key) {
      var value = values[key];
      if (value === undefined || value === null || value === "") return;
      (Array.isArray(value) ? value : [value]).forEach(function (v) { query.append(key, v); });
    });
    if (state.lang !== "en") query.set("lang", state.lang);
    var text = query.toString();
    return path + (text ? "?" + text : "");
  }

  function go(path, values, replace) {
    var target = href(path, values);
    if (replace) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
    render();
  }

  // change the current address's parameters without drawing the screen again
  function replaceParams(values) {
    history.replaceState(null, "", href(location.pathname, values));
    navigation();
  }

  function link(path, values, text, cls) {
    return el("a", {href: href(path, values), text: text, class: cls, "data-nav": "1"});
  }

  function ciLink(id, name) {
    var a = link("/ci", {id: id}, name && name !== id ? name : id, "ci-link");
    a.title = id;
    return a;
  }

  // -- the API ------------------------------------------------------------------------------
  function apiUrl(path, values) {
    var query = new URLSearchParams();
    Object.keys(values || {}).forEach(function (key) {
      var value = values[key];
      if (value === undefined || value === null || value === "") return;
      (Array.isArray(value) ? value : [value]).forEach(function (v) { query.append(key, v); });
    });
    var text = query.toString();
    return "/api/" + path + (text ? "?" + text : "");
  }

  function api(path, values, options) {
    return fetch(apiUrl(path, values), Object.assign({credentials: "same-origin"}, options || {}))
      .then(function (response) {
        var generation = response.headers.get("x-itss-generation");
        if (generation) noteGeneration(generation);
        return response.json().then(function (body) {
          if (!response.ok) {
            var error = new Error(body && body.error ? body.error : response.statusText);
            error.status = response.status;
            throw error;
          }
          return body;
        });
      });
  }

  function noteGeneration(generation) {
    if (state.generation && generation !== state.generation) {
      var note = document.getElementById("reloaded");
      if (note) note.hidden = false;
    }
    state.generation = generation;
  }

  // download links of an answer: the same question in JSON, CSV and (when it has one) HTML
  function downloads(path, values, formats) {
    var box = el("div", {class: "downloads"}, [el("span", {text: t("common.download")})]);
    (formats || ["json", "csv", "html"]).forEach(function (fmt) {
      var query = Object.assign({}, values, {format: fmt, download: "1", lang: state.lang});
      box.appendChild(el("a", {href: apiUrl(path, query), text: t("format." + fmt), class: "download",
                               "data-format": fmt}));
    });
    return box;
  }

  // -- building blocks ----------------------------------------------------------------------
  function loading() { return el("div", {class: "loading", text: t("common.loading")}); }

  function failure(error) {
    return el("div", {class: "error", role: "alert", text: t("common.error", {message: error.message})});
  }

  // one row of a table: columns are [key, heading key, optional cell(row) -> node or text];
  // values reach the cell as text (or as the node a column's cell function built)
  function tableRow(columns, row) {
    return el("tr", {}, columns.map(function (c) {
      var value = c[2] ? c[2](row) : row[c[0]];
      var cell = el("td");
      if (value instanceof Node) cell.appendChild(value);
      else cell.textContent = value === null || value === undefined ? "" : String(value);
      return cell;
    }));
  }

  // a table of rows (columns as for tableRow), shown a page of options.limit at a time; with
  // options.total and options.fetch(offset, count) -> promise of rows, the rows given are the
  // first of options.total and the button asks the server for the next page
  function table(columns, rows, options) {
    options = options || {};
    var limit = options.limit || 200;
    var total = options.fetch ? options.total : rows.length;
    var wrap = el("div", {class: "table-wrap"});
    var body = el("tbody");
    var head = el("tr", {}, columns.map(function (c) { return el("th", {text: t(c[1])}); }));
    var tableNode = el("table", {class: "data" + (options.cls ? " " + options.cls : "")},
                       [el("thead", {}, [head]), body]);
    wrap.appendChild(tableNode);
    var shown = 0;
    function show() {
      rows.slice(shown, shown + limit).forEach(function (row) { body.appendChild(tableRow(columns, row)); });
      shown = Math.min(rows.length, shown + limit);
      button.hidden = shown >= total;
      button.textContent = t("common.more", {n: Math.min(limit, total - shown), total: total - shown});
    }
    function more() {
      if (shown < rows.length || !options.fetch) return show();
      button.disabled = true;
      options.fetch(shown, limit).then(function (page) {
        rows = rows.concat(page);
        if (!page.length) total = rows.length;  // the answer changed meanwhile: nothing more
        button.disabled = false;
        show();
      }, function (error) { button.disabled = false; wrap.appendChild(failure(error)); });
    }
    var button = el("button", {class: "more", type: "button", onclick: more});
    wrap.appendChild(button);
    if (!rows.length) wrap.replaceChild(el("p", {class: "empty", text: t("common.none")}), tableNode);
    show();
    return wrap;
  }

  function section(title, children, cls) {
    return el("section", {class: "block" + (cls ? " " + cls : "")}, [el("h2", {text: title})].concat(children));
  }

  function provenanceText(refs) {
    return (refs || []).slice(0, 3).map(function (r) {
      return t("obligations.source", {source: r.source, section: r.section, lines: r.lines});
    }).join("; ");
  }

  // the ITSS obligations of an impact answer: event level, then each section's items
  function obligations(doc) {
    if (!doc) return el("p", {class: "empty", text: t("common.none")});
    var box = el("div", {class: "obligations"});
    var level = doc.event_level || {};
    box.appendChild(el("p", {class: "event-level"}, [
      el("strong", {text: t("obligations.level") + " "}), el("span", {text: label(level.name)})]));
    (doc.sections || []).forEach(function (s) {
      var part = el("div", {class: "obligation"}, [el("h3", {text: label(s.title)})]);
      var items = s.items || {};
      Object.keys(items).forEach(function (kind) {
        if (kind === "roles_source" || !(items[kind] || []).length) return;
        var known = has("obligations.kind." + kind);
        part.appendChild(el("h4", {text: known ? t("obligations.kind." + kind) : kind}));
        var list = el("ul", {}, items[kind].map(function (item) {
          return el("li", {}, [el("span", {text: bilingual(item.label)}),
                               el("div", {class: "prov", text: provenanceText(item.provenance)})]);
        }));
        if (kind === "roles" && (items.roles_source || []).length) {
          var origin = items.roles_source[0];
          list.appendChild(el("li", {class: "roles-source"}, [
            el("span", {text: t("obligations.roles_from", {source: bilingual(origin.label)})}),
            el("div", {class: "prov", text: provenanceText(origin.provenance)})]));
        }
        part.appendChild(list);
      });
      box.appendChild(part);
    });
    return box;
  }

  function chip(text, onRemove) {
    return el("span", {class: "chip"}, [el("span", {text: text}),
      el("button", {type: "button", class: "chip-x", "aria-label": t("common.remove"), text: "×", onclick: onRemove})]);
  }

  // -- layout and navigation -----------------------------------------------------------------
  var NAV = [["/", "nav.home"], ["/search", "nav.search"], ["/graph", "nav.graph"], ["/whatif", "nav.whatif"],
             ["/standards", "nav.standards"], ["/spof", "nav.spof"], ["/depends", "nav.depends"],
             ["/path", "nav.path"], ["/root-cause", "nav.rootcause"]];

  function navigation() {
    var nav = clear(document.getElementById("nav"));
    NAV.forEach(function (item) {
      var a = link(item[0], {}, t(item[1]));
      if (location.pathname === item[0]) a.setAttribute("aria-current", "page");
      nav.appendChild(a);
    });
    var tools = clear(document.getElementById("tools"));
    var other = t("lang.other_code");
    var switchLink = el("a", {href: "#", id: "lang-switch", lang: other, text: t("lang.other"),
                              onclick: function (event) { event.preventDefault(); setLang(other); }});
    tools.appendChild(switchLink);
    tools.appendChild(el("a", {href: "/docs?lang=" + state.lang, text: t("nav.docs"), id: "docs-link"}));
    document.getElementById("brand").textContent = t("app.title");
    document.getElementById("reloaded-text").textContent = t("app.reloaded");
    document.getElementById("reloaded-link").textContent = t("app.reload");
  }

  function setLang(lang) {
    try { localStorage.setItem("itss.lang", lang); } catch (e) { /* private mode */ }
    document.body.setAttribute("data-ready", "false");
    loadMessages(lang).then(function () {
      var query = params();
      if (lang === "en") query.delete("lang"); else query.set("lang", lang);
      var text = query.toString();
      history.pushState(null, "", location.pathname + (text ? "?" + text : ""));
      render();
    });
  }

  function wantedLang() {
    var asked = params().get("lang");
    if (asked === "zh" || asked === "en") return asked;
    try {
      var saved = localStorage.getItem("itss.lang");
      if (saved === "zh") return saved;
    } catch (e) { /* private mode */ }
    return "en";
  }

  var cache = {};
  function loadMessages(lang) {
    if (cache[lang]) {
      state.messages = cache[lang];
      state.lang = lang;
      return Promise.resolve();
    }
    return fetch("/static/messages/" + lang + ".json", {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (messages) {
        cache[lang] = messages;
        state.messages = messages;
        state.lang = lang;
      });
  }

  function register(path, screen) { state.screens[path] = screen; }

  var drawing = 0;
  function render() {
    var lang = wantedLang();
    var turn = ++drawing;
    document.body.setAttribute("data-ready", "false");
    return loadMessages(lang).then(function () {
      if (turn !== drawing) return;
      document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
      navigation();
      var main = clear(document.getElementById("main"));
      var screen = state.screens[location.pathname] || state.screens["/"];
      document.title = t("app.title");
      var done = screen(main, params());
      return Promise.resolve(done).then(function () {
        if (turn !== drawing) return;
        document.body.setAttribute("data-ready", "true");
        if (!performance.getEntriesByName("itss-ready").length) performance.mark("itss-ready");  // bench/serve_bench.py
      }, function (error) {
        main.appendChild(failure(error));
        if (turn === drawing) document.body.setAttribute("data-ready", "true");
      });
    });
  }

  function setTitle(text) { document.title = text + " · " + t("app.title"); }

  document.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[data-nav]") : null;
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    history.pushState(null, "", a.getAttribute("href"));
    render();
  });
  window.addEventListener("popstate", render);
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("reloaded-link").addEventListener("click", function (event) {
      event.preventDefault();
      document.getElementById("reloaded").hidden = true;
      render();
    });
    render();
  });

  // vis-network is loaded on the first screen that draws a graph
  var visLoading = null;
  function needVis() {
    if (window.vis) return Promise.resolve(window.vis);
    if (!visLoading) {
      visLoading = new Promise(function (resolve, reject) {
        var css = el("link", {rel: "stylesheet", href: "/static/vis/vis-network.css"});
        document.head.appendChild(css);
        var script = el("script", {src: "/static/vis/vis-network.min.js"});
        script.onload = function () { resolve(window.vis); };
        script.onerror = function () { reject(new Error("vis-network did not load")); };
        document.head.appendChild(script);
      });
    }
    return visLoading;
  }

  return {state: state, t: t, el: el, clear: clear, label: label, params: params, href: href, go: go,
          replaceParams: replaceParams, link: link, ciLink: ciLink, api: api, apiUrl: apiUrl,
          downloads: downloads, loading: loading, failure: failure, table: table, tableRow: tableRow, section: section,
          obligations: obligations, chip: chip, register: register, render: render, setTitle: setTitle,
          needVis: needVis, provenanceText: provenanceText};
})();
