"""``itss serve``: the local web explorer of the estate and the ITSS standards."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import store_options


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address needs a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the start page in a web browser.")
@click.option("--token", envvar="ITSS_SERVE_TOKEN", default=None, metavar="TOKEN",
              help="Require this token on every request [env ITSS_SERVE_TOKEN]. On a non-loopback "
                   "host one is generated (and printed once) when none is given.")
@click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory of organisation profiles (YAML) offered in the standards explorer.")
@click.option("--query-timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds a question may take before the server gives up on it.")
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Questions answered at once.")
@store_options
def serve(host: str, port: int, open_browser: bool, token: str | None, profiles_dir: Path | None,
          query_timeout: float, workers: int, store_settings) -> None:
    """Explore the store and the ITSS standards in a web browser: search CIs, a CI's page, a
    graph that grows on demand, what-if failures with the ITSS obligations, standards and gaps
    of an organisation profile; a JSON API (/api/VERB answers what `itss VERB --format json`
    prints; schema at /api/openapi.json, docs at /docs).

    Read-only; everything it needs is in the package (no request leaves the machine). Listens
    on 127.0.0.1 unless --host says otherwise; any other address requires a token on every
    request. A store reloaded by `itss load` meanwhile is picked up by the next question.

    \b
    Examples:
      itss serve --store out/demo/itss.db --open   # template: runs until stopped
      itss serve --port 0                          # template
      itss serve --host 0.0.0.0  # template: prints a token; share the printed address
    """
    import itss_graph as itss

    def ready(url: str, token: str | None, generated: bool) -> None:
        address = url + (f"?token={token}" if token else "")
        click.echo(f"itss serve: {store_settings.describe()} at {url}")
        if token:
            click.echo(f"  open {address}" + ("   (a new token: printed only this once)" if generated else ""))
        click.echo("  API: /api/VERB answers as `itss VERB --format json`; docs at /docs. Ctrl-C stops.")
        if open_browser:
            import threading
            import webbrowser

            threading.Timer(0.5, webbrowser.open, args=(address,)).start()

    itss.serve(store_settings, host=host, port=port, token=token, profiles_dir=profiles_dir,
               query_seconds=query_timeout, workers=workers, on_ready=ready)
