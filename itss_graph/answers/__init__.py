"""Answers that join the engine and the knowledge base.

The knowledge base (:mod:`itss_graph.knowledge`) knows the ITSS white paper and nothing of a
CMDB; the engine (:mod:`itss_graph.engine`) walks a store and knows nothing of ITSS. A question
that needs both — which standards apply to *this* CI, given what its failure takes down — is
answered here, in a layer above both.

* :func:`itss_graph.answers.ci_standards.declared_for_ci`,
  :func:`itss_graph.answers.ci_standards.standards_for_ci` — the ``itss standards --ci ID`` answer.
"""
