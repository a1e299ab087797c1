"""The body of ``itss standards`` without click: the click command
(:mod:`itss_graph.cli.standards_cmd`) parses and checks the options, the plain command line
(:mod:`itss_graph.cli.plain`) its common forms; both run :func:`run_standards`."""

from __future__ import annotations


def run_standards(ci_id, ci_type, code, profile_path, brief, verbose, store_settings, output_format, output,
                  excel, encoding, lang) -> None:
    """Answer ``itss standards`` for exactly one of ``ci_id``, ``ci_type``, ``code`` or
    ``profile_path`` (checked) and print or write the answer."""
    import itss_graph as itss
    from itss_graph.cli.output import emit_csv, emit_text

    kb = itss.KnowledgeBase.load()
    if ci_id:
        with itss.open_store(store_settings, create=False) as store:  # queries never create a store
            answer = itss.standards_for_ci(store, ci_id, lang, kb=kb)
    else:
        answer = itss.applicability_answer(kb, code=code, ci_type=ci_type, profile=profile_path, lang=lang)
    subject = ci_id or ci_type or code or str(profile_path)
    if output_format == "json":
        from itss_graph.render.formats import to_json

        emit_text(to_json(answer.as_dict()), output)
    elif output_format == "csv":
        from itss_graph.render.knowledge_text import standards_csv

        headers, rows = standards_csv(answer, verbose=verbose)
        emit_csv(headers, rows, output=output, excel=excel, encoding=encoding)
    elif output_format == "xlsx":
        from itss_graph.cli.deliverables import emit_xlsx, slug
        from itss_graph.cli.report_cmd import kb_provenance, tool_provenance

        doc = itss.standards_report(answer, kb, provenance=[tool_provenance(lang), kb_provenance(lang)])
        emit_xlsx(itss.report_tables(doc), output, default=f"standards-{slug(subject)}.xlsx", title=doc.title)
    else:
        from itss_graph.render.knowledge_text import standards_text

        emit_text(standards_text(answer, brief=brief, verbose=verbose), output, fit=True)
