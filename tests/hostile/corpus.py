"""The hostile-input corpus: every input with the behaviour it must produce.

Each entry is one broken or malicious input (a committed file under `files/`, or one generated at run
time into tmp by `GENERATORS`) and what `auditor` must do with it: either refuse it with a clear
`AuditorError` (exit code, words of the message, the line when one exists), or load it with the
exact rows in / loaded / rejected and each rejected row's line, field and reason. Never a traceback,
never a silent loss. `tests/test_hostile_inputs.py` runs the corpus; `docs/hostile-inputs.md` is
rendered from it (and checked to be current).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

FILES = Path(__file__).parent / "files"
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin")  # what /etc/passwd would leak
BIG = 50 * 1024 * 1024  # the "50 MB single field"

CSV_HEADER = "案件编号,承办中队,案由,当事人名称,罚款金额（元）,立案日期,案件状态\n"
ROW = "{id},一中队,占道经营,{name},200,2025-03-03,已立案\n"


@dataclass(frozen=True)
class Refused:
    """The input is refused as a whole: an AuditorError with this exit code and message words."""

    exit: int
    words: str
    line: int | None = None


@dataclass(frozen=True)
class Loaded:
    """The input is read; `rows` = rows in per table, `rejected` = (table, line, field, words)."""

    rows: dict[str, int]
    loaded: dict[str, int]
    rejected: tuple[tuple[str, int, str | None, str], ...] = ()
    warnings: tuple[str, ...] = ()
    values: dict[str, tuple] = field(default_factory=dict)  # "table.field" -> loaded values, in order
    unread_line: int | None = None  # the file could not be read to its end: reading stopped at this line


@dataclass(frozen=True)
class Hostile:
    id: str
    kind: str  # export | rules | district | mapping | calendar | exceptions
    what: str  # one line for docs/hostile-inputs.md
    expect: Refused | Loaded
    file: str | None = None  # under files/; None: GENERATORS[id] writes it
    as_name: str | None = None  # copy under this name (the loader detects tables by file name)
    limits: dict | None = None  # Limits(**limits) for the load
    mapping: str | None = None  # a mapping profile (under files/) for the load


# --- inputs generated at run time (too big to commit, or not a file at all) -------------------

def _big_field_csv(d: Path) -> Path:
    p = d / "cases.csv"
    with open(p, "w", encoding="utf-8") as f:
        f.write(CSV_HEADER + ROW.format(id="A1", name="张三"))
        f.write("A2,一中队,占道经营,")
        chunk = "长" * (1024 * 1024)
        for _ in range(BIG // (3 * len(chunk)) + 1):  # 3 bytes per character
            f.write(chunk)
        f.write(",200,2025-03-03,已立案\n" + ROW.format(id="A3", name="李四"))
    return p


def _big_field_xml(d: Path) -> Path:
    p = d / "cases.xml"
    with open(p, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<cases>\n')
        f.write("<case><case_id>A1</case_id><squad>一中队</squad></case>\n")
        f.write("<case><case_id>A2</case_id><squad>一中队</squad><cause>")
        chunk = "x" * (1024 * 1024)
        for _ in range(BIG // len(chunk)):
            f.write(chunk)
        f.write("</cause></case>\n</cases>\n")
    return p


def _quadratic_blowup(d: Path) -> Path:
    p = d / "quadratic.xml"
    p.write_text('<?xml version="1.0"?>\n<!DOCTYPE cases [<!ENTITY a "' + "x" * 50_000 + '">]>\n<cases>\n'
                 "<case><case_id>A1</case_id><squad>一中队</squad><cause>" + "&a;" * 50_000
                 + "</cause></case>\n</cases>\n", encoding="utf-8")
    return p


def _deep_nesting(d: Path) -> Path:
    p = d / "deep.xml"
    p.write_text("<cases><case><case_id>A1</case_id><squad>一中队</squad></case>\n<case>" + "<x>" * 100_000
                 + "</x>" * 100_000 + "</case></cases>\n", encoding="utf-8")
    return p


def _fifo(d: Path) -> Path:
    p = d / "cases.csv"
    os.mkfifo(p)  # nobody writes: opening it for reading would block forever
    return p


def _dangling(d: Path) -> Path:
    p = d / "cases.csv"
    p.symlink_to(d / "gone" / "cases.csv")
    return p


def _dir_named_csv(d: Path) -> Path:
    p = d / "cases.csv"
    p.mkdir()
    return p


def _rows(n: int) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / "cases.csv"
        p.write_text(CSV_HEADER + "".join(ROW.format(id=f"A{i}", name="张三") for i in range(n)),
                     encoding="utf-8")
        return p
    return make


def _deep_yaml(d: Path) -> Path:
    p = d / "profile.yaml"
    p.write_text("tables: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    return p


def _folder_with_non_files(d: Path) -> Path:
    p = d / "export"
    p.mkdir()
    (p / "cases.csv").write_text(CSV_HEADER + ROW.format(id="A1", name="张三"), encoding="utf-8")
    os.mkfifo(p / "recordings.csv")
    (p / "disclosures.csv").symlink_to(d / "gone.csv")
    (p / "old.xml").mkdir()
    return p


def _redos_date(d: Path) -> Path:
    p = d / "cases.csv"
    p.write_text(CSV_HEADER + "A1,一中队,x,张三,200," + "2025-1-1" + " " * 99_000 + "1:" + ",已立案\n"
                 + ROW.format(id="A2", name="李四"), encoding="utf-8")
    return p


def _config_fifo(d: Path) -> Path:
    p = d / "profile.yaml"
    os.mkfifo(p)
    return p


def _config_dir(d: Path) -> Path:
    p = d / "exceptions.yaml"
    p.mkdir()
    return p


def _other_export(d: Path) -> Path:
    (d / "other_district").mkdir()
    target = d / "other_district" / "cases.csv"
    target.write_text(CSV_HEADER + ROW.format(id="Z9", name="王五"), encoding="utf-8")
    return target


def _disclosure_twice(d: Path) -> Path:
    p = d / "export"
    p.mkdir()
    (p / "disclosures.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<disclosures>\n<disclosure><decision_no>沪城管罚〔2025〕1号</decision_no>'
        "<party_name>张三</party_name><fine_amount_wan>0.02</fine_amount_wan><decision_date>2025-03-03"
        "</decision_date></disclosure>\n</disclosures>\n", encoding="utf-8")
    (p / "disclosures.csv").write_text("行政处罚决定书文号,行政相对人名称,罚款金额（万元）,处罚决定日期\n"
                                       "沪城管罚〔2025〕1号,张三,0.02,2025-03-03\n"
                                       "沪城管罚〔2025〕2号,李四,0.05,2025-03-04\n", encoding="utf-8")
    return p


def _huge_header_cell(d: Path) -> Path:
    p = d / "cases.csv"
    with open(p, "w", encoding="utf-8") as f:
        f.write(CSV_HEADER.rstrip("\n") + "," + "列" * (20 * 1024 * 1024 // 3) + "\n")
        f.write(ROW.rstrip("\n").format(id="A1", name="张三") + ",x\n")
    return p


def _folder_with_link(target: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """An export folder holding other.csv (a real export) and cases.csv, a symlink to `target(folder)`."""
    def make(d: Path) -> Path:
        p = d / "export"
        p.mkdir()
        (p / "other.csv").write_text(CSV_HEADER + ROW.format(id="A1", name="张三"), encoding="utf-8")
        (p / "cases.csv").symlink_to(target(p))
        return p
    return make


def _inside(folder: Path) -> Path:
    (folder / "data").mkdir()
    (folder / "data" / "real.csv").write_text(CSV_HEADER + ROW.format(id="B1", name="李四"), encoding="utf-8")
    return folder / "data" / "real.csv"


def _explicit_loop(d: Path) -> Path:
    p = d / "cases.csv"
    p.symlink_to(p)
    return p


def _explicit_system_file(d: Path) -> Path:
    p = d / "cases.csv"
    p.symlink_to("/etc/passwd")
    return p


GENERATORS: dict[str, Callable[[Path], Path]] = {
    "path_link_leaves_folder": _folder_with_link(lambda folder: Path("/etc/passwd")),
    "path_link_to_other_folder": _folder_with_link(lambda folder: _other_export(folder.parent)),
    "path_link_loop_in_folder": _folder_with_link(lambda folder: folder / "cases.csv"),
    "path_link_inside_folder": _folder_with_link(_inside),
    "path_link_loop": _explicit_loop,
    "path_explicit_link_to_system_file": _explicit_system_file,
    "dup_disclosure_xml_and_csv": _disclosure_twice,
    "csv_20mb_header_cell": _huge_header_cell,
    "mapping_fifo": _config_fifo,
    "district_fifo": _config_fifo,
    "calendar_dev_zero": lambda d: Path("/dev/zero"),
    "exceptions_directory": _config_dir,
    "csv_redos_date": _redos_date,
    "path_folder_with_non_files": _folder_with_non_files,
    "csv_50mb_field": _big_field_csv,
    "xml_50mb_field": _big_field_xml,
    "xml_quadratic_blowup": _quadratic_blowup,
    "xml_deep_nesting": _deep_nesting,
    "path_fifo": _fifo,
    "path_dangling_symlink": _dangling,
    "path_directory_named_cases_csv": _dir_named_csv,
    "limit_max_file_bytes": _rows(40),
    "limit_max_rows": _rows(6),
    "limit_max_field_chars": _rows(2),
    "mapping_deep_nesting": _deep_yaml,
}

_C = "cases"
_R = "recordings"
_D = "disclosures"


def _one(n: int = 1, table: str = _C) -> dict[str, int]:
    return {table: n}


CORPUS: tuple[Hostile, ...] = (
    # --- CSV ----------------------------------------------------------------------------------
    Hostile("csv_empty", "export", "empty file (0 bytes)", Refused(3, "文件为空"), "csv_empty.csv"),
    Hostile("csv_blank_lines", "export", "only blank lines and whitespace", Refused(3, "没有表头行"),
            "csv_blank_lines.csv"),
    Hostile("csv_only_bom", "export", "a UTF-8 BOM and nothing else", Refused(3, "没有表头行"), "csv_only_bom.csv"),
    Hostile("csv_header_only", "export", "header row, no data", Loaded({}, {}), "csv_header_only.csv"),
    Hostile("csv_truncated_mid_row", "export", "file cut in the middle of the last row",
            Loaded(_one(2), _one(1), ((_C, 3, None, "列数不符"),)), "csv_truncated_mid_row.csv"),
    Hostile("csv_truncated_in_quote", "export", "file ends inside an open quoted field",
            Loaded(_one(2), _one(1), ((_C, 3, None, "列数不符"),)), "csv_truncated_in_quote.csv"),
    Hostile("csv_quoted_newlines", "export", "案由 with quoted newlines (one record over 3 lines)",
            Loaded(_one(2), _one(2), values={"cases.cause": ("占道\n经营\n（夜市）", "占道经营")}),
            "csv_quoted_newlines.csv"),
    Hostile("csv_stray_quotes", "export", "stray quote characters inside unquoted fields",
            Loaded(_one(2), _one(2), values={"cases.party_name": ('张"三', "李四")}), "csv_stray_quotes.csv"),
    Hostile("csv_wrong_column_counts", "export", "rows with too few / too many columns (trailing empties ok)",
            Loaded(_one(4), _one(2), ((_C, 2, None, "列数不符: 表头 7 列，此行 2 列"),
                                      (_C, 4, None, "列数不符: 表头 7 列，此行 9 列"))),
            "csv_wrong_column_counts.csv"),
    Hostile("csv_impossible_dates", "export", "2025-02-30, 2025-13-01, 0000-00-00 (2024-02-29 is fine)",
            Loaded(_one(4), _one(1), ((_C, 2, "filing_date", "日期无效: 2025-02-30"),
                                      (_C, 3, "filing_date", "日期无效: 2025-13-01"),
                                      (_C, 4, "filing_date", "日期无效: 0000-00-00"))),
            "csv_impossible_dates.csv"),
    Hostile("csv_bad_amounts", "export", "amounts NaN, 1e30, -5, 一千, inf, 400 digits",
            Loaded(_one(7), _one(1), ((_C, 2, "fine_amount", "金额不是数字: NaN"),
                                      (_C, 3, "fine_amount", "金额不是数字: 1e30"),
                                      (_C, 4, "fine_amount", "金额不能为负数"),
                                      (_C, 5, "fine_amount", "金额不是数字: 一千"),
                                      (_C, 6, "fine_amount", "金额不是数字: inf"),
                                      (_C, 7, "fine_amount", "金额大得不合理")),
                   values={"cases.fine_amount": (200.0,)}), "csv_bad_amounts.csv"),
    Hostile("csv_redos_date", "export", "立案日期 '2025-1-1' + 99,000 spaces + '1:' (regex backtracking bait)",
            Loaded(_one(2), _one(1), ((_C, 2, "filing_date", "日期格式无法识别"),))),
    Hostile("csv_duplicate_ids", "export", "the same 案件编号 twice",
            Loaded(_one(3), _one(2), ((_C, 4, "case_id", "案件编号重复，首次出现于"),)), "csv_duplicate_ids.csv"),
    Hostile("csv_formula_payloads", "export", "=, +, -, @, tab, CR formula prefixes in 案由 and 当事人",
            Loaded(_one(8), _one(8), values={"cases.case_id": tuple(f"F{i}" for i in range(1, 9))}),
            "csv_formula_payloads.csv"),
    Hostile("csv_html_payloads", "export", "<script>, onerror, </table>, {{7*7}} in 案由 and 当事人",
            Loaded(_one(6), _one(6)), "csv_html_payloads.csv"),
    Hostile("csv_control_chars", "export", "ANSI escapes, RTL override, BEL/VT/FF in 当事人",
            Loaded(_one(3), _one(3)), "csv_control_chars.csv"),
    Hostile("csv_terminal_escapes", "export", "ANSI/OSC escapes in 承办中队 and 立案日期 (printed by inspect)",
            Loaded(_one(2), _one(1), ((_C, 3, "filing_date", "日期"),)), "csv_terminal_escapes.csv"),
    Hostile("csv_nul_byte", "export", "a NUL byte inside a field", Refused(3, "NUL", 2), "csv_nul_byte.csv"),
    Hostile("csv_utf16_no_bom", "export", "UTF-16 without a BOM (NULs everywhere)", Refused(3, "NUL", 1),
            "csv_utf16_no_bom.csv"),
    Hostile("csv_invalid_utf8", "export", "bytes that are neither UTF-8 nor GB18030",
            Refused(3, "第 2 行起不是", 2), "csv_invalid_utf8.csv"),
    Hostile("csv_utf8_with_gb18030_row", "export", "UTF-8 file with one row pasted in GB18030",
            Refused(3, "编码混用: 前 2 行是 UTF-8", 3), "csv_utf8_with_gb18030_row.csv"),
    Hostile("csv_gb18030_bad_bytes", "export", "GB18030 file with an invalid byte pair on line 3",
            Refused(3, "无法按 gb18030 解码", 3), "csv_gb18030_bad_bytes.csv"),
    Hostile("csv_gb18030", "export", "whole file in GB18030 (Excel on Chinese Windows)",
            Loaded(_one(2), _one(2), values={"cases.party_name": ("张三", "欧阳修")}), "csv_gb18030.csv"),
    Hostile("csv_bom_utf8", "export", "UTF-8 with BOM: the BOM must not stick to 案件编号",
            Loaded(_one(1), _one(1), values={"cases.case_id": ("A1",)}), "csv_bom_utf8.csv"),
    Hostile("csv_bom_utf16", "export", "UTF-16 with BOM (Excel 'Unicode text')",
            Loaded(_one(1), _one(1), values={"cases.party_name": ("张三",)}), "csv_bom_utf16.csv"),
    Hostile("csv_mixed_line_endings", "export", "CRLF, CR and LF line ends in one file",
            Loaded(_one(3), _one(3), values={"cases.case_id": ("A1", "A2", "A3")}), "csv_mixed_line_endings.csv"),
    Hostile("csv_unknown_header", "export", "headers that match no table",
            Refused(3, "无法判断是哪一类导出", 1), "csv_unknown_header.csv"),
    Hostile("csv_missing_required_column", "export", "cases.csv without the 承办中队 column",
            Loaded(_one(2), _one(0), ((_C, 2, "squad", "必填字段缺失"), (_C, 3, "squad", "必填字段缺失")),
                   ("missing_column",)), "csv_missing_required_column.csv", as_name="cases.csv"),
    Hostile("csv_duplicate_header", "export", "two columns mapping to the same field",
            Loaded(_one(1), _one(1), warnings=("duplicate_column",), values={"cases.squad": ("一中队",)}),
            "csv_duplicate_header.csv"),
    Hostile("recordings_orphans", "export", "recordings whose case does not exist",
            Loaded(_one(2, _R), _one(0, _R), ((_R, 2, "case_id", "案件不存在"), (_R, 3, "case_id", "案件不存在"))),
            "recordings_orphans.csv", as_name="recordings.csv"),
    Hostile("disclosures_hostile", "export", "disclosure export: payloads, 一万 万元, no 文号, 2025-02-30",
            Loaded(_one(4, _D), _one(1, _D), ((_D, 3, "fine_amount_wan", "金额不是数字: 一万"),
                                              (_D, 4, "decision_no", "必填字段缺失"),
                                              (_D, 5, "decision_date", "日期无效: 2025-02-30")),
                   ("disclosure_unmatched",)), "disclosures_hostile.csv", as_name="disclosures.csv"),
    # --- XML ----------------------------------------------------------------------------------
    Hostile("xml_xxe_file", "export", "external entity SYSTEM file:///etc/passwd in 当事人",
            Loaded(_one(1), _one(0), ((_C, 4, "party_name", "实体引用 &xxe;"),)), "xml_xxe_file.xml"),
    Hostile("xml_xxe_parameter", "export", "parameter entity %p; pointing at /etc/passwd",
            Loaded(_one(1), _one(1)), "xml_xxe_parameter.xml"),
    Hostile("xml_external_dtd", "export", "DOCTYPE SYSTEM http://127.0.0.1:9/evil.dtd + entity from it",
            Loaded(_one(1), _one(0), ((_C, 4, "party_name", "实体引用 &ext;"),)), "xml_external_dtd.xml"),
    Hostile("xml_billion_laughs", "export", "billion laughs (10^9 'lol' through 9 entity levels)",
            Loaded(_one(1), _one(0), ((_C, 1, None, "XML 格式错误"),), unread_line=1), "xml_billion_laughs.xml"),
    Hostile("xml_quadratic_blowup", "export", "quadratic blowup (50 KB entity used 50,000 times)",
            Loaded(_one(1), _one(0), ((_C, 4, None, "XML 格式错误"),), unread_line=4)),
    Hostile("xml_deep_nesting", "export", "100,000 nested elements inside a case",
            Loaded(_one(2), _one(1), ((_C, 2, None, "XML 格式错误"),), unread_line=2)),
    Hostile("xml_truncated", "export", "document cut inside the second case",
            Loaded(_one(2), _one(1), ((_C, 4, None, "XML 格式错误"),), unread_line=4), "xml_truncated.xml"),
    Hostile("xml_empty", "export", "empty .xml file", Refused(3, "文件为空"), "xml_empty.xml"),
    Hostile("xml_nul_byte", "export", "a NUL character inside the second case",
            Loaded(_one(2), _one(1), ((_C, 4, None, "XML 格式错误"),), unread_line=4), "xml_nul_byte.xml"),
    Hostile("xml_invalid_utf8", "export", "invalid UTF-8 bytes inside the second case",
            Loaded(_one(2), _one(1), ((_C, 5, None, "XML 格式错误"),), unread_line=5), "xml_invalid_utf8.xml"),
    Hostile("xml_decl_gb18030_body_utf8", "export", "declares GB18030, bytes are UTF-8",
            Loaded(_one(1), _one(0), ((_C, 3, None, "XML 格式错误"),), unread_line=3), "xml_decl_gb18030_body_utf8.xml"),
    Hostile("xml_decl_utf8_body_gb18030", "export", "declares UTF-8, bytes are GB18030",
            Loaded(_one(1), _one(0), ((_C, 3, None, "XML 格式错误"),), unread_line=3), "xml_decl_utf8_body_gb18030.xml"),
    Hostile("xml_bom_utf16", "export", "UTF-16 with BOM",
            Loaded(_one(1), _one(1), values={"cases.party_name": ("张三",)}), "xml_bom_utf16.xml"),
    Hostile("xml_bom_utf8", "export", "UTF-8 with BOM",
            Loaded(_one(1), _one(1), values={"cases.party_name": ("张三",)}), "xml_bom_utf8.xml"),
    Hostile("xml_wrong_root", "export", "an HTML document saved as .xml", Refused(3, "根元素", 1),
            "xml_wrong_root.xml"),
    Hostile("xml_namespaced_root", "export", "<cases> in a foreign namespace", Refused(3, "根元素"),
            "xml_namespaced_root.xml"),
    Hostile("xml_not_xml", "export", "CSV text in a .xml file", Refused(3, "不是格式正确的 XML", 1),
            "xml_not_xml.xml"),
    Hostile("xml_impossible_date", "export", "立案日期 2025-02-30",
            Loaded(_one(1), _one(0), ((_C, 3, "filing_date", "日期无效: 2025-02-30"),)), "xml_impossible_date.xml"),
    Hostile("xml_bad_amounts", "export", "罚款金额 NaN, 1e30, -5, 一千",
            Loaded(_one(5), _one(1), ((_C, 3, "fine_amount", "金额不是数字: NaN"),
                                      (_C, 4, "fine_amount", "金额不是数字: 1e30"),
                                      (_C, 5, "fine_amount", "金额不能为负数"),
                                      (_C, 6, "fine_amount", "金额不是数字: 一千"))), "xml_bad_amounts.xml"),
    Hostile("xml_duplicate_ids", "export", "the same case_id twice",
            Loaded(_one(2), _one(1), ((_C, 4, "case_id", "案件编号重复"),)), "xml_duplicate_ids.xml"),
    Hostile("xml_xinclude", "export", "XInclude of file:///etc/passwd inside 当事人",
            Loaded(_one(1), _one(0), ((_C, 3, "party_name", "此元素不应含子元素"),)), "xml_xinclude.xml"),
    Hostile("xml_cdata_payload", "export", "<script> in a CDATA section of 当事人",
            Loaded(_one(1), _one(1), values={"cases.party_name": ("<script>document.title='PWNED'</script>",)}),
            "xml_cdata_payload.xml"),
    Hostile("xml_stylesheet_pi", "export", "xml-stylesheet processing instruction with a URL",
            Loaded(_one(1), _one(1)), "xml_stylesheet_pi.xml"),
    Hostile("xml_recording_mismatch", "export", "nested recording naming another case",
            Loaded({_C: 1, _R: 2}, {_C: 1, _R: 1}, ((_R, 3, "case_id", "与所属案件 A1 不符"),)),
            "xml_recording_mismatch.xml"),
    Hostile("xml_disclosures_hostile", "export", "disclosure XML: external entity, 1e30 万元",
            Loaded(_one(3, _D), _one(1, _D), ((_D, 4, "party_name", "实体引用 &x;"),
                                              (_D, 5, "fine_amount_wan", "金额不是数字: 1e30")),
                   ("disclosure_unmatched",)), "xml_disclosures_hostile.xml"),
    Hostile("xml_unknown_element", "export", "an element that is no field",
            Loaded(_one(1), _one(1), warnings=("unknown_column",)), "xml_unknown_element.xml"),
    # --- CSV and values, round two ---------------------------------------------------------------
    Hostile("csv_header_gbk_body_utf8", "export", "header saved in GBK, rows in UTF-8 (was mojibake, exit 0)",
            Refused(3, "编码混用: 第 1 行是 GBK/GB18030，第 2 行是 UTF-8", 2), "csv_header_gbk_body_utf8.csv"),
    Hostile("csv_header_utf8_body_gbk", "export", "header in UTF-8, rows saved in GBK",
            Refused(3, "编码混用: 前 1 行是 UTF-8，第 2 行起不是", 2), "csv_header_utf8_body_gbk.csv"),
    Hostile("csv_header_cell_line_break", "export", 'header cells with a quoted line break ("案件\\n编号", as Excel writes)',
            Loaded(_one(2), _one(2), values={"cases.case_id": ("A1", "A2"), "cases.party_name": ("张三", "李四"),
                                             "cases._line": (4, 5)}), "csv_header_cell_line_break.csv"),
    Hostile("csv_20mb_header_cell", "export", "a 20 MB header cell (generated): never echoed whole",
            Loaded(_one(1), _one(1), warnings=("unknown_column",))),
    Hostile("csv_dates_out_of_range", "export", "0001-01-01, 1600-01-01, 暂缓至 9999-12-31, 9999年12月31日 (were wrapped)",
            Loaded(_one(5), _one(1), ((_C, 2, "filing_date", "日期超出可处理范围: 0001-01-01"),
                                      (_C, 3, "filing_date", "日期超出可处理范围: 1600-01-01"),
                                      (_C, 4, "deferral_until", "日期超出可处理范围: 9999-12-31"),
                                      (_C, 6, "filing_date", "日期超出可处理范围: 9999年12月31日"))),
            "csv_dates_out_of_range.csv", as_name="cases.csv"),
    Hostile("csv_open_ended_date_mapped", "export", "暂缓至 9999-12-31 mapped to empty by the mapping profile's values",
            Loaded(_one(5), _one(2), ((_C, 2, "filing_date", "日期超出可处理范围"),
                                      (_C, 3, "filing_date", "日期超出可处理范围"),
                                      (_C, 6, "filing_date", "日期超出可处理范围"))),
            "csv_dates_out_of_range.csv", as_name="cases.csv", mapping="mapping_open_ended_date.yaml"),
    Hostile("csv_profile_date_formats_first", "export", "profile date_formats %Y-%d-%m: 2025-03-04 is 3 April, not ISO",
            Loaded(_one(2), _one(2), values={"cases.filing_date": (pd.Timestamp("2025-04-03"), pd.Timestamp("2025-04-25"))}),
            "csv_profile_date_order.csv", as_name="cases.csv", mapping="mapping_year_day_month.yaml"),
    Hostile("dup_disclosure_xml_and_csv", "export", "the same disclosure in disclosures.xml and disclosures.csv",
            Loaded(_one(3, _D), _one(2, _D), ((_D, 3, None, "记录完全相同"),), ("disclosure_unmatched",))),
    # --- XML, round two: every element under the root read or reported; a partial read stated --
    Hostile("xml_undecodable_mid_file", "export",
            "one undecodable byte in case 3 of 43: the 40 cases after it cannot be read",
            Loaded(_one(3), _one(2), ((_C, 5, None, "XML 格式错误，自此行起的内容无法读取"),), unread_line=5),
            "xml_undecodable_mid_file.xml"),
    Hostile("xml_case_default_namespace", "export", '<case xmlns="urn:other"> beside a plain <case>',
            Loaded(_one(2), _one(1), ((_C, 3, None, "在命名空间 urn:other 中"),)), "xml_case_default_namespace.xml"),
    Hostile("xml_case_prefixed_namespace", "export", "<p:case> (prefixed namespace) beside a plain <case>",
            Loaded(_one(2), _one(1), ((_C, 3, None, "在命名空间 urn:other 中"),)),
            "xml_case_prefixed_namespace.xml"),
    Hostile("xml_case_in_disclosures", "export", "a <case> inside a <disclosures> export",
            Loaded({_C: 1, _D: 1}, {_D: 1}, ((_C, 4, None, "<case> 出现在 <disclosures> 导出中"),),
                   ("disclosure_unmatched",)), "xml_case_in_disclosures.xml"),
    Hostile("xml_disclosure_in_cases", "export", "a <disclosure> inside a <cases> export",
            Loaded({_C: 1, _D: 1}, {_C: 1}, ((_D, 4, None, "<disclosure> 出现在 <cases> 导出中"),)),
            "xml_disclosure_in_cases.xml"),
    Hostile("xml_officers_mixed", "export", "officers partly as text, partly as <officer> (mixed content)",
            Loaded(_one(1), _one(1), values={"cases.officers": (
                ("张伟(31010600123)", "李娜(31010600456)", "王强(31010600789)"),)}), "xml_officers_mixed.xml"),
    Hostile("xml_huge_element_names", "export", "40,000-character element names under the root and in a case",
            Loaded(_one(1), _one(1), warnings=("unknown_column", "unknown_element")), "xml_huge_element_names.xml"),
    Hostile("xml_unknown_root_children", "export", "an unknown element, stray text and a <batch> wrapper under the root",
            Loaded(_one(2), _one(1), ((_C, 6, None, "不在根元素下（位于 <batch> 内）"),),
                   ("unknown_element", "unknown_text")), "xml_unknown_root_children.xml"),
    # --- big inputs and limits ----------------------------------------------------------------
    Hostile("csv_50mb_field", "export", "a 50 MB 当事人 field (generated)",
            Loaded(_one(3), _one(2), ((_C, 3, "party_name", "字段过长"),))),
    Hostile("xml_50mb_field", "export", "a 50 MB 案由 text node (generated)",
            Loaded(_one(2), _one(1), ((_C, 4, None, "XML 格式错误"),), unread_line=4)),
    Hostile("limit_max_file_bytes", "export", "Limits(max_file_bytes=1000) on a 3 KB file",
            Refused(3, "文件过大"), limits={"max_file_bytes": 1000}),
    Hostile("limit_max_rows", "export", "Limits(max_rows=5) on 6 rows", Refused(3, "行数超过上限 5", 7),
            limits={"max_rows": 5}),
    Hostile("limit_max_field_chars", "export", "Limits(max_field_chars=3) on 4-character 案由",
            Loaded(_one(2), _one(0), ((_C, 2, "cause", "字段过长: 4 个字符，上限 3"),
                                      (_C, 3, "cause", "字段过长"))), limits={"max_field_chars": 3}),
    # --- not a file -----------------------------------------------------------------------------
    Hostile("path_directory_named_cases_csv", "export", "a directory named cases.csv",
            Refused(3, "目录中没有")),
    Hostile("path_fifo", "export", "a FIFO named cases.csv (a read would block forever)",
            Refused(3, "不是普通文件")),
    Hostile("path_dangling_symlink", "export", "a symlink to nothing", Refused(3, "不存在")),
    Hostile("path_folder_with_non_files", "export",
            "a folder whose recordings.csv is a FIFO, disclosures.csv a broken link, old.xml a folder",
            Loaded(_one(1), _one(1), warnings=("skipped_file",))),
    # --- symbolic links: followed only inside the export folder --------------------------------
    Hostile("path_link_leaves_folder", "export", "in a folder, cases.csv is a symlink to /etc/passwd",
            Loaded(_one(1), _one(1), warnings=("skipped_file",), values={"cases.case_id": ("A1",)})),
    Hostile("path_link_to_other_folder", "export", "in a folder, cases.csv links to another district's export",
            Loaded(_one(1), _one(1), warnings=("skipped_file",), values={"cases.case_id": ("A1",)})),
    Hostile("path_link_loop_in_folder", "export", "in a folder, cases.csv is a symlink to itself (a loop; crashed)",
            Loaded(_one(1), _one(1), warnings=("skipped_file",), values={"cases.case_id": ("A1",)})),
    Hostile("path_link_inside_folder", "export", "in a folder, cases.csv links to data/real.csv in the same folder",
            Loaded(_one(2), _one(2), values={"cases.case_id": ("B1", "A1")})),
    Hostile("path_link_loop", "export", "a symlink loop named on the command line", Refused(3, "符号链接循环")),
    Hostile("path_explicit_link_to_system_file", "export", "cases.csv named on the command line, a link to /etc/passwd",
            Refused(3, "表头中没有任何已知列名", 1)),
    # --- YAML: rule files, district profiles, mapping profiles, calendars, exception registers --
    *(Hostile(f"{k}_yaml_bomb", k, "YAML billion laughs (9 alias levels, 10^9 nodes)",
              Refused(2, "展开炸弹"), f"{k}_yaml_bomb.yaml")
      for k in ("rules", "district", "mapping", "calendar", "exceptions")),
    Hostile("rules_unsafe_tag", "rules", "!!python/object/apply:os.system in a rule file",
            Refused(2, "could not determine a constructor", 2), "rules_unsafe_tag.yaml"),
    Hostile("district_unsafe_tag", "district", "!!python/object/apply:os.system in a district profile",
            Refused(2, "could not determine a constructor", 2), "district_unsafe_tag.yaml"),
    Hostile("mapping_unsafe_tag", "mapping", "!!python/object/apply:os.system in a mapping profile",
            Refused(2, "could not determine a constructor", 1), "mapping_unsafe_tag.yaml"),
    Hostile("calendar_unsafe_tag", "calendar", "!!python/object/apply:os.system in a calendar file",
            Refused(2, "could not determine a constructor", 2), "calendar_unsafe_tag.yaml"),
    Hostile("exceptions_unsafe_tag", "exceptions", "!!python/object/apply:os.system in the register",
            Refused(2, "could not determine a constructor", 2), "exceptions_unsafe_tag.yaml"),
    Hostile("rules_catastrophic_regex", "rules", "matches: '^(a|aa)+$' (hung the vectorized evaluator on an 80-character 案由)",
            Refused(2, "回溯次数会指数增长", 7), "rules_catastrophic_regex.yaml"),
    Hostile("rules_python_name_tag", "rules", "!!python/name:os.system",
            Refused(2, "could not determine a constructor", 1), "rules_python_name_tag.yaml"),
    Hostile("rules_duplicate_key", "rules", "the same key twice", Refused(2, "重复的键", 2),
            "rules_duplicate_key.yaml"),
    Hostile("rules_nul_byte", "rules", "a NUL character in a rule id", Refused(2, "U+0000", 2),
            "rules_nul_byte.yaml"),
    Hostile("rules_self_alias", "rules", "an alias that contains itself (&r [*r])", Refused(2, "循环引用", 1),
            "rules_self_alias.yaml"),
    Hostile("rules_not_utf8", "rules", "rule file saved in GB18030", Refused(2, "不是 UTF-8", 2),
            "rules_not_utf8.yaml"),
    Hostile("district_impossible_date", "district", "a parameter dated 2025-02-30",
            Refused(2, "2025-02-30", 3), "district_impossible_date.yaml"),
    Hostile("district_huge_int", "district", "a 5,000-digit integer parameter",
            Refused(2, "无效", 3), "district_huge_int.yaml"),
    Hostile("district_negative_days", "district", "payment_days: -5 (was accepted and changed findings)",
            Refused(2, "超出允许范围 0–3660", 3), "district_negative_days.yaml"),
    Hostile("district_overflowing_days", "district", "payment_days: 10^20 (overflowed the date arithmetic)",
            Refused(2, "超出允许范围", 3), "district_overflowing_days.yaml"),
    Hostile("district_infinite_number", "district", "score_pass_line: .inf", Refused(2, "超出允许范围", 3),
            "district_infinite_number.yaml"),
    Hostile("district_negative_map_value", "district", "a negative deduction in score_rule_deductions",
            Refused(2, "超出允许范围", 3), "district_negative_map_value.yaml"),
    Hostile("calendar_redefines_covered_year", "calendar", "a calendar file redefining 2025 (covered by chinese-calendar; was ignored)",
            Refused(2, "2025 年已由 chinese-calendar", 2), "calendar_redefines_covered_year.yaml"),
    Hostile("calendar_impossible_date", "calendar", "holiday 2031-02-30", Refused(2, "2031-02-30", 3),
            "calendar_impossible_date.yaml"),
    Hostile("calendar_reversed_range", "calendar", "holiday range [2031-10-07, 2031-10-01] (end before start)",
            Refused(2, "起止颠倒", 4), "calendar_reversed_range.yaml"),
    Hostile("calendar_absurd_year", "calendar", "year 99999", Refused(2, "年份 99999", 2), "calendar_absurd_year.yaml"),
    Hostile("mapping_tab_indent", "mapping", "tabs used for indentation", Refused(2, "YAML", 2),
            "mapping_tab_indent.yaml"),
    Hostile("mapping_alias_name_bomb", "mapping", "alias bomb hidden under name:",
            Refused(2, "展开炸弹"), "mapping_alias_name_bomb.yaml"),
    Hostile("mapping_deep_nesting", "mapping", "5,000 nested flow sequences (generated)",
            Refused(2, "YAML 嵌套超过 100 层", 1)),
    Hostile("mapping_non_text_codec", "mapping", "encoding: rot13 (a codec, not a text encoding)",
            Refused(2, "未知的编码: rot13", 2), "mapping_non_text_codec.yaml"),
    Hostile("csv_forced_utf16_without_bom", "export", "mapping profile forces utf-16 on a UTF-8 cases.csv",
            Refused(3, "无法按 utf-16 解码"), "csv_bom_utf8.csv", as_name="cases.csv",
            mapping="mapping_forced_utf16.yaml"),
    Hostile("mapping_fifo", "mapping", "a FIFO as the mapping profile (a read would block forever)",
            Refused(2, "不是普通文件")),
    Hostile("district_fifo", "district", "a FIFO as the district profile", Refused(2, "不是普通文件")),
    Hostile("calendar_dev_zero", "calendar", "/dev/zero as a calendar file (endless bytes)",
            Refused(2, "不是普通文件")),
    Hostile("exceptions_directory", "exceptions", "a folder named exceptions.yaml", Refused(2, "不是普通文件")),
    Hostile("exceptions_not_utf8", "exceptions", "exception register saved in GB18030",
            Refused(2, "不是 UTF-8", 2), "exceptions_not_utf8.yaml"),
)

# Every input also runs through the CLI as a subprocess (no traceback, no hang, the documented exit code),
# except those that need library-only Limits below the CLI's granularity (a 1,000-byte file limit).
CLI_IDS = frozenset(h.id for h in CORPUS if not h.limits)


def materialise(h: Hostile, tmp: Path) -> Path:
    """Put the input of `h` into `tmp` and return its path."""
    tmp.mkdir(parents=True, exist_ok=True)
    if h.file is None:
        return GENERATORS[h.id](tmp)
    target = tmp / (h.as_name or h.file)
    target.write_bytes((FILES / h.file).read_bytes())
    return target
