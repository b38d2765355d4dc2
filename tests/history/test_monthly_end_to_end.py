"""销项管理 month after month, end to end (issue #15's "done when").

A generated district whose export grows month by month (`generate --view-as-of`) is audited at three
month-ends into one store; in between, squads return their own 整改清单 workbooks: one edited and on
time, one untouched, one with an illegal transition, one late (after the next audit) and in conflict
with a change made meanwhile. After every step each item's status, 完成时限, overdue days and 备注 are
checked against an oracle kept by the test, and so is each squad's 销项率.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.history import list_items, squad_status

FINAL = date(2026, 11, 25)
MONTHS = (date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31))
OPEN = ("待整改", "整改中")
CLOSED = ("已销项", "已豁免")  # an approved exemption is 销项 too


def _cli(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


class Oracle:
    """What the store should hold, kept from first principles (docs/history.md, Lifecycle)."""

    def __init__(self):
        self.items: dict[str, dict] = {}
        self.present: set[str] = set()

    def run(self, findings, exempted=frozenset()):
        found = {f.fingerprint: f for f in findings}
        for fp, f in found.items():
            item = self.items.get(fp)
            if item is None:
                self.items[fp] = {"status": "待整改", "due": f.correction_due, "note": None, "squad": f.squad,
                                  "case": f.case_id, "rule": f.rule_id}
            elif fp in self.present and item["status"] == "已销项":  # reported done, still found
                item["status"] = "待整改"
            elif fp not in self.present:  # reopened: the same item, its first 完成时限 kept
                item.update(status="待整改", due=item["due"] or f.correction_due)
            if fp in exempted:  # the register closes it (销项 by exemption)
                self.items[fp]["status"] = "已豁免"
        for fp in self.present - set(found):
            self.items[fp]["status"] = "已销项"
        self.present = set(found)

    def set(self, fp, status=None, note=None):
        if status:
            self.items[fp]["status"] = status
        if note:
            self.items[fp]["note"] = note


def _check(db: Path, oracle: Oracle, day: date):
    stored = {r[0]: r[1:] for r in sqlite3.connect(db).execute("SELECT fingerprint, status, due, note FROM items")}
    assert set(stored) == set(oracle.items)
    for fp, want in oracle.items.items():
        due = want["due"].isoformat() if want["due"] else None
        assert stored[fp] == (want["status"], due, want["note"]), fp
    listed = list_items(db, day)
    assert set(listed["fingerprint"]) == set(oracle.items)
    for fp, overdue, note in zip(listed["fingerprint"], listed["overdue_days"], listed["note"]):
        want = oracle.items[fp]
        assert note == want["note"], fp  # the register shows the squad's 备注 as it stood that day
        expected = (day - want["due"]).days if want["status"] in OPEN and want["due"] and want["due"] < day else 0
        assert overdue == expected, fp
    rates = squad_status(db, day).set_index("squad")
    for squad in {i["squad"] for i in oracle.items.values()}:
        mine = [i for i in oracle.items.values() if i["squad"] == squad]
        assert rates.at[squad, "items"] == len(mine)
        assert rates.at[squad, "closure_rate"] == pytest.approx(sum(i["status"] in CLOSED for i in mine) / len(mine))
        assert rates.at[squad, "exempt"] == sum(i["status"] == "已豁免" for i in mine)
        assert rates.at[squad, "overdue"] == sum(i["status"] in OPEN and i["due"] and i["due"] < day for i in mine)


def _drop_cases(xml: Path, case_ids: set[str]) -> None:
    """The case files corrected (here: withdrawn) before an export: their findings disappear."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(xml), parser)
    root = tree.getroot()
    gone = [c for c in root.findall("case") if c.findtext("case_id") in case_ids]
    assert len(gone) == len(case_ids)
    for c in gone:
        root.remove(c)
    tree.write(str(xml), encoding="UTF-8", xml_declaration=True)


def _list_rows(path: Path) -> dict[str, dict]:
    wb = openpyxl.load_workbook(path)
    ws = wb["整改清单"]
    head = [c.value for c in ws[1]]
    rows = {}
    for r in range(2, ws.max_row + 1):
        values = {h: ws.cell(r, i + 1).value for i, h in enumerate(head)}
        if values["问题编号"]:
            rows[values["问题编号"]] = dict(values, _row=r)
    return rows


def _edit(path: Path, out: Path, changes: dict[str, tuple[str | None, str | None]]) -> dict[str, int]:
    """Save a copy of a squad's list with (status, note) changes; returns fingerprint -> row number."""
    wb = openpyxl.load_workbook(path)
    ws = wb["整改清单"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    where = {}
    for r in range(2, ws.max_row + 1):
        fp = ws.cell(r, col["问题编号"]).value
        if fp in changes:
            status, note = changes[fp]
            if status:
                ws.cell(r, col["整改状态"]).value = status
            if note:
                ws.cell(r, col["备注"]).value = note
            where[fp] = r
    assert set(where) == set(changes)
    wb.save(out)
    return where


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    for day in MONTHS:
        res = _cli("generate", "--cases", "360", "--seed", "15", "--out", root / "exports" / day.isoformat(),
                   "--form", "xml", "--as-of", FINAL.isoformat(), "--view-as-of", day.isoformat(),
                   "--violation-rate", "0.3")
        assert res.exit_code == 0, res.output
    return root


def _audit(root: Path, day: date, db: Path, *extra):
    out = root / "reports" / day.strftime("%Y-%m")
    res = _cli("audit", root / "exports" / day.isoformat() / "xml", "--as-of", day.isoformat(), "--out", out,
               "--history", db, "--format", "xlsx,html,json", *extra)
    assert res.exit_code in (0, 1), res.output
    assert f"历史库 {db}: 运行 #" in res.output and "默认位置" not in res.output  # named: no default note
    return out, res


def _findings(out: Path):
    import json

    from auditor.findings import Finding  # noqa: F401  (documentation: the same fields)

    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))

    class F:  # the fields the oracle needs, read back from the machine output
        def __init__(self, d):
            self.fingerprint, self.squad, self.case_id = d["fingerprint"], d["squad"], d["case_id"]
            self.rule_id = d["rule_id"]
            self.correction_due = date.fromisoformat(d["correction_due"]) if d["correction_due"] else None
    return [F(d) for d in doc["findings"]]


def test_three_months_with_squads_returning_their_lists(district):
    root = district
    db = root / "reports" / "auditor-history.sqlite"
    oracle = Oracle()

    # -- August ------------------------------------------------------------------------------------
    aug, _ = _audit(root, MONTHS[0], db)
    oracle.run(_findings(aug))
    _check(db, oracle, MONTHS[0])
    by_squad: dict[str, list[str]] = {}
    for fp, item in sorted(oracle.items.items()):
        by_squad.setdefault(item["squad"], []).append(fp)
    busy = sorted((s for s in by_squad if len(by_squad[s]) >= 2), key=lambda s: (-len(by_squad[s]), s))
    assert len(busy) >= 4, by_squad
    a = next(s for s in busy if len({oracle.items[fp]["case"] for fp in by_squad[s]}) >= 3)
    b, c, d = [s for s in busy if s != a][:3]
    lists = aug / "整改清单"
    assert {p.name for p in lists.iterdir()} == {f"{s}.xlsx" for s in by_squad}
    rows_a = _list_rows(lists / f"{a}.xlsx")
    assert set(rows_a) == set(by_squad[a])  # only the squad's own items
    a1 = by_squad[a][0]
    a2 = next(fp for fp in by_squad[a] if oracle.items[fp]["case"] != oracle.items[a1]["case"])
    a3 = next(fp for fp in by_squad[a] if oracle.items[fp]["case"] not in {oracle.items[x]["case"] for x in (a1, a2)})
    b1 = by_squad[b][0]
    c1, c2 = by_squad[c][:2]
    d1, d2 = by_squad[d][:2]

    # A returns an edited list, B an untouched one, C one with an illegal transition (all on time).
    returned = root / "returned"
    returned.mkdir()
    _edit(lists / f"{a}.xlsx", returned / "a.xlsx", {a1: ("整改中", "已约谈当事人，限期补正"), a2: ("已销项", "已补正材料"),
                                                   a3: ("已销项", "自报已整改")})
    _edit(lists / f"{b}.xlsx", returned / "b.xlsx", {})
    c_rows = _edit(lists / f"{c}.xlsx", returned / "c.xlsx", {c1: ("已豁免", None), c2: ("整改中", "正在补录")})
    res = _cli("corrections", "import", returned / "a.xlsx", "--history", db, "--date", "2026-09-05", "--by", "A")
    assert "更新 3 条" in res.output and "冲突 0 条" in res.output and "拒绝 0 条" in res.output, res.output
    oracle.set(a1, "整改中", "已约谈当事人，限期补正")
    oracle.set(a2, "已销项", "已补正材料")
    oracle.set(a3, "已销项", "自报已整改")
    res = _cli("corrections", "import", returned / "b.xlsx", "--history", db, "--date", "2026-09-05")
    assert f"更新 0 条（其中仅备注 0 条），未变 {len(by_squad[b])} 条" in res.output, res.output
    res = _cli("corrections", "import", returned / "c.xlsx", "--history", db, "--date", "2026-09-05", "--strict")
    assert res.exit_code == 3 and "更新 1 条" in res.output and "拒绝 1 条" in res.output, res.output
    assert f"c.xlsx 工作表 整改清单 第 {c_rows[c1]} 行 问题编号 {c1}: 已豁免 只能由豁免登记表设置" in res.output
    oracle.set(c2, "整改中", "正在补录")
    # The untouched district workbook of August, imported now, must not undo what the squads did.
    res = _cli("corrections", "import", aug / "report.xlsx", "--history", db, "--date", "2026-09-06")
    assert "更新 0 条" in res.output and "按发放时的清单比较: 第 1 次审计发放的全区清单" in res.output, res.output
    _check(db, oracle, date(2026, 9, 6))

    # -- September ---------------------------------------------------------------------------------
    # A really corrected a2's case file; b1's case file was corrected too (B said nothing), but in
    # October's export b1's defect is back (reopened). a3 was reported done yet is still found.
    _drop_cases(root / "exports" / MONTHS[1].isoformat() / "xml" / "cases.xml",
                {oracle.items[a2]["case"], oracle.items[b1]["case"]})
    _drop_cases(root / "exports" / MONTHS[2].isoformat() / "xml" / "cases.xml", {oracle.items[a2]["case"]})
    sep, _ = _audit(root, MONTHS[1], db)
    oracle.run(_findings(sep))
    _check(db, oracle, MONTHS[1])
    assert (oracle.items[a2]["status"], oracle.items[a2]["note"]) == ("已销项", "已补正材料")
    assert oracle.items[b1]["status"] == "已销项" and oracle.items[a3]["status"] == "待整改"
    rows = _list_rows(sep / "整改清单" / f"{a}.xlsx")
    first_due = oracle.items[a1]["due"]
    assert rows[a1]["整改状态"] == "整改中" and rows[a1]["备注"] == "已约谈当事人，限期补正"
    assert rows[a1]["完成时限"].date() == first_due  # the first 完成时限, not a fresh one
    assert rows[a1]["超期天数"] == max(0, (MONTHS[1] - first_due).days)
    assert rows[a3]["整改状态"] == "待整改" and rows[a3]["备注"] == "自报已整改"  # still found: back, note kept
    assert rows[a2]["整改状态"] == "已销项" and rows[a2]["本次审计"] == "本次销项"
    assert rows[a2]["超期天数"] == 0

    # D works from September's list first, then returns August's list late: d1 applies (nobody
    # touched it since), d2 conflicts with September's change and is listed, not guessed.
    _edit(sep / "整改清单" / f"{d}.xlsx", returned / "d-sep.xlsx", {d2: ("整改中", "九月清单：整改中")})
    res = _cli("corrections", "import", returned / "d-sep.xlsx", "--history", db, "--date", "2026-10-02")
    assert "更新 1 条" in res.output, res.output
    oracle.set(d2, "整改中", "九月清单：整改中")
    late_rows = _edit(lists / f"{d}.xlsx", returned / "d-late.xlsx",
                      {d1: ("整改中", "迟交：已开始整改"), d2: ("已销项", None)})
    res = _cli("corrections", "import", returned / "d-late.xlsx", "--history", db, "--date", "2026-10-03")
    assert "更新 1 条" in res.output and "冲突 1 条" in res.output, res.output
    assert (f"冲突（未导入）: d-late.xlsx 工作表 整改清单 第 {late_rows[d2]} 行 问题编号 {d2}: 整改状态：发放时为 待整改，"
            f"本表改为 已销项，但历史库中已变为 整改中") in res.output
    oracle.set(d1, "整改中", "迟交：已开始整改")
    _check(db, oracle, date(2026, 10, 3))

    # -- October -----------------------------------------------------------------------------------
    # The register approves what squad C could not set itself: c1 is exempted, and so closed (销项).
    register = root / "exceptions.yaml"
    register.write_text(
        "exceptions:\n"
        f"  - rule: {oracle.items[c1]['rule']}\n    case: '{oracle.items[c1]['case']}'\n"
        "    reason: 系统迁移期间数据未导出，已人工核对\n    approver: 法制科 李某\n"
        "    approved: 2026-10-20\n    expires: 2026-12-31\n", encoding="utf-8")
    b1_due_before = oracle.items[b1]["due"]
    octo, _ = _audit(root, MONTHS[2], db, "--exceptions", register)
    found = _findings(octo)
    oracle.run(found, exempted={c1})
    _check(db, oracle, MONTHS[2])
    # b1 reopened: the same item with its first 完成时限, overdue at once when that date has passed.
    assert oracle.items[b1]["status"] == "待整改" and oracle.items[b1]["due"] == b1_due_before
    new_due = next(f.correction_due for f in found if f.fingerprint == b1)
    assert new_due > b1_due_before  # the new finding's deadline is not taken
    rows_b = _list_rows(octo / "整改清单" / f"{b}.xlsx")
    overdue_b1 = max(0, (MONTHS[2] - b1_due_before).days)
    assert rows_b[b1]["本次审计"] == "复现" and rows_b[b1]["超期天数"] == overdue_b1 > 0
    assert rows_b[b1]["完成时限"].date() == b1_due_before
    assert rows_b[b1]["状态说明"] == (f"问题复现（第 1 次），完成时限仍为首次确定的 {b1_due_before.isoformat()}，"
                                   f"复现即超期 {overdue_b1} 天")
    from auditor.history import item_history

    events = item_history(db, b1)
    assert list(events["kind"]) == ["opened", "resolved", "reopened"]
    assert list(events["due"]) == [b1_due_before.isoformat()] * 3
    # c1 exempted: closed, with reason, approver and dates, distinguishable from an audit's 销项.
    rows_c = _list_rows(octo / "整改清单" / f"{c}.xlsx")
    assert rows_c[c1]["整改状态"] == "已豁免" and rows_c[c1]["超期天数"] == 0
    assert rows_c[c1]["状态说明"] == ("豁免销项（2026-10-31）：系统迁移期间数据未导出，已人工核对；批准人 法制科 李某，"
                                   "批准日期 2026-10-20，有效期至 2026-12-31，登记表 " + f"{register}:2")
    rates_c = squad_status(db, MONTHS[2]).set_index("squad").loc[c]
    assert rates_c["exempt"] == 1 and rates_c["closed"] >= 1 and rates_c["month_closed"] >= 1
    assert _list_rows(octo / "整改清单" / f"{d}.xlsx")[d1]["备注"] == "迟交：已开始整改"
    closed = squad_status(db, MONTHS[2]).set_index("squad").at[a, "closed"]
    assert closed == 1  # a2: A's 销项率 counts it

    # The 销项进度 sheet: one row per squad as the store computes it, and the months across.
    wb = openpyxl.load_workbook(octo / "report.xlsx", read_only=True)
    sheet = list(wb["销项进度"].iter_rows(values_only=True))
    assert sheet[0][0] == "销项进度（截至 2026-10-31）" and sheet[1][1] == str(db)
    head = next(i for i, r in enumerate(sheet) if r and r[0] == "中队")
    status = squad_status(db, MONTHS[2], total=True).set_index("squad")
    table = {}
    for r in sheet[head + 1:]:
        if not r or r[0] is None:
            break
        table[r[0]] = r
    assert set(table) == set(status.index)
    for squad, r in table.items():
        want = status.loc[squad]
        assert r[1:9] == (want["items"], want["open"], want["in_progress"], want["month_opened"],
                          want["month_closed"], want["closed"], want["exempt"], want["overdue"])
        assert r[12] == want["month_reopened"]
        if want["items"]:
            assert r[9] == pytest.approx(want["closure_rate"])
    assert table[b][12] >= 1 and table[c][7] == 1  # b1 reopened this month; c1 exempted
    months_row = next(r for r in sheet[head:] if r and r[0] == "中队" and r[1] == "2026-08")
    assert months_row[1:4] == ("2026-08", "2026-09", "2026-10")
    html = (octo / "report.html").read_text(encoding="utf-8")
    assert 'id="progress-chart"' in html and html.count('class="panel"') == len(status.index) - 1

    # All October lists returned untouched, as a folder: nothing changes.
    files = sorted((octo / "整改清单").iterdir())
    res = _cli("corrections", "import", octo / "整改清单", "--history", db, "--date", "2026-11-02")
    assert res.exit_code == 0 and res.output.count("更新 0 条") == len(files) > 4, res.output
    # So does the district workbook, untouched (its exempted row included).
    res = _cli("corrections", "import", octo / "report.xlsx", "--history", db, "--date", "2026-11-02")
    assert res.exit_code == 0 and "更新 0 条" in res.output and "冲突 0 条" in res.output, res.output
    _check(db, oracle, date(2026, 11, 2))

    # The monthly form for October: one row per open 重点 (严重) item; November has no audit: refused.
    form = root / "月度反馈表-2026-10.xlsx"
    res = _cli("monthly", "--month", "2026-10", "--history", db, "--out", form)
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(form)["全区"]
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    first, last = labels.index("重点整治问题进展情况") + 2, labels.index("督导情况") + 1  # 1-based rows
    listed = [ws.cell(r, 4).value.split("\n")[1] for r in range(first, last)]
    items = list_items(db, MONTHS[2])
    key_open = items[(items["severity"] == "严重") & items["status"].isin(OPEN)]
    assert sorted(listed) == sorted(key_open["case_id"]) and len(listed) > 0
    res = _cli("monthly", "--month", "2026-11", "--history", db, "--out", root / "nov.xlsx")
    assert res.exit_code == 2 and "没有 2026-11 月内的审计记录" in res.output


def test_output_folder_is_one_set_refused_when_foreign_unless_forced(tmp_path):
    import json

    from auditor.report import RUN_MARKER

    sample = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "xml"
    out = tmp_path / "reports" / "2026-11"
    res = _cli("audit", sample, "--as-of", "2026-11-25", "--out", out, "--format", "xlsx,json")
    assert res.exit_code == 1, res.output
    marker = json.loads((out / RUN_MARKER).read_text(encoding="utf-8"))
    listed = {f["path"] for f in marker["files"]}
    lists = sorted((out / "整改清单").iterdir())
    assert lists and {f"整改清单/{p.name}" for p in lists} <= listed  # the squads' lists are in the set
    assert "已写入" in res.output and f"{out / '整改清单'}/（{len(lists)} 个中队的整改清单）" in res.output
    # Again with json only: the whole set is replaced, no workbook of the previous run is left beside it.
    res = _cli("audit", sample, "--as-of", "2026-11-25", "--out", out, "--format", "json")
    assert sorted(p.name for p in out.iterdir()) == [RUN_MARKER, "findings.json"]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.docx").write_text("x", encoding="utf-8")
    res = _cli("audit", sample, "--as-of", "2026-11-25", "--out", foreign, "--format", "json", "--no-history")
    assert res.exit_code == 2 and "--force" in res.output and (foreign / "notes.docx").exists()
    res = _cli("audit", sample, "--as-of", "2026-11-25", "--out", foreign, "--format", "json", "--no-history",
               "--force")
    assert res.exit_code == 1 and not (foreign / "notes.docx").exists() and (foreign / "findings.json").exists()
