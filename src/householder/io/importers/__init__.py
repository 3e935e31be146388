"""Broker exports into household accounts: ``householder import BROKER FILE…``.

One module per layout (:mod:`.fidelity`, :mod:`.schwab`, :mod:`.vanguard`, :mod:`.ofx`, and
:mod:`.generic` for any CSV through a column map); :mod:`.common` holds what they share (safe
reading, money and dates as brokers write them, errors naming the line and column);
:mod:`.assemble` turns the imported accounts into a household file, or merges them into one;
:mod:`.yamlout` writes it, commented, to a new file. See docs/import.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path

from householder.io.importers.assemble import Assembled, ToDo, TypeChoice, assemble, parse_type
from householder.io.importers.common import Export, ExportError


class Broker(StrEnum):
    FIDELITY = "fidelity"
    SCHWAB = "schwab"
    VANGUARD = "vanguard"
    OFX = "ofx"
    CSV = "csv"


def read_exports(broker: Broker, paths: Sequence[str | Path],
                 column_map: Mapping[str, str] | None = None,
                 account: str | None = None) -> list[Export]:
    """Read every export of ``broker``; Schwab's positions and lot files are read together."""
    from householder.io.importers import fidelity, generic, ofx, schwab, vanguard

    if broker is Broker.SCHWAB:
        return [schwab.read(list(paths))]
    exports: list[Export] = []
    for path in paths:
        if broker is Broker.FIDELITY:
            exports.append(fidelity.read(path))
        elif broker is Broker.VANGUARD:
            exports.append(vanguard.read(path))
        elif broker is Broker.OFX:
            exports.append(ofx.read(path))
        else:
            exports.append(generic.read(path, column_map or {}, account))
    return exports


__all__ = [
    "Assembled",
    "Broker",
    "Export",
    "ExportError",
    "ToDo",
    "TypeChoice",
    "assemble",
    "parse_type",
    "read_exports",
]
