"""Safe YAML loading that keeps line numbers and rejects duplicate keys.

Rule files, parameter profiles, calendar files and exception registers are reviewed like code; a
duplicate key silently overriding an earlier one would hide a mistake, so it is an error here.
Only plain YAML types are built (SafeLoader): tags like !!python/object are refused by PyYAML itself.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from auditor.errors import ConfigError

MAX_YAML_BYTES = 5_000_000  # rule and profile files are small; a bigger one is a mistake or an attack
MAX_ALIAS_EXPANSION = 10_000  # nodes reachable through aliases: stops "billion laughs"


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    def __init__(self, stream, filename: str):
        super().__init__(stream)
        self.filename = filename
        self._alias_count = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            self._alias_count += 1
            if self._alias_count > MAX_ALIAS_EXPANSION:
                raise ConfigError("YAML 别名（alias）过多，疑似展开炸弹，拒绝加载", file=self.filename)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConfigError("映射的键必须是简单值", file=loader.filename, line=key_node.start_mark.line + 1)
        if key in out:
            raise ConfigError(
                f"重复的键 {key!r}（首次出现在第 {out.key_lines[key]} 行）",
                file=loader.filename, line=key_node.start_mark.line + 1,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False):
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str, filename: str = "<text>"):
    loader = _Loader(text, filename)
    try:
        return loader.get_single_data()
    except ConfigError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "语法错误"
        raise ConfigError(f"YAML 无法解析: {problem}", file=filename, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML 无法解析: {exc}", file=filename) from None
    except RecursionError:
        raise ConfigError("YAML 嵌套过深", file=filename) from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path):
    path = Path(path)
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise ConfigError(f"文件过大（超过 {MAX_YAML_BYTES} 字节）", file=str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取: {exc.strerror or exc}", file=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("不是 UTF-8 编码的文本", file=str(path), line=line) from None
    return load_yaml_text(text, str(path))
