"""`auditor explain` tells 无法判定 from 合规 (issue 11): a rule whose verdict rests on a table or column the
export lacks is shown as 无法判定 with what is missing, never as 合规, in the API and on the console."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner

from auditor.api import AuditConfig, explain_case, run_audit
from auditor.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "csv"
AS_OF = dt.date(2026, 11, 25)


def test_a_rule_the_export_cannot_decide_is_explained_as_undetermined(tmp_path):
    folder = tmp_path / "cases-only"
    folder.mkdir()
    shutil.copy(SAMPLE / "cases.csv", folder / "cases.csv")
    partial = run_audit(AuditConfig(exports=(folder,), as_of=AS_OF))
    item = next(u for u in partial.undetermined if "执法全过程记录表（导出未提供）" in u.missing_labels["zh"])

    explained = explain_case(AuditConfig(exports=(folder,), as_of=AS_OF), item.case_id)
    verdicts = {v.rule_id: v for v in explained.verdicts}
    assert verdicts[item.rule_id].verdict == "unknown"
    assert item.missing_labels["zh"] in verdicts[item.rule_id].message["zh"]
    undecided = {u.rule_id for u in partial.undetermined if u.case_id == item.case_id}
    assert {r for r, v in verdicts.items() if v.verdict == "unknown"} == undecided
    # the complete export decides the same rule for the same case
    full = explain_case(AuditConfig(exports=(SAMPLE,), as_of=AS_OF), item.case_id)
    assert {v.rule_id: v.verdict for v in full.verdicts}[item.rule_id] in ("fires", "passes", "not_applicable")

    out = CliRunner().invoke(main, ["explain", item.case_id, str(folder), "--as-of", AS_OF.isoformat()])
    assert out.exit_code == 0, out.output
    assert f"? 无法判定 {item.rule_id}" in out.output
    assert f"{len(undecided)} 条无法判定（数据缺失，待核实）" in out.output
    assert f"✓ 合规 {item.rule_id}" not in out.output
