"""Hand-built, realistic AuditResult objects for the reporter tests.

`small_result()` is a fixed district of three squads with findings of every severity and several
themes, early warnings, a calendar notice, rejected rows, and case text carrying spreadsheet- and
HTML-injection payloads. `district_result(n_cases, seed)` is a larger deterministic district for
screenshots and timing. The stand-in classes mirror the contract in docs/result-contract.md; the
reporters only read attributes, so the real Rule / LoadResult classes drop in unchanged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from auditor.evaluate import registry
from auditor.findings import AuditResult, Basis, EarlyWarning, Finding, Notice, fingerprint
from auditor.model.fields import CASE_FIELDS

AS_OF = date(2026, 11, 25)
# The real pack: the reporters read its parameter descriptions; absolute, whatever the working directory.
PACK_DIR = str(Path(__file__).resolve().parents[1] / "rules")

PAYLOADS = (
    '=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
    "<script>document.title='pwned'</script>",
    '<img src=x onerror="document.title=\'pwned\'">',
)
FORMULA_PAYLOADS = PAYLOADS[:6]
HTML_PAYLOADS = PAYLOADS[6:]


@dataclass(frozen=True)
class RuleStub:
    id: str
    title: dict
    theme: str
    severity: str
    basis: tuple
    departments: tuple
    correction: dict
    description: dict = field(default_factory=lambda: {"zh": "", "en": ""})


@dataclass(frozen=True)
class TableCountStub:
    rows_in: int
    loaded: int
    rejected: int


@dataclass(frozen=True)
class RejectedRowStub:
    table: str
    file: str
    line: int
    field: str
    reason: str
    value: str


@dataclass(frozen=True)
class InputWarningStub:
    code: str
    file: str
    line: int
    field: str
    message: str


@dataclass(frozen=True)
class FileInfoStub:
    path: str
    sha256: str
    table: str
    form: str
    encoding: str
    rows: int


@dataclass
class LoadStub:
    tables: dict
    rejected: list
    warnings: list
    counts: dict
    files: list


CFL = "中华人民共和国行政处罚法"
RULES = (
    RuleStub("DIS-001", {"zh": "处罚决定未公示", "en": "Decision not disclosed"}, "公示", "严重",
             (Basis(CFL, "第四十八条第一款", "具有一定社会影响的行政处罚决定应当依法公开。", "P"),),
             ("执法监督科", "承办中队"),
             {"zh": "在公示平台补充公示处罚决定。", "en": "Publish the decision on the disclosure platform."}),
    RuleStub("REC-002", {"zh": "执法环节缺少全过程记录", "en": "Enforcement stage not recorded"},
             "全过程记录", "一般",
             (Basis(CFL, "第四十七条", "行政机关应当依法以文字、音像等形式，对行政处罚的启动、调查取证、审核、"
                    "决定、送达、执行等进行全过程记录，归档保存。", "P"),),
             ("案件审理科", "承办中队"),
             {"zh": "补充该环节的记录并归档。", "en": "Add and archive the record of the stage."}),
    RuleStub("LRV-001", {"zh": "重大执法决定应审未审", "en": "Major decision without legal review"},
             "法制审核", "严重",
             (Basis(CFL, "第五十八条第一款", "未经法制审核或者审核未通过的，不得作出决定。", "P"),),
             ("案件审理科", "执法协调科", "承办中队"),
             {"zh": "组织法制审核，评估决定的合法性。", "en": "Have the decision legally reviewed."}),
    RuleStub("OVD-001", {"zh": "办案超期", "en": "Case decided late"}, "三超期", "严重",
             (Basis(CFL, "第六十条", "行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。", "P"),),
             ("案件审理科", "执法监督科", "承办中队"),
             {"zh": "说明超期原因，落实延期审批制度。", "en": "Explain the delay; apply extension approval."}),
    RuleStub("TRM-001", {"zh": "终止调查未经审批", "en": "Investigation terminated without approval"},
             "两随意", "一般",
             (Basis("上海市城市管理行政执法程序规定", "第四十条", "终止调查应当经负责人批准。", "S"),),
             ("案件审理科", "执法监督科", "承办中队"),
             {"zh": "补办终止调查审批手续。", "en": "Obtain the missing approval."}),
    RuleStub("ENF-001", {"zh": "逾期未缴未催告", "en": "Unpaid fine without demand notice"}, "执行", "一般",
             (Basis("中华人民共和国行政强制法", "第五十四条", "行政机关申请人民法院强制执行前，应当催告当事人履行义务。", "P"),),
             ("执法协调科", "案件审理科", "执法监督科"),
             {"zh": "送达催告书。", "en": "Serve a demand notice."}),
    RuleStub("PRC-003", {"zh": "决定书送达超过七个工作日", "en": "Decision served after 7 working days"},
             "程序", "一般",
             (Basis(CFL, "第六十一条", "行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，"
                    "行政机关应当在七日内依照《中华人民共和国民事诉讼法》的有关规定送达当事人。", "P"),),
             ("承办中队",), {"zh": "规范送达程序。", "en": "Serve decisions on time."}),
    RuleStub("IDN-001", {"zh": "身份证号码校验位错误", "en": "ID number check digit wrong"}, "主体认定", "提示",
             (Basis("GB 11643-1999 公民身份号码", "第5.2条", "校验码按 ISO 7064:1983.MOD 11-2 计算。", "UNCONFIRMED"),),
             ("承办中队",), {"zh": "核对当事人身份证件。", "en": "Check the party's identity document."}),
    RuleStub("DQ-001", {"zh": "案由含异常字符", "en": "Cause contains unusual text"}, "数据质量", "提示",
             (Basis("数据规范", "案由", "案由应为规范文字。", "UNCONFIRMED"),),
             ("承办中队",), {"zh": "核对并更正案由。", "en": "Check and correct the cause."}),
)
RULE_BY_ID = {r.id: r for r in RULES}
SQUADS = ("江宁路中队", "南京西路中队", "机动执法中队")


def _empty_cases(n: int) -> dict:
    cols: dict = {}
    for f in CASE_FIELDS:
        if f.kind in ("date", "datetime"):
            cols[f.name] = pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
        elif f.kind == "bool":
            cols[f.name] = pd.Series([pd.NA] * n, dtype="boolean")
        elif f.kind == "int":
            cols[f.name] = pd.Series([pd.NA] * n, dtype="Int64")
        elif f.kind == "decimal":
            cols[f.name] = pd.Series([float("nan")] * n, dtype="float64")
        elif f.kind in ("list", "enum_list"):
            cols[f.name] = pd.Series([()] * n, dtype="object")
        else:
            cols[f.name] = pd.Series([None] * n, dtype="object")
    return cols


def _case_frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(_empty_cases(len(records)))
    keys = sorted({k for rec in records for k in rec})
    for k in keys:
        values = [rec.get(k) for rec in records]
        if k in df.columns and str(df[k].dtype).startswith("datetime"):
            df[k] = pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
        elif k == "_line":
            df[k] = pd.Series(values, dtype="Int64")
        elif k in df.columns:
            df[k] = pd.Series(values, dtype=df[k].dtype)
        else:
            df[k] = pd.Series(values, dtype="object")
    return df


def _finding(rule_id: str, case: dict, *, subject: str = "", message: dict | None = None,
             evidence: tuple = (), due: date | None = None) -> Finding:
    r = RULE_BY_ID[rule_id]
    msg = message or {"zh": f"案件 {case['case_id']}：{r.title['zh']}。",
                      "en": f"Case {case['case_id']}: {r.title['en']}."}
    return Finding(
        fingerprint=fingerprint(rule_id, case["case_id"], subject), rule_id=rule_id,
        case_id=case["case_id"], squad=case["squad"], theme=r.theme, severity=r.severity,
        subject=subject, title=dict(r.title), message=msg, correction=dict(r.correction),
        departments=r.departments, correction_due=due or AS_OF + timedelta(days=30), basis=r.basis,
        evidence=evidence,
    )


def _param_descriptions() -> dict:
    """What the pipeline puts in a result: the pack's parameter descriptions (reporters never read YAML)."""
    from auditor.rules.params import load_param_declarations

    declared = load_param_declarations(Path(PACK_DIR) / "params.yaml")
    return {name: p.description for name, p in declared.items() if p.description}


def _metadata(n_rules: int, inputs: list[dict], show_personal_data: bool = False) -> dict:
    return {
        "tool_version": "0.1.0",
        "rule_pack": {"path": PACK_DIR, "version": "2026.11", "sha256": "ab" * 32, "rules": n_rules},
        "profile": {"name": "静安区", "path": "profiles/jingan.yaml", "overrides": ["decision_days"],
                    "params": {"decision_days": 90, "disclosure_working_days": 7,
                               "service_working_days": 7, "recording_min_officers": 2,
                               "av_required_extra": [], "major_stages": ["调查取证", "送达"],
                               "cause_catalogue": [{"code": "CG-SR-002", "name": "跨门营业", "fine_min": "50"}]}},
        "mapping_profile": "default",
        "engine": "vectorized",
        "as_of": AS_OF.isoformat(),
        "inputs": inputs,
        "squad_filter": None,
        "show_personal_data": show_personal_data,
        "warning_days": 10,
        "score": {"deductions": {"严重": 10, "一般": 5, "提示": 1}, "base": 100},
    }


def _deadline(case: dict, rule_id: str, name: str, label: tuple[str, str], start_field: str,
              due: date, end_field: str | None, unit: str, limit: int, status: str) -> dict:
    start = case.get(start_field)
    end = case.get(end_field) if end_field else None
    return {
        "case_id": case["case_id"], "rule_id": rule_id, "name": name, "label_zh": label[0],
        "label_en": label[1], "start_field": start_field,
        "start": pd.Timestamp(start) if start else pd.NaT, "due": pd.Timestamp(due),
        "end_field": end_field, "end": pd.Timestamp(end) if end else pd.NaT,
        "unit": unit, "limit": limit, "status": status,
    }


def _deadline_frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["case_id", "rule_id", "name", "label_zh", "label_en", "start_field", "start", "due",
            "end_field", "end", "unit", "limit", "status"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("start", "due", "end"):
        df[c] = pd.to_datetime(df[c])
    return df


def small_result(*, show_personal_data: bool = False) -> AuditResult:
    """Three squads, nine cases, every severity, payloads in case text."""
    d = date
    cases = [
        dict(case_id="JA2026-0001", squad="江宁路中队", cause="占道经营", procedure="普通程序",
             party_type="自然人", party_name="张三", party_id="110101199003074578", status="已结案",
             discovery_date=d(2026, 5, 2), filing_date=d(2026, 5, 6), decision_date=d(2026, 9, 10),
             service_date=d(2026, 9, 28), closure_date=d(2026, 10, 8), fine_amount=200.0,
             _file="exports/cases.xml", _line=12),
        dict(case_id="JA2026-0002", squad="江宁路中队", cause=PAYLOADS[0], procedure="普通程序",
             party_type="法人", party_name="上海某某餐饮有限公司", party_id="91310000MA1K4ABC1X",
             status="执行中", filing_date=d(2026, 8, 3), decision_date=d(2026, 10, 9),
             service_date=d(2026, 10, 12), _file="exports/cases.xml", _line=40),
        dict(case_id="JA2026-0003", squad="江宁路中队", cause="乱设摊", procedure="简易程序",
             party_type="自然人", party_name="欧阳娜娜", status="已结案", filing_date=d(2026, 10, 1),
             decision_date=d(2026, 10, 1), closure_date=d(2026, 10, 2), _file="exports/cases.xml",
             _line=71),
        dict(case_id="NJ2026-0001", squad="南京西路中队", cause=HTML_PAYLOADS[0], procedure="普通程序",
             party_type="自然人", party_name=HTML_PAYLOADS[1], party_id="310101198001011234",
             status="调查中", filing_date=d(2026, 9, 1), _file="exports/cases.xml", _line=98),
        dict(case_id="NJ2026-0002", squad="南京西路中队", cause="违法搭建", procedure="普通程序",
             party_type="个体工商户", party_name="李四", status="已终止", filing_date=d(2026, 6, 1),
             termination_date=d(2026, 7, 15), termination_reason="-1", _file="exports/cases.xml",
             _line=130),
        dict(case_id="NJ2026-0003", squad="南京西路中队", cause="擅自设置户外广告", procedure="普通程序",
             party_type="法人", party_name="上海某某广告有限公司", status="已结案",
             filing_date=d(2026, 4, 1), decision_date=d(2026, 6, 1), service_date=d(2026, 6, 3),
             disclosure_date=d(2026, 6, 8), closure_date=d(2026, 6, 30), _file="exports/cases.xml",
             _line=161),
        dict(case_id="JD2026-0001", squad="机动执法中队", cause="渣土运输撒漏", procedure="普通程序",
             party_type="法人", party_name="上海某某运输有限公司", status="待审核",
             filing_date=d(2026, 9, 20), investigation_end_date=d(2026, 11, 10),
             _file="exports/cases.xml", _line=190),
        dict(case_id="JD2026-0002", squad="机动执法中队", cause="夜间施工噪声", procedure="普通程序",
             party_type="法人", party_name="上海某某建设有限公司", status="已决定",
             filing_date=d(2026, 8, 10), decision_date=d(2026, 11, 1), _file="exports/cases.xml",
             _line=222),
        dict(case_id="JD2026-0003", squad="机动执法中队", cause="+1", procedure="简易程序",
             party_type="自然人", party_name="王五", status="已结案", filing_date=d(2026, 10, 20),
             decision_date=d(2026, 10, 20), closure_date=d(2026, 10, 21), _file="exports/cases.xml",
             _line=250),
    ]
    by_id = {c["case_id"]: c for c in cases}
    c = by_id
    findings = [
        _finding("OVD-001", c["JA2026-0001"], evidence=(("filing_date", "2026-05-06"),
                                                        ("decision_date", "2026-09-10"), ("days", 127))),
        _finding("DIS-001", c["JA2026-0001"],
                 evidence=(("decision_no", "沪城管静罚字〔2026〕第0001号"), ("party_name", "张三"))),
        _finding("PRC-003", c["JA2026-0001"], due=d(2026, 12, 10)),
        _finding("DQ-001", c["JA2026-0002"], subject=PAYLOADS[0],
                 message={"zh": PAYLOADS[0], "en": PAYLOADS[0]}, evidence=(("cause", PAYLOADS[0]),)),
        _finding("ENF-001", c["JA2026-0002"], message={"zh": "+1", "en": "+1"}),
        _finding("IDN-001", c["NJ2026-0001"], subject="party_id",
                 evidence=(("party_id", "310101198001011234"),)),
        _finding("DQ-001", c["NJ2026-0001"], subject=HTML_PAYLOADS[0],
                 message={"zh": HTML_PAYLOADS[0], "en": HTML_PAYLOADS[0]}),
        _finding("REC-002", c["NJ2026-0001"], subject=HTML_PAYLOADS[1],
                 message={"zh": HTML_PAYLOADS[1], "en": HTML_PAYLOADS[1]}),
        _finding("TRM-001", c["NJ2026-0002"], message={"zh": "-1", "en": "-1"},
                 evidence=(("termination_reason", "-1"),)),
        _finding("REC-002", c["NJ2026-0002"], subject="REC-9", message={"zh": "@SUM(A1)", "en": "@SUM(A1)"}),
        _finding("LRV-001", c["JD2026-0002"], message={"zh": "\t=1", "en": "\t=1"}),
        _finding("OVD-001", c["JD2026-0002"], message={"zh": "\r=1", "en": "\r=1"}),
        _finding("DQ-001", c["JD2026-0003"], message={"zh": "案由为“+1”。", "en": "Cause is '+1'."}),
    ]
    findings.sort(key=Finding.sort_key)
    warnings = sorted([
        EarlyWarning("NJ2026-0001", "南京西路中队", "OVD-001", "decision",
                     {"zh": "作出处罚决定（立案后 90 日）", "en": "Decide (90 days after filing)"},
                     d(2026, 11, 30), 5),
        EarlyWarning("JD2026-0001", "机动执法中队", "OVD-001", "decision",
                     {"zh": "作出处罚决定（立案后 90 日）", "en": "Decide (90 days after filing)"},
                     d(2026, 12, 19), 24),
        EarlyWarning("JA2026-0002", "江宁路中队", "ENF-001", "demand",
                     {"zh": "送达催告书", "en": "Serve the demand notice"}, d(2026, 11, 25), 0),
    ], key=EarlyWarning.sort_key)
    notices = [Notice("calendar_missing",
                      {"zh": "缺少 2027 年法定节假日日历：涉及 2027 年的工作日期限无法计算（3 项）。",
                       "en": "No holiday calendar for 2027: 3 working-day deadlines in 2027 cannot be computed."},
                      count=3, detail=("2027",))]
    deadlines = _deadline_frame([
        _deadline(c["JA2026-0001"], "OVD-001", "decision", ("作出处罚决定", "Decision"), "filing_date",
                  d(2026, 8, 4), "decision_date", "calendar_days", 90, "late"),
        _deadline(c["JA2026-0001"], "PRC-003", "service", ("送达决定书", "Service"), "decision_date",
                  d(2026, 9, 21), "service_date", "working_days", 7, "late"),
        _deadline(c["NJ2026-0001"], "OVD-001", "decision", ("作出处罚决定", "Decision"), "filing_date",
                  d(2026, 11, 30), None, "calendar_days", 90, "due_soon"),
        _deadline(c["JD2026-0002"], "OVD-001", "decision", ("作出处罚决定", "Decision"), "filing_date",
                  d(2026, 11, 8), "decision_date", "calendar_days", 90, "late"),
        _deadline(c["JD2026-0002"], "PRC-003", "service", ("送达决定书", "Service"), "decision_date",
                  d(2027, 1, 11), None, "working_days", 7, "unknown"),
    ])
    rejected = [
        RejectedRowStub("cases", "exports/cases.xml", 300, "filing_date", "日期格式无法识别", "2026-13-45"),
        RejectedRowStub("cases", "exports/cases.xml", 330, "case_id", "案件编号重复（首次出现于第 12 行）",
                        PAYLOADS[0]),
        RejectedRowStub("recordings", "exports/recordings.csv", 8, "party_id", "案件不存在",
                        "110101199003074578"),
    ]
    load = LoadStub(
        tables={}, rejected=rejected,
        warnings=[InputWarningStub("unknown_column", "exports/cases.xml", 1, "备用字段", "未知字段已忽略")],
        counts={"cases": TableCountStub(11, 9, 2), "recordings": TableCountStub(40, 39, 1),
                "disclosures": TableCountStub(5, 5, 0)},
        files=[FileInfoStub("exports/cases.xml", "cd" * 32, "cases", "xml", "utf-8", 11)],
    )
    inputs = [{"path": "exports/cases.xml", "sha256": "cd" * 32, "table": "cases", "form": "xml", "rows": 11},
              {"path": "exports/recordings.csv", "sha256": "ef" * 32, "table": "recordings", "form": "csv",
               "rows": 40}]
    return AuditResult(
        engine_label={lang: registry.label("vectorized", lang) for lang in ("zh", "en")},
        param_descriptions=_param_descriptions(),
        as_of=AS_OF, findings=findings, warnings=warnings, notices=notices,
        metadata=_metadata(len(RULES), inputs, show_personal_data), rules=list(RULES), load=load,
        cases=_case_frame(cases), deadlines=deadlines,
    )


STREETS = ("江宁路", "石门二路", "南京西路", "静安寺", "曹家渡", "天目西路", "北站", "宝山路", "共和新路",
           "大宁路", "彭浦新村", "临汾路", "芷江西路", "彭浦镇")
CAUSES = ("占道经营", "乱设摊", "违法搭建", "擅自设置户外广告", "渣土运输撒漏", "夜间施工噪声",
          "未按规定分类投放生活垃圾", "损坏绿化")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def district_result(n_cases: int = 600, seed: int = 7, squads: int = 14) -> AuditResult:
    """A deterministic district: `squads` street squads plus the direct squad, `n_cases` cases."""
    rng = random.Random(seed)
    names = [f"{s}中队" for s in STREETS[:squads]] + ["机动执法中队"]
    quality = {n: rng.uniform(0.05, 0.6) for n in names}  # per-squad finding rate
    cases, findings, warnings, dl_rows = [], [], [], []
    for i in range(n_cases):
        squad = names[i % len(names)]
        filing = AS_OF - timedelta(days=rng.randint(5, 300))
        decided = rng.random() < 0.8
        decision = filing + timedelta(days=rng.randint(1, 120)) if decided else None
        if decision and decision > AS_OF:
            decision = None
        case = dict(case_id=f"JA2026-{i + 1:05d}", squad=squad, cause=rng.choice(CAUSES),
                    procedure="普通程序", party_type="自然人",
                    party_name=rng.choice(SURNAMES) + rng.choice("伟芳娜敏静丽强磊军洋"),
                    status="已决定" if decision else "调查中", filing_date=filing,
                    discovery_date=filing - timedelta(days=rng.randint(0, 5)), decision_date=decision,
                    _file="exports/cases.xml", _line=10 + 30 * i)
        if decision and rng.random() < 0.7:
            case["service_date"] = decision + timedelta(days=rng.randint(1, 14))
        cases.append(case)
        due = filing + timedelta(days=90)
        end = case.get("decision_date")
        status = ("late" if end > due else "met") if end else (
            "overdue" if due < AS_OF else "due_soon" if (due - AS_OF).days <= 10 else "open")
        dl_rows.append(_deadline(case, "OVD-001", "decision", ("作出处罚决定", "Decision"), "filing_date",
                                 due, "decision_date" if end else None, "calendar_days", 90, status))
        if status == "due_soon":
            warnings.append(EarlyWarning(case["case_id"], squad, "OVD-001", "decision",
                                         {"zh": "作出处罚决定（立案后 90 日）", "en": "Decide (90 days after filing)"},
                                         due, (due - AS_OF).days))
        if status in ("late", "overdue"):
            findings.append(_finding("OVD-001", case, evidence=(("filing_date", filing.isoformat()),)))
        for rule in RULES:
            if rule.id != "OVD-001" and rng.random() < quality[squad] / 6:
                findings.append(_finding(rule.id, case))
    findings.sort(key=Finding.sort_key)
    warnings.sort(key=EarlyWarning.sort_key)
    rejected = [RejectedRowStub("cases", "exports/cases.xml", 5 + i * 997, "filing_date", "日期格式无法识别",
                                "2026/13/01") for i in range(3)]
    load = LoadStub(tables={}, rejected=rejected, warnings=[],
                    counts={"cases": TableCountStub(n_cases + 3, n_cases, 3)},
                    files=[FileInfoStub("exports/cases.xml", "cd" * 32, "cases", "xml", "utf-8", n_cases + 3)])
    inputs = [{"path": "exports/cases.xml", "sha256": "cd" * 32, "table": "cases", "form": "xml",
               "rows": n_cases + 3}]
    notices = [Notice("calendar_missing",
                      {"zh": "缺少 2027 年法定节假日日历：涉及 2027 年的工作日期限无法计算。",
                       "en": "No holiday calendar for 2027: working-day deadlines in 2027 cannot be computed."},
                      count=1, detail=("2027",))]
    return AuditResult(
        engine_label={lang: registry.label("vectorized", lang) for lang in ("zh", "en")},
        param_descriptions=_param_descriptions(),
        as_of=AS_OF, findings=findings, warnings=warnings, notices=notices,
        metadata=_metadata(len(RULES), inputs), rules=list(RULES), load=load,
        cases=_case_frame(cases), deadlines=_deadline_frame(dl_rows),
    )
