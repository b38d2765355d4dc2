"""findings.json is streamed item by item; its bytes are those of the whole document serialised at once.
The 无法判定 items it writes are built in bulk: their fingerprints are the per-item function's."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date

import pytest

from _report_factory import small_result
from auditor.api import AuditConfig, run_audit
from auditor.findings import Undetermined, fingerprint
from auditor.generate import generate_export
from auditor.report.json_report import build_document, dumps, write_json

DROPPED = ("立案审批人", "法制审核人员", "集体讨论日期", "送达方式")


@pytest.fixture(scope="module")
def partial_export(tmp_path_factory):
    """A CSV export without disclosures and without a few case columns: many 无法判定 items."""
    root = tmp_path_factory.mktemp("stream")
    generate_export(root, 200, 31, violation_rate=0.5, forms=("csv",))
    out = root / "partial"
    out.mkdir()
    with open(root / "csv" / "cases.csv", encoding="utf-8-sig", newline="") as src, \
            open(out / "cases.csv", "w", encoding="utf-8-sig", newline="") as dst:
        rows = csv.reader(src)
        header = next(rows)
        keep = [i for i, h in enumerate(header) if h not in DROPPED]
        writer = csv.writer(dst)
        writer.writerow([header[i] for i in keep])
        writer.writerows([row[i] for i in keep] for row in rows)
    (out / "recordings.csv").write_bytes((root / "csv" / "recordings.csv").read_bytes())
    return out


@pytest.mark.parametrize("personal", [False, True])
def test_streamed_bytes_equal_the_whole_document(partial_export, tmp_path, personal):
    result = run_audit(AuditConfig(exports=(str(partial_export),), as_of=date(2026, 11, 25)))
    undetermined = result.undetermined
    assert len(undetermined) > 200 and len({u.missing for u in undetermined}) > 3
    assert result.findings
    written = write_json(result, tmp_path / "f.json", show_personal_data=personal)[0].read_bytes()
    assert written == dumps(build_document(result, show_personal_data=personal)).encode("utf-8")
    doc = json.loads(written)
    assert len(doc["undetermined"]) == len(undetermined)
    assert doc["undetermined"][0]["fingerprint"] == undetermined[0].fingerprint


def test_odd_values_and_empty_lists_stream_as_the_document(tmp_path):
    base = small_result()
    item = Undetermined(fingerprint="f" * 16, rule_id="OVD-001", case_id="案\"1\\\n", squad="南京西路中队",
                        theme="程序", severity="严重", subject="", title={"zh": "标题", "en": None},
                        missing=("a", "table:disclosures"), missing_labels={"zh": "甲", "en": "a"})
    odd = replace(item, case_id=None, title="纯文本", missing_labels={"zh": ["x"]}, missing=["a"])
    for undetermined in ([], [item, item, replace(item, subject="R-1")], [odd, item, odd]):
        for findings in ([], base.findings):
            result = replace(base, findings=findings, undetermined=undetermined)
            written = write_json(result, tmp_path / "f.json")[0].read_bytes()
            assert written == dumps(build_document(result)).encode("utf-8")
    assert json.loads(written)["undetermined"][0]["case_id"] is None
    empty = write_json(replace(base, findings=[], undetermined=[]), tmp_path / "g.json")[0].read_bytes()
    assert b'"findings": [],' in empty and b'"undetermined": []' in empty


def test_bulk_undetermined_fingerprints_are_the_per_item_ones(partial_export):
    result = run_audit(AuditConfig(exports=(str(partial_export),), as_of=date(2026, 11, 25)))
    items = result.undetermined
    assert len(items) > 200
    assert [u.fingerprint for u in items] == [fingerprint(u.rule_id, u.case_id, u.subject) for u in items]
    assert len({u.fingerprint for u in items}) == len(items)
