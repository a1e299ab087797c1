"""``itss serve``: a local web explorer of the estate and the ITSS standards.

A thin layer (like the CLI) over functions exported from :mod:`itss_graph`:

* :mod:`~itss_graph.serve.options` — what the server is told (host, port, token, limits);
* :mod:`~itss_graph.serve.security` — loopback by default, the token, the headers every
  response carries (Content-Security-Policy), read-only methods;
* :mod:`~itss_graph.serve.runner` — questions answered in a thread pool, each inside one read
  snapshot of the store, with a time limit and a cache keyed by the store's generation;
* :mod:`~itss_graph.serve.verbs` — one function per query verb building exactly the JSON
  document ``itss VERB --format json`` prints, with its CSV rows and HTML report;
* :mod:`~itss_graph.serve.api` — ``/api/...`` routes (OpenAPI schema at ``/api/openapi.json``);
* :mod:`~itss_graph.serve.pages` — the single-page interface, its assets and the offline API
  docs page;
* :mod:`~itss_graph.serve.app` — the application assembled, and :func:`run` with uvicorn.

FastAPI and uvicorn are imported only here, so the rest of the CLI stays fast.
"""
