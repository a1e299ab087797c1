/* ITSS Graph explorer: the screens other than the graph (graph.js). Each reads its state from
   the address (params) and draws into main; user data only as text (ITSS.el). */
"use strict";

(function () {
  var t = ITSS.t, el = ITSS.el, api = ITSS.api, go = ITSS.go, table = ITSS.table, section = ITSS.section;

  // -- a field to name CIs: suggestions from the search when the server has it ----------------
  function ciPicker(placeholder, onPick, options) {
    options = options || {};
    var input = el("input", {type: "search", class: "ci-input", placeholder: placeholder,
                             "aria-label": placeholder, autocomplete: "off", spellcheck: "false"});
    if (options.value) input.value = options.value;
    var list = el("ul", {class: "suggestions", role: "listbox"});
    var timer = null;
    function pick(id) {
      list.hidden = true;
      onPick(id);
      if (options.keep) input.value = id; else input.value = "";
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && input.value.trim()) { event.preventDefault(); pick(input.value.trim()); }
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      timer = setTimeout(function () {
        api("find", {q: q, limit: 8}).then(function (doc) {
          ITSS.clear(list);
          (doc.matches || []).forEach(function (r) {
            list.appendChild(el("li", {}, [el("button", {type: "button", class: "suggestion",
              onclick: function () { pick(r.id); }}, [el("span", {class: "s-name", text: r.name || r.id}),
              el("span", {class: "s-id", text: " " + r.id + " · " + r.type})])]));
          });
          list.hidden = !(doc.matches || []).length;
        }, function () { list.hidden = true; });
      }, 200);
    });
    var button = el("button", {type: "button", text: options.button || t("common.add"),
                               onclick: function () { if (input.value.trim()) pick(input.value.trim()); }});
    list.hidden = true;
    return el("div", {class: "picker"}, [input, button, list]);
  }

  function statusCell(status) {
    return el("span", {class: "status status-" + status, text: t("status." + status)});
  }

  function effectCell(effect) {
    return el("span", {class: "effect effect-" + effect, text: t("effect." + effect)});
  }

  // -- start page ------------------------------------------------------------------------------
  ITSS.register("/", function (main) {
    ITSS.setTitle(t("nav.home"));
    main.appendChild(el("h1", {text: t("home.heading")}));
    main.appendChild(el("p", {class: "lead", text: t("home.lead")}));
    var searchBox = el("form", {class: "home-search", onsubmit: function (event) {
      event.preventDefault();
      var q = field.value.trim();
      if (q) go("/search", {q: q});
    }});
    var field = el("input", {type: "search", name: "q", placeholder: t("search.placeholder"),
                             "aria-label": t("search.placeholder")});
    searchBox.appendChild(field);
    searchBox.appendChild(el("button", {type: "submit", text: t("search.button")}));
    main.appendChild(searchBox);
    var cards = el("div", {class: "cards"});
    [["/whatif", "home.card.whatif"], ["/graph", "home.card.graph"], ["/standards", "home.card.standards"],
     ["/spof", "home.card.spof"], ["/path", "home.card.path"], ["/root-cause", "home.card.rootcause"]]
      .forEach(function (c) {
        cards.appendChild(el("div", {class: "card"}, [ITSS.link(c[0], {}, t(c[1] + ".title")),
                                                       el("p", {text: t(c[1] + ".text")})]));
      });
    main.appendChild(cards);
    var holds = section(t("home.counts"), [ITSS.loading()]);
    main.appendChild(holds);
    return api("stats").then(function (doc) {
      holds.removeChild(holds.lastChild);
      var cis = Object.keys(doc.cis).reduce(function (a, k) { return a + doc.cis[k]; }, 0);
      var rels = Object.keys(doc.relations).reduce(function (a, k) { return a + doc.relations[k]; }, 0);
      holds.appendChild(el("p", {class: "store", text: t("home.store", {store: doc.store, cis: cis, relations: rels})}));
      var rows = Object.keys(doc.cis).map(function (k) { return {type: k, count: doc.cis[k]}; })
        .sort(function (a, b) { return b.count - a.count; });
      holds.appendChild(table([["type", "col.type"], ["count", "col.count"]], rows, {limit: 12, cls: "narrow"}));
      holds.appendChild(ITSS.downloads("stats", {}, ["json", "csv"]));
    });
  });

  // -- search ----------------------------------------------------------------------------------
  ITSS.register("/search", function (main, p) {
    ITSS.setTitle(t("nav.search"));
    main.appendChild(el("h1", {text: t("nav.search")}));
    var q = p.get("q") || "", type = p.get("type") || "";
    var form = el("form", {class: "search-form", onsubmit: function (event) {
      event.preventDefault();
      go("/search", {q: field.value.trim(), type: select.value});
    }});
    var field = el("input", {type: "search", name: "q", value: q, placeholder: t("search.placeholder"),
                             "aria-label": t("search.placeholder")});
    var select = el("select", {name: "type", "aria-label": t("search.type")},
                    [el("option", {value: "", text: t("search.any_type")})]);
    form.appendChild(field);
    form.appendChild(select);
    form.appendChild(el("button", {type: "submit", text: t("search.button")}));
    main.appendChild(form);
    var out = el("div", {class: "results"});
    main.appendChild(out);
    var types = api("types", {lang: ITSS.state.lang}).then(function (doc) {
      doc.ci_types.forEach(function (ct) {
        select.appendChild(el("option", {value: ct.name, text: ct.label + " (" + ct.name + ")", selected: ct.name === type}));
      });
    });
    if (!q) return types;
    out.appendChild(ITSS.loading());
    return Promise.all([types, api("find", {q: q, type: type, limit: 50}).then(function (doc) {
      ITSS.clear(out);
      var matches = doc.matches || [];
      out.appendChild(el("p", {class: "count summary", text: t(doc.truncated ? "search.results_more" : "search.results", {n: matches.length})}));
      out.appendChild(table([["name", "col.name", function (r) { return ITSS.ciLink(r.id, r.name); }],
                             ["id", "col.id", function (r) { return el("code", {text: r.id}); }], ["type", "col.type"],
                             ["match", "col.matched", function (r) {
                               return r.match ? t("match." + r.match) + (r.field ? " · " + r.field + ": " + r.value : "") : "";
                             }],
                             ["ask", "col.ask", function (r) { return ITSS.link("/whatif", {fail: r.id}, t("ci.fail")); }]],
                            matches, {cls: "search-results"}));
      out.appendChild(ITSS.downloads("find", {q: q, type: type, limit: 50}, ["json", "csv"]));
    }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); })]);
  });

  // -- a CI's page -----------------------------------------------------------------------------
  ITSS.register("/ci", function (main, p) {
    var id = p.get("id");
    if (!id) {
      main.appendChild(el("h1", {text: t("ci.heading")}));
      main.appendChild(ciPicker(t("ci.pick"), function (picked) { go("/ci", {id: picked}); }, {button: t("common.open")}));
      return null;
    }
    var head = el("div", {class: "ci-head"}, [el("h1", {text: id})]);
    main.appendChild(head);
    var actions = el("nav", {class: "actions", "aria-label": t("ci.actions")}, [
      ITSS.link("/whatif", {fail: id}, t("ci.fail")), ITSS.link("/graph", {ci: id}, t("ci.graph")),
      ITSS.link("/spof", {target: id}, t("ci.spof")), ITSS.link("/depends", {target: id}, t("ci.depends")),
      ITSS.link("/path", {dependant: id}, t("ci.path")), ITSS.link("/root-cause", {symptom: id}, t("ci.rootcause"))]);
    main.appendChild(actions);
    var grid = el("div", {class: "ci-grid"}, [ITSS.loading()]);
    main.appendChild(grid);
    var RELATIONS = 200, HISTORY = 20, SERVICES = 50, STANDARDS = 10;
    return api("show", {ci: id, limit: RELATIONS, history: HISTORY, services: SERVICES, standards: STANDARDS,
                        lang: ITSS.state.lang}).then(function (doc) {
      var ci = doc.ci;
      ITSS.setTitle(ci.name || ci.id);
      ITSS.clear(head);
      head.appendChild(el("h1", {text: ci.name || ci.id}));
      head.appendChild(el("p", {class: "ci-id"}, [el("code", {text: ci.id}),
        el("span", {class: "type-tag", text: ITSS.label(doc.type.label) || ci.type}),
        doc.type.is_service ? el("span", {class: "type-tag", text: t("ci.is_service")}) : null]));
      ITSS.clear(grid);
      var rows = [{key: "id", value: ci.id}, {key: "type", value: ci.type}, {key: "name", value: ci.name}];
      Object.keys(ci.props || {}).forEach(function (k) {
        var v = ci.props[k];
        rows.push({key: k, value: typeof v === "object" ? JSON.stringify(v) : v});
      });
      grid.appendChild(section(t("ci.properties"), [table([["key", "col.property"], ["value", "col.value"]], rows, {cls: "props"})]));
      var relations = section(t("ci.relations"), [el("p", {class: "hint", text: t("ci.relations_hint")}),
        table([
          ["written", "col.relation", function (r) {
            var a = r.direction === "out" ? ci.id : r.other.id, b = r.direction === "out" ? r.other.id : ci.id;
            return el("span", {class: "written", title: ITSS.label(r.label)},
                      [el("code", {text: a}), " —" + r.type + "→ ", el("code", {text: b})]);
          }],
          ["other", "col.other", function (r) { return ITSS.ciLink(r.other.id, r.other.name); }],
          ["type", "col.type", function (r) { return r.other.type; }],
          ["other_fails", "col.when_other_fails", function (r) { return failureCell(r.when_other_fails, r); }],
          ["this_fails", "col.when_this_fails", function (r) { return failureCell(r.when_this_fails, r); }]],
          doc.relations, {limit: 100})]);
      var total = doc.relations_total.out + doc.relations_total.in;
      if (total > doc.relations.length) {
        relations.appendChild(el("p", {class: "hint"}, [t("ci.relations_more", {n: total - doc.relations.length}) + " ",
          ITSS.link("/graph", {ci: id}, t("ci.graph"))]));
      }
      relations.appendChild(ITSS.downloads("show", {ci: id, limit: RELATIONS, history: HISTORY, services: SERVICES, standards: STANDARDS}, ["json", "csv"]));
      grid.appendChild(relations);
      var sum = doc.services_summary;
      grid.appendChild(section(t("ci.services"), [
        el("p", {class: "summary", text: t("ci.services_summary", {down: sum.down, risk: sum.at_risk})}),
        servicesTable(doc.services), ITSS.downloads("blast-radius", {ci: id})]));
      grid.appendChild(section(t("ci.history"), [
        el("p", {class: "hint", text: t("ci.history_count", {n: doc.history_total})}),
        table([["load", "col.load"], ["at", "col.at"], ["source", "col.source"],
               ["event", "col.event", function (e) { return t("event." + e.event); }],
               ["changes", "col.changes", function (e) { return changesText(e); }]], doc.history.slice().reverse()),
        ITSS.downloads("history", {ci: id})]));
      grid.appendChild(section(t("ci.standards"), [
        el("p", {class: "hint", text: t("ci.standards_count", {n: doc.standards_total})}),
        el("ol", {class: "standard-list"}, doc.standards.map(function (st) {
          return el("li", {class: "standard"}, [el("div", {class: "standard-head"}, [
            el("strong", {text: st.title}), st.status ? el("span", {class: "status-tag", text: st.status}) : null,
            el("code", {class: "std-id", text: st.identifier || st.id})]),
            el("div", {class: "prov", text: (st.facets || []).join(", ")})]);
        })),
        el("p", {}, [ITSS.link("/standards", {ci: id}, t("ci.standards_why"))])]));
    }, function (error) { ITSS.clear(grid); grid.appendChild(ITSS.failure(error)); });
  });

  function failureCell(effect, r) {
    if (!effect || effect === "none") return el("span", {class: "hint", text: t("effect.none")});
    var node = effectCell(effect);
    if (effect === "redundant" && r.redundancy_group) node.title = r.redundancy_group;
    return node;
  }

  function noop() {}

  function changesText(e) {
    if (e.note) return e.note;
    var diff = e.diff || {};
    return Object.keys(diff).map(function (k) {
      var a = diff[k][0], b = diff[k][1];
      return k + ": " + (a === null ? "∅" : a) + " → " + (b === null ? "∅" : b);
    }).join("; ");
  }

  // options (optional): {total, fetch} for services the server lists a page at a time
  function servicesTable(services, withWhy, options) {
    var columns = [["id", "col.service", function (s) { return ITSS.ciLink(s.id, s.name); }],
                   ["status", "col.status", function (s) { return statusCell(s.status); }],
                   ["criticality", "col.criticality", function (s) { return s.criticality ? t("criticality." + s.criticality) : ""; }],
                   ["sla", "col.sla"], ["users", "col.users"], ["depth", "col.depth"]];
    if (withWhy) columns.push(["why", "col.why", whyCell]);
    return table(columns, services, Object.assign({cls: "services"}, options || {}));
  }

  // why a service is down or at risk: the chain the failure took to it; for a service at risk,
  // the CIs whose next failure would take it down
  function whyCell(s) {
    var box = el("div", {class: "why"});
    if (s.failed) {
      box.appendChild(el("span", {text: t("whatif.failed_itself")}));
      return box;
    }
    var chain = el("div", {class: "chain small"});
    (s.chain || []).forEach(function (step) {
      if (step.via) chain.appendChild(el("span", {class: "arrow", text: " —" + step.via + "→ "}));
      chain.appendChild(ITSS.ciLink(step.id, step.name));
    });
    box.appendChild(chain);
    if (s.status !== "down") {
      var next = s.next_failure || [];
      box.appendChild(el("div", {class: "prov", text: next.length ? t("whatif.next_failure", {ids: next.join(", ")})
                                                                     : t("whatif.no_next_failure")}));
    }
    return box;
  }

  // a group's members as the answer names them: the first page, and how many more there are
  function page(ids, count) {
    return ids.join(", ") + (count > ids.length ? t("whatif.members_more", {n: count - ids.length}) : "");
  }

  // the redundancy groups that lost members: what is left, what became a single point of failure
  function redundancyTable(losses) {
    return table([["id", "col.id", function (g) { return ITSS.ciLink(g.id, g.name); }], ["type", "col.type"],
                  ["effect", "col.effect", function (g) { return effectCell(g.effect); }],
                  ["group", "col.group", function (g) { return g.group.kind === "property" ? g.group.name : g.group.relation; }],
                  ["lost", "col.lost", function (g) { return g.lost_count + " / " + g.members + ": " + page(g.lost, g.lost_count); }],
                  ["left", "col.left", function (g) { return page(g.left, g.left_count); }],
                  ["new_spof", "col.new_spof", function (g) { return g.new_spof.join(", "); }]], losses, {limit: 50});
  }

  // the impacted CIs of a failure, fetched a page at a time (/api/impacted: the rows of impact)
  var IMPACTED_PAGE = 100;
  var SERVICES_PAGE = 50;  // the what-if's services listed at first and per "more"
  var IMPACTED_COLUMNS = [["id", "col.id", function (r) { return ITSS.ciLink(r.id, r.id); }], ["type", "col.type"],
                          ["name", "col.name"], ["effect", "col.effect", function (r) { return effectCell(r.effect); }],
                          ["depth", "col.depth"], ["via", "col.via"],
                          ["from", "col.from", function (r) { return ITSS.ciLink(r.from, r.from); }]];

  function impactedTable(failed, total) {
    if (!total) return el("p", {class: "empty", text: t("common.none")});
    var body = el("tbody");
    var wrap = el("div", {class: "table-wrap"}, [el("table", {class: "data impacted"}, [
      el("thead", {}, [el("tr", {}, IMPACTED_COLUMNS.map(function (c) { return el("th", {text: t(c[1])}); }))]), body])]);
    var shown = 0;
    var button = el("button", {class: "more", type: "button", onclick: more});
    button.hidden = true;
    wrap.appendChild(button);
    function more() {
      button.disabled = true;
      api("impacted", {ci: failed, offset: shown, limit: IMPACTED_PAGE}).then(function (page) {
        page.impacted.forEach(function (row) { body.appendChild(ITSS.tableRow(IMPACTED_COLUMNS, row)); });
        shown += page.impacted.length;
        button.disabled = false;
        button.hidden = shown >= page.total || !page.impacted.length;
        button.textContent = t("common.more", {n: Math.min(IMPACTED_PAGE, page.total - shown), total: page.total - shown});
      }, function (error) { wrap.appendChild(ITSS.failure(error)); });
    }
    more();
    return wrap;
  }

  // -- what if ---------------------------------------------------------------------------------
  ITSS.register("/whatif", function (main, p) {
    ITSS.setTitle(t("nav.whatif"));
    var failed = p.getAll("fail");
    var limit = ITSS.state.status ? ITSS.state.status.limits.failed_cis : 50;
    main.appendChild(el("h1", {text: t("whatif.heading")}));
    main.appendChild(el("p", {class: "lead", text: t("whatif.lead")}));
    var chips = el("div", {class: "chips"});
    failed.forEach(function (id) {
      chips.appendChild(ITSS.chip(id, function () {
        go("/whatif", {fail: failed.filter(function (x) { return x !== id; })});
      }));
    });
    main.appendChild(chips);
    main.appendChild(ciPicker(t("whatif.add"), function (id) {
      if (failed.indexOf(id) < 0) go("/whatif", {fail: failed.concat([id])});
    }, {button: t("whatif.fail")}));
    if (failed.length > limit) main.appendChild(el("p", {class: "error", text: t("whatif.limit", {n: limit})}));
    if (!failed.length) {
      main.appendChild(el("p", {class: "empty", text: t("whatif.empty")}));
      return null;
    }
    var out = el("div", {class: "whatif"}, [ITSS.loading()]);
    main.appendChild(out);
    // the services ranked, the redundancy lost and the obligations (the blast-radius answer),
    // its first SERVICES_PAGE services listed and the next ones fetched with a button; the
    // impacted CIs counted there and fetched a page at a time (a failure can reach 100k)
    return api("blast-radius", {ci: failed, services_limit: SERVICES_PAGE})
      .then(function (blast) {
        ITSS.clear(out);
        var s = blast.summary;
        out.appendChild(el("p", {class: "summary big", text: t("whatif.summary", {down: s.down, risk: s.at_risk, cis: s.impacted_cis})}));
        out.appendChild(el("nav", {class: "actions"}, [
          ITSS.link("/graph", {ci: failed}, t("whatif.on_graph")),
          ITSS.link("/root-cause", {symptom: blast.services.filter(function (x) { return x.status === "down"; })
            .slice(0, 20).map(function (x) { return x.id; })}, t("whatif.rootcause"))]));
        var cols = el("div", {class: "two-columns"});
        out.appendChild(cols);
        var services = servicesTable(blast.services, true, {
          limit: SERVICES_PAGE, total: s.down + s.at_risk, fetch: function (offset, count) {
            return api("blast-radius", {ci: failed, services_offset: offset, services_limit: count})
              .then(function (next) { return next.services; });
          }});
        cols.appendChild(section(t("whatif.services"), [services, ITSS.downloads("blast-radius", {ci: failed})], "services-block"));
        cols.appendChild(section(t("whatif.obligations"), [ITSS.obligations(blast.obligations)], "obligations-block"));
        if ((blast.redundancy || []).length) {
          out.appendChild(section(t("whatif.redundancy", {n: blast.redundancy.length}), [
            el("p", {class: "hint", text: t("whatif.redundancy_hint")}), redundancyTable(blast.redundancy)], "redundancy-block"));
        }
        out.appendChild(section(t("whatif.impacted", {n: s.impacted_cis}), [
          el("p", {class: "hint", text: t("whatif.impacted_hint")}),
          impactedTable(failed, s.impacted_cis),
          ITSS.downloads("impact", {ci: failed})], "impacted-block"));
      }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); });
  });

  // -- standards -------------------------------------------------------------------------------
  function reasonSteps(reason) {
    return el("div", {class: "reason"}, [
      el("div", {class: "reason-text"}, [el("span", {class: "facet", text: reason.facet}), " ", el("span", {text: reason.text})]),
      el("div", {class: "prov", text: chainSources(reason.chain).join("; ")})]);
  }

  // where the white paper says so: every source of the chain's steps, once each
  function chainSources(chain) {
    var out = [];
    (chain || []).forEach(function (step) {
      (step.sources || []).forEach(function (src) {
        var text = t("standards.source", {label: src.label, section: src.section,
                                           lines: src.start_line + "-" + src.end_line});
        if (out.indexOf(text) < 0) out.push(text);
      });
    });
    return out;
  }

  function standardsList(doc, brief) {
    var box = el("div", {class: "standards"});
    var applicable = doc.standards || [];
    if (!applicable.length) box.appendChild(el("p", {class: "empty", text: t("standards.none")}));
    var list = el("ol", {class: "standard-list"});
    applicable.forEach(function (r) {
      var item = el("li", {class: "standard"}, [
        el("div", {class: "standard-head"}, [el("strong", {text: r.title || r.label || r.id}),
          r.status ? el("span", {class: "status-tag", text: r.status.label}) : null,
          el("code", {class: "std-id", text: r.identifier || r.id})])]);
      if (!brief) (r.reasons || []).forEach(function (reason) { item.appendChild(reasonSteps(reason)); });
      list.appendChild(item);
    });
    box.appendChild(list);
    if (!brief && (doc.planned || []).length) {
      box.appendChild(el("h3", {text: t("standards.planned")}));
      box.appendChild(el("ul", {}, doc.planned.map(function (r) {
        return el("li", {text: (r.title || r.id) + (r.identifier ? " (" + r.identifier + ")" : "")});
      })));
    }
    if (!brief && (doc.excluded || []).length) {
      box.appendChild(el("h3", {text: t("standards.excluded")}));
      box.appendChild(el("ul", {}, doc.excluded.map(function (e) {
        return el("li", {text: (e.title || e.label || e.id) + " — " + (e.why || "")});
      })));
    }
    return box;
  }

  ITSS.register("/standards", function (main, p) {
    ITSS.setTitle(t("nav.standards"));
    main.appendChild(el("h1", {text: t("standards.heading")}));
    main.appendChild(el("p", {class: "lead", text: t("standards.lead")}));
    var profile = p.get("profile") || "", code = p.get("code") || "", ciType = p.get("ci_type") || "",
        ciId = p.get("ci") || "";
    var picker = el("div", {class: "profile-picker"});
    main.appendChild(picker);
    var select = el("select", {"aria-label": t("standards.pick"), id: "profile-select"},
                    [el("option", {value: "", text: t("standards.pick")})]);
    select.addEventListener("change", function () { if (select.value) go("/standards", {profile: select.value}); });
    var upload = el("input", {type: "file", accept: ".yaml,.yml,text/yaml", id: "profile-upload", "aria-label": t("standards.upload")});
    upload.addEventListener("change", function () {
      var file = upload.files[0];
      if (!file) return;
      file.text().then(function (text) {
        return fetch("/api/profiles", {method: "POST", body: text, credentials: "same-origin",
                                       headers: {"content-type": "application/yaml", "x-itss-request": "1"}});
      }).then(function (r) {
        return r.json().then(function (body) { if (!r.ok) throw new Error(body.error); return body; });
      }).then(function (body) { go("/standards", {profile: body.name}); },
              function (error) { picker.appendChild(ITSS.failure(error)); });
    });
    picker.appendChild(el("label", {}, [el("span", {text: t("standards.pick") + " "}), select]));
    picker.appendChild(el("label", {class: "upload"}, [el("span", {text: t("standards.upload") + " "}), upload]));
    var codeForm = el("form", {class: "inline-form", onsubmit: function (event) {
      event.preventDefault();
      go("/standards", {code: codeField.value.trim()});
    }});
    var codeField = el("input", {type: "text", value: code, placeholder: t("standards.code"), "aria-label": t("standards.code")});
    codeForm.appendChild(codeField);
    codeForm.appendChild(el("button", {type: "submit", text: t("common.go")}));
    picker.appendChild(codeForm);
    var listed = api("profiles").then(function (doc) {
      doc.profiles.forEach(function (pr) {
        select.appendChild(el("option", {value: pr.name, text: pr.title ? pr.title + " (" + pr.name + ")" : pr.name,
                                         selected: pr.name === profile}));
      });
    });
    if (!profile && !code && !ciType && !ciId) return listed;
    var out = el("div", {class: "standards-out"}, [ITSS.loading()]);
    main.appendChild(out);
    var query = profile ? {profile: profile} : code ? {code: code} : ciId ? {ci: ciId} : {ci_type: ciType};
    var asked = Object.assign({lang: ITSS.state.lang}, query);
    var work = [listed, api("standards", asked)];
    if (profile) work.push(api("gap", asked));
    return Promise.all(work).then(function (docs) {
      var doc = docs[1], gap = docs[2];
      ITSS.clear(out);
      var q = doc.query || {};
      out.appendChild(el("p", {class: "summary", text: t("standards.for", {what: q.label || q.value || ""})}));
      var cols = el("div", {class: "two-columns"});
      out.appendChild(cols);
      cols.appendChild(section(t("standards.applicable", {n: (doc.standards || []).length}),
                               [standardsList(doc, false), ITSS.downloads("standards", query)]));
      if (gap) {
        var rows = [];
        (gap.gaps || []).forEach(function (g) { rows.push(g); });
        cols.appendChild(section(t("standards.gaps", {n: rows.length}), [
          el("p", {class: "summary", text: t("standards.gap_summary", gap.summary || {})}),
          table([["element", "col.element", function (g) { return g.element ? g.element.label : ""; }],
                 ["item", "col.missing", function (g) { return g.item ? g.item.label : ""; }],
                 ["standards", "col.required_by", function (g) { return (g.standards || []).join(", "); }],
                 ["sources", "col.sources", function (g) { return gapSources(g); }]], rows),
          ITSS.downloads("gap", {profile: profile})]));
      }
    }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); });
  });

  function gapSources(g) {
    var out = [];
    (g.required_by || []).forEach(function (r) {
      (r.sources || []).forEach(function (s) { if (out.indexOf(s) < 0) out.push(s); });
    });
    return out.join("; ");
  }

  // -- the canned questions from any CI ----------------------------------------------------------
  function questionForm(fields, onSubmit) {
    var form = el("form", {class: "question-form", onsubmit: function (event) {
      event.preventDefault();
      var values = {};
      fields.forEach(function (f) { values[f.name] = f.input.value.trim(); });
      onSubmit(values);
    }});
    fields.forEach(function (f) {
      f.input = el("input", {type: f.type || "text", value: f.value || "", placeholder: t(f.label), "aria-label": t(f.label),
                             name: f.name, min: f.min});
      form.appendChild(el("label", {}, [el("span", {text: t(f.label)}), f.input]));
    });
    form.appendChild(el("button", {type: "submit", text: t("common.go")}));
    return form;
  }

  ITSS.register("/spof", function (main, p) {
    ITSS.setTitle(t("nav.spof"));
    var target = p.get("target") || "", estate = p.get("estate") === "1";
    main.appendChild(el("h1", {text: t("spof.heading")}));
    main.appendChild(questionForm([{name: "target", label: "spof.target", value: target}], function (v) { go("/spof", {target: v.target}); }));
    if (!target && !estate) {
      main.appendChild(el("p", {}, [ITSS.link("/spof", {estate: "1"}, t("spof.estate"))]));
      return null;
    }
    var out = el("div", {}, [ITSS.loading()]);
    main.appendChild(out);
    return api("spof", {target: target}).then(function (doc) {
      ITSS.clear(out);
      if (target) {
        out.appendChild(el("p", {class: "summary", text: t("spof.summary", {target: target, n: doc.spof.length, upstream: doc.upstream_total})}));
        out.appendChild(table([["id", "col.id", function (r) { return ITSS.ciLink(r.id, r.id); }], ["type", "col.type"], ["name", "col.name"],
                               ["distance", "col.distance"],
                               ["fail", "col.ask", function (r) { return ITSS.link("/whatif", {fail: r.id}, t("ci.fail")); }]], doc.spof));
        out.appendChild(ITSS.downloads("spof", {target: target}));
      } else {
        out.appendChild(el("p", {class: "summary", text: t("spof.estate_summary", {n: doc.spof.length, services: doc.services_examined})}));
        out.appendChild(table([["id", "col.id", function (r) { return ITSS.ciLink(r.id, r.id); }], ["type", "col.type"], ["name", "col.name"],
                               ["services_down", "col.services_down"]], doc.spof));
        out.appendChild(ITSS.downloads("spof", {}));
      }
    }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); });
  });

  ITSS.register("/depends", function (main, p) {
    ITSS.setTitle(t("nav.depends"));
    var target = p.get("target") || "", depth = p.get("depth") || "";
    main.appendChild(el("h1", {text: t("depends.heading")}));
    main.appendChild(questionForm([{name: "target", label: "depends.target", value: target},
                                   {name: "depth", label: "depends.depth", value: depth, type: "number", min: 1}],
                                  function (v) { go("/depends", {target: v.target, depth: v.depth}); }));
    if (!target) return null;
    var out = el("div", {}, [ITSS.loading()]);
    main.appendChild(out);
    return api("depends", {target: target, depth: depth}).then(function (doc) {
      ITSS.clear(out);
      out.appendChild(el("p", {class: "summary", text: t("depends.summary", {target: target, n: doc.summary.total, spof: doc.summary.spof})}));
      out.appendChild(table([["id", "col.id", function (r) { return ITSS.ciLink(r.id, r.id); }], ["type", "col.type"], ["name", "col.name"],
                             ["distance", "col.distance"], ["via", "col.via"], ["to", "col.to"],
                             ["spof", "col.spof", function (r) { return r.spof ? t("common.yes") : ""; }]], doc.dependencies));
      out.appendChild(ITSS.downloads("depends", {target: target, depth: depth}));
    }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); });
  });

  ITSS.register("/path", function (main, p) {
    ITSS.setTitle(t("nav.path"));
    var dependant = p.get("dependant") || "", provider = p.get("provider") || "";
    main.appendChild(el("h1", {text: t("path.heading")}));
    main.appendChild(questionForm([{name: "dependant", label: "path.dependant", value: dependant},
                                   {name: "provider", label: "path.provider", value: provider}],
                                  function (v) { go("/path", {dependant: v.dependant, provider: v.provider}); }));
    if (!dependant || !provider) return null;
    var out = el("div", {}, [ITSS.loading()]);
    main.appendChild(out);
    return api("path", {dependant: dependant, provider: provider}).then(function (doc) {
      ITSS.clear(out);
      if (!doc.shortest || !doc.shortest.length) {
        out.appendChild(el("p", {class: "summary", text: t("path.none", {dependant: dependant, provider: provider})}));
        return;
      }
      out.appendChild(el("h2", {text: t("path.shortest")}));
      out.appendChild(chainNode(doc.shortest));
      out.appendChild(el("h2", {text: t("path.chains", {n: doc.paths.length})}));
      out.appendChild(el("ol", {class: "chains"}, doc.paths.map(function (chain) { return el("li", {}, [chainNode(chain)]); })));
      out.appendChild(ITSS.downloads("path", {dependant: dependant, provider: provider}));
    }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); });
  });

  function chainNode(chain) {
    var box = el("div", {class: "chain"});
    chain.forEach(function (step) {
      box.appendChild(ITSS.ciLink(step.id, step.name));
      if (step.relation) {
        box.appendChild(el("span", {class: "arrow", text: step.direction === "<-" ? " ←" + step.relation + "— " : " —" + step.relation + "→ "}));
      }
    });
    return box;
  }

  ITSS.register("/root-cause", function (main, p) {
    ITSS.setTitle(t("nav.rootcause"));
    var symptoms = p.getAll("symptom");
    main.appendChild(el("h1", {text: t("rootcause.heading")}));
    main.appendChild(el("p", {class: "lead", text: t("rootcause.lead")}));
    var chips = el("div", {class: "chips"});
    symptoms.forEach(function (id) {
      chips.appendChild(ITSS.chip(id, function () {
        go("/root-cause", {symptom: symptoms.filter(function (x) { return x !== id; })});
      }));
    });
    main.appendChild(chips);
    main.appendChild(ciPicker(t("rootcause.add"), function (id) {
      if (symptoms.indexOf(id) < 0) go("/root-cause", {symptom: symptoms.concat([id])});
    }));
    if (!symptoms.length) return null;
    var out = el("div", {}, [ITSS.loading()]);
    main.appendChild(out);
    return api("root-cause", {symptom: symptoms}).then(function (doc) {
      ITSS.clear(out);
      out.appendChild(table([["id", "col.id", function (r) { return ITSS.ciLink(r.id, r.id); }], ["type", "col.type"], ["name", "col.name"],
                             ["explains", "col.explains", function (r) { return r.explains.length + " / " + doc.symptoms.length; }],
                             ["distance", "col.distance"],
                             ["fail", "col.ask", function (r) { return ITSS.link("/whatif", {fail: r.id}, t("ci.fail")); }]], doc.candidates));
      out.appendChild(ITSS.downloads("root-cause", {symptom: symptoms}));
    }, function (error) { ITSS.clear(out); out.appendChild(ITSS.failure(error)); });
  });

  ITSS.ciPicker = ciPicker;
})();
