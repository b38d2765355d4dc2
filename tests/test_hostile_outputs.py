"""Hostile case text through the real pipeline into the real consumers of the reports.

A generated district export is rewritten so that every case's 承办中队, 当事人名称 and 案由 carries a
spreadsheet-formula or HTML/JS payload, plus a rejected row whose offending value is a payload. It
then goes through `run_audit` and the report writers, and each output is opened by what a person
would open it with: the HTML report in headless Chromium (with JavaScript on: our own filter script
must run, the payloads must not), the workbook with openpyxl (text, never a formula), the CSV report
with the csv module (every formula payload defused with a leading '), the JSON report (the payloads
kept verbatim, as data).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.etree
import lxml.html
import openpyxl
import pytest

from browser import dump_dom
from auditor.api import AuditConfig, run_audit
from auditor.generate import DEFAULT_AS_OF, generate_export
from auditor.report import FORMATS, write_csv, write_html, write_json, write_reports, write_xlsx

FORMULAS = ("=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
            '=HYPERLINK("http://127.0.0.1:9/x","点击")', "=cmd|' /C calc'!A0")
HTML = ("<script>document.title='PWNED'</script>",
        "<img src=x onerror=\"document.title='PWNED'\">",
        "\"><svg onload=\"document.body.appendChild(document.createElement('pwned'))\">",
        "</td></tr></table><b id=pwned>x</b>",
        "'><iframe srcdoc=\"<script>parent.document.title='PWNED'</script>\">",
        "{{7*7}}${7*7}")
SQUADS = ("=1+1", "<b id=pwned>中队</b>", "\"><img src=x onerror=\"document.title='PWNED'\">", "@中队[1]:*?/\\")
BAD_DATES = (*FORMULAS, HTML[0])
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# The loader strips surrounding whitespace from text, so the tab and CR payloads arrive as "=1+1"
# (the reporters' own tests feed them in directly: tests/_report_factory.py).
LOADED = tuple(dict.fromkeys(p.strip() for p in FORMULAS + HTML))


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("payloads")
    generate_export(root, 16, 3, violation_rate=1.0, forms=("csv",))
    path = root / "csv" / "cases.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = {name: header.index(name) for name in ("承办中队", "当事人名称", "案由", "立案日期")}
    payloads = FORMULAS + HTML
    for i, row in enumerate(rows[1:]):
        row[col["承办中队"]] = SQUADS[i % len(SQUADS)]
        row[col["当事人名称"]] = payloads[i % len(payloads)]
        row[col["案由"]] = payloads[(i + 7) % len(payloads)]
    for i, payload in enumerate(BAD_DATES, 1):  # rejected rows: the offending value is shown in reports
        bad = list(rows[1])
        bad[0] = f"BAD-{i}"
        bad[col["立案日期"]] = payload
        rows.append(bad)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    result = run_audit(AuditConfig(exports=(str(root / "csv"),), as_of=DEFAULT_AS_OF))
    return root, result


def test_payloads_reach_the_findings(audited):
    # Otherwise the output checks below would prove nothing.
    _, result = audited
    cases = result.cases.set_index("case_id")
    with_findings = {f.case_id for f in result.findings}
    assert set(cases.loc[list(with_findings), "party_name"]) == set(LOADED)
    assert set(cases["squad"]) == set(SQUADS)
    bad = [r.value for r in result.load.rejected if r.field == "filing_date"]
    assert [v.strip() for v in bad] == [p.strip() for p in BAD_DATES]
    counts = result.load.counts["cases"]
    assert counts.rows_in == counts.loaded + counts.rejected == 16 + len(BAD_DATES)


# --- HTML in a real browser ------------------------------------------------------------------------

def _dump_dom(path: Path, profile: Path) -> str:
    return dump_dom(path.as_uri(), profile)


@pytest.mark.browser
@pytest.mark.parametrize("lang, personal", [("zh", True), ("en", False)])
def test_html_runs_no_payload(audited, tmp_path, lang, personal):
    _, result = audited
    path = tmp_path / "report.html"
    write_html(result, path, lang=lang, show_personal_data=personal)
    dom = _dump_dom(path, tmp_path / "profile")
    assert 'data-ready="1"' in dom, "our own script must run, or 'no payload ran' proves nothing"
    tree = lxml.html.fromstring(dom)  # the DOM after every script ran
    assert "PWNED" not in tree.findtext(".//title")
    assert not tree.xpath("//pwned | //*[@id='pwned'] | //img | //iframe"), "an element was injected"
    assert not tree.xpath("//@*[starts-with(name(), 'on')]"), "an event handler attribute was injected"
    assert len(tree.xpath("//script")) == 1  # ours, hashed into the CSP
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom  # shown as text
    assert "{{7*7}}" in dom  # no template evaluation either
    if personal:
        assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;b id=pwned&gt;x&lt;/b&gt;" in dom


# --- workbook, CSV, JSON ---------------------------------------------------------------------------

def test_workbook_holds_text_never_formulas(audited, tmp_path):
    _, result = audited
    path = tmp_path / "report.xlsx"
    write_xlsx(result, path, show_personal_data=True)
    wb = openpyxl.load_workbook(path)  # formulas stay formulas here (data_only=False)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_LEAD), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                    texts.append(cell.value)
    # The squad "=1+1" (summary sheet) and every rejected value (拒收记录) are there, defused.
    for payload in FORMULAS:
        assert {"'" + payload, "'" + payload.strip()} & set(texts), f"{payload!r} missing or not neutralised"
    assert HTML[0] in texts  # HTML is just text in a workbook
    assert all(ws.title and not set(ws.title) & set("[]:*?/\\") for ws in wb.worksheets)


def test_csv_report_defuses_formulas(audited, tmp_path):
    _, result = audited
    written = write_csv(result, tmp_path / "findings.csv", show_personal_data=True)
    cells = []
    for p in written:
        text = Path(p).read_text(encoding="utf-8-sig")
        cells += [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert cells
    offenders = [c for c in cells if c.startswith(FORMULA_LEAD)]
    assert not offenders, offenders[:5]
    assert any(c.startswith("'=1+1") or c == "'=1+1" for c in cells)


def test_json_keeps_payloads_verbatim(audited, tmp_path):
    _, result = audited
    path = tmp_path / "findings.json"
    write_json(result, path, show_personal_data=True)
    doc = json.loads(path.read_text(encoding="utf-8"))
    squads = {f["squad"] for f in doc["findings"]}
    assert squads == set(SQUADS)  # data stays data: no escaping, no neutralising in machine output


# --- control characters, bidi overrides, non-characters and XML specials in case text ----------------

CONTROL = ("\x07铃\x1b[31m", "\u202e逆序", "\x0b\x0c竖", "\ufffe\uffff非字符", "\x7f\x85\x9f", "]]>&<'\"")


def test_every_format_stays_well_formed_with_control_characters(tmp_path):
    generate_export(tmp_path / "in", 8, 5, violation_rate=1.0, forms=("csv",))
    path = tmp_path / "in" / "csv" / "cases.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    col = {name: rows[0].index(name) for name in ("承办中队", "当事人名称", "案由")}
    for i, row in enumerate(rows[1:]):
        row[col["承办中队"]] = CONTROL[i % len(CONTROL)] + "中队"  # squads become sheet names too
        row[col["当事人名称"]] = CONTROL[(i + 1) % len(CONTROL)]
        row[col["案由"]] = CONTROL[(i + 2) % len(CONTROL)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    result = run_audit(AuditConfig(exports=(str(tmp_path / "in" / "csv"),), as_of=DEFAULT_AS_OF))
    assert len({f.squad for f in result.findings}) == len(CONTROL)
    out = tmp_path / "out"
    write_reports(result, out, list(FORMATS), show_personal_data=True)
    wb = openpyxl.load_workbook(out / "report.xlsx")  # a control character in workbook.xml breaks this
    assert len(wb.sheetnames) >= len(CONTROL) + 1
    for name in ("findings.junit.xml",):
        lxml.etree.parse(str(out / name))
    json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    json.loads((out / "findings.json").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "]]&gt;&amp;&lt;" in html  # escaped, not markup
    assert len(lxml.html.fromstring(html).xpath("//table[@id='squad-table']/tbody/tr")) == len(CONTROL)


# --- where the reports go --------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["existing_file", "under_a_file", "proc"])
def test_unusable_output_folder_is_a_usage_error(tmp_path, where):
    export = tmp_path / "cases.csv"
    export.write_text("案件编号,承办中队\nA1,一中队\n", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    out = {"existing_file": blocker, "under_a_file": blocker / "reports", "proc": Path("/proc/auditor-nope")}[where]
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(export), "--as-of", "2026-11-25",
                           "--no-history", "--format", "json", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and str(out) in proc.stderr and "输出目录" in proc.stderr
