"""The ``itss standards`` answer for the subjects the knowledge base answers alone: a GB/T 29264
code, a CI type or an organisation profile. (A CI of the CMDB also needs the engine:
:func:`itss_graph.answers.ci_standards.standards_for_ci`.)

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> applicability_answer(kb, code="040204").ids()[:2]
    ['kb:std-运维-5', 'kb:std-运维-1']
    >>> applicability_answer(kb, ci_type="数据中心", lang="zh").ids()
    ['kb:std-运维-4', 'kb:std-运维-1', 'kb:std-运维-2', 'kb:std-运维-3']
    >>> answer = applicability_answer(kb, profile="examples/profiles/scenario-3.yaml")
    >>> answer.ids(), answer.query.kind, answer.extra["profile"]["declared"][0]["field"]
    (['kb:std-基础-1', 'kb:std-基础-2'], 'profile', 'party')
    >>> applicability_answer(kb) is None
    True
"""

from __future__ import annotations

from itss_graph.knowledge.applicability import Answer, Query, evaluate
from itss_graph.knowledge.subjects import declared_for_code, query_for_ci_type

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from pathlib import Path

    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.knowledge.profile import Profile


def applicability_answer(kb: "KnowledgeBase", *, code: str | None = None, ci_type: str | None = None,
                         profile: "str | Path | Profile | None" = None, lang: str = "en") -> Answer | None:
    """The standards that apply to one subject — ``code``, ``ci_type`` or ``profile`` (a file or a
    loaded :class:`~itss_graph.knowledge.profile.Profile`) — as ``itss standards`` answers; None
    when no subject is given. A profile's own description is in ``answer.extra["profile"]``.

    Raises :class:`~itss_graph.knowledge.subjects.UnknownSubjectError` for an unknown code or CI
    type and :class:`~itss_graph.knowledge.profile.ProfileError` for an invalid profile.
    """
    extra: dict = {}
    if code:
        query, declared = declared_for_code(kb, code, lang)
    elif ci_type:
        query, declared = query_for_ci_type(kb, ci_type, lang)
    elif profile is not None:
        from itss_graph.knowledge.profile import Profile, load_profile  # YAML profiles only

        loaded = profile if isinstance(profile, Profile) else load_profile(profile, kb, lang)
        query, declared = Query("profile", loaded.path, loaded.name), loaded.declared
        extra = {"profile": loaded.as_dict()}
    else:
        return None
    answer = evaluate(kb, declared, query, lang)
    answer.extra.update(extra)
    return answer
