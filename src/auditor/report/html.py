"""The HTML report (`report.html`): one self-contained file for a browser and for print.

No network at all: inline CSS, SVG charts drawn in Python (charts.py), a small inline script for the
findings filter, and a strict Content-Security-Policy whose script-src is the script's own hash.
The jinja2 template autoescapes everything; the script only reads attributes and writes
`textContent`, never HTML. Per-case pages exist only for cases with findings and are capped
(`max_case_sections`, default 2,000) with a note pointing to the Excel/JSON reports.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from auditor.scoring import describe as describe_score
from auditor import __version__
from auditor.atomic import atomic_write_text
from auditor.findings import SEVERITIES
from auditor.model.fields import CASE_FIELDS, TABLE_ZH
from auditor.report import charts, labels
from auditor.report.common import (
    basis_text, departments_text, evidence_items, field_label, field_text, is_missing, iso, load_counts, load_list, mask_value,
    masked_rejected_value, param_descriptions, param_value_text, plain, profile_name, profile_overrides,
    profile_params, rule_attr, source_of, source_text, tr, xml_safe,
)
from auditor.report.html_cases import case_sections, finding_view
from auditor.report.progress_chart import progress_section
from auditor.report.summary import Summary, summarize

DEFAULT_MAX_CASE_SECTIONS = 2000
DEFAULT_MAX_TABLE_ROWS = 20000
MAX_LOAD_ROWS = 500  # rejected rows / input warnings listed in the HTML (all of them are in xlsx/JSON)

TEMPLATE_DIR = Path(__file__).parent / "templates"

# The filter script. It reads data-* attributes and textContent and writes only textContent /
# hidden, so no case text is ever parsed as HTML. Its sha256 goes into the CSP.
SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  if (!table) { document.body.setAttribute("data-ready", "1"); return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var squad = document.getElementById("f-squad"), theme = document.getElementById("f-theme");
  var sev = document.getElementById("f-severity"), text = document.getElementById("f-text");
  var count = document.getElementById("f-count");
  function apply() {
    var s = squad.value, t = theme.value, v = sev.value, q = text.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!s || r.getAttribute("data-squad") === s) &&
               (!t || r.getAttribute("data-theme") === t) &&
               (!v || r.getAttribute("data-severity") === v) &&
               (!q || texts[i].indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = String(shown);
  }
  // A link may carry a filter: report.html#squad=...&severity=...&q=...
  var fields = { squad: squad, theme: theme, severity: sev, q: text };
  location.hash.slice(1).split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i < 1 || !Object.prototype.hasOwnProperty.call(fields, kv.slice(0, i))) { return; }
    try { fields[kv.slice(0, i)].value = decodeURIComponent(kv.slice(i + 1)); } catch (e) { /* bad escape */ }
  });
  [squad, theme, sev].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  apply();
  document.body.setAttribute("data-ready", "1");
})();
"""


def script_hash(script: str = SCRIPT) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def content_security_policy() -> str:
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src '{script_hash()}'; base-uri 'none'; form-action 'none'")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


def _charts(result: Any, summary: Summary, lang: str) -> dict[str, Any]:
    themes = [t for t in summary.themes if summary.total.by_theme.get(t)]
    colors = charts.theme_colors(summary.themes)
    squad_theme = charts.stacked_bars(
        [(s.squad, s.by_theme) for s in summary.squads],
        [(t, labels.theme_label(t, lang)) for t in themes], colors,
        title=labels.text("chart_squad_theme", lang),
    )
    titles = {str(rule_attr(r, "id")): r for r in result.rules}
    rule_rows = []
    for rid, n in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        if not n:
            continue
        rule = titles.get(rid)
        title = tr(rule_attr(rule, "title"), lang) if rule is not None else ""
        theme = str(rule_attr(rule, "theme", "")) if rule is not None else ""
        rule_rows.append((f"{rid} {title}", f"{rid} {title}", n, colors.get(theme, "#555")))
    by_rule = charts.simple_bars(rule_rows, title=labels.text("chart_rule", lang))
    return {"squad_theme": squad_theme, "by_rule": by_rule, "has_rules": bool(rule_rows)}


def reading_order(findings: list, summary: Summary) -> list:
    """The order a supervisor reads findings in: 严重 first, then by squad rank, then case (the
    result's own order breaks ties). Case pages follow it, so a cap keeps the most serious cases."""
    rank = {s.squad: s.rank for s in summary.squads}
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (sev.get(f.severity, len(sev)), rank.get(f.squad, len(rank) + 1),
                                           f.squad, f.case_id))


def _table_label(table: str, lang: str) -> str:
    return table if lang == "en" else TABLE_ZH.get(table, table)


def _warning_table(w: Any, meta: dict) -> str:
    """The table an input warning's file holds (from the run's inputs), default cases."""
    f = str(getattr(w, "file", "") or "")
    for i in meta.get("inputs") or []:
        if str(i.get("path", "")) == f:
            return str(i.get("table") or "cases")
    return "cases"


def page_context(result: Any, lang: str, show_personal_data: bool) -> dict[str, Any]:
    """What every page of the report shows or needs: the header (as-of date, profile in force, rule
    pack, engine), the UI strings and the CSP."""
    meta = result.metadata or {}
    pack = meta.get("rule_pack") or {}
    prof = meta.get("profile") or {}
    overrides = profile_overrides(result)
    descriptions = param_descriptions(result, lang)
    return {
        "lang": lang,
        "html_lang": "en" if lang == "en" else "zh-CN",
        "t": lambda key, **kw: labels.text(key, lang, **kw),
        "csp": content_security_policy(),
        "script": Markup(SCRIPT),  # our own constant, hashed into the CSP
        # Markup: a constant of ours inside <style>, where an escaped quote would break the CSS.
        "css_font": Markup("'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', "
                           "'WenQuanYi Micro Hei', sans-serif"),
        "c": "：" if lang != "en" else ": ", "sep": "、" if lang != "en" else ", ",
        "semi": "；" if lang != "en" else "; ", "lp": "（" if lang != "en" else " (",
        "rp": "）" if lang != "en" else ")",
        "as_of": result.as_of.isoformat(),
        "page_title": "",
        "profile": {"name": profile_name(result), "path": str(prof.get("path") or ""),
                    "params": [(str(k), param_value_text(str(k), v, lang), str(k) in overrides, descriptions.get(str(k), ""))
                               for k, v in profile_params(result)]},
        "rule_pack": {"version": str(pack.get("version") or ""), "path": str(pack.get("path") or ""),
                      "rules": pack.get("rules", len(result.rules))},
        "engine": labels.engine_label(result, lang),
        "mapping_profile": labels.mapping_label(str(meta.get("mapping_profile") or ""), lang),
        "tool_version": str(meta.get("tool_version") or __version__),
        "squad_filter": meta.get("squad_filter"),
        "personal_shown": bool(show_personal_data),
        "severities": [(s, labels.severity_label(s, lang), f"sev{i}") for i, s in enumerate(SEVERITIES)],
        "warnings_note": "",
    }


def warning_view(w: Any, lang: str) -> dict[str, Any]:
    return {"due": iso(w.due), "days_left": int(w.days_left), "squad": w.squad, "case_id": w.case_id,
            "rule_id": w.rule_id, "label": tr(w.label, lang), "urgent": int(w.days_left) <= 3}


def build_context(result: Any, *, lang: str = "zh", show_personal_data: bool = False,
                  max_case_sections: int = DEFAULT_MAX_CASE_SECTIONS,
                  max_table_rows: int = DEFAULT_MAX_TABLE_ROWS, paged: dict | None = None,
                  summary: Summary | None = None) -> dict[str, Any]:
    """The context of report.html. With `paged` (from html_pages) it is the summary page of a report
    split into squad and case pages: no findings table or case pages of its own, links instead."""
    summary = summary or summarize(result)
    meta = result.metadata or {}
    rules = {str(rule_attr(r, "id")): r for r in result.rules}
    if paged is None:
        ordered = reading_order(result.findings, summary)
        pages, omitted, anchors = case_sections(result, ordered, lang, show_personal_data,
                                                 max(0, max_case_sections), source_of(result), rules)
        table = [dict(finding_view(f, lang, show_personal_data, rules),
                      href=f"#{anchors[f.case_id]}" if f.case_id in anchors else "")
                 for f in ordered[:max(0, max_table_rows)]]
        warnings = result.warnings
    else:
        pages, omitted, table = [], 0, []
        warnings = result.warnings[:MAX_LOAD_ROWS]
    tot = summary.total
    counts = load_counts(result)
    rejected = load_list(result, "rejected")
    in_warnings = load_list(result, "warnings")
    return {
        **page_context(result, lang, show_personal_data),
        "paged": paged is not None,
        "squad_pages": (paged or {}).get("squads", []),
        "squad_links": (paged or {}).get("links", {}),
        "notices": [{"code": n.code, "message": tr(n.message, lang), "count": n.count, "detail": list(n.detail)}
                    for n in result.notices],
        "headline": {
            "cases": tot.cases, "cases_with_findings": tot.cases_with_findings, "findings": tot.findings,
            "partial": any(n.code == "partial_read" for n in result.notices),
            "by_severity": [(s, labels.severity_label(s, lang), tot.by_severity[s], f"sev{i}")
                            for i, s in enumerate(SEVERITIES)],
            "score": f"{tot.score:.2f}", "warnings": tot.warnings,
            "rejected": sum(c[3] for c in counts), "rows_in": sum(c[1] for c in counts),
            "pct": f"{100 * tot.cases_with_findings / tot.cases:.1f}%" if tot.cases else "—",
        },
        "coverage": undetermined_view(result, lang),
        "squads": summary.squads,
        "themes": [(t, labels.theme_label(t, lang)) for t in summary.themes],
        "score_note": describe_score(summary.model, lang, labels.severity_label),
        "charts": _charts(result, summary, lang),
        "progress": progress_section(getattr(result, "tracking", None), lang),
        "filter_squads": [s.squad for s in summary.squads],
        "table": table,
        "table_total": len(result.findings),
        "table_note": labels.text("cap_table", lang, cap=max_table_rows, n=len(result.findings))
        if paged is None and len(result.findings) > len(table) else "",
        "warnings": [warning_view(w, lang) for w in warnings],
        "warnings_note": labels.text("cap_warnings", lang, cap=len(warnings), n=len(result.warnings))
        if len(result.warnings) > len(warnings) else "",
        "load": [{"table": t, "table_label": t if lang == "en" else TABLE_ZH.get(t, t), "rows_in": i,
                  "loaded": ok, "rejected": rej, "reconciles": i == ok + rej} for t, i, ok, rej in counts],
        "rejected": [{"table": _table_label(str(r.table), lang), "file": str(r.file), "line": plain(r.line),
                      "field": field_text(r.field, lang, str(r.table)),
                      "reason": str(r.reason), "value": plain(masked_rejected_value(r, show_personal_data))}
                     for r in rejected[:MAX_LOAD_ROWS]],
        "rejected_more": max(0, len(rejected) - MAX_LOAD_ROWS),
        "input_warnings": [{"code": str(w.code), "file": plain(w.file), "line": plain(w.line),
                            "field": field_text(w.field, lang, _warning_table(w, meta)), "message": str(w.message)}
                           for w in in_warnings[:MAX_LOAD_ROWS]],
        "input_warnings_more": max(0, len(in_warnings) - MAX_LOAD_ROWS),
        "inputs": [{"path": str(i.get("path", "")), "table": _table_label(str(i.get("table") or ""), lang),
                    "form": labels.form_label(str(i.get("form") or ""), lang), "rows": i.get("rows")}
                   for i in meta.get("inputs") or []],
        "pages": pages,
        "pages_note": labels.text("cap_cases", lang, n=omitted, cap=max_case_sections) if omitted else "",
    }


def render(template: str, ctx: dict[str, Any]) -> str:
    # Control characters from case text are parse errors in HTML (never meaningful): dropped here, once.
    return xml_safe(_environment().get_template(template).render(**ctx))


def render_html(result: Any, *, lang: str = "zh", show_personal_data: bool = False,
                max_case_sections: int = DEFAULT_MAX_CASE_SECTIONS,
                max_table_rows: int = DEFAULT_MAX_TABLE_ROWS) -> str:
    """The report as one page (whatever its size; `write_html` splits a large report into pages)."""
    return render("report.html.j2", build_context(result, lang=lang, show_personal_data=show_personal_data,
                                                  max_case_sections=max_case_sections,
                                                  max_table_rows=max_table_rows))


MAX_UNDETERMINED_ROWS = 500  # the full list is in the workbook and findings.json


def undetermined_view(result: Any, lang: str) -> dict | None:
    """The coverage line and the 无法判定 items (数据缺失，待核实): per rule, per squad, the first few."""
    from auditor.coverage import coverage_line

    coverage = getattr(result, "coverage", None)
    if coverage is None:
        return None
    items = list(getattr(result, "undetermined", ()) or ())
    by_rule: dict[str, list] = {}
    by_squad: dict[str, int] = {}
    for u in items:
        entry = by_rule.setdefault(u.rule_id, [u.rule_id, tr(u.title, lang), 0, {}])
        entry[2] += 1
        label = tr(u.missing_labels, lang)
        entry[3][label] = entry[3].get(label, 0) + 1
        by_squad[u.squad] = by_squad.get(u.squad, 0) + 1
    rules = [(rid, title, n, ("；" if lang == "zh" else "; ").join(sorted(labels_, key=lambda x: -labels_[x])[:3]))
             for rid, title, n, labels_ in sorted(by_rule.values(), key=lambda e: (-e[2], e[0]))]
    return {
        "line": coverage_line(coverage, len(items), lang), "total": len(items), "by_rule": rules,
        "by_squad": sorted(by_squad.items(), key=lambda kv: (-kv[1], kv[0])),
        "rows": [(u.squad, u.case_id, u.rule_id, tr(u.title, lang), u.subject, tr(u.missing_labels, lang))
                  for u in items[:MAX_UNDETERMINED_ROWS]],
        "more": max(0, len(items) - MAX_UNDETERMINED_ROWS),
    }
