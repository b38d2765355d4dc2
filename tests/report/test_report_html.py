"""The HTML report: self-contained, escaped, capped; rendered in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess

import pandas as pd
import pytest

from _report_factory import HTML_PAYLOADS, district_result, small_result
from browser import dump_dom
from auditor.report.html import SCRIPT, render_html
from auditor.report.html_pages import write_html



@pytest.fixture(scope="module")
def html() -> str:
    return render_html(small_result())


def test_csp_hash_matches_the_only_script(html):
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts == [SCRIPT]
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    csp = csp.replace("&#39;", "'")
    assert "default-src 'none'" in csp and "img-src data:" in csp and f"'sha256-{digest}'" in csp
    assert "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp


def test_self_contained(html):
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html)
    assert "@import" not in html and "url(" not in html and "<link" not in html
    assert "innerHTML" not in SCRIPT and "insertAdjacentHTML" not in SCRIPT and "document.write" not in SCRIPT


def test_payloads_escaped(html):
    for payload in HTML_PAYLOADS:
        assert payload not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "<img" not in html


def test_content(html):
    assert "城管执法案卷合规审计报告" in html and 'lang="zh-CN"' in html
    assert 'id="profile-name">静安区<' in html
    assert '<tr class="override"><td>decision_days ★</td><td>90</td>' in html
    assert '<code class="pname">cause_catalogue</code></td><td>1 项（详见 Excel/JSON）</td>' in html
    assert "<td>major_stages</td><td>调查取证、送达</td>" in html  # no description: the name alone
    assert "缺少 2027 年法定节假日日历" in html  # the notice
    assert html.index('id="notices"') < html.index('id="headline"')  # prominently, at the top
    assert re.search(r"<td>案件</td><td class=\"n\">11</td><td class=\"n\">9</td><td class=\"n\">2</td>"
                     r"<td class=\"ok\">✓</td>", html)
    assert "读入行数 = 载入 + 拒收" in html
    assert "<svg" in html and html.count('class="chart"') == 2
    printing = html[html.index("@media print"):]
    assert "page-break-before: always" in printing and ".filters" in printing  # a page per case
    assert html.count('<section class="case"') == 6  # six cases have findings
    assert "张三" not in html and "<dd>张*</dd>" in html  # masked party name
    assert "上海某某餐饮有限公司" in html  # organisations stay whole
    # JA2026-0001's timeline in date order, and its computed deadlines with status.
    page = html[html.index("JA2026-0001 · 江宁路中队"):]
    page = page[: page.index("</section>")]
    dates = re.findall(r"<time>([0-9-]+)</time>", page)
    assert dates == sorted(dates) and dates[0] == "2026-05-02" and "2026-10-08" in dates
    assert "超期" in page and "90日" in page
    assert "《中华人民共和国行政处罚法》第六十条" in page


def test_english(tmp_path):
    path = tmp_path / "r.html"
    write_html(small_result(), path, lang="en")
    text = path.read_text("utf-8")
    assert 'lang="en"' in text and "Case-file compliance audit report" in text
    assert "Squad ranking" in text and "No holiday calendar for 2027" in text


def test_case_sections_capped_with_note():
    r = district_result(150, seed=3, squads=4)
    cases_with = len({f.case_id for f in r.findings})
    assert cases_with > 10
    capped = render_html(r, max_case_sections=10)
    assert capped.count('<section class="case"') == 10
    assert f"另有 {cases_with - 10} 件有问题的案件" in capped and "Excel 或 JSON" in capped
    full = render_html(r)
    assert full.count('<section class="case"') == cases_with and 'id="pages-note"' not in full
    rows = render_html(r, max_table_rows=5)
    assert rows.count('<tr data-squad=') == 5 and f"共 {len(r.findings)} 条" in rows


# --- headless Chromium ------------------------------------------------------------------------

def _dump_dom(url: str, tmp_path) -> str:
    return dump_dom(url, tmp_path / "profile")


@pytest.mark.browser
def test_rendered_in_chromium_no_script_from_payload(tmp_path):
    path = tmp_path / "report.html"
    write_html(small_result(), path)
    dom = _dump_dom(path.as_uri(), tmp_path)
    head_title = re.search(r"<head>.*?<title>(.*?)</title>", dom, flags=re.S).group(1)
    assert head_title != "pwned" and head_title.startswith("城管执法案卷合规审计报告")
    assert "pwned" not in head_title
    assert 'data-ready="1"' in dom  # our own script ran, so the CSP hash is right
    assert 'id="headline"' in dom and "审查案件数" in dom
    squad_rows = re.search(r'<table id="squad-table">.*?<tbody>(.*?)</tbody>', dom, flags=re.S).group(1)
    assert squad_rows.count("<tr") == 3 and "南京西路中队" in squad_rows
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text
    assert "<img" not in dom and not re.search(r"<[a-zA-Z][^>]*\sonerror\s*=", dom)
    shown = re.search(r'<b id="f-count">(\d+)</b>', dom).group(1)
    assert int(shown) == len(small_result().findings)


@pytest.mark.browser
def test_filter_script_in_chromium(tmp_path):
    path = tmp_path / "report.html"
    write_html(small_result(), path)
    dom = _dump_dom(path.as_uri() + "#severity=%E4%B8%A5%E9%87%8D&squad=%E6%B1%9F%E5%AE%81%E8%B7%AF%E4%B8%AD%E9%98%9F",
                    tmp_path)
    rows = re.findall(r"<tr data-squad=\"([^\"]+)\" data-theme=\"[^\"]*\" data-severity=\"([^\"]+)\"( hidden=\"\")?",
                      dom)
    visible = [(s, v) for s, v, hidden in rows if not hidden]
    expected = [(f.squad, f.severity) for f in small_result().findings
                if f.squad == "江宁路中队" and f.severity == "严重"]
    assert visible == expected and len(expected) == 2
    assert re.search(r'<b id="f-count">2</b>', dom)


def test_html_deterministic():
    assert render_html(small_result()) == render_html(small_result())
    assert "2026-11-25" in render_html(small_result())  # the as-of date, never "now"


def test_evidence_values_for_people():
    from dataclasses import replace

    r = small_result()
    f0 = replace(r.findings[0], evidence=(("closure_date", None), ("rights_waived", False), ("fine_amount", 200.0)))
    r.findings[0] = f0
    html = render_html(r)
    assert "结案日期：—；当事人放弃陈述申辩及听证：否；罚款金额（元）：200.0" in html


def test_personal_data_shown_only_when_asked():
    shown = render_html(small_result(show_personal_data=True), show_personal_data=True)
    assert "<dd>张三</dd>" in shown and "报告含未脱敏个人信息" in shown
    assert "310101198001011234" in shown  # evidence unmasked too
    masked = render_html(small_result())
    assert "报告含未脱敏个人信息" not in masked and "310101198001011234" not in masked


def _page(html: str, case_id: str) -> str:
    page = html[html.index(f"{case_id} · "):]
    return page[: page.index("</section>")]


def test_case_page_deadline_once_and_missed_deadline_without_finding_marked():
    r = small_result()
    # The same deadline named twice by one rule (two branches) comes out of the engine as two rows.
    # A service deadline passed with no service for a case whose findings are of other rules
    # (in the real pack: no court application is needed once the fine is paid).
    extra = r.deadlines.iloc[[1]].assign(case_id="NJ2026-0001", end=pd.NaT, status="overdue")
    r.deadlines = pd.concat([r.deadlines, r.deadlines.iloc[[3]], extra], ignore_index=True)
    html = render_html(r)
    jd = _page(html, "JD2026-0002")
    assert jd.count("作出处罚决定") == 1
    assert '<td class="st-late">超期</td>' in jd and "未构成问题" not in jd  # OVD-001 has its finding
    nj = _page(html, "NJ2026-0001")
    assert "PRC-003" not in {f.rule_id for f in r.findings if f.case_id == "NJ2026-0001"}
    assert '<td class="st-moot">已超期未办（本案未构成问题）</td>' in nj
    assert '<td class="st-due_soon">即将到期</td>' in nj  # a deadline not missed stays as it is


def test_evidence_names_deadlines_and_derived_facts_in_chinese():
    from dataclasses import replace
    from types import SimpleNamespace

    r = small_result()
    f0 = r.findings[0]
    spec = SimpleNamespace(name="decision", label={"zh": "作出处罚决定", "en": "Decision"}, unit="months")
    r.rules = [SimpleNamespace(**{**vars(x), "deadlines": (spec,)}) if x.id == f0.rule_id else x for x in r.rules]
    r.findings[0] = replace(f0, evidence=(
        ("officer_count", 1), ("recorded_at", "2026-05-01T08:00:00"),
        ("decision.due", "2026-08-04"), ("decision.elapsed", 127), ("decision.over", 37)))
    html = render_html(r)
    assert ("证据：承办人员人数：1；记录时间：2026-05-01 08:00:00；"
            "作出处罚决定：到期日 2026-08-04，已用 127日，超期 37日</div>") in html
    en = render_html(r, lang="en")
    assert "Decision: due 2026-08-04, elapsed 127 calendar days, over 37 calendar days" in en


def test_evidence_deadline_cited_twice_once_nothing_over_unsaid_early_reads_short():
    from dataclasses import replace
    from types import SimpleNamespace

    r = small_result()
    f0 = r.findings[0]
    window = SimpleNamespace(name="window", label={"zh": "申请法院强制执行期限", "en": "court window"},
                             unit="months", check="late")
    lawsuit = SimpleNamespace(name="lawsuit", label={"zh": "当事人起诉期", "en": "lawsuit period"},
                              unit="months", check="early")
    r.rules = [SimpleNamespace(**{**vars(x), "deadlines": (window, window, lawsuit)}) if x.id == f0.rule_id else x
               for x in r.rules]
    r.findings[0] = replace(f0, evidence=(
        ("window.due", "2026-03-16"), ("window.elapsed", 161), ("window.over", 0),
        ("window.due", "2026-03-16"), ("window.elapsed", 161), ("window.over", 0),
        ("lawsuit.due", "2025-12-16"), ("lawsuit.elapsed", 161), ("lawsuit.over", 22)))
    html = render_html(r)
    assert ("证据：申请法院强制执行期限：到期日 2026-03-16，已用 161日；"
            "当事人起诉期：到期日 2025-12-16，已用 161日，提前 22日</div>") in html
