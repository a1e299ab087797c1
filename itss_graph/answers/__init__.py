"""Answers that join the engine and the knowledge base: what ITSS obliges a team to do after a
failure, how to run a change, which standards apply to a CI of the CMDB, finding a CI.

The standards for a CI: :func:`itss_graph.answers.ci_standards.standards_for_ci` (its type's
facets and the categories of the services its failure reaches).
"""
