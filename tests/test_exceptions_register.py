"""The approved-exception register: parsing with file:line errors, applying, and flagging."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from _history_factory import finding, result
from auditor.errors import ConfigError
from auditor.exceptions_register import active_findings, apply_exceptions, load_register
from auditor.history import record_run

A, B = "曹家渡街道综合行政执法队", "机动执法中队"
REGISTER = """\
exceptions:
  - rule: R001
    case: C1
    reason: 当事人已申请行政复议，暂缓公示
    approver: 执法监督科 王某
    approved: 2025-05-10
    expires: 2025-08-31
  - rule: R002
    squad: 机动执法中队
    reason: 系统迁移期间记录缺失，已人工补录
    approver: 法制科 李某
    approved: 2025-01-01
    expires: 2025-12-31
  - rule: R003
    case: C9
    reason: 旧登记
    approver: 法制科 李某
    approved: 2024-01-01
    expires: 2024-12-31
  - rule: R004
    case: C4
    reason: 从未用到
    approver: 法制科 李某
    approved: "2025-01-01"
    expires: "2025-12-31"
  - rule: R005
    case: C5
    reason: 下月生效
    approver: 法制科 李某
    approved: 2025-07-01
    expires: 2025-12-31
"""


def _write(tmp_path, text):
    path = tmp_path / "exceptions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_apply_marks_exempted_and_flags_entries(tmp_path):
    register = load_register(_write(tmp_path, REGISTER))
    assert len(register.entries) == 5 and register.entries[1].line == 8
    f1, f2, f2_other = finding("R001", "C1", A), finding("R002", "C2", B), finding("R002", "C3", A)
    f3 = finding("R003", "C9", A)
    res = result(date(2025, 5, 31), [f1, f2, f2_other, f3])
    out, report = apply_exceptions(res, register, date(2025, 5, 31))
    assert set(out.metadata["exemptions"]) == {f1.fingerprint, f2.fingerprint}
    assert out.metadata["exemptions"][f1.fingerprint]["reason"] == "当事人已申请行政复议，暂缓公示"
    assert out.metadata["exemptions"][f2.fingerprint]["entry"].endswith("exceptions.yaml:8")
    assert "exemptions" not in res.metadata  # the input result is not modified
    assert [f.fingerprint for f in active_findings(out)] == [f.fingerprint for f in res.findings
                                                            if f not in (f1, f2)]
    assert [(e.rule, n) for e, n in report.expired] == [("R003", 1)]
    assert [e.rule for e in report.unused] == ["R004"]
    assert [e.rule for e in report.not_yet_valid] == ["R005"]
    text = "\n".join(report.lines())
    assert "exceptions.yaml:14: 规则 R003 案件 C9 的豁免已于 2024-12-31 到期，仍有 1 个问题匹配" in text
    assert "exceptions.yaml:20" in text and "从未使用" in text
    # On 2025-09-01 the case exemption has expired too.
    _, later = apply_exceptions(res, register, date(2025, 9, 1))
    assert sorted(e.rule for e, _ in later.expired) == ["R001", "R003"]
    assert set(later.exempted) == {f2.fingerprint}


def test_unknown_rules_flagged_when_the_rule_pack_is_known(tmp_path):
    @dataclass
    class Rule:
        id: str

    register = load_register(_write(tmp_path, REGISTER))
    res = result(date(2025, 5, 31), [])
    res.rules = [Rule("R001"), Rule("R002")]
    _, report = apply_exceptions(res, register, date(2025, 5, 31))
    assert [e.rule for e in report.unknown_rules] == ["R003", "R004", "R005"]


def test_exemptions_reach_the_store_and_expire(tmp_path):
    register = load_register(_write(tmp_path, REGISTER))
    db = tmp_path / "h.sqlite"
    f1 = finding("R001", "C1", A, due=date(2025, 6, 15))
    may, _ = apply_exceptions(result(date(2025, 5, 31), [f1]), register, date(2025, 5, 31))
    record_run(db, may)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM items").fetchone()[0] == "已豁免"
    ev = conn.execute("SELECT source, actor, note, detail FROM item_events WHERE kind = 'exempted'").fetchone()
    assert ev[:3] == ("exception", "执法监督科 王某", "当事人已申请行政复议，暂缓公示")
    assert ev[3].startswith("批准人 执法监督科 王某，批准日期 2025-05-10，有效期至 2025-08-31，登记表 ")  # who and when
    sept, _ = apply_exceptions(result(date(2025, 9, 30), [f1]), register, date(2025, 9, 30))
    record_run(db, sept)
    # Back to open with its first 完成时限, overdue at once, and the history says so.
    assert conn.execute("SELECT status, due FROM items").fetchone() == ("待整改", "2025-06-15")
    assert (conn.execute("SELECT note FROM item_events ORDER BY event_id DESC").fetchone()[0]
            == "豁免已失效或已撤销，完成时限 2025-06-15 已过，超期 107 天")


@pytest.mark.parametrize("text, message, line", [
    ("exceptions:\n  - rule: R1\n    rule: R2\n", "重复的键", 3),
    ("exceptions:\n  - rule: R1\n    case: C1\n    reason: x\n    approver: y\n    approved: 2025-01-01\n"
     "    expires: 2025-02-01\n    aprover: z\n", "是否想写: approver", 8),
    ("exceptions:\n  - rule: R1\n    case: C1\n    reason: x\n    approver: y\n    approved: 2025-01-01\n", "缺少必填项 expires", 2),
    ("exceptions:\n  - rule: R1\n    case: C1\n    squad: S\n    reason: x\n    approver: y\n"
     "    approved: 2025-01-01\n    expires: 2025-02-01\n", "之一", 2),
    ("exceptions:\n  - rule: R1\n    case: C1\n    reason: x\n    approver: y\n    approved: 2025-01-01\n"
     "    expires: 明年\n", "应为日期", 7),
    ("exceptions:\n  - rule: R1\n    case: C1\n    reason: x\n    approver: y\n    approved: 2025-03-01\n"
     "    expires: 2025-02-01\n", "早于批准日期", 7),
    ("exceptions:\n  - rule: R1\n    case: C1\n    reason: ''\n    approver: y\n    approved: 2025-01-01\n"
     "    expires: 2025-02-01\n", "reason 应为非空文本", 4),
    ("exception:\n  - rule: R1\n", "未知的顶层键", 1),
    ("exceptions:\n  - !!python/object/apply:os.system ['echo hi']\n", "YAML", 2),
])
def test_register_errors_name_file_and_line(tmp_path, text, message, line):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_register(path)
    assert info.value.file == str(path)
    assert info.value.line == line


def test_the_documented_example_parses(tmp_path):
    doc = (Path(__file__).parent.parent / "docs" / "history.md").read_text(encoding="utf-8")
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    register = load_register(_write(tmp_path, block))
    assert [(e.rule, e.case, e.squad) for e in register.entries] == [
        ("CX-SERVICE-LATE", "JA2025000123", None), ("JL-OFFICERS-CASE", None, "铁路上海站执法中队")]
    assert register.entries[0].expires == date(2025, 8, 31)
