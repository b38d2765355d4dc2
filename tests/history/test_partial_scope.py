"""Partial audits of one case type (案由, `--cause`) or one case (`--case`): they audit only those cases,
say so, are kept out of the default store, and in a named store never close items outside their scope."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import UsageError
from auditor.history import compare_runs
from auditor.evaluate.case_scope import restrict_cases

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "xml"
AS_OF = "2026-11-25"


def _cli(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


def _tables():
    cases = pd.DataFrame({"case_id": ["C1", "C2", "C3", "C4"], "squad": ["甲", "甲", "乙", "乙"],
                          "cause": ["无证设摊", "跨门营业", "无证设摊", None],
                          "cause_code": ["CG-SR-005", "CG-SR-002", "CG-SR-005", "CG-SR-002"]})
    recordings = pd.DataFrame({"case_id": ["C1", "C2", "C3", "C3"], "kind": ["视频"] * 4})
    return {"cases": cases, "recordings": recordings}


def test_restrict_by_cause_name_code_and_case():
    tables, scope = restrict_cases(_tables(), causes=("无证设摊",))
    assert list(tables["cases"]["case_id"]) == ["C1", "C3"] and list(tables["recordings"]["case_id"]) == ["C1", "C3", "C3"]
    assert scope.case_ids == {"C1", "C3"} and scope.as_metadata() == {"cases": [], "causes": ["无证设摊"], "n_cases": 2}
    tables, scope = restrict_cases(_tables(), causes=("CG-SR-002",))  # the code finds C4 with no 案由 text too
    assert list(tables["cases"]["case_id"]) == ["C2", "C4"]
    tables, scope = restrict_cases(_tables(), cases=("C3",), causes=("无证设摊",))
    assert scope.case_ids == {"C3"} and scope.describe() == (
        "部分审计：只审计案件 C3；案由 无证设摊（1 件案件）；范围以外的问题不受本次审计影响，不会被销项")
    untouched, scope = restrict_cases(_tables())
    assert not scope.active and len(untouched["cases"]) == 4


def test_unknown_names_are_usage_errors_with_a_hint():
    with pytest.raises(UsageError, match="导出中没有案由（或案由编码）为 无证摊贩 的案件.*现有案由: 无证设摊、跨门营业"):
        restrict_cases(_tables(), causes=("无证摊贩",))
    with pytest.raises(UsageError, match="--case 的取值为空：请写明案件编号"):
        restrict_cases(_tables(), cases=("",))
    with pytest.raises(UsageError, match="--cause 的取值为空"):
        restrict_cases(_tables(), causes=("无证设摊", " "))
    with pytest.raises(UsageError, match="导出中没有案件 C9"):
        restrict_cases(_tables(), cases=("C9",))
    later = pd.concat([_tables()["cases"], pd.DataFrame({"case_id": ["C9"], "squad": ["甲"]})])
    with pytest.raises(UsageError, match="C9 在审计基准日之后才发现或立案.*--all-known"):
        restrict_cases(_tables(), cases=("C9",), all_cases=later)


def test_a_squad_outside_the_chosen_cases_is_not_called_unknown():
    """--squad with --case/--cause: a squad of the export that has none of the chosen cases is told so
    (it is in the export); a squad the export lacks is listed against every squad of the export."""
    with pytest.raises(UsageError, match="^中队 甲 没有所选的案件（案件 C3）；所选案件属于: 乙$"):
        restrict_cases(_tables(), cases=("C3",), squads=("甲",))
    with pytest.raises(UsageError, match="导出中没有这些中队: 丙；现有: 乙, 甲"):
        restrict_cases(_tables(), causes=("无证设摊",), squads=("丙",))
    tables, scope = restrict_cases(_tables(), causes=("无证设摊",), squads=("乙",))
    assert scope.case_ids == {"C1", "C3"}  # the squad filter itself is prepare's
    res = _cli("audit", SAMPLE, "--as-of", AS_OF, "--no-history", "--case", "3101062024050000001",
               "--squad", "曹家渡街道综合行政执法队", "--format", "json", "--out", "unused")
    assert res.exit_code == 2 and "中队 曹家渡街道综合行政执法队 没有所选的案件" in res.output, res.output


def _drop_cases(src: Path, dst: Path, case_ids: set[str]) -> None:
    """A copy of the export without these case files (their findings disappear)."""
    from lxml import etree

    shutil.copytree(src, dst)
    tree = etree.parse(str(dst / "cases.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()
    for c in [c for c in root.findall("case") if c.findtext("case_id") in case_ids]:
        root.remove(c)
    tree.write(str(dst / "cases.xml"), encoding="UTF-8", xml_declaration=True)


def _items(db: Path) -> dict[str, tuple[str, int]]:
    return {fp: (status, present) for fp, status, present in
            sqlite3.connect(db).execute("SELECT fingerprint, status, present FROM items")}


def test_partial_runs_never_resolve_items_outside_their_scope(tmp_path):
    db = tmp_path / "h.sqlite"
    res = _cli("audit", SAMPLE, "--as-of", AS_OF, "--out", tmp_path / "full", "--history", db, "--format", "json")
    assert res.exit_code == 1, res.output
    findings = json.loads((tmp_path / "full" / "findings.json").read_text(encoding="utf-8"))["findings"]
    cases = pd.DataFrame(findings)
    assert len(findings) > 10 and set(_items(db)) == {f["fingerprint"] for f in findings}
    # The 案由 of each case with findings, read back from the export.
    from auditor.ingest import load_exports

    table = load_exports([SAMPLE]).tables["cases"].set_index("case_id")
    by_cause: dict[str, set[str]] = {}
    for case in set(cases["case_id"]):
        by_cause.setdefault(table.at[case, "cause"], set()).add(case)
    cause = sorted((c for c in by_cause if len(by_cause[c]) >= 2), key=lambda c: (-len(by_cause[c]), c))[0]
    gone = sorted(by_cause[cause])[0]  # this case file was corrected (withdrawn) before the next export
    export = tmp_path / "export"
    _drop_cases(SAMPLE, export, {gone})
    in_scope = {f["fingerprint"] for f in findings if f["case_id"] in by_cause[cause]}
    closed = {f["fingerprint"] for f in findings if f["case_id"] == gone}

    # The default store keeps out an ad-hoc partial audit, and says so.
    res = _cli("audit", export, "--as-of", AS_OF, "--out", tmp_path / "adhoc" / "out", "--format", "json",
               "--cause", cause)
    assert res.exit_code in (0, 1) and f"部分审计（--cause {cause}）未记入历史库" in res.output, res.output
    assert not (tmp_path / "adhoc" / "auditor-history.sqlite").exists()
    n_cases = int((table["cause"] == cause).sum())
    assert f"注意: 部分审计：只审计案由 {cause}（{n_cases - 1} 件案件）" in res.output

    # One case type into the named store: the cases of that 案由 in the export are judged; items of other
    # cases stay as they are, and so do those of the withdrawn case (its 案由 is no longer in the export:
    # the next full audit decides it).
    res = _cli("audit", export, "--as-of", AS_OF, "--out", tmp_path / "cause", "--history", db, "--format", "json",
               "--cause", cause)
    assert res.exit_code in (0, 1), res.output
    assert f"运行 #2，新增 0，持续 {len(in_scope - closed)}，销项 0，复现 0" in res.output, res.output[-400:]
    items = _items(db)
    assert set(items.values()) == {("待整改", 1)}
    meta = json.loads((tmp_path / "cause" / "findings.json").read_text(encoding="utf-8"))["metadata"]
    assert meta["case_filter"] == {"cases": [], "causes": [cause], "n_cases": n_cases - 1}
    scope = json.loads(sqlite3.connect(db).execute("SELECT case_scope_json FROM runs WHERE run_id = 2").fetchone()[0])
    assert set(scope) == set(table.index[table["cause"] == cause]) - {gone}
    # compare_runs looks only at what both runs covered: the cause's cases still in the export.
    diff = compare_runs(db, 1, 2)
    assert set(diff.persisting) == in_scope - closed and not diff.resolved and not diff.new

    # One case, from the full export: the items of every other case stay as they are; its own persist.
    other = next(f for f in findings if f["case_id"] not in by_cause[cause])
    res = _cli("audit", SAMPLE, "--as-of", AS_OF, "--out", tmp_path / "one", "--history", db, "--format", "json",
               "--case", other["case_id"])
    mine = {f["fingerprint"] for f in findings if f["case_id"] == other["case_id"]}
    assert f"运行 #3，新增 0，持续 {len(mine)}，销项 0，复现 0" in res.output, res.output
    assert _items(db) == items
    listed = _cli("history", "--history", db, "list").output.splitlines()  # the scope of each run is shown
    assert [line.split()[2] for line in listed[2:5]] == ["全部", "案由", "案件"]
    assert f"案由 {cause}" in listed[3] and f"案件 {other['case_id']}" in listed[4]
    # The full monthly audit of the export: the withdrawn case's items are closed, nothing else moves.
    res = _cli("audit", export, "--as-of", AS_OF, "--out", tmp_path / "full2", "--history", db, "--format", "json")
    assert f"运行 #4，新增 0，持续 {len(findings) - len(closed)}，销项 {len(closed)}，复现 0" in res.output, res.output
    assert {fp for fp, (status, _) in _items(db).items() if status == "已销项"} == closed


def test_a_case_scoped_run_closes_what_vanished_in_its_scope_only(tmp_path):
    from datetime import date

    from _history_factory import cases, finding, result
    from auditor.history import record_run

    f1, f2, f3 = (finding(f"R00{i}", f"C{i}", "甲中队") for i in (1, 2, 3))
    db = tmp_path / "h.sqlite"
    record_run(db, result(date(2025, 5, 31), [f1, f2, f3], cases=cases([(f"C{i}", "甲中队", "巡查发现") for i in (1, 2, 3)])))
    # A --cause run that audited C1 and C2 (C2 now clean), not C3: C2 is 销项, C3 untouched.
    partial = result(date(2025, 6, 30), [f1], cases=cases([("C1", "甲中队", "巡查发现"), ("C2", "甲中队", "巡查发现")]))
    partial.metadata["case_filter"] = {"cases": [], "causes": ["无证设摊"], "n_cases": 2}
    summary = record_run(db, partial)
    assert (summary.persisting, summary.resolved) == (1, 1)
    assert _items(db) == {f1.fingerprint: ("待整改", 1), f2.fingerprint: ("已销项", 0), f3.fingerprint: ("待整改", 1)}
    # Without the filter the same result is a whole-district run: C3 vanished too and is closed.
    record_run(db, result(date(2025, 7, 31), [f1], cases=cases([("C1", "甲中队", "巡查发现")])))
    assert _items(db)[f3.fingerprint] == ("已销项", 0)
