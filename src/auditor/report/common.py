"""Helpers shared by the reporters: picking a language, formatting basis and dates, neutralising
spreadsheet formulas, masking personal data, reading the duck-typed parts of an AuditResult.

Nothing here computes a statistic (that is `summary.py`); these only turn values into text.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any


from auditor.cells import is_missing, neutralise, unneutralise, xml_safe  # noqa: F401 - shared helpers
from auditor.model.fact_fields import case_fact_fields, recording_fact_fields
from auditor.model.fields import TABLES
from auditor.privacy import mask_personal
from auditor.report import labels

# Personal by the field catalogue, as for findings and explain: canonical fields and derived facts alike.
PERSONAL_FIELDS = frozenset(f.name for fs in (*TABLES.values(), case_fact_fields().values(),
                                              recording_fact_fields().values()) for f in fs if f.personal)


def tr(value: Any, lang: str) -> str:
    """Pick `lang` from a {"zh", "en"} dict (falling back to zh); plain strings pass through."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or value.get("en") or "")
    return "" if value is None else str(value)


def to_date(value: Any) -> date | None:
    """A date from a date, datetime, pandas Timestamp or ISO text; None when missing."""
    if is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def iso(value: Any) -> str | None:
    """ISO text for a date/datetime (no time part when it is midnight); None when missing."""
    if is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def plain(value: Any) -> Any:
    """A JSON-safe version of a value: dates as ISO text, tuples as lists, numpy scalars as Python."""
    if is_missing(value):
        return None
    if isinstance(value, (date, datetime)) or hasattr(value, "to_pydatetime"):
        return iso(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        return plain(value.item())
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # Path and anything else: its text


def basis_text(basis: Any, lang: str) -> str:
    """《law》article for each basis, joined by ；, with a mark on secondary/unconfirmed ones."""
    try:
        return _basis_text(tuple(basis or ()), lang)
    except TypeError:  # an unhashable basis entry: format it uncached
        return _basis_text.__wrapped__(tuple(basis or ()), lang)


@lru_cache(maxsize=4096)
def _basis_text(basis: tuple, lang: str) -> str:
    parts = []
    for b in basis:
        law = str(getattr(b, "law", "") or "").strip("《》")
        article = str(getattr(b, "article", "") or "")
        # The citation only: how far a source can be trusted (二手来源, 待确认) and where it was read
        # belong to the rule catalogue, not to a squad's corrections list.
        parts.append(_cite(law, article))
    return "；".join(parts) if lang != "en" else "; ".join(parts)


# A document number alone (静城管政〔2025〕7号), or a title followed by its number in brackets.
_DOC_NO = re.compile(r"^[^\s《》（）]*〔\d{4}〕\d+号$")
_TITLE_NO = re.compile(r"^(?P<title>.+?)(?P<no>（[^（）]*〔\d{4}〕\d+号）)$")


def _cite(law: str, article: str) -> str:
    """A basis as Chinese legal writing cites it: 《title》第…条, 《title》（文号）section; a bare
    document number, a standard, a district parameter or an untraced source is not a title and
    takes no 《》 (a title inside a title takes 〈〉)."""
    if not law:
        return article
    if _DOC_NO.match(law) or law.startswith(("GB ", "GB/T ")):
        return f"{law} {article}".strip()
    if "参数" in law or "未查到" in article or law.startswith(('"', "“")):
        if not article or article.startswith("（"):
            return law + article
        return f"{law}：{article}"
    sep = "" if not article or article.startswith(("第", "（")) else " "
    m = _TITLE_NO.match(law)
    title, number = (m["title"], m["no"]) if m else (law, "")
    title = title.replace("《", "〈").replace("》", "〉")
    return f"《{title}》{number}{sep}{article}"


def basis_list(basis: Any) -> list[dict[str, str]]:
    """Basis entries as plain dicts (a fresh list each call: callers may keep it)."""
    try:
        cached = _basis_list(tuple(basis or ()))
    except TypeError:
        cached = _basis_list.__wrapped__(tuple(basis or ()))
    return [dict(d) for d in cached]


@lru_cache(maxsize=4096)
def _basis_list(basis: tuple) -> tuple[dict[str, str], ...]:
    return tuple(
        {"law": str(getattr(b, "law", "")), "article": str(getattr(b, "article", "")),
         "quote": str(getattr(b, "quote", "")), "confidence": str(getattr(b, "confidence", ""))}
        for b in basis
    )


def stable_json(obj: Any, depth: int, indent: str = "") -> str:
    """Deterministic JSON: sorted keys, no ASCII escaping; containers down to `depth` levels are
    spread one member per line (diffable, one finding per line), deeper ones are compact. Uses
    the C encoder for the compact parts, which `indent=` would disable."""
    if depth > 0 and isinstance(obj, dict) and obj:
        inner = indent + "  "
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {stable_json(obj[k], depth - 1, inner)}"
                 for k in sorted(obj, key=str)]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if depth > 0 and isinstance(obj, list) and obj:
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + stable_json(x, depth - 1, inner) for x in obj) + "\n" + indent + "]"
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def departments_text(departments: Any, lang: str) -> str:
    return ("、" if lang != "en" else ", ").join(str(d) for d in departments or ())


def mask_value(field: str, value: Any, *, organisation: bool = False) -> Any:
    """Mask one value of a personal field by the one policy (auditor.privacy); others pass through."""
    if field not in PERSONAL_FIELDS:
        return value
    return mask_personal(field, value, organisation=organisation)


def masked_evidence(finding: Any, show_personal_data: bool) -> list[tuple[str, Any]]:
    """The finding's evidence pairs with personal fields masked unless asked otherwise."""
    pairs = list(getattr(finding, "evidence", ()) or ())
    if show_personal_data:
        return pairs
    return [(f, mask_value(f, v)) for f, v in pairs]


def masked_rejected_value(row: Any, show_personal_data: bool) -> Any:
    value = getattr(row, "value", None)
    if show_personal_data:
        return value
    return mask_value(str(getattr(row, "field", "") or ""), value)


def field_label(name: str, lang: str, table: str = "cases") -> str:
    """The Chinese label of a canonical or derived field (its name, spaced, in English)."""
    if lang == "en":
        return name.replace("_", " ")
    return _zh_labels(table).get(name) or _zh_labels(None).get(name) or name


def field_text(field: Any, lang: str, table: str = "cases") -> str:
    """A field named in a rejected row or input warning, as people call it, its code kept in brackets
    for whoever fixes the export: 行政处罚决定书文号（decision_no）."""
    name = plain(field)
    if not name:
        return ""
    label = field_label(str(name), lang, table)
    return label if label == name or lang == "en" else f"{label}（{name}）"


@lru_cache(maxsize=8)
def _zh_labels(table: str | None) -> dict[str, str]:
    """name -> 中文 for one table's canonical and derived fields; with None, every table's (the
    table's own label wins when a name is shared)."""
    derived = _derived_labels()
    if table is not None:
        out = dict(derived.get(table, {}))
        out.update({f.name: f.zh for f in TABLES.get(table, ())})
        return out
    out = {}
    for t in reversed(list(TABLES)):
        out.update(_zh_labels(t))
    return out


@lru_cache(maxsize=1)
def _derived_labels() -> dict[str, dict[str, str]]:
    """Chinese labels of the derived facts rules may cite as evidence (declared in enrich/derive.py)."""
    from auditor.model.fact_fields import case_fact_fields, recording_fact_fields

    return {"cases": {n: f.zh for n, f in case_fact_fields().items()},
            "recordings": {n: f.zh for n, f in recording_fact_fields().items()},
            "disclosures": {}}


# A deadline cited in evidence is "<deadline name>.<attr>" (results/finding_text.py); elapsed/over are in the
# deadline's unit, days for month deadlines.
_DEADLINE_ATTR = {"due": ("到期日", "due"), "elapsed": ("已用", "elapsed"), "over": ("超期", "over"),
                  "short": ("提前", "early by"),
                  "start": ("起算日", "start"), "end": ("完成日", "done"), "limit": ("时限", "limit")}


def deadline_specs(rule: Any) -> dict[str, tuple[dict, str, str]]:
    """deadline name -> (label {zh, en}, unit, check "late"|"early") for the deadlines a rule computes."""
    out: dict[str, tuple[dict, str, str]] = {}
    for spec in rule_attr(rule, "deadlines", ()) or ():
        name = str(getattr(spec, "name", "") or "")
        if name and name not in out:
            out[name] = (dict(getattr(spec, "label", {}) or {}), str(getattr(spec, "unit", "") or ""),
                         str(getattr(spec, "check", "late") or "late"))
    return out


def evidence_items(finding: Any, lang: str, show_personal_data: bool, rule: Any = None,
                   table: str = "cases") -> list[tuple[str, str]]:
    """The finding's evidence for people: (label, value text), personal data masked unless asked.
    A deadline's figures (<name>.due / .elapsed / .over) become one item named after the deadline:
    "立案期限（发现至立案）" -> "到期日 2024-10-15，已用 19个工作日，超期 4个工作日"; nothing over is not
    said, and for a minimum wait (check "early") the shortfall reads 提前."""
    specs = deadline_specs(rule) if rule is not None else {}
    out: list[tuple[str, str]] = []
    grouped: dict[str, tuple[int, set]] = {}  # deadline name -> (index in out, attrs already shown)
    for name, value in masked_evidence(finding, show_personal_data):
        name = str(name)
        base, _, attr = name.rpartition(".")
        if not (base and attr in _DEADLINE_ATTR):
            out.append((field_label(name, lang, table), evidence_text(value, lang)))
            continue
        label, unit, check = specs.get(base, ({}, "", "late"))
        if base not in grouped:
            grouped[base] = (len(out), set())
            out.append((tr(label, lang) if label else base, ""))
        i, attrs = grouped[base]
        if attr in attrs:
            continue  # a rule naming the same deadline twice cites it twice
        attrs.add(attr)
        if attr == "over" and value in (0, None):
            continue
        shown = param_text(value, lang)
        if attr in ("elapsed", "over") and shown != "—" and unit:
            unit = "calendar_days" if unit == "months" else unit  # month deadlines count days
            shown += (" " if lang == "en" else "") + labels.unit_label(unit, lang)
        part = labels._pick(_DEADLINE_ATTR["short" if attr == "over" and check == "early" else attr], lang)
        sep = ("，" if lang != "en" else ", ") if out[i][1] else ""
        out[i] = (out[i][0], f"{out[i][1]}{sep}{part} {shown}")
    return out


_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)$")


def evidence_text(value: Any, lang: str) -> str:
    """An evidence value for people: as `param_text`, with a date-time shown as 'YYYY-MM-DD hh:mm:ss'."""
    text = param_text(value, lang, full=True)
    m = _ISO_DATETIME.match(text)
    return f"{m.group(1)} {m.group(2)}" if m else text




# --- duck-typed accessors for the parts of AuditResult whose classes live elsewhere --------------

def rule_attr(rule: Any, name: str, default: Any = None) -> Any:
    if isinstance(rule, dict):
        return rule.get(name, default)
    return getattr(rule, name, default)


def load_counts(result: Any) -> list[tuple[str, int, int, int]]:
    """(table, rows_in, loaded, rejected) per table, in the canonical table order then by name."""
    counts = getattr(getattr(result, "load", None), "counts", None) or {}
    order = {t: i for i, t in enumerate(TABLES)}
    out = []
    for table in sorted(counts, key=lambda t: (order.get(t, len(order)), t)):
        c = counts[table]
        out.append((table, int(rule_attr(c, "rows_in", 0)), int(rule_attr(c, "loaded", 0)),
                    int(rule_attr(c, "rejected", 0))))
    return out


def load_list(result: Any, name: str) -> list[Any]:
    return list(getattr(getattr(result, "load", None), name, None) or [])


def profile_name(result: Any) -> str:
    prof = (result.metadata or {}).get("profile") or {}
    return str(prof.get("name") or "")


def profile_params(result: Any) -> list[tuple[str, Any]]:
    prof = (result.metadata or {}).get("profile") or {}
    params = prof.get("params") or {}
    return sorted(params.items(), key=lambda kv: str(kv[0]))


def param_descriptions(result: Any, lang: str) -> dict[str, str]:
    """Parameter name -> its one-line description, from the run metadata when it carries them, else
    from the declarations the pipeline put in the result (a reporter never reads the rule pack)."""
    meta = result.metadata or {}
    given = (meta.get("profile") or {}).get("descriptions")
    if isinstance(given, dict):
        return {str(k): tr(v, lang) for k, v in given.items() if tr(v, lang)}
    declared = getattr(result, "param_descriptions", None) or {}
    return {str(k): tr(v, lang) for k, v in sorted(declared.items()) if tr(v, lang)}


def param_value_text(name: str, value: Any, lang: str, *, full: bool = False) -> str:
    """A parameter's value for people; coded values (e.g. recording stages) in Chinese."""
    codes = labels.PARAM_VALUE_LABELS.get(name)
    if codes and isinstance(value, (list, tuple)) and lang != "en":
        value = [codes.get(str(v), v) for v in value]
    return param_text(value, lang, full=full)


def profile_overrides(result: Any) -> set[str]:
    """Names of the parameters the district profile sets (the rest are the pack's defaults)."""
    prof = (result.metadata or {}).get("profile") or {}
    return {str(x) for x in prof.get("overrides") or ()}


def param_text(value: Any, lang: str, *, full: bool = False) -> str:
    """A parameter (or evidence) value for people: missing as —, booleans as 是/否, scalars as is,
    short lists joined; a table (list of mappings) as its size, or as compact JSON when `full`."""
    value = plain(value)
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang != "en" else ("yes" if value else "no")
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ("、" if lang != "en" else ", ").join(str(v) for v in value)
    if isinstance(value, (list, dict)):
        if full:
            return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return f"{len(value)} 项（详见 Excel/JSON）" if lang != "en" else f"{len(value)} entries (see Excel/JSON)"
    return str(value)


def source_of(result: Any) -> dict[str, tuple[str, int | None]]:
    """case_id -> (export file, line) from the case table's `_file` / `_line`, when known."""
    cases = getattr(result, "cases", None)
    if cases is None or len(cases) == 0 or "case_id" not in cases.columns:
        return {}
    files = cases["_file"].tolist() if "_file" in cases.columns else [None] * len(cases)
    lines = cases["_line"].tolist() if "_line" in cases.columns else [None] * len(cases)
    out = {}
    for cid, f, ln in zip(cases["case_id"].tolist(), files, lines):
        if cid is None or is_missing(f) or not f:
            continue
        out[str(cid)] = (str(f), None if is_missing(ln) else int(ln))
    return out


def source_text(src: tuple[str, int | None] | None) -> str:
    if not src:
        return ""
    return src[0] + (f":{src[1]}" if src[1] else "")
