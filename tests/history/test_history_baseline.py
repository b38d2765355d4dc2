"""CI mode: new findings since a baseline run or a previous findings.json."""

from __future__ import annotations

import json
from datetime import date

import pytest

from _history_factory import finding, result
from auditor.errors import ConfigError, InputError
from auditor.history import record_run
from auditor.history.baseline import new_since_baseline

S = "江宁路街道综合行政执法队"
OLD = [finding("R001", "C1", S), finding("R002", "C2", S)]
NOW = result(date(2025, 6, 30), [finding("R001", "C1", S), finding("R003", "C3", S, severity="严重"),
                                  finding("R002", "C2", S, subject="REC-7")])


def test_baseline_run_in_store(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, result(date(2025, 5, 31), OLD))
    expected = [("R002", "C2", "REC-7"), ("R003", "C3", "")]
    for baseline in (1, "1", "latest"):
        new = new_since_baseline(NOW, baseline, db_path=db)
        assert sorted((f.rule_id, f.case_id, f.subject) for f in new) == expected
    record_run(db, NOW)
    assert new_since_baseline(NOW, "latest", db_path=db) == []
    with pytest.raises(ConfigError, match="没有编号为 7"):
        new_since_baseline(NOW, 7, db_path=db)
    with pytest.raises(ConfigError, match="需要同时指定历史库"):
        new_since_baseline(NOW, 1)


def test_baseline_findings_json(tmp_path):
    path = tmp_path / "findings.json"
    path.write_text(json.dumps({"schema": "auditor-findings/1",
                                "findings": [{"fingerprint": f.fingerprint, "rule_id": f.rule_id} for f in OLD]}),
                    encoding="utf-8")
    new = new_since_baseline(NOW, str(path))
    assert [(f.rule_id, f.subject) for f in new] == [("R002", "REC-7"), ("R003", "")]  # the result's order
    assert new_since_baseline(NOW, path) == new  # a Path works the same


@pytest.mark.parametrize("content, message", [
    ("{not json", "不是有效的 JSON"),
    ('{"schema": "auditor-findings/1"}', "顶层对象含 findings 列表"),
    ('{"schema": "other/2", "findings": []}', "只认 'auditor-findings/1'"),
    ('{"findings": [{"fingerprint": "abc"}, {"rule_id": "R1"}]}', r"findings\[1\] 缺少 fingerprint"),
])
def test_bad_baseline_file(tmp_path, content, message):
    path = tmp_path / "base.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        new_since_baseline(NOW, str(path))
    assert info.value.file == str(path)


def test_baseline_neither_file_nor_run(tmp_path):
    with pytest.raises(ConfigError, match="既不是已有的 findings.json"):
        new_since_baseline(NOW, str(tmp_path / "missing.json"))
