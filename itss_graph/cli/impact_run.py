"""The body of ``itss impact`` without click: the click command (:mod:`itss_graph.cli.impact_cmd`)
parses and checks the options, the plain command line (:mod:`itss_graph.cli.plain`) its common
forms; both run :func:`run_impact`."""

from __future__ import annotations

import gc


def run_impact(ci_ids, depth, html_path, limit, no_obligations, explain_id, store_settings, output_format,
               output, excel, encoding, lang) -> None:
    """Answer ``itss impact`` with these (checked) options and print or write the answer."""
    # A large answer allocates millions of small objects and no garbage cycles worth collecting
    # before the command ends: without the cyclic GC's passes over them, the foreign 1M core
    # switch costs ~0.3 s (15%) less CPU and ~30 MB less peak memory.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _impact(ci_ids, depth, html_path, limit, no_obligations, explain_id, store_settings, output_format,
                output, excel, encoding, lang)
    finally:
        if enabled:
            gc.enable()


def _impact(ci_ids, depth, html_path, limit, no_obligations, explain_id, store_settings, output_format,
            output, excel, encoding, lang) -> None:
    import itss_graph as itss
    from itss_graph.cli.output import echo, emit_csv, emit_text
    from itss_graph.render.impact import explain_text, impact_table

    with itss.open_store(store_settings, create=False) as store:  # queries never create a store
        result = itss.impact(store, list(ci_ids), max_depth=depth, with_props=html_path is not None)
        if output_format == "csv" and explain_id is None:
            from itss_graph.render.documents import impact_csv

            emit_csv(*impact_csv(result), output=output, excel=excel, encoding=encoding)
            radius = obligations = None
        else:
            radius = itss.assess_impact(store, result)
            obligations = None if no_obligations else itss.obligations(store, result, radius=radius)
        if explain_id is not None:
            answer = itss.explain_ci(store, radius, explain_id)
            from itss_graph.render.formats import to_json

            emit_text(to_json(answer) if output_format == "json" else explain_text(answer), output,
                      fit=output_format != "json")
            return
        links = itss.failure_links(store, result) if html_path is not None else None
    if output_format == "json":
        from itss_graph.render.documents import impact_document

        emit_text(impact_document(result, radius, obligations), output)
    elif output_format == "xlsx":
        from itss_graph.cli.deliverables import emit_xlsx, slug
        from itss_graph.render.impact_sheets import impact_sheets

        emit_xlsx(impact_sheets(result, radius), output, default=f"impact-{slug(ci_ids[0])}.xlsx")
    elif output_format == "table":
        from itss_graph.render.obligations import obligations_text

        text = impact_table(result, limit, radius, obligations, lang)
        if obligations:
            text += "\n\n" + obligations_text(obligations, lang)
        emit_text(text, output, fit=True)
    if html_path is not None:
        itss.write_html(itss.impact_view(result, lang=lang, obligations=obligations, radius=radius,
                                         links=links), html_path)
        from itss_graph.i18n import _

        echo(_("View written to {path}").format(path=html_path), err=True)
