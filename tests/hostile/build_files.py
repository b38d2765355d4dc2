"""Write the committed hostile-input files (tests/hostile/files/). Run once after editing; the files are
committed so the corpus is readable as is. Big inputs are not here: the tests generate them into tmp.

    python tests/hostile/build_files.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).parent / "files"

CSV_HEADER = "案件编号,承办中队,案由,当事人名称,罚款金额（元）,立案日期,案件状态\n"
ROW = "{id},一中队,占道经营,{name},200,2025-03-03,已立案\n"
PASSWD = "file:///etc/passwd"

FORMULAS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
            "=HYPERLINK(\"http://127.0.0.1/x\",\"点击\")", "=cmd|' /C calc'!A0"]
HTML = ["<script>document.title='PWNED'</script>", "<img src=x onerror=\"document.title='PWNED'\">",
        "\"><svg onload=document.body.appendChild(document.createElement('pwned'))>",
        "</td></tr></table><b id=pwned>x</b>", "{{7*7}}{% raw %}", "javascript:alert(1)"]


def csv_rows(*rows: str) -> str:
    return CSV_HEADER + "".join(rows)


def case_xml(case_id: str = "A1", party: str = "张三", extra: str = "") -> str:
    return (f"<case><case_id>{case_id}</case_id><squad>一中队</squad>"
            f"<party_name>{party}</party_name>{extra}</case>\n")


def xml_doc(body: str, prolog: str = "", encoding: str = "UTF-8") -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\n{prolog}<cases>\n{body}</cases>\n'


def lol_prolog(levels: int = 9) -> str:
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels + 1):
        ents.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return "<!DOCTYPE cases [\n" + "\n".join(ents) + "\n]>\n"


YAML_BOMB = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}" if i else "lol"] * 10) + "]\n"
    for i in range(9))
UNSAFE = "!!python/object/apply:os.system ['touch /tmp/auditor-pwned']"

FILES: dict[str, bytes | str] = {
    # --- CSV exports --------------------------------------------------------------------------
    "csv_empty.csv": b"",
    "csv_blank_lines.csv": "\n \n\t\n",
    "csv_header_only.csv": CSV_HEADER,
    "csv_truncated_mid_row.csv": csv_rows(ROW.format(id="A1", name="张三"), "A2,一中队,占道"),
    "csv_truncated_in_quote.csv": csv_rows(ROW.format(id="A1", name="张三"), 'A2,一中队,"占道经营\n还没写完'),
    "csv_quoted_newlines.csv": csv_rows('A1,一中队,"占道\n经营\n（夜市）",张三,200,2025-03-03,已立案\n',
                                        ROW.format(id="A2", name="李四")),
    "csv_stray_quotes.csv": csv_rows('A1,一中队,占道"经营,张"三,200,2025-03-03,已立案\n',
                                     ROW.format(id="A2", name="李四")),
    "csv_wrong_column_counts.csv": csv_rows("A1,一中队\n", ROW.format(id="A2", name="李四"),
                                            "A3,一中队,占道经营,王五,200,2025-03-03,已立案,多余,列\n",
                                            "A4,一中队,占道经营,赵六,200,2025-03-03,已立案,,\n"),
    "csv_impossible_dates.csv": csv_rows("A1,一中队,x,张三,200,2025-02-30,已立案\n",
                                         "A2,一中队,x,张三,200,2025-13-01,已立案\n",
                                         "A3,一中队,x,张三,200,0000-00-00,已立案\n",
                                         "A4,一中队,x,张三,200,2024-02-29,已立案\n"),
    "csv_bad_amounts.csv": csv_rows(*(f"A{i},一中队,x,张三,{v},2025-03-03,已立案\n" for i, v in enumerate(
        ["NaN", "1e30", "-5", "一千", "inf", "9" * 400, "200"], 1))),
    "csv_duplicate_ids.csv": csv_rows(ROW.format(id="A1", name="张三"), ROW.format(id="A2", name="李四"),
                                      ROW.format(id="A1", name="王五")),
    "csv_formula_payloads.csv": "案件编号,承办中队,案由,当事人名称,立案日期\n" + "".join(
        '{},一中队,"{}","{}",2025-03-03\n'.format(f"F{i}", v.replace('"', '""'), v.replace('"', '""'))
        for i, v in enumerate(FORMULAS, 1)),
    "csv_html_payloads.csv": "案件编号,承办中队,案由,当事人名称,立案日期\n" + "".join(
        '{},一中队,"{}","{}",2025-03-03\n'.format(f"H{i}", v.replace('"', '""'), v.replace('"', '""'))
        for i, v in enumerate(HTML, 1)),
    "csv_nul_byte.csv": csv_rows("A1,一中队,x,张\x00三,200,2025-03-03,已立案\n"),
    "csv_invalid_utf8.csv": CSV_HEADER.encode() + b"A1,\xff\xfe\xfd,x,y,200,2025-03-03,\n",
    "csv_gb18030.csv": csv_rows(ROW.format(id="A1", name="张三"), ROW.format(id="A2", name="欧阳修")).encode(
        "gb18030"),
    "csv_utf8_with_gb18030_row.csv": csv_rows(ROW.format(id="A1", name="张三")).encode()
    + ROW.format(id="A2", name="李四").encode("gb18030"),
    "csv_gb18030_bad_bytes.csv": csv_rows(ROW.format(id="A1", name="张三")).encode("gb18030") + b"A2,\x81\x20,x\n",
    "csv_bom_utf8.csv": b"\xef\xbb\xbf" + csv_rows(ROW.format(id="A1", name="张三")).encode(),
    "csv_bom_utf16.csv": csv_rows(ROW.format(id="A1", name="张三")).encode("utf-16"),
    "csv_utf16_no_bom.csv": csv_rows(ROW.format(id="A1", name="张三")).encode("utf-16-le"),
    "csv_only_bom.csv": b"\xef\xbb\xbf",
    "csv_unknown_header.csv": "foo,bar,baz\n1,2,3\n",
    "csv_missing_required_column.csv": "案件编号,案由,当事人名称\nA1,x,张三\nA2,y,李四\n",
    "csv_duplicate_header.csv": "案件编号,承办中队,承办中队\nA1,一中队,二中队\n",
    "csv_mixed_line_endings.csv": (CSV_HEADER.replace("\n", "\r\n") + ROW.format(id="A1", name="张三")
                                   + ROW.format(id="A2", name="李四").replace("\n", "\r")
                                   + ROW.format(id="A3", name="王五")),
    "csv_control_chars.csv": csv_rows(ROW.format(id="A1", name="\x1b[31m红字\x1b[0m"),
                                      ROW.format(id="A2", name="\u202e三张"),
                                      ROW.format(id="A3", name="\x07\x08\x0b\x0c")),
    "csv_terminal_escapes.csv": csv_rows("A1,\x1b[31m一中队\x1b[0m,x,张三,200,2025-03-03,已立案\n",
                                         "A2,一中队,x,张三,200,\x1b]0;pwned\x07\x1b[2J,已立案\n"),
    "recordings_orphans.csv": "案件编号,执法环节,记录形式\nNOPE1,现场检查,视频\nNOPE2,询问,音频\n",
    "disclosures_hostile.csv": "行政处罚决定书文号,行政相对人名称,罚款金额（万元）,处罚决定日期\n"
                               "沪静城管罚〔2025〕1号,<script>document.title='PWNED'</script>,0.02,2025-03-03\n"
                               "沪静城管罚〔2025〕2号,=1+1,一万,2025-03-03\n"
                               ",张三,0.01,2025-03-03\n"
                               "沪静城管罚〔2025〕3号,李四,0.01,2025-02-30\n",
    # --- XML exports --------------------------------------------------------------------------
    "xml_xxe_file.xml": xml_doc(case_xml(party="&xxe;"),
                                f'<!DOCTYPE cases [<!ENTITY xxe SYSTEM "{PASSWD}">]>\n'),
    "xml_xxe_parameter.xml": xml_doc(case_xml(), f'<!DOCTYPE cases [<!ENTITY % p SYSTEM "{PASSWD}"> %p;]>\n'),
    "xml_external_dtd.xml": xml_doc(case_xml(party="&ext;"),
                                    '<!DOCTYPE cases SYSTEM "http://127.0.0.1:9/evil.dtd">\n'),
    "xml_billion_laughs.xml": xml_doc(case_xml(party="&lol9;"), lol_prolog()),
    "xml_truncated.xml": xml_doc(case_xml("A1") + case_xml("A2"))[:-40],
    "xml_empty.xml": b"",
    "xml_nul_byte.xml": xml_doc(case_xml() + case_xml("A2", "李\x00四")),
    "xml_invalid_utf8.xml": xml_doc(case_xml()).encode() .replace(b"</cases>", b"") + b"<case>\xff\xfe</case></cases>",
    "xml_decl_gb18030_body_utf8.xml": xml_doc(case_xml(), encoding="GB18030").encode("utf-8"),
    "xml_decl_utf8_body_gb18030.xml": xml_doc(case_xml()).encode("gb18030"),
    "xml_bom_utf16.xml": xml_doc(case_xml(), encoding="UTF-16").encode("utf-16"),
    "xml_bom_utf8.xml": b"\xef\xbb\xbf" + xml_doc(case_xml()).encode(),
    "xml_wrong_root.xml": "<html><body><case><case_id>A1</case_id></case></body></html>\n",
    "xml_not_xml.xml": CSV_HEADER + ROW.format(id="A1", name="张三"),
    "xml_impossible_date.xml": xml_doc(case_xml(extra="<filing_date>2025-02-30</filing_date>")),
    "xml_bad_amounts.xml": xml_doc("".join(
        case_xml(f"A{i}", extra=f"<fine_amount>{v}</fine_amount>") for i, v in
        enumerate(["NaN", "1e30", "-5", "一千", "200"], 1))),
    "xml_duplicate_ids.xml": xml_doc(case_xml("A1") + case_xml("A1", "李四")),
    "xml_xinclude.xml": xml_doc('<case xmlns:xi="http://www.w3.org/2001/XInclude"><case_id>A1</case_id>'
                                f'<squad>一中队</squad><party_name><xi:include href="{PASSWD}" parse="text"/>'
                                '</party_name></case>\n'),
    "xml_cdata_payload.xml": xml_doc(case_xml(party="<![CDATA[<script>document.title='PWNED'</script>]]>")),
    "xml_namespaced_root.xml": '<cases xmlns="urn:other"><case><case_id>A1</case_id></case></cases>\n',
    "xml_stylesheet_pi.xml": xml_doc('<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:9/x.xsl"?>\n'
                                     + case_xml()),
    "xml_recording_mismatch.xml": xml_doc(case_xml(extra="<recordings><recording><stage>询问</stage>"
                                                         "</recording><recording><case_id>ZZ</case_id>"
                                                         "<stage>询问</stage></recording></recordings>")),
    "xml_disclosures_hostile.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE disclosures [<!ENTITY x SYSTEM '
                                   f'"{PASSWD}">]>\n<disclosures>\n'
                                   "<disclosure><decision_no>D1</decision_no><party_name>&x;</party_name></disclosure>\n"
                                   "<disclosure><decision_no>D2</decision_no><fine_amount_wan>1e30</fine_amount_wan>"
                                   "</disclosure>\n<disclosure><decision_no>D3</decision_no></disclosure>\n"
                                   "</disclosures>\n",
    "xml_unknown_element.xml": xml_doc(case_xml(extra="<bogus>1</bogus>")),
    # --- CSV, round two -------------------------------------------------------------------------
    "csv_header_gbk_body_utf8.csv": CSV_HEADER.encode("gbk") + (ROW.format(id="A1", name="张三")
                                                                 + ROW.format(id="A2", name="李四")).encode(),
    "csv_header_utf8_body_gbk.csv": CSV_HEADER.encode() + (ROW.format(id="A1", name="张三")
                                                           + ROW.format(id="A2", name="李四")).encode("gbk"),
    "csv_header_cell_line_break.csv": '"案件\n编号",承办中队,案由,"当事人\r\n名称",罚款金额（元）,立案日期,案件状态\n'
                                      + ROW.format(id="A1", name="张三") + ROW.format(id="A2", name="李四"),
    "csv_dates_out_of_range.csv": "案件编号,承办中队,案由,当事人名称,立案日期,延期（分期）缴纳截止日期\n"
                                  "A1,一中队,x,张三,0001-01-01,\nA2,一中队,x,张三,1600-01-01,\n"
                                  "A3,一中队,x,张三,2025-03-03,9999-12-31\nA4,一中队,x,张三,2025-03-03,2026-01-31\n"
                                  "A5,一中队,x,张三,9999年12月31日,\n",
    "csv_profile_date_order.csv": "案件编号,承办中队,立案日期\nA1,一中队,2025-03-04\nA2,一中队,2025-25-04\n",
    "mapping_year_day_month.yaml": "name: 年日月\ndate_formats: ['%Y-%d-%m']\n",
    "mapping_open_ended_date.yaml": "name: 无限期\ntables:\n  cases:\n    values:\n"
                                    "      deferral_until: {'9999-12-31': ''}\n",
    # --- XML, round two: nothing under the root unaccounted for ---------------------------------
    "xml_undecodable_mid_file.xml": xml_doc(case_xml("A1") + case_xml("A2")).encode().replace(
        b"</cases>", case_xml("A3", "\u738b\u4e94").encode().replace("\u738b".encode(), b"\xff\xfe")
        + "".join(case_xml(f"B{i}", "李四") for i in range(1, 41)).encode() + b"</cases>"),
    "xml_case_default_namespace.xml": xml_doc(case_xml("A1").replace("<case>", '<case xmlns="urn:other">')
                                              + case_xml("A2")),
    "xml_case_prefixed_namespace.xml": xml_doc(case_xml("A1").replace("<case>", "<p:case>").replace(
        "</case>", "</p:case>") + case_xml("A2")).replace("<cases>", '<cases xmlns:p="urn:other">'),
    "xml_case_in_disclosures.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<disclosures>\n'
                                   "<disclosure><decision_no>D1</decision_no></disclosure>\n"
                                   + case_xml("A1") + "</disclosures>\n",
    "xml_disclosure_in_cases.xml": xml_doc(case_xml("A1") + "<disclosure><decision_no>D1</decision_no>"
                                           "</disclosure>\n"),
    "xml_officers_mixed.xml": xml_doc(case_xml(extra="<officers>张伟(31010600123)<officer>李娜(31010600456)"
                                                     "</officer>、王强(31010600789)</officers>")),
    "xml_huge_element_names.xml": xml_doc(f"<{'x' * 40000}>1</{'x' * 40000}>\n"
                                          + case_xml(extra=f"<{'y' * 40000}>2</{'y' * 40000}>")),
    "xml_unknown_root_children.xml": xml_doc("<exported_by>系统</exported_by>\n" + case_xml("A1")
                                             + "孤立的文字\n<batch>" + case_xml("A2") + "</batch>\n"),
    # --- YAML configuration files ---------------------------------------------------------------
    **{f"{kind}_yaml_bomb.yaml": YAML_BOMB for kind in ("rules", "district", "mapping", "calendar",
                                                          "exceptions")},
    "rules_unsafe_tag.yaml": f"rules:\n  - {UNSAFE}\n",
    "district_unsafe_tag.yaml": f"profile: {{name: x}}\nparams: {UNSAFE}\n",
    "mapping_unsafe_tag.yaml": f"name: {UNSAFE}\n",
    "calendar_unsafe_tag.yaml": f"years:\n  2031: {UNSAFE}\n",
    "exceptions_unsafe_tag.yaml": f"exceptions:\n  - {UNSAFE}\n",
    "rules_catastrophic_regex.yaml": "rules:\n  - id: TT-REDOS\n    title: {zh: 测试, en: test}\n    theme: 程序\n"
                                     "    severity: 一般\n    basis: [{law: 行政处罚法, article: 第一条, quote: 测试, confidence: P}]\n"
                                     "    violation: {field: cause, matches: '^(a|aa)+$'}\n"
                                     "    message: {zh: 案由可疑, en: odd cause}\n    correction: {zh: 改正, en: fix}\n"
                                     "    departments: [案件审理科]\n    due: {working_days: 10}\n"
                                     "    examples:\n      fire: [{cause: aaaa}]\n      pass: [{cause: ab}]\n",
    "rules_python_name_tag.yaml": "rules: !!python/name:os.system\n",
    "rules_duplicate_key.yaml": "rules: []\nrules: []\n",
    "rules_nul_byte.yaml": "rules:\n  - id: R\x00X\n",
    "rules_self_alias.yaml": "rules: &r [*r]\n",
    "rules_not_utf8.yaml": "rules:\n  - id: 规则\n".encode("gb18030"),
    "district_impossible_date.yaml": "profile: {name: 测试区}\nparams:\n  foo: 2025-02-30\n",
    "district_huge_int.yaml": "profile: {name: 测试区}\nparams:\n  warning_days: " + "9" * 5000 + "\n",
    "district_negative_days.yaml": "profile: {name: 测试区}\nparams:\n  payment_days: -5\n",
    "district_overflowing_days.yaml": "profile: {name: 测试区}\nparams:\n  payment_days: 100000000000000000000\n",
    "district_infinite_number.yaml": "profile: {name: 测试区}\nparams:\n  score_pass_line: .inf\n",
    "district_negative_map_value.yaml": "profile: {name: 测试区}\nparams:\n  score_rule_deductions: {CX-NO-NOTICE: -50}\n",
    "calendar_redefines_covered_year.yaml": "years:\n  2025:\n    holidays: [2025-03-03]\n",
    "calendar_impossible_date.yaml": "years:\n  2031:\n    holidays: [2031-02-30]\n",
    "calendar_reversed_range.yaml": "years:\n  2031:\n    holidays:\n      - [2031-10-07, 2031-10-01]\n",
    "calendar_absurd_year.yaml": "years:\n  99999:\n    holidays: []\n",
    "mapping_tab_indent.yaml": "tables:\n\tcases:\n\t\tcolumns: {}\n",
    "mapping_alias_name_bomb.yaml": "name: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"d{i}: &{'bcdefghij'[i]} [" + ", ".join([f"*{'abcdefghij'[i]}"] * 10) + "]\n" for i in range(8)),
    "mapping_non_text_codec.yaml": "name: 怪编码\nencoding: rot13\n",
    "mapping_forced_utf16.yaml": "tables:\n  cases:\n    encoding: utf-16\n",
    "exceptions_not_utf8.yaml": "exceptions:\n  - rule: 规则\n".encode("gb18030"),
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, data in FILES.items():
        (OUT / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    print(f"{len(FILES)} files in {OUT}")


if __name__ == "__main__":
    main()
