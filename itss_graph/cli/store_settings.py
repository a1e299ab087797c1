"""The store a command uses: the ``--store``/``--neo4j-*`` options over the environment's
defaults (``ITSS_STORE``, ``NEO4J_URI`` …). Without click: the plain command line
(:mod:`itss_graph.cli.plain`) and the click options (:func:`itss_graph.cli.options.store_options`)
both call :func:`configured_settings`."""

from __future__ import annotations


def configured_settings(store_path: str | None = None, neo4j_uri: str | None = None, neo4j_user: str | None = None,
                        neo4j_password: str | None = None, neo4j_database: str | None = None):
    """The :class:`~itss_graph.stores.StoreSettings` of these options (None: not given).

    >>> configured_settings("x.db").path, configured_settings("x.db").neo4j_uri
    ('x.db', None)
    """
    import itss_graph as itss

    settings = itss.settings_from_environment()
    if store_path is not None:
        settings = settings.replace(path=store_path, neo4j_uri=None)
    if neo4j_uri is not None:
        settings = settings.replace(neo4j_uri=neo4j_uri)
    return settings.replace(
        neo4j_user=neo4j_user or settings.neo4j_user,
        neo4j_password=neo4j_password or settings.neo4j_password,
        neo4j_database=neo4j_database or settings.neo4j_database,
    )
