"""One whole load into the store some settings name: what ``itss load`` does.

:func:`load_into` stages the inputs (files, a profile's tables, or NetBox), checks them against
the store, and applies them — into an embedded store that does not exist yet only whole (see
:mod:`itss_graph.stores.for_load`): a dry run or a failed load leaves no store file behind.

Example:
    >>> import pathlib, tempfile
    >>> from itss_graph.stores import StoreSettings
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\nvm1,web,vm\\n")
    >>> report = load_into(StoreSettings(path=str(d / "new.db")), [d], dry_run=True)
    >>> report.totals()["cis"]["created"], (d / "new.db").exists()
    (1, False)
    >>> load_into(StoreSettings(path=str(d / "new.db")), [d]).load_id, (d / "new.db").exists()
    (1, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from itss_graph.i18n import M_
from itss_graph.loading.load import Loader
from itss_graph.loading.progress import Progress
from itss_graph.stores.load_report import LoadReport


@dataclass(frozen=True)
class NetBoxSource:
    """Where NetBox is read from: its API (``url``, ``token``) or a JSON export directory
    (``export``). ``extras``: also circuit-device cables, panel sites and rack feeds."""

    url: str | None = None
    token: str | None = None
    export: Path | None = None
    extras: bool = False
    insecure: bool = False  # do not verify TLS certificates


def load_into(settings, inputs: Iterable[str | Path] = (), *, netbox: NetBoxSource | None = None,
              profile: str | None = None, encoding: str | None = None, on_error: str = "stop",
              dry_run: bool = False, source: str | None = None, prune: bool = False,
              allow_empty: bool = False, details: bool = False, progress: bool = False,
              workers: int | None = None) -> LoadReport:
    """Load ``inputs`` (files and directories; with ``profile``, tables mapped by it) or
    ``netbox`` into the store ``settings`` name; the options are those of
    :func:`~itss_graph.loading.load.load_inventory`. ``progress`` prints progress on stderr.

    Raises InputError (nothing written) for bad input, SourceError for a NetBox that cannot be
    read completely, ValueError for options that contradict each other.
    """
    from itss_graph.stores.for_load import StoreForLoad

    if prune and not source:
        raise ValueError("prune needs a source: it removes what that source no longer has")
    if netbox is not None and not (netbox.url or netbox.export):
        raise ValueError("NetBox is read from its API (url) or from an export directory")
    options = dict(dry_run=dry_run, source=source, prune=prune, details=details,
                   allow_empty=allow_empty)
    with StoreForLoad(settings, dry_run) as stores:
        with Loader(stores.for_checks, on_error=on_error, progress=Progress(enabled=progress),
                    workers=workers) as loader:
            if netbox is not None:
                _stage_netbox(loader, netbox, profile, prune)
            elif profile is None:
                loader.stage_files([Path(i) for i in inputs], encoding=encoding)
            else:
                loader.stage_profile([Path(i) for i in inputs], profile, encoding=encoding)
            loader.check()
            loader.store = stores.for_writing()
            if stores.recheck:
                loader.check()
            report = loader.apply(**options)
            if not stores.written():  # another load created the store while this one wrote
                loader.store = stores.for_writing()
                loader.check()
                report = loader.apply(**options)
    return report


def _stage_netbox(loader: Loader, netbox: NetBoxSource, profile: str | None, prune: bool) -> None:
    from itss_graph.loading.netbox import ENDPOINTS, netbox_rows
    from itss_graph.loading.profiles import find_profile

    found = find_profile(profile or "netbox")
    if netbox.export is not None:
        from itss_graph.loading.netbox.export import JsonExport

        # a prune needs every endpoint: refused here, before anything is read
        source = JsonExport(netbox.export, required=ENDPOINTS if prune else ())
        loader.inputs.append(str(netbox.export))
    else:
        from itss_graph.loading.netbox.client import NetBoxClient

        options = found.options
        limits = {k: options[k] for k in ("page_size", "timeout", "retries", "max_pages")
                  if k in options}  # checked when the profile was read
        source = NetBoxClient(netbox.url, netbox.token, verify_tls=not netbox.insecure, **limits)
        loader.inputs.append(netbox.url)
    loader.progress.start(M_("reading NetBox"))
    loader.stage_items(netbox_rows(source, profile=found, extras=netbox.extras,
                                   schema=loader.schema))
    loader.progress.done()
