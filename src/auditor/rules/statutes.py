"""Statute texts for quote checks: a directory of Markdown law files → articles by law title.

The expected form (one law per file) is that of the LawRefBook/Laws collection: the first line is
`# <law title>`, articles are paragraphs starting `第<numeral>条` followed by a space, and `##`
lines are chapter headings. Quotes are compared after `normalise_text`, which ignores whitespace
(including U+3000, U+2002 and the zero-width space) and full/half-width differences of punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import ConfigError

_ARTICLE_START = re.compile(r"^(第[〇零一二三四五六七八九十百千]+条)[ \u3000]")
_ARTICLE_REF = re.compile(r"第[〇零一二三四五六七八九十百千]+条")
_ELLIPSIS = re.compile(r"……|…|\.\.\.")
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\ufeff"}
# Punctuation NFKC leaves alone but that differs only by width or typeface between copies of a text.
_PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〈": "<", "〉": ">", "「": '"', "」": '"',
                        "。": ".", "、": ",", "【": "[", "】": "]", "〔": "[", "〕": "]", "—": "-", "－": "-"})
MAX_LAW_FILE_BYTES = 2_000_000


def normalise_text(text: str) -> str:
    """Text as compared for quotes: NFKC (full-width → half-width), unified quote marks and
    brackets, and no whitespace of any kind."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _ZERO_WIDTH)


def normalise_title(title: str) -> str:
    return normalise_text(title).strip("《》<>")


def quote_segments(quote: str) -> list[str]:
    """A quote split at its ellipses (……), each part normalised; empty parts dropped."""
    return [p for p in (normalise_text(s) for s in _ELLIPSIS.split(quote)) if p]


def article_refs(article: str) -> list[str]:
    """The article numbers a citation names: 第七十二条第一款第（一）项 → [第七十二条]."""
    return _ARTICLE_REF.findall(article)


@dataclass
class Statute:
    title: str
    file: str
    articles: dict[str, str] = field(default_factory=dict)  # 第X条 → normalised text

    def find(self, quote: str, article: str) -> bool | None:
        """True when the quote's parts appear, in order, in one cited article; None when the
        citation names no article this text has."""
        refs = [r for r in article_refs(article) if r in self.articles]
        if not refs:
            return None
        segments = quote_segments(quote)
        # A quote citing several articles may join their parts with ellipses, in citation order.
        return (any(_in_order(segments, self.articles[r]) for r in refs)
                or _in_order(segments, "\n".join(self.articles[r] for r in refs)))

    def locate(self, quote: str) -> list[str]:
        """The articles where the quote does appear (for a hint when the citation is wrong)."""
        segments = quote_segments(quote)
        return [ref for ref, text in self.articles.items() if _in_order(segments, text)]


def _in_order(segments: list[str], text: str) -> bool:
    pos = 0
    for seg in segments:
        found = text.find(seg, pos)
        if found < 0:
            return False
        pos = found + len(seg)
    return bool(segments)


def parse_statute(text: str, file: str) -> Statute | None:
    """One law file → its articles; None when the file has no `# title` or no article."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        return None
    statute = Statute(title=lines[0][2:].strip(), file=file)
    current: str | None = None
    parts: list[str] = []
    for line in lines[1:]:
        m = _ARTICLE_START.match(line)
        if m or line.startswith("#"):
            if current:
                statute.articles[current] = normalise_text("".join(parts))
            current, parts = (m.group(1), [line[m.end():]]) if m else (None, [])
        elif current:
            parts.append(line)
    if current:
        statute.articles[current] = normalise_text("".join(parts))
    return statute if statute.articles else None


def load_statutes(directory: str | Path) -> dict[str, Statute]:
    """Every law file (*.md) of a directory, by normalised title. Symlinks and special files are
    refused so a quote check reads only the texts the user pointed at."""
    root = Path(directory)
    if not root.is_dir():
        raise ConfigError("法规文本目录不存在或不是目录", file=str(root))
    out: dict[str, Statute] = {}
    for path in sorted(root.glob("*.md")):
        if path.is_symlink() or not path.is_file():
            raise ConfigError("法规文本不是普通文件（符号链接或特殊文件），已拒绝", file=str(path))
        if path.stat().st_size > MAX_LAW_FILE_BYTES:
            raise ConfigError(f"法规文本超过 {MAX_LAW_FILE_BYTES} 字节", file=str(path))
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"法规文本不是 UTF-8 编码（第 {exc.start} 字节）", file=str(path)) from None
        statute = parse_statute(text, str(path))
        if statute is None:
            continue
        key = normalise_title(statute.title)
        if key in out:
            raise ConfigError(f"法规 {statute.title} 重复（另见 {out[key].file}）", file=str(path))
        out[key] = statute
    if not out:
        raise ConfigError("目录中没有可识别的法规文本（首行 `# 法规名称`，条文以“第…条 ”开头）", file=str(root))
    return out
