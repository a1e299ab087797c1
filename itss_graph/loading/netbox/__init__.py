"""NetBox as an inventory source: its REST API (:mod:`.client`) or a JSON export of it
(:mod:`.export`), turned into CI and relation rows (:mod:`.transform`) as described in
``loaders/netbox.yaml`` and ``samples/netbox-demo/README.txt``.

Usage (needs a NetBox; tests/loading/test_netbox.py runs it against a fake one)::

    from itss_graph.loading.netbox.client import NetBoxClient
    client = NetBoxClient("https://netbox.example.com", "0123abcd")
    rows = list(netbox_rows(client))
"""

from __future__ import annotations

from typing import Iterator

from itss_graph.i18n import M_
from itss_graph.loading.netbox.transform import ENDPOINTS, NetBoxTransform


def netbox_rows(source, *, profile=None, extras: bool = False, schema=None) -> Iterator:
    """Rows (and problems, warnings) for every object of a NetBox ``source`` — a
    :class:`~itss_graph.loading.netbox.client.NetBoxClient` or a
    :class:`~itss_graph.loading.netbox.export.JsonExport` — read endpoint by endpoint. A read
    that fails raises out of the iteration (SourceError at once; the InputErrors of an export's
    files together, after the other files): the load then writes nothing."""
    from itss_graph.errors import IncompleteRead, InputError
    from itss_graph.loading.profiles import find_profile

    profile = profile or find_profile("netbox")
    failed: list = []
    for endpoint in getattr(source, "missing", lambda e: [])(ENDPOINTS):
        yield IncompleteRead(str(source.directory), None, None,
                         M_("no {file}.json in the export: no {kind} were read",
                            file=endpoint.replace('/', '.'), kind=endpoint.split('/')[1]))

    def objects(endpoint):
        try:
            yield from source.iter_objects(endpoint)
        except InputError as exc:
            failed.extend(exc.problems)

    transform = NetBoxTransform(profile.options, extras=extras, schema=schema)
    yield from transform.rows({endpoint: objects(endpoint) for endpoint in ENDPOINTS})
    if failed:
        raise InputError(failed)


__all__ = ["netbox_rows", "ENDPOINTS"]
