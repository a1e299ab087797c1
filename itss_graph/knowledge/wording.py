"""How answers say things in Chinese and English: every sentence template of the standards and gap
answers is here, one dict per language, so that the lead can move them into a gettext catalogue
without touching the rules.

A *reason* is a chain of knowledge-base facts (:mod:`itss_graph.knowledge.reasons`); this module
turns it into one sentence a client can read, each fact a clause::

    数据库 属于 040301 基础软件运维服务，该类别属于 04 运行维护服务；GB/T 28827.1 适用于 04

The chain itself stays in the JSON answer and in ``--verbose`` output.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.knowledge.reasons import Node, Step, kb_step
    >>> kb = KnowledgeBase.load()
    >>> def steps(lang):
    ...     return [kb_step(kb, "kb:cat-040301", "skos:broader", "kb:cat-0403", lang),
    ...             kb_step(kb, "kb:cat-0403", "skos:broader", "kb:cat-04", lang),
    ...             kb_step(kb, "kb:std-运维-1", "itss:appliesToCategory", "kb:cat-04", lang, inverse=True)]
    >>> print(chain_sentence(kb, steps("zh"), "zh"))
    040301 基础软件运维服务 属于 04 运行维护服务；GB/T 28827.1 适用于 04
    >>> print(chain_sentence(kb, steps("en"), "en"))
    040301 Basic software O&M services is part of 04 Operation and maintenance services; GB/T 28827.1 applies to 04
    >>> t("not_a_gate", "en", stated="provider", declared="customer")
    'its scope names provider, not customer (who is named never excludes a standard)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from itss_graph.knowledge.kb import DCTERMS, ITSS, SKOS

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase, SourceRef
    from itss_graph.knowledge.reasons import Node, Step

# ---------------------------------------------------------------------------------------------
# Templates. {s} and {o} are the subject and the object of the fact (whatever direction the
# chain reads it in); a template under "then" is used when the fact continues the previous one.
# ---------------------------------------------------------------------------------------------

FACT_TEMPLATES: dict[str, dict[str, str]] = {
    "zh": {
        "cmdb:type": "{s} 是 {o}",
        "itss:category": "{s} 属于 {o}",
        "itss:serviceObject": "{s} 是服务对象“{o}”",
        "skos:broader": "{s} 属于 {o}",
        "skos:broader then": "该类别属于 {o}",
        "skos:broader then other": "后者属于“{o}”",
        "skos:closeMatch": "“{s}”与“{o}”相近",
        "itss:actsAs": "{s} 即{o}",
        "itss:appliesToCategory": "{s} 适用于 {o}",
        "itss:appliesToServiceObject": "{s} 的服务对象包括“{o}”",
        "itss:appliesToActivity": "{s} 的适用范围写明“{o}”",
        "itss:appliesToStage": "{s} 用于{o}阶段",
        "itss:appliesToBusinessType": "{s} 属于{o}业务",
        "itss:businessType": "{s} 属于{o}业务",
        "itss:appliesToParty": "{s} 的适用范围写明{o}",
        "itss:appliesToOrganizationType": "{s} 适用于{o}",
        "dcterms:isPartOf": "{s} 是 {o} 的组成部分",
        "dcterms:hasPart": "{o} 是 {s} 的组成部分",
        "property category": "{s} 的服务类别为 {o}",
        "supports": "{s} 支撑业务服务 {o}",
        "narrower": "{o} 属于您声明的 {s}",
        "other": "{s} {p} {o}",
    },
    "en": {
        "cmdb:type": "{s} is a {o}",
        "itss:category": "{s} falls under {o}",
        "itss:serviceObject": "{s} is a service object of the kind “{o}”",
        "skos:broader": "{s} is part of {o}",
        "skos:broader then": "which is part of {o}",
        "skos:broader then other": "which is part of “{o}”",
        "skos:closeMatch": "“{s}” is close to “{o}”",
        "itss:actsAs": "{s} acts as the {o}",
        "itss:appliesToCategory": "{s} applies to {o}",
        "itss:appliesToServiceObject": "{s} covers the service object “{o}”",
        "itss:appliesToActivity": "{s} names “{o}” in its scope",
        "itss:appliesToStage": "{s} is for the {o} stage",
        "itss:appliesToBusinessType": "{s} is a {o} standard",
        "itss:businessType": "{s} is a {o} standard",
        "itss:appliesToParty": "{s} names the {o} in its scope",
        "itss:appliesToOrganizationType": "{s} applies to the {o}",
        "dcterms:isPartOf": "{s} is part of {o}",
        "dcterms:hasPart": "{o} is part of {s}",
        "property category": "{s} has the service category {o}",
        "supports": "{s} supports the business service {o}",
        "narrower": "{o} is part of {s}, which you declared",
        "other": "{s} {p} {o}",
    },
}

#: how clauses are joined: within the subject's side, and before the standard's own fact
JOINERS = {"zh": ("，", "；"), "en": (", ", "; ")}

#: every other sentence of the standards and gap answers
MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "not_a_gate": "其适用范围写明{stated}，而非{declared}（适用对象不作排除条件）",
        "gate": "{facet}不符：该标准用于 {stated}，您声明的是 {declared}",
        "specialised": "{by} 是其具体化，对 {declared} 由后者取代",
        "facet.category": "服务类别",
        "facet.business_type": "业务类型",
        "facet.service_object": "服务对象",
        "facet.activity": "适用用途",
        "facet.stage": "生命周期阶段",
        "facet.party": "相关方",
        "facet.organization_type": "组织类型",
        "obliged": "{standard} 的要求由{party}承担：“{text}”",
        "rel.own": "您须具备",
        "rel.provider": "向供方提出要求",
        "rel.verify": "作为第三方核查",
        "rel.customer": "由需方承担",
        "rel.own.why": "{standard} 将此要求置于{party}（即您）",
        "rel.provider.why": "{standard} 将此要求置于供方；作为需方，您应要求供方具备并核实",
        "rel.verify.why": "{standard} 将此要求置于{party}；作为{mine}，您据此核查",
        "rel.customer.why": "{standard} 将此要求置于需方；供方可据此了解客户的职责",
        "requires": "{by} 要求 {item}",
        "requires.model": "{by} 的{model}（{clause}）要求 {item}",
        "requires.cell": "{cell}：{item}",
        "cite.line": "白皮书 {unit}，第{line}行",
        "cite.lines": "白皮书 {unit}，第{start}-{end}行",
        "cite.vocabulary": "词汇表 {files}",
        "quote": "“{text}”（{cite}）",
    },
    "en": {
        "not_a_gate": "its scope names {stated}, not {declared} (who is named never excludes a standard)",
        "gate": "{facet} does not match: the standard is for {stated}; you declared {declared}",
        "specialised": "{by} is its specialisation and takes its place for {declared}",
        "facet.category": "service category",
        "facet.business_type": "business type",
        "facet.service_object": "service object",
        "facet.activity": "use",
        "facet.stage": "lifecycle stage",
        "facet.party": "party",
        "facet.organization_type": "organisation type",
        "obliged": "{standard} places its requirements on the {party}: “{text}”",
        "rel.own": "You must have",
        "rel.provider": "Require of your provider",
        "rel.verify": "Verify as a third party",
        "rel.customer": "The customer's own",
        "rel.own.why": "{standard} places this requirement on the {party} (you)",
        "rel.provider.why": "{standard} places this requirement on the provider: as the customer, require it of "
                            "your provider and check it",
        "rel.verify.why": "{standard} places this requirement on the {party}: as the {mine}, verify it",
        "rel.customer.why": "{standard} places this requirement on the customer: it tells the provider what its "
                            "client is responsible for",
        "requires": "{by} requires {item}",
        "requires.model": "{by}, {model} ({clause}), requires {item}",
        "requires.cell": "{cell}: {item}",
        "cite.line": "white paper {unit}, line {line}",
        "cite.lines": "white paper {unit}, lines {start}-{end}",
        "cite.vocabulary": "vocabulary {files}",
        "quote": "“{text}” ({cite})",
    },
}


def t(key: str, lang: str, **values: str) -> str:
    """One message of :data:`MESSAGES` in ``lang`` (English when the language is unknown)."""
    return MESSAGES.get(lang, MESSAGES["en"])[key].format(**values)


def cite(ref: "SourceRef", lang: str = "en") -> str:
    """Where the white paper says something, for a client: the unit and its line (or lines).

    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> ref = kb.provenance("kb:std-运维-1", "dcterms:identifier", kb.value("kb:std-运维-1", "dcterms:identifier"))[0]
    >>> cite(ref, "zh")
    '白皮书 3.2.6 运行维护标准 1、通用要求，第3470-3534行'
    """
    if ref.is_tbox:
        return t("cite.vocabulary", lang, files=", ".join(ref.files))
    unit = ref.label(lang)
    if ref.line is not None:
        return t("cite.line", lang, unit=unit, line=str(ref.line))
    if ref.start_line is not None:
        return t("cite.lines", lang, unit=unit, start=str(ref.start_line), end=str(ref.end_line))
    return unit


def chain_cites(steps: Sequence["Step"], lang: str = "en") -> list[str]:
    """The distinct white-paper places a chain's facts come from (vocabulary files left out)."""
    seen: dict[str, None] = {}
    for step in steps:
        for ref in step.sources:
            if not ref.is_tbox:
                seen.setdefault(cite(ref, lang), None)
    return list(seen)


# ---------------------------------------------------------------------------------------------
# Reason chains as sentences
# ---------------------------------------------------------------------------------------------

SERVICE_CATEGORY = ITSS + "ServiceCategory"
STANDARD = DCTERMS + "Standard"
STANDARD_FACTS = ("itss:appliesTo", "itss:businessType")


def short_name(kb: "KnowledgeBase", node: "Node", lang: str, *, mentioned: set[str] | None = None) -> str:
    """How a sentence names a node: a standard by its number (else its short label), a GB/T 29264
    category by code and name the first time, by code after; other nodes by their label.

    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.knowledge.reasons import Node
    >>> kb = KnowledgeBase.load()
    >>> short_name(kb, Node.of(kb, "kb:std-运维-4", "zh"), "zh")
    '数据中心规范'
    """
    iri = node.iri
    if not iri or iri not in kb:
        return node.label
    if kb.is_a(iri, STANDARD):
        number = kb.value(iri, DCTERMS + "identifier")
        return str(number) if number is not None else kb.label(iri, lang)
    if kb.is_a(iri, SERVICE_CATEGORY):
        code = kb.notation(iri)
        if code and mentioned is not None and iri in mentioned:
            return code
        if mentioned is not None:
            mentioned.add(iri)
        return node.label
    return node.label


def _template(step: "Step", lang: str, continues: bool, category: bool) -> str:
    table = FACT_TEMPLATES.get(lang, FACT_TEMPLATES["en"])
    p = step.predicate
    if p.startswith("supports"):
        return table["supports"]
    if continues and f"{p} then" in table:
        return table[f"{p} then" if category else f"{p} then other"]
    return table.get(p, table["other"])


def chain_sentence(kb: "KnowledgeBase", steps: Sequence["Step"], lang: str = "en") -> str:
    """One readable sentence for a reason chain (see the module docstring): one clause per fact,
    consecutive ``skos:broader`` facts folded into one, the standard's own facts after a semicolon."""
    if not steps:
        return ""
    inner, outer = JOINERS.get(lang, JOINERS["en"])
    mentioned: set[str] = set()
    clauses: list[tuple[bool, str]] = []  # (is a fact of the standard, text)
    i = 0
    previous_object: str | None = None
    while i < len(steps):
        step = steps[i]
        # the fact read forward: subject --p--> object
        s_node, o_node = (step.target, step.source) if step.inverse else (step.source, step.target)
        if step.predicate == "skos:broader" and not step.inverse:
            while i + 1 < len(steps) and steps[i + 1].predicate == "skos:broader" and not steps[i + 1].inverse:
                i += 1
                o_node = steps[i].target
        continues = previous_object is not None and s_node.id == previous_object
        category = bool(o_node.iri and o_node.iri in kb and kb.is_a(o_node.iri, SERVICE_CATEGORY))
        template = _template(step, lang, continues, category)
        text = template.format(s=short_name(kb, s_node, lang, mentioned=mentioned), p=step.predicate,
                               o=short_name(kb, o_node, lang, mentioned=mentioned))
        own = step.predicate.startswith(STANDARD_FACTS) or step.predicate.startswith("dcterms:")
        clauses.append((own, text))
        previous_object = o_node.id
        i += 1
    before = [text for own, text in clauses if not own]
    after = [text for own, text in clauses if own]
    parts = [inner.join(before)] if before else []
    if after:
        parts.append(inner.join(after))
    return outer.join(parts)
