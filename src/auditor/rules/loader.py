"""Load the rule pack: YAML files → validated, parsed `Rule` objects.

Checks, each reported as `file:line 规则 ID 键 KEY: message` with "did you mean" where it helps:
the JSON Schema of a rule file (unknown keys are errors, never ignored), duplicate keys, duplicate
rule ids, unknown fields, operators and parameters, template placeholders, and examples that name
unknown fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jsonschema

from auditor.model.fact_fields import case_fact_fields, recording_fact_fields
from auditor.errors import RuleError
from auditor.findings import Basis
from auditor.model.fields import TABLES
from auditor.packdata import PACK_META, default_pack_path  # noqa: F401  (default_pack_path re-exported)
from auditor.rules.condition_parser import ParseContext, parse_condition
from auditor.rules.conditions import ALWAYS_TRUE
from auditor.suggest import did_you_mean
from auditor.rules.emptiness import parse_empty
from auditor.rules.model import DueRule, Effective, Example, Rule
from auditor.rules.params import Param, load_param_declarations
from auditor.rules.placeholders import DEADLINE_ATTRS, placeholders
from auditor.yamlio import LineDict, load_yaml, read_config_bytes

PARAMS_FILE = "params.yaml"
NON_RULE_FILES = {PACK_META, PARAMS_FILE}


@dataclass
class RulePack:
    path: str
    name: str
    version: str
    sha256: str
    rules: list[Rule]
    params: dict[str, Param]
    files: list[str] = field(default_factory=list)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def as_metadata(self) -> dict:
        return {"path": self.path, "name": self.name, "version": self.version, "sha256": self.sha256,
                "rules": len(self.rules)}


def _schema() -> dict:
    return json.loads((resources.files("auditor") / "data" / "rule.schema.json").read_text(encoding="utf-8"))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def rule_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*.yaml") if p.name not in NON_RULE_FILES) + sorted(
        p for p in path.glob("*.yml") if p.name not in NON_RULE_FILES)


def load_rule_pack(path: str | Path | None = None, extra_files: list[Path] | None = None) -> RulePack:
    """Load every rule file of a pack directory (or selected files of the default pack)."""
    pack_dir = Path(path) if path else default_pack_path()
    if not pack_dir.exists():
        raise RuleError("规则目录不存在", file=str(pack_dir))
    if pack_dir.is_file():
        files, pack_dir = [pack_dir], pack_dir.parent
        if not (pack_dir / PARAMS_FILE).exists():
            pack_dir = default_pack_path()
    else:
        files = rule_files(pack_dir)
    files += list(extra_files or [])
    if not files:
        raise RuleError("规则目录中没有规则文件（*.yaml）", file=str(pack_dir))
    meta = load_yaml(pack_dir / PACK_META) if (pack_dir / PACK_META).exists() else {}
    params = load_param_declarations(pack_dir / PARAMS_FILE) if (pack_dir / PARAMS_FILE).exists() else {}
    digest = hashlib.sha256()
    raw_files = []
    for f in sorted(set(files)) + [pack_dir / PARAMS_FILE]:
        if f.exists():
            digest.update(f.name.encode() + b"\0" + read_config_bytes(f) + b"\0")
    schema = _schema()
    validator = jsonschema.Draft202012Validator(schema)
    definitions: dict = {}
    for f in files:
        data = load_yaml(f)
        _validate(validator, data, str(f))
        raw_files.append((f, data))
        defs = data.get("definitions") or {}
        for name, body in defs.items():
            if name in definitions:
                raise RuleError(f"条件定义 {name!r} 重复（另见 {definitions[name][3]}）", file=str(f),
                                line=defs.line_of(name))
            definitions[name] = (body, defs, name, str(f))
    defs_for_parse = {k: v[:3] for k, v in definitions.items()}
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for f, data in raw_files:
        items = data.get("rules") or []
        for i, raw in enumerate(items):
            rule = parse_rule(raw, str(f), params, defs_for_parse)
            if rule.id in seen:
                raise RuleError(f"规则编号重复（另见 {seen[rule.id]}）", file=str(f), line=items.line_of(i),
                                rule_id=rule.id)
            seen[rule.id] = f"{f}:{items.line_of(i)}"
            rules.append(rule)
    rules.sort(key=lambda r: r.id)
    return RulePack(path=str(pack_dir), name=str(meta.get("name", "auditor 规则包")),
                    version=str(meta.get("version", "0")), sha256=digest.hexdigest(), rules=rules, params=params,
                    files=[str(f) for f in files])


def _validate(validator, data, filename: str) -> None:
    if not isinstance(data, dict):
        raise RuleError("规则文件的顶层应为映射（definitions: / rules:）", file=filename)
    errors = sorted(validator.iter_errors(_jsonable(data)), key=lambda e: (len(e.absolute_path), str(e.path)))
    if not errors:
        return
    err = _most_specific(errors)
    node, key, line, rule_id = _locate(data, list(err.absolute_path))
    if err.validator == "additionalProperties":
        allowed = set(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - allowed)
        bad = extra[0] if extra else "?"
        line = node.line_of(bad) if isinstance(node, LineDict) and bad in node else line
        raise RuleError(f"未知的键 {bad!r}{did_you_mean(bad, allowed)}", file=filename, line=line,
                        rule_id=rule_id, key=bad)
    if err.validator == "required":
        raise RuleError(f"缺少必填键: {err.message.split(' ')[0]}", file=filename, line=line, rule_id=rule_id,
                        key=key)
    if err.validator == "enum":
        raise RuleError(f"值 {err.instance!r} 无效；可选: {', '.join(map(str, err.validator_value))}"
                        f"{did_you_mean(str(err.instance), map(str, err.validator_value))}",
                        file=filename, line=line, rule_id=rule_id, key=key)
    raise RuleError(f"格式不符合规则文件 schema: {err.message}", file=filename, line=line, rule_id=rule_id, key=key)


def _most_specific(errors):
    best = jsonschema.exceptions.best_match(errors)
    # best_match prefers shallow errors; an unknown key deep inside a rule is the more useful one.
    deepest = max(errors, key=lambda e: len(e.absolute_path))
    for e in errors:
        if e.validator == "additionalProperties" and len(e.absolute_path) >= len(best.absolute_path):
            return e
    return deepest if len(deepest.absolute_path) > len(best.absolute_path) else best


def _locate(data, path: list):
    """Walk a JSON path into the line-annotated YAML: (node, last key, line, rule id)."""
    node, key, line, rule_id = data, None, getattr(data, "line", None), None
    for step in path:
        parent = node
        if isinstance(parent, dict) and step in parent:
            line = parent.line_of(step) if hasattr(parent, "line_of") else line
            node = parent[step]
            key = step
        elif isinstance(parent, list) and isinstance(step, int) and step < len(parent):
            line = parent.line_of(step) if hasattr(parent, "line_of") else line
            node = parent[step]
        else:
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str) and rule_id is None and "violation" in node:
            rule_id = node["id"]
    if isinstance(node, dict) and getattr(node, "line", None):
        line = line or node.line
    return node, key, line, rule_id


def parse_rule(raw: LineDict, filename: str, params: dict[str, Param], definitions: dict) -> Rule:
    rule_id = raw["id"]
    scope = raw.get("scope", "case")
    fields = case_fact_fields() if scope == "case" else recording_fact_fields()
    ctx = ParseContext(file=filename, rule_id=rule_id, fields=fields, params=params, definitions=definitions)
    applies = parse_condition(raw["applies"], ctx, raw, "applies") if "applies" in raw else ALWAYS_TRUE
    violation = parse_condition(raw["violation"], ctx, raw, "violation")
    declared = list(raw.get("params") or [])
    for name in declared:
        if name not in params:
            raise ctx.error(f"未知参数 {name!r}{did_you_mean(name, params)}", raw, "params")
    due_raw = raw["due"]
    unit, amount = next(iter(due_raw.items()))
    if isinstance(amount, dict):
        amount = ctx.param(amount["param"], due_raw, unit)
    due = DueRule(amount=amount, unit=unit)
    for name in ctx.used_params:
        if name not in declared:
            declared.append(name)
    deadlines = {k.split("/", 1)[1] for k in ctx.deadlines}
    subject = raw.get("subject") or ("recording_id" if scope == "recording" else None)
    if subject:
        ctx.field(subject, raw, "subject")
    effective = None
    if "effective" in raw:
        eff = raw["effective"]
        names = eff["field"] if isinstance(eff["field"], list) else [eff["field"]]
        for name in names:
            ctx.field(name, eff, "field")
        effective = Effective(tuple(names), _date(eff.get("from"), ctx, eff, "from"),
                              _date(eff.get("until"), ctx, eff, "until"))
    for part in ("message", "correction"):
        for lang in ("zh", "en"):
            _check_template(raw[part][lang], ctx, raw[part], lang, fields, params, deadlines)
    basis = tuple(Basis(b["law"], b["article"], b["quote"], b["confidence"], b.get("source", ""))
                  for b in raw["basis"])
    empty = parse_empty(raw.get("empty"), ctx, scope, (applies, violation))
    examples = []
    for kind in ("fire", "pass", "unknown"):
        items = raw["examples"].get(kind) or []
        for i, ex in enumerate(items):
            examples.append(_example(kind, ex, ctx, items.line_of(i), params))
    return Rule(
        id=rule_id, title=dict(raw["title"]), theme=raw["theme"], severity=raw["severity"], scope=scope,
        basis=basis, description=dict(raw.get("description") or {"zh": "", "en": ""}), applies=applies,
        violation=violation, params=tuple(declared), message=dict(raw["message"]),
        correction=dict(raw["correction"]), departments=tuple(raw["departments"]), due=due,
        effective=effective, subject=subject, examples=tuple(examples), file=filename, line=raw.line,
        tags=tuple(raw.get("tags") or ()), empty=empty, departments_if=_departments_if(raw, ctx, fields),
    )


def _departments_if(raw, ctx, fields) -> tuple[tuple[str, str], ...]:
    """`departments_if: {拆违专班: illegal_building}`: extra departments named only where a yes/no fact holds."""
    given = raw.get("departments_if") or {}
    out = []
    for dept, name in given.items():
        ctx.field(name, given, dept)
        if fields[name].kind != "bool":
            raise ctx.error(f"departments_if 的条件须为是/否字段，{name} 不是", given, dept)
        out.append((str(dept), name))
    return tuple(out)


def _date(value, ctx, owner, key):
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ctx.error(f"日期 {value!r} 应写作 YYYY-MM-DD", owner, key) from None


def _check_template(text: str, ctx, owner, key, fields, params, deadlines) -> None:
    for name in placeholders(text):
        head, _, rest = name.partition(".")
        if head == "param":
            if rest not in params:
                raise ctx.error(f"模板引用了未知参数 {rest!r}{did_you_mean(rest, params)}", owner, key)
        elif head == "dl":
            dname, _, attr = rest.partition(".")
            if dname not in deadlines:
                raise ctx.error(f"模板引用了未知期限 {dname!r}{did_you_mean(dname, deadlines)}", owner, key)
            if attr not in DEADLINE_ATTRS:
                raise ctx.error(f"期限属性 {attr!r} 无效{did_you_mean(attr, DEADLINE_ATTRS)}；可选: "
                                f"{', '.join(DEADLINE_ATTRS)}", owner, key)
        elif name not in fields and name not in ("as_of", "case_id", "squad", "correction_due"):
            raise ctx.error(f"模板引用了未知字段 {name!r}{did_you_mean(name, fields)}", owner, key)


_EXAMPLE_META = {"recordings", "disclosures", "as_of", "params", "note", "unsupplied"}


def _example(kind: str, raw, ctx, line: int, params) -> Example:
    if not isinstance(raw, dict):
        raise ctx.error("示例应为映射（部分案件记录）", None, None)
    case = {}
    for key, value in raw.items():
        if key in _EXAMPLE_META:
            continue
        if key not in {f.name for f in TABLES["cases"]}:
            raise RuleError(f"示例中的未知案件字段 {key!r}{did_you_mean(str(key), [f.name for f in TABLES['cases']])}",
                            file=ctx.file, line=raw.line_of(key), rule_id=ctx.rule_id, key=key)
        case[key] = value
    for table in ("recordings", "disclosures"):
        names = {f.name for f in TABLES[table]}
        for row in raw.get(table) or []:
            if not isinstance(row, dict):
                raise ctx.error(f"示例的 {table} 应为映射列表", raw, table)
            for key in row:
                if key not in names:
                    raise RuleError(f"示例 {table} 中的未知字段 {key!r}{did_you_mean(str(key), names)}",
                                    file=ctx.file, line=row.line_of(key), rule_id=ctx.rule_id, key=key)
    for key in raw.get("params") or {}:
        if key not in params:
            raise RuleError(f"示例中的未知参数 {key!r}{did_you_mean(str(key), params)}", file=ctx.file,
                            line=raw.line_of("params"), rule_id=ctx.rule_id, key=key)
    unsupplied = raw.get("unsupplied") or []
    known = {t: {f.name for f in fs} for t, fs in TABLES.items()}
    if not isinstance(unsupplied, list) or not all(
            isinstance(u, str) and (u in ("recordings", "disclosures") or u in known["cases"]
                                    or u.partition(".")[0] in known and u.partition(".")[2] in
                                    known[u.partition(".")[0]]) for u in unsupplied):
        raise ctx.error("示例的 unsupplied 应为列表：表名（recordings、disclosures）、案件字段名或 表名.字段名",
                        raw, "unsupplied")
    as_of = raw.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        raise ctx.error("示例的 as_of 应写作 YYYY-MM-DD", raw, "as_of")
    return Example(kind=kind, case=case, recordings=tuple(raw.get("recordings") or ()),
                   disclosures=tuple(raw.get("disclosures") or ()), as_of=as_of,
                   params=dict(raw.get("params") or {}), note=str(raw.get("note", "")), line=line,
                   unsupplied=tuple(unsupplied))
