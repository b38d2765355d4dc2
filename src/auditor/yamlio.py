"""The one YAML loader: safe, with line numbers, duplicate keys refused, bombs refused.

Rule files, parameter profiles, mapping profiles, calendar files and exception registers are reviewed
like code; a duplicate key silently overriding an earlier one would hide a mistake, so it is an error
here. Only plain YAML types are built (SafeLoader): tags like !!python/object are refused. With
`text_scalars=True` every scalar but null stays text (`Y: 是` stays "Y", not True). libyaml does the
parsing where it is available; errors always come from the pure-Python loader, with exact lines.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from auditor.errors import ConfigError

MAX_YAML_BYTES = 5_000_000  # rule and profile files are small; a bigger one is a mistake or an attack
MAX_ALIAS_EXPANSION = 10_000  # nodes reachable through aliases: stops "billion laughs"
MAX_DEPTH = 100  # nesting levels; a rule's condition tree needs a dozen


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


class _Limits:
    """Composer mixin: nesting depth, alias count, the file name in errors, the node being constructed."""

    yaml_source: str | None = None
    text_scalars = False  # every scalar but null is a str (mapping profiles: `Y: 是` stays "Y")
    _depth = 0

    def setup(self, filename: str) -> None:
        self.filename = self.yaml_source = filename
        self._alias_count = 0
        self.last_node = None

    def construct_object(self, node, deep=False):
        self.last_node = node  # where a constructor's ValueError (2025-02-30, a 5,000-digit int) came from
        return super().construct_object(node, deep=deep)

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            self._alias_count += 1
            if self._alias_count > MAX_ALIAS_EXPANSION:
                raise ConfigError("YAML 别名（alias）过多，疑似展开炸弹，拒绝加载", file=self.filename)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ConfigError(f"YAML 嵌套超过 {MAX_DEPTH} 层", file=self.yaml_source, line=mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader, node: yaml.MappingNode, deep: bool = False):
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
        if loader.text_scalars and not isinstance(key, str):
            raise ConfigError(f"键必须是文字: {key!r}", file=loader.filename, line=key_node.start_mark.line + 1)
        if key in out:
            raise ConfigError(
                f"重复的键 {key!r}（首次出现在第 {out.key_lines[key]} 行）",
                file=loader.filename, line=key_node.start_mark.line + 1,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader, node: yaml.SequenceNode, deep: bool = False):
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


class _PyLoader(_Limits, yaml.SafeLoader):
    """The pure-Python loader: exact positions for every error."""

    def __init__(self, stream, filename: str):
        super().__init__(stream)
        self.setup(filename)


try:
    from yaml._yaml import CParser as _CParser  # libyaml, where PyYAML was built with it
except ImportError:  # pragma: no cover - platforms without the C extension
    _CParser = None


if _CParser is not None:
    class _CLoader(_Limits, yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,
                   yaml.resolver.Resolver):
        """libyaml scans and parses (most of the time goes there); composing stays in Python, so the
        depth and alias limits and the line of every node are the same as with _PyLoader."""

        def __init__(self, stream, filename: str):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.setup(filename)


def _text_variant(cls):
    """`cls` resolving no implicit type but null: every other scalar stays the text it was written as."""
    return type(cls.__name__ + "Text", (cls,), {
        "text_scalars": True,
        "yaml_implicit_resolvers": {
            ch: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
            for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()},
    })


_LOADERS = {False: [_PyLoader], True: [_text_variant(_PyLoader)]}
if _CParser is not None:
    _LOADERS[False].insert(0, _CLoader)
    _LOADERS[True].insert(0, _text_variant(_CLoader))
for _classes in _LOADERS.values():
    for _cls in _classes:
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def check_alias_expansion(root, filename: str) -> None:
    """Refuse a document whose aliases expand to more than MAX_ALIAS_EXPANSION extra nodes, or that
    refers to itself: both make every later walk over the data (schema check, JSON) explode."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ConfigError("YAML 别名引用了自身（循环引用），拒绝加载", file=filename,
                              line=node.start_mark.line + 1)
        active.add(key)
        if isinstance(node, yaml.MappingNode):
            n = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n = 1 + sum(size(c) for c in node.value)
        else:
            n = 1
        active.discard(key)
        sizes[key] = n
        return n

    if root is not None and size(root) - len(sizes) > MAX_ALIAS_EXPANSION:
        raise ConfigError(f"YAML 别名展开后超过 {MAX_ALIAS_EXPANSION} 个节点，疑似展开炸弹，拒绝加载",
                          file=filename)


def load_yaml_text(text: str, filename: str = "<text>", *, text_scalars: bool = False):
    """The document in `text`: LineDict / LineList with lines, duplicate keys refused, bombs refused.

    libyaml parses when PyYAML has it; any error is reported by the pure-Python loader instead, whose
    messages and positions are exact (and which is the judge when the two disagree on an edge case)."""
    fast, *rest = _LOADERS[text_scalars]
    if rest:
        try:
            return _load_with(fast, text, filename)
        except ConfigError:
            pass
        fast = rest[0]
    return _load_with(fast, text, filename)


def _load_with(cls, text: str, filename: str):
    try:
        loader = cls(text, filename)  # the reader refuses NUL and other control characters here
    except yaml.reader.ReaderError as exc:
        ch = exc.character
        shown = f"U+{ch:04X}" if isinstance(ch, int) else repr(ch)
        raise ConfigError(f"YAML 含不允许的控制字符 {shown}（如 NUL）", file=filename,
                          line=text[: exc.position].count("\n") + 1) from None
    try:
        node = loader.get_single_node()
        check_alias_expansion(node, filename)
        return loader.construct_document(node) if node is not None else None
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
    except (ValueError, OverflowError) as exc:
        node = loader.last_node
        value = str(getattr(node, "value", ""))
        value = value if len(value) <= 40 else value[:40] + "…"
        raise ConfigError(f"值 {value!r} 无效: {exc}", file=filename,
                          line=node.start_mark.line + 1 if node is not None else None) from None
    finally:
        loader.dispose()


def read_config_bytes(path: Path) -> bytes:
    """The bytes of a configuration file, refusing what is not a regular file (/dev/zero, a FIFO: a
    read would never end) and anything over MAX_YAML_BYTES."""
    try:
        if path.exists() and not path.is_file():
            raise ConfigError("不是普通文件（目录、设备或命名管道）", file=str(path))
        with open(path, "rb") as f:
            raw = f.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"无法读取: {exc.strerror or exc}", file=str(path)) from None
    if len(raw) > MAX_YAML_BYTES:
        raise ConfigError(f"文件过大（超过 {MAX_YAML_BYTES} 字节）", file=str(path))
    return raw


def read_config_table_text(path: Path, what: str) -> str:
    """The text of a small table a user hands in (a CSV list): UTF-8 (with or without BOM) or GB18030, as
    Excel and WPS save them; `what` names the file in the error (检查人员名单, 问题线索来源登记表)."""
    raw = read_config_bytes(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConfigError(f"{what}既不是 UTF-8 也不是 GB18030 编码", file=str(path))


def load_yaml(path: str | Path, *, text_scalars: bool = False):
    """The YAML file at `path` (see load_yaml_text), refusing non-regular files, huge files and non-UTF-8."""
    path = Path(path)
    raw = read_config_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("不是 UTF-8 编码的文本", file=str(path), line=line) from None
    return load_yaml_text(text, str(path), text_scalars=text_scalars)
