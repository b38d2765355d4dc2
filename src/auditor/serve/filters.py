"""Jinja filters of the board's templates (formatting only; escaping stays Jinja's autoescape)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from auditor.history.text import percent, signed_points
from auditor.serve.accounts import parse_stamp

SOURCE_ZH = {"run": "审计", "import": "整改清单导入", "exception": "豁免登记", "web": "网页"}
KIND_ZH = {"opened": "发现", "resolved": "销项", "reopened": "复发", "status": "状态变更", "note": "备注",
           "exempted": "豁免"}
STATUS_CLASS = {"待整改": "s-open", "整改中": "s-progress", "已销项": "s-closed", "已豁免": "s-exempt"}


def local_time(text) -> str:
    """A stored UTC stamp as Beijing time (UTC+8), which is what the bureaus read."""
    if not text:
        return ""
    try:
        return (parse_stamp(str(text)) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(text)


def bar_width(value) -> int:
    """A rate as a whole percentage for a CSS bar width (0-100)."""
    if value is None or value != value:
        return 0
    return max(0, min(100, round(value * 100)))


def install(env) -> None:
    env.filters.update({
        "percent": percent, "points": signed_points, "local_time": local_time, "bar": bar_width,
        "source_zh": lambda s: SOURCE_ZH.get(s, s), "kind_zh": lambda k: KIND_ZH.get(k, k),
        "status_class": lambda s: STATUS_CLASS.get(s, ""), "url": lambda s: quote(str(s), safe=""),
    })
