"""The parse floor: lxml iterparse over every XML export file, elements cleared, nothing else.

The cheapest any XML audit can be: the full audit's time is reported as a multiple of this.
Usage: python benchmarks/parse_floor.py DIR_OR_FILE...
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

RECORDS = ("case", "disclosure")  # the export's record elements (recordings are nested in a case)


def parse(path: Path) -> int:
    records = 0
    for _event, elem in etree.iterparse(str(path), events=("end",), tag=RECORDS, resolve_entities=False,
                                        no_network=True, load_dtd=False, huge_tree=False):
        records += 1
        elem.clear()
        parent = elem.getparent()
        while elem.getprevious() is not None:  # drop the records already seen
            del parent[0]
    return records


def main(argv: list[str]) -> int:
    files = []
    for arg in argv:
        p = Path(arg)
        files.extend(sorted(p.glob("*.xml")) if p.is_dir() else [p])
    total = sum(parse(f) for f in files)
    print(f"{total} records in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
