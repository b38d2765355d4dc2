"""The one YAML loader: lines, duplicate keys, bombs, text scalars, and libyaml giving the same result."""

import pytest

from auditor import yamlio
from auditor.errors import ConfigError
from auditor.yamlio import load_yaml_text

DOC = "a: 1\nb:\n  - x\n  - {c: 2025-01-02, d: yes}\ne: &anchor [1, 2]\nf: *anchor\n"


def _lines(obj):
    if isinstance(obj, dict):
        return [(obj.line, sorted(obj.key_lines.items()))] + [x for v in obj.values() for x in _lines(v)]
    if isinstance(obj, list):
        return [(obj.line, obj.item_lines)] + [x for v in obj for x in _lines(v)]
    return []


def test_values_and_lines_of_every_node():
    doc = load_yaml_text(DOC)
    assert doc["b"][1]["c"].isoformat() == "2025-01-02" and doc["b"][1]["d"] is True
    assert doc.line_of("e") == 5 and doc["b"].line_of(1) == 4 and doc["b"][1].line == 4


@pytest.mark.skipif(len(yamlio._LOADERS[False]) < 2, reason="PyYAML built without libyaml on this platform")
@pytest.mark.parametrize("text_scalars", [False, True])
def test_libyaml_and_the_python_loader_build_the_same_document(text_scalars):
    fast, slow = yamlio._LOADERS[text_scalars]
    a, b = yamlio._load_with(fast, DOC, "d.yaml"), yamlio._load_with(slow, DOC, "d.yaml")
    assert a == b and _lines(a) == _lines(b)


def test_text_scalars_keep_what_was_written():
    doc = load_yaml_text("Y: 是\nn: ~\nd: 2025-01-02\nk: 010\n", text_scalars=True)
    assert doc == {"Y": "是", "n": None, "d": "2025-01-02", "k": "010"}
    with pytest.raises(ConfigError, match="键必须是文字"):
        load_yaml_text("~: x\n", "p.yaml", text_scalars=True)


@pytest.mark.parametrize("text, line, message", [
    ("a: 1\nb: 2\na: 3\n", 3, "重复的键 'a'（首次出现在第 1 行）"),
    ("a: [1, 2\n", 2, "YAML 无法解析"),
    ("a: 1\nb: \x00\n", 2, r"控制字符 U\+0000"),
    ("x: " + "[" * 500, 1, "嵌套超过 100 层"),
    ("d: 2025-02-30\n", 1, "值 '2025-02-30' 无效"),
])
def test_errors_name_the_file_and_line(text, line, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_yaml_text(text, "bad.yaml")
    assert (info.value.file, info.value.line) == ("bad.yaml", line)


def test_an_alias_bomb_is_refused():
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    with pytest.raises(ConfigError, match="别名"):
        load_yaml_text("\n".join(rows) + "\n", "bomb.yaml")
