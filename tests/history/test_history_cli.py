"""The history and corrections commands: thin shells that print what the library returns."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from _history_factory import finding, result, write_corrections_workbook
from auditor.cli import main
from auditor.history import record_run

A, B = "静安寺街道综合行政执法队", "机动执法中队"
F1, F2, F3 = finding("R001", "C1", A, due=date(2025, 4, 10)), finding("R002", "C2", A), finding("R003", "C3", B)


def _store(tmp_path):
    db = tmp_path / "auditor-history.sqlite"
    record_run(db, result(date(2025, 4, 30), [F1, F2, F3]), label="四月")
    record_run(db, result(date(2025, 5, 31), [F1, F3]), label="五月")
    return db


def test_history_list_shows_the_scope_of_restricted_runs(tmp_path):
    db = _store(tmp_path)
    record_run(db, result(date(2025, 6, 30), [F3], squad_filter=[B]), label="六月")
    out = CliRunner().invoke(main, ["history", "--history", str(db), "list"])
    assert out.exit_code == 0, out.output
    rows = [line.split() for line in out.output.splitlines()[2:]]
    assert [r[2:4] for r in rows] == [["四月", "全部"], ["五月", "全部"], ["六月", B]]


def test_history_list_compare_squads(tmp_path):
    db = _store(tmp_path)
    runner = CliRunner()
    out = runner.invoke(main, ["history", "--history", str(db), "list"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["编号", "截止日期", "标签", "范围", "规则包版本", "问题数", "新增", "持续", "销项", "复发", "查实",
                                "无法判定"]
    assert lines[2].split() == ["1", "2025-04-30", "四月", "全部", "2025.1", "3", "3", "0", "0", "0", "0", "0"]
    assert lines[3].split() == ["2", "2025-05-31", "五月", "全部", "2025.1", "2", "0", "2", "1", "0", "0", "0"]

    out = runner.invoke(main, ["history", "--history", str(db), "compare", "1", "2"])
    assert out.exit_code == 0, out.output
    rows = {line.split()[0]: line.split()[1:] for line in out.output.splitlines()[3:]}
    assert rows == {A: ["0", "1", "1", "0", "0"], B: ["0", "0", "1", "0", "0"], "合计": ["0", "1", "2", "0", "0"]}

    out = runner.invoke(main, ["history", "--history", str(db), "squads"])
    assert out.exit_code == 0, out.output
    rows = {line.split()[0]: line.split()[1:] for line in out.output.splitlines()[2:]}
    # A: 2 items, F2 closed, F1 open and overdue (due 04-10); 50% closed, all of it this month.
    assert rows[A] == ["2", "1", "0", "1", "0", "1", "50.0%", "50.0%", "+50.0"]
    assert rows[B] == ["1", "1", "0", "0", "0", "0", "0.0%", "0.0%", "+0.0"]
    assert rows["全区合计"][:7] == ["3", "2", "0", "1", "0", "1", "33.3%"]


def test_history_trend(tmp_path):
    db = _store(tmp_path)
    out = CliRunner().invoke(main, ["history", "--history", str(db), "trend", "--squad", A])
    assert out.exit_code == 0, out.output
    rows = [line.split() for line in out.output.splitlines()[2:]]
    assert rows == [["2025-04", A, "2", "2", "0", "2", "1", "0.0%", "—"],  # F1 due 04-10: overdue
                    ["2025-05", A, "2", "0", "1", "1", "1", "50.0%", "+50.0"]]


def test_history_items_and_item(tmp_path):
    db = _store(tmp_path)
    book = tmp_path / "back.xlsx"
    write_corrections_workbook(book, {A: [{"问题编号": F1.fingerprint, "整改状态": "整改中", "备注": "已约谈"}]})
    runner = CliRunner()
    assert runner.invoke(main, ["corrections", "import", str(book), "--history", str(db), "--date", "2025-06-02",
                                "--by", "张某"]).exit_code == 0
    out = runner.invoke(main, ["history", "--history", str(db), "items", "--overdue"])
    assert out.exit_code == 0, out.output
    rows = [line.split() for line in out.output.splitlines()[2:-1]]
    # As of the latest run (05-31) F1 was still 待整改 and 51 days past its 04-10 deadline.
    assert rows == [[F1.fingerprint, A, "C1", "R001", "一般", "待整改", "2025-04-10", "51"]]
    assert out.output.splitlines()[-1] == "共 1 项"
    out = runner.invoke(main, ["history", "--history", str(db), "items", "--as-of", "2025-06-02", "--status", "整改中"])
    assert [line.split()[0] for line in out.output.splitlines()[2:-1]] == [F1.fingerprint]
    out = runner.invoke(main, ["history", "--history", str(db), "item", F1.fingerprint])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()[2:]
    assert lines[0].split()[:5] == ["2025-04-30", "审计", "#1", "四月", "—"]
    assert lines[-1].split()[:7] == ["2025-06-02", "整改清单导入", "张某", "待整改", "→", "整改中", "2025-04-10"]
    assert "已约谈" in lines[-1] and "工作表" in lines[-1]
    out = runner.invoke(main, ["history", "--history", str(db), "item", "nope"])
    assert out.exit_code == 2 and "没有问题编号 nope" in out.output


def test_history_errors_are_messages_not_tracebacks(tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["history", "--history", str(tmp_path / "none.sqlite"), "list"])
    assert out.exit_code == 2 and "错误:" in out.output and "历史库不存在" in out.output
    assert "Traceback" not in out.output
    db = _store(tmp_path)
    out = runner.invoke(main, ["history", "--history", str(db), "compare", "1", "5"])
    assert out.exit_code == 2 and "没有编号为 5" in out.output


def test_corrections_import_command(tmp_path):
    db = _store(tmp_path)
    book = tmp_path / "back.xlsx"
    write_corrections_workbook(book, {A: [{"问题编号": F1.fingerprint, "整改状态": "整改中"},
                                          {"问题编号": "nope", "整改状态": "整改中"}]})
    runner = CliRunner()
    args = ["corrections", "import", str(book), "--history", str(db), "--date", "2025-06-05", "--by", "张某"]
    out = runner.invoke(main, args + ["--dry-run"])
    assert out.exit_code == 0 and out.output.startswith("（试运行，未写入）")
    out = runner.invoke(main, args + ["--strict"])
    assert out.exit_code == 3
    assert "更新 1 条（其中仅备注 0 条），未变 0 条，拒绝 1 条" in out.output
    assert f"工作表 {A} 第 3 行 问题编号 nope: 问题编号在历史库中不存在" in out.output
    out = runner.invoke(main, ["history", "--history", str(db), "squads", "--as-of", "2025-06-05"])
    row = next(line.split() for line in out.output.splitlines() if line.startswith(A))
    assert row[2:4] == ["0", "1"]  # 待整改 0, 整改中 1


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for args in (["history"], ["history", "--history", "x", "list"], ["history", "--history", "x", "compare"],
                 ["history", "--history", "x", "squads"], ["history", "--history", "x", "trend"],
                 ["history", "--history", "x", "items"], ["history", "--history", "x", "item"], ["corrections"], ["corrections", "import"],
                 ["monthly"], ["sample-review"]):
        out = runner.invoke(main, [*args, "--help"])
        assert out.exit_code == 0, (args, out.output)
        title = "示例:" if "示例:" in out.output else "Example:"  # the help's language: Chinese by default
        assert title in out.output and "auditor " in out.output.split(title)[1], args


def test_history_tables_written_as_xlsx_and_csv(tmp_path):
    import csv

    import openpyxl

    from auditor.history import list_items, squad_status

    db = _store(tmp_path)
    run = lambda *a: CliRunner().invoke(main, ["history", "--history", str(db), *map(str, a)])  # noqa: E731
    res = run("squads", "--out", tmp_path / "s.xlsx")
    assert res.exit_code == 0 and f"已写入 {tmp_path / 's.xlsx'}" in res.output, res.output
    sheet = list(openpyxl.load_workbook(tmp_path / "s.xlsx").active.iter_rows(values_only=True))
    status = squad_status(db, total=True)
    assert sheet[0][:3] == ("中队", "问题总数", "待整改")
    assert [(r[0], r[1]) for r in sheet[1:]] == list(zip(status["squad"], status["items"]))
    res = run("trend", "--out", tmp_path / "t.csv")
    assert res.exit_code == 0, res.output
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["月份", "中队"] and len(rows) > 1
    res = run("items", "--out", tmp_path / "i.csv")
    with open(tmp_path / "i.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == list_items(db)["fingerprint"].tolist()
    bad = run("items", "--out", tmp_path / "i.txt")
    assert bad.exit_code == 2 and ".xlsx 或 .csv" in bad.output and not (tmp_path / "i.txt").exists()
