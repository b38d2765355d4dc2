"""The export mapping (`--mapping`): how one system's export spells the canonical tables.

A mapping is YAML (format in docs/profiles.md): per table, source column / XML element name →
canonical field, value maps (`procedure: {一般程序: 普通程序}`), date formats, encoding, delimiter and
file-name patterns. The shipped `data/profiles/default.yaml` is always the base; a user's mapping is
merged on top. (The district *parameter* profile, `--profile`, is auditor.rules.params.) Loading uses the one YAML loader (auditor.yamlio) with every scalar kept as text (so
`Y: 是` stays "Y", not True); it rejects duplicate keys and remembers lines, so every error names file
and line.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from auditor.errors import ConfigError
from auditor.model.fields import TABLES, field_of
from auditor.suggest import did_you_mean
from auditor.yamlio import LineDict, load_yaml_text, read_config_bytes

_TOP_KEYS = ("version", "name", "description", "encoding", "delimiter", "date_formats", "tables")
_TABLE_KEYS = ("files", "columns", "values", "date_formats", "encoding", "delimiter")
_DELIMITER_WORDS = {"tab": "\t", "comma": ",", "semicolon": ";", "\\t": "\t"}


@dataclass(frozen=True)
class TableMapping:
    files: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # normalised source label -> field name
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    encoding: str | None = None  # None = detect
    delimiter: str | None = None  # None = detect


@dataclass(frozen=True)
class ExportMapping:
    name: str
    sources: tuple[str, ...]  # the YAML files merged, base first
    tables: dict[str, TableMapping]

    def label_map(self, table: str) -> dict[str, str]:
        """Normalised source label -> canonical field: built-in labels, then the profile's columns."""
        out = {normalise_label(label): f.name for f in TABLES[table] for label in f.labels}
        out.update(self.tables[table].columns)
        return out


def normalise_label(label: str) -> str:
    """Header comparison ignores width (（ vs (), case and every space."""
    return "".join(unicodedata.normalize("NFKC", label).lower().split())


def default_mapping() -> ExportMapping:
    return load_mapping(None)


def load_mapping(path: str | Path | None) -> ExportMapping:
    """The default profile, with the YAML file at `path` merged on top when given."""
    base_file = resources.files("auditor") / "data" / "profiles" / "default.yaml"
    base = _parse(base_file.read_text(encoding="utf-8"), "default.yaml")
    profiles = [_validate(base, "default.yaml")]
    name = str(base.get("name") or "default")
    sources = ["default.yaml"]
    if path is not None:
        p = Path(path)
        if not p.exists():
            raise ConfigError("映射配置文件不存在", file=str(p))
        try:
            text = read_config_bytes(p).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"映射配置文件无法读取: {exc}", file=str(p)) from None
        raw = _parse(text, str(p))
        profiles.append(_validate(raw, str(p)))
        name = str(raw.get("name") or p.stem)
        sources.append(str(p))
    return ExportMapping(name=name, sources=tuple(sources), tables=_merge(profiles))


def _parse(text: str, source: str) -> LineDict:
    data = load_yaml_text(text, source, text_scalars=True)
    if data is None:
        data = _empty()
    if not isinstance(data, LineDict):
        raise ConfigError("映射配置的顶层必须是键值对", file=source, line=1)
    return data


def _empty() -> LineDict:
    empty = LineDict()
    empty.key_lines = {}
    return empty


# --- validation ------------------------------------------------------------------------------

def _unknown_key(key: str, allowed: tuple[str, ...] | list[str], what: str, source: str,
                 line: int) -> ConfigError:
    return ConfigError(f"未知的{what}: {key}{did_you_mean(key, allowed)}；可用: {', '.join(allowed)}",
                       file=source, line=line)


def _expect_map(value: Any, what: str, source: str, line: int) -> LineDict:
    if value is None:
        return _empty()
    if not isinstance(value, LineDict):
        raise ConfigError(f"{what} 必须是键值对", file=source, line=line)
    return value


def _expect_str_list(value: Any, what: str, source: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} 必须是文字列表", file=source, line=line)
    return tuple(value)


def _encoding(value: Any, source: str, line: int) -> str | None:
    if value is None or value == "auto":
        return None
    if not isinstance(value, str):
        raise ConfigError("encoding 必须是编码名称或 auto", file=source, line=line)
    try:
        codecs.lookup(value)
        "a".encode(value)  # rot13, hex, base64 and "undefined" are codecs but not text encodings
    except (LookupError, UnicodeError):
        raise ConfigError(f"未知的编码: {value}（例如 utf-8、gb18030、auto）", file=source,
                          line=line) from None
    return value


def _delimiter(value: Any, source: str, line: int) -> str | None:
    if value is None or value == "auto":
        return None
    if isinstance(value, str):
        value = _DELIMITER_WORDS.get(value.lower(), value)
        if len(value) == 1 and value not in "\"\r\n":
            return value
    raise ConfigError(f"分隔符必须是一个字符（如 \",\"、\"\\t\"）或 auto: {value!r}", file=source,
                      line=line)


def _date_formats(value: Any, source: str, line: int) -> tuple[str, ...]:
    formats = _expect_str_list(value, "date_formats", source, line)
    for fmt in formats:
        if "%" not in fmt:
            raise ConfigError(f"日期格式须为 strptime 格式（如 %d/%m/%Y）: {fmt}", file=source, line=line)
    return formats


@dataclass
class _Layer:
    """One validated YAML file, before merging."""

    encoding: str | None
    delimiter: str | None
    date_formats: tuple[str, ...]
    tables: dict[str, TableMapping]


def _validate(raw: LineDict, source: str) -> _Layer:
    for key in raw:
        if key not in _TOP_KEYS:
            raise _unknown_key(key, _TOP_KEYS, "键", source, raw.key_lines[key])
    line = raw.key_lines.get
    if raw.get("version", "1") != "1":
        raise ConfigError(f"不支持的映射配置版本: {raw['version']}（支持 1）", file=source,
                          line=line("version"))
    tables_raw = _expect_map(raw.get("tables"), "tables", source, line("tables", 1))
    tables = {}
    for table, spec in tables_raw.items():
        tline = tables_raw.key_lines[table]
        if table not in TABLES:
            raise _unknown_key(table, list(TABLES), "表", source, tline)
        tables[table] = _validate_table(table, _expect_map(spec, table, source, tline), source)
    return _Layer(encoding=_encoding(raw.get("encoding"), source, line("encoding", 1)),
                  delimiter=_delimiter(raw.get("delimiter"), source, line("delimiter", 1)),
                  date_formats=_date_formats(raw.get("date_formats"), source, line("date_formats", 1)),
                  tables=tables)


def _validate_table(table: str, spec: LineDict, source: str) -> TableMapping:
    for key in spec:
        if key not in _TABLE_KEYS:
            raise _unknown_key(key, _TABLE_KEYS, f"{table} 的键", source, spec.key_lines[key])
    line = spec.key_lines.get
    field_names = [f.name for f in TABLES[table]]

    def check_field(name: Any, where: int) -> str:
        if not isinstance(name, str) or name not in field_names:
            raise _unknown_key(str(name), field_names, f"{table} 字段", source, where)
        return name

    columns_raw = _expect_map(spec.get("columns"), "columns", source, line("columns", spec.line))
    columns = {}
    for label, target in columns_raw.items():
        columns[normalise_label(label)] = check_field(target, columns_raw.key_lines[label])
    values_raw = _expect_map(spec.get("values"), "values", source, line("values", spec.line))
    values: dict[str, dict[str, str]] = {}
    for name, mapping in values_raw.items():
        where = values_raw.key_lines[name]
        f = field_of(table, check_field(name, where))
        mapping = _expect_map(mapping, f"values.{name}", source, where)
        for src, dst in mapping.items():
            if not isinstance(dst, str):
                raise ConfigError(f"values.{name}.{src} 必须是文字", file=source, line=mapping.key_lines[src])
            if f.choices and dst not in f.choices:
                raise ConfigError(f"values.{name}: {dst} 不在可选值中；可选: {', '.join(f.choices)}",
                                  file=source, line=mapping.key_lines[src])
        values[name] = dict(mapping)
    return TableMapping(
        files=_expect_str_list(spec.get("files"), "files", source, line("files", spec.line)),
        columns=columns,
        values=values,
        date_formats=_date_formats(spec.get("date_formats"), source, line("date_formats", spec.line)),
        encoding=_encoding(spec.get("encoding"), source, line("encoding", spec.line)),
        delimiter=_delimiter(spec.get("delimiter"), source, line("delimiter", spec.line)),
    )


def _merge(layers: list[_Layer]) -> dict[str, TableMapping]:
    """Later layers win: their patterns, columns and formats come first; value maps merge per field."""
    out = {}
    for table in TABLES:
        files: tuple[str, ...] = ()
        columns: dict[str, str] = {}
        values: dict[str, dict[str, str]] = {}
        formats: tuple[str, ...] = ()
        encoding = delimiter = None
        for layer in layers:
            tp = layer.tables.get(table, TableMapping())
            files = tp.files + tuple(p for p in files if p not in tp.files)
            columns.update(tp.columns)
            for name, mapping in tp.values.items():
                values[name] = {**values.get(name, {}), **mapping}
            formats = tp.date_formats + layer.date_formats + formats
            encoding = tp.encoding or layer.encoding or encoding
            delimiter = tp.delimiter or layer.delimiter or delimiter
        out[table] = TableMapping(files=files, columns=columns, values=values,
                                  date_formats=tuple(dict.fromkeys(formats)), encoding=encoding,
                                  delimiter=delimiter)
    return out
