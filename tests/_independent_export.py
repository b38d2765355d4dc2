"""An independent system's CSV export, made from a generated one: columns left out, officers as numbers.

Issue 11 reports such an export: it lacks a few columns of the case table (立案审批人, 申请法院强制执行日期 …)
and writes its officers as bare certificate numbers ("31010012、31010034", "执法证号31010012,31010034").
`independent_export` rewrites the generator's CSV export that way, file by file, with the csv module.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

# Case columns an independent export lacks: the (立案审批人, 申请法院强制执行日期) and those of
# benchmarks/duckdb_compare.py (cause code, reviewer and qualification, collective discussion).
MISSING_CASE_COLUMNS = ("立案审批人", "申请法院强制执行日期", "案由编码", "法制审核人员", "审核人员具有法律职业资格",
                        "集体讨论日期")
OFFICER_COLUMNS = {"cases.csv": "承办人员（执法证号）", "recordings.csv": "执法人员"}
# Separators real exports write between officers (half- and full-width), and an optional label.
SEPARATORS = ("、", "，", ",", ";", "；", " ", "/", "／", "\u3000", " / ")
_NUMBER = re.compile(r"[（(]\s*([A-Za-z0-9-]+)\s*[）)]")


def bare_numbers(cell: str, row: int) -> str:
    """张伟(31010600123)、李强(31010600456) → 31010600123、31010600456 (separator and label vary by row);
    a cell where some officer has no number is left as it is."""
    entries = [e for e in re.split(r"[、,;，；]", cell) if e.strip()]
    numbers = [m.group(1) for e in entries if (m := _NUMBER.search(e))]
    if not entries or len(numbers) != len(entries):
        return cell
    text = SEPARATORS[row % len(SEPARATORS)].join(numbers)
    return ("执法证号：" if row % 3 == 0 else "执法证号" if row % 3 == 1 else "") + text


def independent_export(csv_dir: Path, out: Path, *, drop_columns: bool = True, bare: bool = True) -> Path:
    """A copy of the CSV export in `out`: MISSING_CASE_COLUMNS left out of cases.csv (`drop_columns`),
    officers rewritten as bare certificate numbers in cases.csv and recordings.csv (`bare`)."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(csv_dir.glob("*.csv")):
        if path.name not in OFFICER_COLUMNS:
            shutil.copy(path, out / path.name)
            continue
        with open(path, encoding="utf-8-sig", newline="") as src, \
                open(out / path.name, "w", encoding="utf-8-sig", newline="") as dst:
            rows = csv.reader(src)
            header = next(rows)
            drop = set(MISSING_CASE_COLUMNS) if drop_columns and path.name == "cases.csv" else set()
            keep = [i for i, name in enumerate(header) if name not in drop]
            officers = header.index(OFFICER_COLUMNS[path.name])
            writer = csv.writer(dst, lineterminator="\r\n")
            writer.writerow([header[i] for i in keep])
            for n, row in enumerate(rows):
                if bare:
                    row[officers] = bare_numbers(row[officers], n)
                writer.writerow([row[i] for i in keep])
    return out
