"""Stream generated cases to the two export forms, one case at a time (nothing is kept in memory).

XML (`xml/cases.xml`, `xml/disclosures.xml`): one child element per canonical field, omitted when
missing; lists as <officers><officer>…</officer></officers> / <decision_type><item>…</item>…;
recordings nested in their case; dates YYYY-MM-DD, datetimes YYYY-MM-DDThh:mm:ss, booleans
true/false, amounts 1234.50 (万元 amounts with four decimals).
CSV (`csv/cases.csv`, `csv/recordings.csv`, `csv/disclosures.csv`): UTF-8 with BOM, comma, header =
the Chinese labels (`Field.zh`) of every field, lists joined with 、, datetimes "YYYY-MM-DD hh:mm:ss",
booleans 是/否. Both forms hold the same values.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from auditor.model.fields import CASE_FIELDS, DISCLOSURE_FIELDS, RECORDING_FIELDS, Field

_ITEM_TAG = {"officers": "officer"}
_PLACES = {"fine_amount_wan": 4, "confiscation_amount_wan": 4}
_NESTED_RECORDING_FIELDS = tuple(f for f in RECORDING_FIELDS if f.name != "case_id")  # parent gives it


def text_value(field: Field, value: Any, form: str) -> str:
    """The text of one value in `form` ("xml" or "csv"); lists are handled by the callers."""
    kind = field.kind
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return value.isoformat(sep="T" if form == "xml" else " ", timespec="seconds")
    if kind == "bool":
        return ("true" if value else "false") if form == "xml" else ("是" if value else "否")
    if kind == "decimal":
        return f"{Decimal(value):.{_PLACES.get(field.name, 2)}f}"
    if kind in ("list", "enum_list"):
        return "、".join(value)
    return str(value)


def _xml_fields(fields: tuple[Field, ...], record: dict, indent: str) -> list[str]:
    out = []
    for f in fields:
        value = record.get(f.name)
        if value is None:
            continue
        if f.kind in ("list", "enum_list"):
            tag = _ITEM_TAG.get(f.name, "item")
            items = "".join(f"<{tag}>{escape(x)}</{tag}>" for x in value)
            out.append(f"{indent}<{f.name}>{items}</{f.name}>\n")
        else:
            out.append(f"{indent}<{f.name}>{escape(text_value(f, value, 'xml'))}</{f.name}>\n")
    return out


def _csv_row(fields: tuple[Field, ...], record: dict) -> list[str]:
    return ["" if record.get(f.name) is None else text_value(f, record[f.name], "csv") for f in fields]


class ExportWriter:
    """Open the files of the chosen forms under `out_dir`; `write()` one case; `close()`."""

    def __init__(self, out_dir: Path, forms: tuple[str, ...], exported_at: datetime):
        self.out_dir = Path(out_dir)
        self.forms = forms
        self.paths: list[Path] = []
        self._files: list[TextIO] = []
        stamp = quoteattr(exported_at.isoformat(timespec="seconds"))
        if "xml" in forms:
            self._cases_xml = self._open("xml/cases.xml", "utf-8")
            self._cases_xml.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                                  f'<cases exported_at={stamp} system="网上办案系统">\n')
            self._disc_xml = self._open("xml/disclosures.xml", "utf-8")
            self._disc_xml.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                                 f'<disclosures exported_at={stamp} system="行政执法公示平台">\n')
        if "csv" in forms:
            self._cases_csv = csv.writer(self._open("csv/cases.csv", "utf-8-sig"))
            self._rec_csv = csv.writer(self._open("csv/recordings.csv", "utf-8-sig"))
            self._disc_csv = csv.writer(self._open("csv/disclosures.csv", "utf-8-sig"))
            for w, fields in ((self._cases_csv, CASE_FIELDS), (self._rec_csv, RECORDING_FIELDS),
                              (self._disc_csv, DISCLOSURE_FIELDS)):
                w.writerow([f.zh for f in fields])

    def _open(self, rel: str, encoding: str) -> TextIO:
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "w", encoding=encoding, newline="")
        self.paths.append(path)
        self._files.append(fh)
        return fh

    def write(self, case: dict, recordings: list[dict], disclosure: dict | None) -> None:
        if "xml" in self.forms:
            parts = ["<case>\n", *_xml_fields(CASE_FIELDS, case, "  ")]
            if recordings:
                parts.append("  <recordings>\n")
                for rec in recordings:
                    parts.append("    <recording>\n")
                    parts.extend(_xml_fields(_NESTED_RECORDING_FIELDS, rec, "      "))
                    parts.append("    </recording>\n")
                parts.append("  </recordings>\n")
            parts.append("</case>\n")
            self._cases_xml.write("".join(parts))
            if disclosure:
                self._disc_xml.write("".join(["<disclosure>\n", *_xml_fields(DISCLOSURE_FIELDS, disclosure, "  "),
                                              "</disclosure>\n"]))
        if "csv" in self.forms:
            self._cases_csv.writerow(_csv_row(CASE_FIELDS, case))
            cid = case["case_id"]
            self._rec_csv.writerows(_csv_row(RECORDING_FIELDS, {"case_id": cid, **rec}) for rec in recordings)
            if disclosure:
                self._disc_csv.writerow(_csv_row(DISCLOSURE_FIELDS, disclosure))

    def close(self) -> None:
        if "xml" in self.forms:
            self._cases_xml.write("</cases>\n")
            self._disc_xml.write("</disclosures>\n")
        for fh in self._files:
            fh.close()

    def __enter__(self) -> ExportWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
