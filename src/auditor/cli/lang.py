"""The language of the command line itself: click's own words and every command's help.

Chinese by default; English with `--lang en` anywhere on the command line, or when the environment
asks for it (AUDITOR_LANG, else LC_ALL / LC_MESSAGES / LANG starting with "en"). click marks its
messages for gettext in each module (`from gettext import gettext as _`); `activate` points those
names at a table here, so "Usage:", "Error:", "Options" and click's error sentences follow the
language. English help texts come from `help_en`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence

import click

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "_parser", "termui", "types",
                 "utils", "shell_completion")

CLICK_ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误: {message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项: {name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效: {message}",
    "Invalid value: {message}": "取值无效: {message}",
    "Aborted!": "已中止。",
    "default: {default}": "默认: {default}",
    "required": "必填",
    "env var: {var}": "环境变量: {var}",
    "deprecated": "已弃用",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的布尔值。可用取值: {states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}: {message}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "Do you want to continue?": "是否继续？",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误: 两次输入不一致。",
    "Error: invalid input": "错误: 输入无效",
}

CLICK_ZH_PLURAL = {
    "Did you mean {possibility}?": ("是否想用 {possibility}？", "是否想用以下之一: {possibilities}？"),
    "Got unexpected extra argument ({args})": ("多余的参数 ({args})", "多余的参数 ({args})"),
    "Option {name!r} requires an argument.": ("选项 {name!r} 需要一个取值。", "选项 {name!r} 需要 {nargs} 个取值。"),
    "{value!r} is not {choice}.": ("{value!r} 不是 {choice}。", "{value!r} 不是以下之一: {choices}。"),
    "{value!r} does not match the format {format}.": ("{value!r} 不符合格式 {format}。",
                                                     "{value!r} 不符合以下任一格式: {formats}。"),
}

# click fills {number_type} with its type's English name ("integer range", "float range"), untranslated.
NUMBER_TYPES_ZH = {"integer": "整数", "integer range": "整数", "float": "数值", "float range": "数值"}
NOT_A_NUMBER = "{value!r} is not a valid {number_type}."


class _NumberMessage(str):
    """The zh "not a valid number" template: names the number type in Chinese when click fills it in."""

    def format(self, *args, **kwargs):
        kind = kwargs.get("number_type")
        kwargs["number_type"] = NUMBER_TYPES_ZH.get(kind, kind)
        return super().format(*args, **kwargs)


_state = {"lang": "zh"}


def choose_language(args: Sequence[str], environ=os.environ) -> str:
    """'en' or 'zh' for this command line: `--lang` wins, then AUDITOR_LANG, then the locale."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "zh"
    explicit = environ.get("AUDITOR_LANG", "")
    if explicit:
        return "en" if explicit.lower().startswith("en") else "zh"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def current() -> str:
    return _state["lang"]


def _gettext(message: str) -> str:
    if _state["lang"] == "en":
        return message
    if message == NOT_A_NUMBER:
        return _NumberMessage("{value!r} 不是有效的{number_type}。")
    return CLICK_ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if _state["lang"] != "en" and singular in CLICK_ZH_PLURAL:
        one, many = CLICK_ZH_PLURAL[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def activate(lang: str, root: click.Command | None = None) -> None:
    """Switch click's words (and, given the root command, every help text) to `lang`."""
    _state["lang"] = "en" if lang == "en" else "zh"
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
    # Help texts are switched only for English (and back once switched): walking the command tree
    # imports every command module, which a Chinese `auditor --help` must not pay for.
    if root is not None and (_state["lang"] == "en" or _state.get("tree_en")):
        from auditor.cli.help_en import apply_help_language

        apply_help_language(root, _state["lang"])
        _state["tree_en"] = _state["lang"] == "en"


def translate(message: str) -> str:
    """click's own word in the current language (for sections we format ourselves)."""
    return _gettext(message)
