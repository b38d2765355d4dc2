"""The run page shows the run's data coverage from the store (tables, columns, filled counts overall and
per squad, 无法判定 per rule) and the board a one-line summary of the latest run; a squad user sees its
own squad's figures only, never the district's or another squad's."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import warnings
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from _history_factory import finding, result
from auditor.api import AuditConfig, run_audit
from auditor.coverage import coverage_line
from auditor.history.store import open_store, record_run, transaction
from auditor.serve import ServeConfig, create_app
from auditor.serve.accounts import add_user

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "csv"
AS_OF = dt.date(2026, 11, 25)
PASSWORD = "coverage-pass-01"


def _partial_export(root: Path) -> Path:
    """The sample without its recordings table, its cases without the 立案审批人 column."""
    d = root / "partial"
    d.mkdir()
    shutil.copy(SAMPLE / "disclosures.csv", d / "disclosures.csv")
    with open(SAMPLE / "cases.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("立案审批人")
    with open(d / "cases.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([r[:at] + r[at + 1:] for r in rows])
    return d


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """A store with one hand-built run (before coverage was measured) and one real partial audit."""
    root = tmp_path_factory.mktemp("serve-cov")
    partial = run_audit(AuditConfig(exports=(_partial_export(root),), as_of=AS_OF))
    squads = sorted(set(partial.coverage.by_squad["squad"]) - {"（未匹配）"})
    db = root / "h.sqlite"
    record_run(db, result(dt.date(2026, 10, 31), [finding("R001", "OLD-1", squads[0])]), label="old")
    record_run(db, partial, label="partial")
    with open_store(db) as conn, transaction(conn):
        add_user(conn, "sup", "监督", PASSWORD)
        add_user(conn, "lead", "领导", PASSWORD)
        add_user(conn, "team", "中队", PASSWORD, squads[0])
    return {"app": create_app(ServeConfig(db_path=db)), "result": partial, "squads": squads}


def client(app, name: str) -> TestClient:
    c = TestClient(app)
    page = c.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = c.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf, "next": "/"})
    assert r.status_code == 200 and r.url.path == "/"
    return c


def doc(c: TestClient, url: str):
    r = c.get(url)
    assert r.status_code == 200, r.text[:500]
    return lxml.html.fromstring(r.text), r.text


def cells(row) -> list[str]:
    return [" ".join(td.text_content().split()) for td in row.xpath("./td")]


def undetermined_rows(page) -> dict[str, int]:
    return {tr.get("data-rule"): int(cells(tr)[2]) for tr in page.xpath('//table[@id="coverage-undetermined"]/tbody/tr[@data-rule]')}


@pytest.mark.parametrize("name", ["sup", "lead"])
def test_district_users_see_the_stored_coverage_of_every_squad(district, name):
    partial, squads = district["result"], district["squads"]
    page, html = doc(client(district["app"], name), "/runs/2")
    line = page.xpath('//p[@id="coverage-line"]')[0].text_content()
    assert line == coverage_line(partial.coverage, len(partial.undetermined))
    assert "缺少执法全过程记录表" in line and "立案审批人" in line
    tables = {tr.get("data-table"): cells(tr) for tr in page.xpath('//table[@id="coverage-tables"]/tbody/tr')}
    assert tables["recordings"][1] == "未提供" and tables["recordings"][3] == "整表缺失"
    assert tables["cases"][1:4] == ["已提供", str(partial.coverage.tables["cases"].rows), "立案审批人"]
    grid = page.xpath('//table[contains(@class, "coverage-columns")][@data-table="cases"]')[0]
    header = [" ".join(th.text_content().split()) for th in grid.xpath("./thead/tr/th")]
    assert header[2] == "全区"
    assert grid.xpath("./thead/tr/th/@data-squad") == squads + ["（未匹配）"] * (len(header) - 3 - len(squads))
    absent = grid.xpath('./tbody/tr[@data-field="filing_approver"]')[0]
    assert cells(absent)[2] == "导出无此列"
    # A filled count per squad, as measured: the squad's filled / rows for 案件来源.
    by_squad = partial.coverage.by_squad
    source = cells(grid.xpath('./tbody/tr[@data-field="source"]')[0])
    overall = next(c for c in partial.coverage.tables["cases"].columns if c.name == "source")
    assert source[2].split()[0] == str(overall.filled)
    row = grid.xpath('./tbody/tr[@data-field="source"]')[0].xpath("./td")
    for i, squad in enumerate(squads):
        want = by_squad[(by_squad.squad == squad) & (by_squad.table == "cases") & (by_squad.field == "source")].iloc[0]
        cell = row[3 + i]
        assert (int(cell.get("data-filled")), int(cell.get("data-rows"))) == (want.filled, want.rows)
        assert cell.text_content().strip() == f"{want.filled / want.rows * 100:.1f}%"
    assert undetermined_rows(page) == dict(Counter(u.rule_id for u in partial.undetermined))


def test_a_squad_user_sees_its_own_squads_figures_only(district):
    partial, squads = district["result"], district["squads"]
    mine, others = squads[0], squads[1:]
    page, html = doc(client(district["app"], "team"), "/runs/2")
    assert others and not any(s in html for s in others) and "（未匹配）" not in html
    line = page.xpath('//p[@id="coverage-line"]')[0].text_content()
    own = [u for u in partial.undetermined if u.squad == mine]
    assert f"本中队无法判定 {len(own)} 项" in line and str(len(partial.undetermined)) not in line
    grid = page.xpath('//table[contains(@class, "coverage-columns")][@data-table="cases"]')[0]
    header = [" ".join(th.text_content().split()) for th in grid.xpath("./thead/tr/th")]
    assert header == ["字段", "空值含义", mine]  # no district column, the squad's full name
    by_squad = partial.coverage.by_squad
    want = by_squad[(by_squad.squad == mine) & (by_squad.table == "cases") & (by_squad.field == "source")].iloc[0]
    assert cells(grid.xpath('./tbody/tr[@data-field="source"]')[0])[2].split()[0] == f"{want.filled}/{want.rows}"
    tables = {tr.get("data-table"): cells(tr) for tr in page.xpath('//table[@id="coverage-tables"]/tbody/tr')}
    assert tables["cases"][2] == str(want.rows) != str(partial.coverage.tables["cases"].rows)
    assert undetermined_rows(page) == dict(Counter(u.rule_id for u in own))
    total = page.xpath('//table[@id="coverage-undetermined"]/tfoot//td')[-1].text_content()
    assert int(total) == len(own)


def test_the_board_summarises_the_latest_runs_coverage(district):
    partial, mine = district["result"], district["squads"][0]
    sup, _ = doc(client(district["app"], "sup"), "/")
    summary = sup.xpath('//p[@id="coverage-summary"]')[0]
    assert summary.xpath("./a/@href") == ["/runs/2"]
    assert coverage_line(partial.coverage, len(partial.undetermined)) in summary.text_content()
    team, _ = doc(client(district["app"], "team"), "/")
    own = sum(1 for u in partial.undetermined if u.squad == mine)
    assert f"本中队无法判定 {own} 项" in team.xpath('//p[@id="coverage-summary"]')[0].text_content()


def test_a_run_recorded_without_coverage_says_so(district):
    page, _ = doc(client(district["app"], "sup"), "/runs/1")
    assert "没有数据覆盖记录" in page.xpath('//*[@id="coverage-line"]')[0].text_content()
    assert not page.xpath('//table[@id="coverage-tables"]')


def test_squad_headings_drop_only_the_suffix_every_squad_shares():
    from auditor.serve.coverage_view import short_names

    squads = ["临汾路街道综合行政执法队", "共和新路街道综合行政执法队", "（未匹配）"]
    assert short_names(squads) == {squads[0]: "临汾路", squads[1]: "共和新路", "（未匹配）": "（未匹配）"}
    mixed = ["江宁路街道综合行政执法队", "江桥镇综合行政执法队"]
    assert short_names(mixed) == {mixed[0]: "江宁路街道", mixed[1]: "江桥镇"}
    assert short_names(["执法队", "一中队执法队"]) == {"执法队": "执法队", "一中队执法队": "一中队执法队"}
    assert short_names(["甲中队", "乙大队"]) == {"甲中队": "甲中队", "乙大队": "乙大队"}
    assert short_names([squads[0]]) == {squads[0]: squads[0]}
