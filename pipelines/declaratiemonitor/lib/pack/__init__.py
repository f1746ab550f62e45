"""Feedback packs per provider (aanbieder) for the contractgesprek: an Excel workbook and a
printable HTML page with the provider's open signals, the rules' explanation, policy source and
requested action, and every evidence line. No BSN: clients by client_key.

    pack = build(con, Selection("73000002"))     # lib/pack/data.py
    write_pack(pack, folder)                     # terugkoppeling_<agb>_<peildatum>.xlsx / .html
"""

from declaratiemonitor.lib.pack.data import Pack, build
from declaratiemonitor.lib.pack.selection import (
    Selection,
    check_agb,
    check_gemeente,
    parse_statuses,
)
from declaratiemonitor.lib.pack.write import (
    FOLDER,
    Written,
    latest_packs,
    providers_with,
    write_all,
    write_nightly,
    write_pack,
)

__all__ = [
    "FOLDER",
    "Pack",
    "Selection",
    "Written",
    "build",
    "check_agb",
    "check_gemeente",
    "latest_packs",
    "parse_statuses",
    "providers_with",
    "write_all",
    "write_nightly",
    "write_pack",
]
