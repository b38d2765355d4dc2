"""Parameters: every number the law leaves to a district (or that is only [S] / UNCONFIRMED).

The rule pack declares each parameter once (`rules/params.yaml`: default, type, confidence, basis);
a district profile (YAML) overrides values by name. The profile in force is named in every report.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import ConfigError
from auditor.model.values import DATE_MAX, DATE_MIN
from auditor.suggest import did_you_mean, first_unknown
from auditor.yamlio import load_yaml

MAX_TABLE_BYTES = 20_000_000
PARAM_TYPES = ("int", "number", "bool", "list", "date", "table", "map")
_PARAM_KEYS = {"default", "type", "unit", "confidence", "basis", "description", "columns", "min", "max"}
# The range a number may take when its declaration names none: no count of days, months, yuan or
# points is negative, and none is astronomically large (10**20 days overflowed the date arithmetic).
_UNIT_MAX = {"calendar_days": 3660, "working_days": 2600, "months": 1200}
_DEFAULT_MAX = 10**9


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    type: str
    unit: str = ""
    confidence: str = "P"
    basis: str = ""
    description: dict = field(default_factory=dict)
    columns: tuple = ()  # a `table` parameter's required CSV columns
    min: float | None = None  # numbers: the declared range (default 0 .. by unit, see _UNIT_MAX)
    max: float | None = None

    def bounds(self) -> tuple[float, float]:
        low = 0 if self.min is None else self.min
        high = _UNIT_MAX.get(self.unit, _DEFAULT_MAX) if self.max is None else self.max
        return low, high


@dataclass(frozen=True)
class Profile:
    name: str
    path: str | None
    values: dict  # name -> value, complete (defaults filled in)
    overrides: tuple[str, ...] = ()

    def as_metadata(self) -> dict:
        return {"name": self.name, "path": self.path,
                "params": {k: _jsonable(v) for k, v in sorted(self.values.items())},
                "overrides": list(self.overrides)}


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def load_param_declarations(path: Path) -> dict[str, Param]:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("params"), dict):
        raise ConfigError("参数声明文件须包含 params: 映射", file=str(path))
    out: dict[str, Param] = {}
    body = data["params"]
    for name, spec in body.items():
        line = body.line_of(name)
        if not isinstance(spec, dict):
            raise ConfigError(f"参数 {name} 的声明应为映射", file=str(path), line=line)
        key = first_unknown(spec, _PARAM_KEYS)
        if key is not None:
            raise ConfigError(f"参数 {name} 含未知键 {key!r}{did_you_mean(key, _PARAM_KEYS)}",
                              file=str(path), line=spec.line_of(key))
        ptype = spec.get("type", "int")
        if ptype not in PARAM_TYPES:
            raise ConfigError(f"参数 {name} 的类型 {ptype!r} 无效；可选: {', '.join(PARAM_TYPES)}",
                              file=str(path), line=spec.line_of("type"))
        if "default" not in spec:
            raise ConfigError(f"参数 {name} 缺少 default", file=str(path), line=line)
        if spec.get("confidence", "P") not in ("P", "S", "UNCONFIRMED"):
            raise ConfigError(f"参数 {name} 的 confidence 须为 P、S 或 UNCONFIRMED", file=str(path), line=line)
        description = spec.get("description") or {}
        if not isinstance(description, dict) or set(description) - {"zh", "en"} or not all(
                isinstance(v, str) for v in description.values()):
            raise ConfigError(f"参数 {name} 的 description 应为 {{zh: 文本, en: 文本}}（含逗号的文本请加引号）",
                              file=str(path), line=spec.line_of("description"))
        columns = spec.get("columns") or []
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ConfigError(f"参数 {name} 的 columns 应为列名列表", file=str(path), line=spec.line_of("columns"))
        param = Param(name=name, default=spec["default"], type=ptype, unit=str(spec.get("unit", "")),
                      confidence=spec.get("confidence", "P"), basis=str(spec.get("basis", "")),
                      description=dict(spec.get("description") or {}),
                      columns=tuple(spec.get("columns") or ()),
                      min=_bound(spec, "min", name, path), max=_bound(spec, "max", name, path))
        check_value(param, param.default, str(path), line)
        out[name] = param
    return out


def check_value(param: Param, value, file: str | None, line: int | None):
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list": isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value),
        "date": isinstance(value, dt.date),
        "table": isinstance(value, str),
        "map": isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in value.items()),
    }[param.type]
    if not ok:
        raise ConfigError(f"参数 {param.name} 的值 {_short(value)} 不是 {param.type} 类型", file=file, line=line)
    numbers = list(value.values()) if param.type == "map" else [value] if param.type in ("int", "number") else []
    low, high = param.bounds()
    for number in numbers:
        if (isinstance(number, float) and not math.isfinite(number)) or not low <= number <= high:
            unit = f" {param.unit}" if param.unit else ""
            raise ConfigError(f"参数 {param.name} 的值 {_short(number)} 超出允许范围 {low:g}–{high:g}{unit}",
                              file=file, line=line)
    if param.type == "date" and not DATE_MIN <= value <= DATE_MAX:
        raise ConfigError(f"参数 {param.name} 的日期 {value} 超出可处理范围（{DATE_MIN} 至 {DATE_MAX}）",
                          file=file, line=line)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _bound(spec: dict, key: str, name: str, path: Path) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"参数 {name} 的 {key} 应为有限的数", file=str(path), line=spec.line_of(key))
    return value


def load_profile(path: Path | None, declarations: dict[str, Param], pack_dir: Path) -> Profile:
    """The district profile in force: declared defaults overridden by the profile file, if any."""
    values = {name: p.default for name, p in declarations.items()}
    overrides: list[str] = []
    name = "全国默认值（上海城管）"
    profile_dir = pack_dir
    if path is not None:
        data = load_yaml(path)
        if not isinstance(data, dict):
            raise ConfigError("区参数配置文件应为映射（profile: / params:）", file=str(path))
        key = first_unknown(data, ("profile", "params"))
        if key is not None:
            raise ConfigError(f"未知键 {key!r}{did_you_mean(key, ['profile', 'params'])}", file=str(path),
                              line=data.line_of(key))
        meta = data.get("profile") or {}
        name = str(meta.get("name", Path(path).stem)) if isinstance(meta, dict) else str(meta)
        given = data.get("params") or {}
        if not isinstance(given, dict):
            raise ConfigError("params: 应为映射", file=str(path), line=data.line_of("params"))
        for key, value in given.items():
            if key not in declarations:
                raise ConfigError(f"未知参数 {key!r}{did_you_mean(str(key), declarations)}", file=str(path),
                                  line=given.line_of(key))
            check_value(declarations[key], value, str(path), given.line_of(key))
            values[key] = value
            overrides.append(key)
        profile_dir = Path(path).parent
    for pname, param in declarations.items():
        if param.type == "table":
            base = profile_dir if pname in overrides else pack_dir
            values[pname] = load_table(base / values[pname], pname, param.columns)
    return Profile(name=name, path=str(path) if path else None, values=values, overrides=tuple(overrides))


def load_table(path: Path, pname: str, columns: tuple = ()) -> tuple[dict, ...]:
    """A CSV data table (e.g. the cause catalogue with its discretion ranges)."""
    if path.exists() and (not path.is_file() or path.stat().st_size > MAX_TABLE_BYTES):
        # /dev/zero or a FIFO would be read forever; a folder or a huge file is a mistake
        raise ConfigError(f"参数 {pname} 指向的数据表不是普通文件或大于 {MAX_TABLE_BYTES} 字节", file=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"参数 {pname} 指向的数据表无法读取: {exc.strerror or exc}", file=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"参数 {pname} 的数据表须为 UTF-8 编码", file=str(path)) from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise ConfigError(f"参数 {pname} 的数据表为空", file=str(path))
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ConfigError(f"参数 {pname} 的数据表缺少列: {', '.join(missing)}（应有: {', '.join(columns)}）",
                          file=str(path), line=1)
    return tuple(rows)
