"""How answers say things in Chinese and English: every sentence template of the standards and gap
answers is here, in English, marked for the message catalogue (:mod:`itss_graph.i18n`; the
templates of facts under the context ``fact``, the parts of a standard under their own) and translated in the answer's language.

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

from itss_graph.i18n import C_, N_, translation
from itss_graph.knowledge.kb import DCTERMS, ITSS, SKOS

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Sequence
    from itss_graph.knowledge.kb import KnowledgeBase, SourceRef
    from itss_graph.knowledge.reasons import Node, Step

# ---------------------------------------------------------------------------------------------
# Templates. {s} and {o} are the subject and the object of the fact (whatever direction the
# chain reads it in); a template under "then" is used when the fact continues the previous one.
# ---------------------------------------------------------------------------------------------

FACT_TEMPLATES: dict[str, str] = {
    "cmdb:type": C_("fact", "{s} is a {o}"),
    "itss:category": C_("fact", "{s} falls under {o}"),
    "itss:serviceObject": C_("fact", "{s} is a service object of the kind “{o}”"),
    "skos:broader": C_("fact", "{s} is part of {o}"),
    "skos:broader then": C_("fact", "which is part of {o}"),
    "skos:broader then other": C_("fact", "which is part of “{o}”"),
    "skos:closeMatch": C_("fact", "“{s}” is close to “{o}”"),
    "itss:actsAs": C_("fact", "{s} acts as the {o}"),
    "itss:appliesToCategory": C_("fact", "{s} applies to {o}"),
    "itss:appliesToServiceObject": C_("fact", "{s} covers the service object “{o}”"),
    "itss:appliesToActivity": C_("fact", "{s} names “{o}” in its scope"),
    "itss:appliesToStage": C_("fact", "{s} is for the {o} stage"),
    "itss:appliesToBusinessType": C_("fact", "{s} is a {o} standard"),
    "itss:businessType": C_("fact", "{s} is a {o} standard"),
    "itss:appliesToParty": C_("fact", "{s} names the {o} in its scope"),
    "itss:appliesToOrganizationType": C_("fact", "{s} applies to the {o}"),
    "dcterms:isPartOf": C_("fact: a part of a standard", "{s} is part of {o}"),
    "dcterms:hasPart": C_("fact: a part of a standard", "{o} is part of {s}"),
    "property category": C_("fact", "{s} has the service category {o}"),
    "supports": C_("fact", "{s} supports the business service {o}"),
    "narrower": C_("fact", "{o} is part of {s}, which you declared"),
    "other": C_("fact", "{s} {p} {o}"),
}

#: how clauses are joined: within the subject's side, and before the standard's own fact
JOINERS = (N_(", "), N_("; "))

#: every other sentence of the standards and gap answers
MESSAGES: dict[str, str] = {
    'not_a_gate': N_('its scope names {stated}, not {declared} (who is named never excludes a standard)'),
    'gate': N_('{facet} does not match: the standard is for {stated}; you declared {declared}'),
    'specialised': N_('{by} is its specialisation and takes its place for {declared}'),
    'facet.category': N_('service category'),
    'facet.business_type': N_('business type'),
    'facet.service_object': N_('service object'),
    'facet.activity': N_('use'),
    'facet.stage': N_('lifecycle stage'),
    'facet.party': N_('party'),
    'facet.organization_type': N_('organisation type'),
    'obliged': N_('{standard} places its requirements on the {party}: “{text}”'),
    'rel.own': N_('You must have'),
    'rel.provider': N_('Require of your provider'),
    'rel.verify': N_('Verify as a third party'),
    'rel.customer': N_("The customer's own"),
    'rel.own.why': N_('{standard} places this requirement on the {party} (you)'),
    'rel.provider.why': N_('{standard} places this requirement on the provider: as the customer, require it of '
                           'your provider and check it'),
    'rel.verify.why': N_('{standard} places this requirement on the {party}: as the {mine}, verify it'),
    'rel.customer.why': N_('{standard} places this requirement on the customer: it tells the provider what its '
                           'client is responsible for'),
    'requires': N_('{by} requires {item}'),
    'requires.model': N_('{by}, {model} ({clause}), requires {item}'),
    'requires.cell': N_('{cell}: {item}'),
    'cite.line': N_('white paper {unit}, line {line}'),
    'cite.lines': N_('white paper {unit}, lines {start}-{end}'),
    'cite.vocabulary': N_('vocabulary {files}'),
    'quote': N_('“{text}” ({cite})'),
}


def t(key: str, lang: str, **values: str) -> str:
    """One message of :data:`MESSAGES` in ``lang`` (English when the language is unknown),
    from the message catalogue."""
    return translation(lang).gettext(MESSAGES[key]).format(**values)


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
    table = FACT_TEMPLATES
    p = step.predicate
    if p.startswith("supports"):
        key = "supports"
    elif continues and f"{p} then" in table:
        key = f"{p} then" if category else f"{p} then other"
    else:
        key = p if p in table else "other"
    context = "fact: a part of a standard" if key.startswith("dcterms:") else "fact"
    return translation(lang).pgettext(context, table[key])


def chain_sentence(kb: "KnowledgeBase", steps: Sequence["Step"], lang: str = "en") -> str:
    """One readable sentence for a reason chain (see the module docstring): one clause per fact,
    consecutive ``skos:broader`` facts folded into one, the standard's own facts after a semicolon."""
    if not steps:
        return ""
    inner, outer = (translation(lang).gettext(joiner) for joiner in JOINERS)
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
