"""The reports of the bundled sample district read as a supervisor expects: no raw field names or
codes where Chinese is due, no None/nan/NaT, each deadline once (the real rule pack and engine)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

from auditor.api import AuditConfig, run_audit
from auditor.report.common import evidence_items, rule_attr
from auditor.report.html import render_html

ROOT = Path(__file__).resolve().parents[2]
IDENT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z_]+)?$")


@pytest.fixture(scope="module")
def sample():
    return run_audit(AuditConfig(exports=(str(ROOT / "fixtures/sample/xml"),), as_of=date(2026, 11, 25)))


@pytest.fixture(scope="module")
def html(sample):
    return render_html(sample)


def test_every_evidence_label_is_chinese(sample):
    rules = {str(rule_attr(r, "id")): r for r in sample.rules}
    assert sample.findings
    raw = set()
    for f in sample.findings:
        rule = rules[f.rule_id]
        table = "recordings" if rule_attr(rule, "scope") == "recording" else "cases"
        for label, value in evidence_items(f, "zh", False, rule, table):
            if IDENT.match(label):
                raw.add((f.rule_id, label))
            assert value not in ("None", "nan", "NaT", "True", "False")
    assert not raw, sorted(raw)


def test_no_missing_markers_or_raw_codes_in_the_page(sample, html):
    """What the report writes itself; the rules' rendered messages are the rule pack's text."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    for f in sample.findings:
        for part in (f.message, f.correction):
            text = text.replace(str(escape(part["zh"])), "")
    cells = [c for c in re.findall(r">([^<>]+)<", text) if c.strip()]
    bad = re.compile(r"\b(None|nan|NaT|calendar_days|working_days|vectorized)\b|（空）")
    assert not [c for c in cells if bad.search(c)]
    assert "字段：行政处罚决定书文号（decision_no） — 公示的决定书文号" in html  # input warnings name fields
    assert "引擎：向量化（pandas）" in html and "字段映射：默认（标准表头）" in html


def test_each_case_deadline_shown_once(html):
    merged = 0
    for page in re.findall(r'<section class="case".*?</section>', html, flags=re.S):
        rows = re.findall(r'<tr><td>([^<]*) <span class="muted">([^<]*)</span></td>((?:<td[^>]*>[^<]*</td>){5})',
                          page)
        assert rows and len({(label, cells) for label, _, cells in rows}) == len(rows)
        starts = [re.search(r">([^<]*)<", cells).group(1) for _, _, cells in rows]
        assert starts == sorted(starts)  # in date order
        merged += sum(1 for _, ids, _ in rows if " " in ids)
    assert merged  # e.g. GS-DISCLOSURE-LATE and GS-NOT-DISCLOSED share the 公示期限 row


def test_missed_deadline_without_finding_not_shown_as_overdue(sample, html):
    fired = {(f.case_id, f.rule_id) for f in sample.findings}
    dl = sample.deadlines
    unfired = np.array([(c, r) not in fired for c, r in zip(dl["case_id"], dl["rule_id"])], dtype=bool)
    moot = dl[dl["status"].isin(["overdue", "late"]).to_numpy() & unfired]
    shown = set(re.findall(r'id="case-\d+">\s*<h3 class="case-title">(\S+) · ', html))
    assert shown and set(moot["case_id"]) & shown  # the sample has such rows on its case pages
    alarms = 0
    for page in re.findall(r'<section class="case".*?</section>', html, flags=re.S):
        cid = re.search(r'<h3 class="case-title">(\S+) · ', page).group(1)
        for rule_ids in re.findall(r'<span class="muted">([A-Z0-9 -]+)</span></td>(?:<td[^>]*>[^<]*</td>){4}'
                                   r'<td class="st-(?:late|overdue)">', page):
            assert any((cid, rule_id) in fired for rule_id in rule_ids.split())
            alarms += 1
    assert alarms and html.count('class="st-moot"') >= len(set(moot["case_id"]) & shown)


def test_one_squad_report_does_not_claim_the_district_mean(sample):
    from dataclasses import replace

    squad = "机动执法中队"
    one = replace(sample, findings=[f for f in sample.findings if f.squad == squad],
                  cases=sample.cases[sample.cases["squad"] == squad],
                  metadata={**sample.metadata, "squad_filter": [squad]})
    html = render_html(one)
    assert "所审中队平均得分" in html and "全区平均得分" not in html
    assert f"本次只审查 {squad} 的案件（{len(one.cases)} 件）" in html and len(one.cases) == 20
    assert "全区平均得分" in render_html(sample)


def test_findings_read_most_serious_first_then_by_squad_rank(sample, html):
    rows = re.findall(r'<tr data-squad="([^"]+)" data-theme="[^"]*" data-severity="([^"]+)"', html)
    assert len(rows) == len(sample.findings)
    order = {"严重": 0, "一般": 1, "提示": 2}
    ranking = re.search(r'<table id="squad-table">.*?</table>', html, flags=re.S).group(0)
    ranks = {s: i for i, s in enumerate(re.findall(r'<td class="n">\d+</td><td>([^<]+)</td>', ranking))}
    assert len(ranks) == 16
    keys = [(order[v], ranks[s]) for s, v in rows]
    assert keys == sorted(keys) and keys[0][0] == 0 and keys[-1][0] == 2
    first_page = html[html.index('<section class="case"'):]
    assert 'class="sev sev0"' in first_page[: first_page.index("</section>")]
