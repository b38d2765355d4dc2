"""Issue #12's list of errors, one hand-built case each: the verdict a legal officer reading the
statute would give, under every evaluator.

Each case is plain data (case fields, recordings, disclosure rows, the as-of date, the rules to run)
with its expected verdict per rule: `False` (must not fire), `True` (must fire), or the text the
finding must carry / a severity it must have. The same data was run against the pack as it stood
before the statute work (commit fa0c787) to show each case failed there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest

D = dt.date
AS_OF = D(2026, 11, 25)


@dataclass(frozen=True)
class Regression:
    name: str
    error: str  # the error of issue #12 this case reproduces
    expect: dict  # rule id -> False | True | {"has": [...], "lacks": [...], "severity": ...}
    case: dict
    recordings: tuple = ()
    disclosures: tuple = ()
    as_of: dt.date = AS_OF
    extra_cases: tuple = field(default=())


def _ordinary(**kw) -> dict:
    return {"procedure": "普通程序", **kw}


REGRESSIONS = [
    Regression(
        "deferral-lawful-application", "延期缴纳移动了起诉期：合法的申请被报“过早”",
        {"ZX-APPLICATION-BEFORE-LAWSUIT": False, "ZX-COURT-LATE": False},
        _ordinary(service_date=D(2025, 1, 6), deferral_until=D(2025, 3, 31), fine_amount=5000.0,
                  decision_type=("罚款",), demand_notice_date=D(2025, 4, 21),
                  enforcement_application_date=D(2025, 8, 1), status="执行中")),
    Regression(
        "deferral-window-end", "延期缴纳后申请期按延期届满 + 9 个月计算（应为较晚者 + 3 个月）",
        {"ZX-COURT-LATE": {"has": ["2025-10-09"]}},
        _ordinary(service_date=D(2025, 1, 6), deferral_until=D(2025, 3, 31), fine_amount=5000.0,
                  decision_type=("罚款",), demand_notice_date=D(2025, 4, 21),
                  enforcement_application_date=D(2025, 10, 10), status="执行中")),
    Regression(
        "handling-limit-2020", "2021-07-15 前立案的案件被按第六十条 90 日办案期限判为严重超期",
        {"CQ-HANDLING-LATE": False},
        _ordinary(filing_date=D(2020, 3, 3), discovery_date=D(2020, 3, 1), decision_date=D(2020, 9, 1),
                  decision_type=("罚款",), fine_amount=1000.0, status="已结案")),
    Regression(
        "limitation-2019-discovered-2021", "2019 年违法行为 2021 年发现：适用 2017 年文本的二年时效（从旧兼从轻），漏报且届满日错误",
        {"CX-LIMITATION-SERIOUS": {"has": ["2021-03-01"]}, "CX-LIMITATION": False},
        _ordinary(serious_harm=True, violation_date=D(2019, 3, 1), discovery_date=D(2021, 6, 1),
                  filing_date=D(2021, 6, 2), decision_date=D(2021, 8, 2), decision_type=("罚款",),
                  fine_amount=50000.0, status="已结案")),
    Regression(
        "warning-only-closed", "仅警告的已结案件被报“无执行记录”",
        {"JL-STAGE-ENFORCEMENT": False},
        _ordinary(decision_date=D(2025, 5, 6), decision_type=("警告",), service_date=D(2025, 5, 8),
                  service_method="直接送达", closure_date=D(2025, 5, 12), status="已结案")),
    Regression(
        "officers-without-certificates", "承办人员未写执法证号（张伟、李强）被计为 0 人 → 严重",
        {"JL-OFFICERS-CASE": False},
        _ordinary(officers=("张伟", "李强"), filing_date=D(2025, 3, 3), status="调查中")),
    Regression(
        "service-by-publication", "公告送达从视为送达日起算，报送达晚 35 个工作日",
        {"CX-SERVICE-LATE": False},
        _ordinary(decision_date=D(2025, 9, 1), service_date=D(2025, 11, 9), service_method="公告送达",
                  decision_type=("罚款",), fine_amount=1000.0, status="已结案")),
    Regression(
        "masked-id-on-platform", "公示平台上规范脱敏的身份证号与案卷全号比较，报“以他人名义公示”",
        {"GS-PARTY-MISMATCH": False},
        _ordinary(decision_no="沪静城管罚决字〔2026〕第05号", party_type="自然人", party_name="王小明",
                  party_id="310104198001011282", decision_date=D(2026, 3, 2), decision_type=("罚款",),
                  fine_amount=1000.0, status="已结案"),
        disclosures=({"decision_no": "沪静城管罚决字〔2026〕第05号", "party_name": "王*明",
                      "party_id": "3101**********1282", "decision_date": D(2026, 3, 2),
                      "disclosure_date": D(2026, 3, 5), "fine_amount_wan": 0.1},)),
    Regression(
        "seizure-by-recordings-only", "只有查封扣押环节的照片和文字记录（案卷无查封日期）：未检查音像记录",
        {"JL-AV-SEIZURE": True},
        _ordinary(filing_date=D(2025, 5, 6), status="调查中"),
        recordings=({"recording_id": "R1", "stage": "查封扣押", "media": "照片"},
                    {"recording_id": "R2", "stage": "查封扣押", "media": "文字"})),
    Regression(
        "demolition-by-recordings-only", "只有强制拆除环节的照片和文字记录：未检查音像记录",
        {"JL-AV-DEMOLITION": True},
        _ordinary(filing_date=D(2025, 5, 6), decision_date=D(2025, 6, 2), status="执行中"),
        recordings=({"recording_id": "R1", "stage": "强制拆除", "media": "照片"},
                    {"recording_id": "R2", "stage": "强制拆除", "media": "文字"})),
    Regression(
        "right-to-apply-lost", "罚款未缴、未催告、未申请且申请期已过：只报“未催告”，未指出已丧失申请权",
        {"ZX-RIGHT-LOST": True},
        _ordinary(decision_date=D(2024, 2, 27), service_date=D(2024, 3, 1), decision_type=("罚款",),
                  fine_amount=500.0, status="执行中")),
    Regression(
        "holiday-roll-over", "窗口届满日未顺延出节假日（2026-02-20 春节 → 2026-02-24）",
        {"ZX-COURT-LATE": {"has": ["2026-02-24"], "lacks": ["2026-02-20"]}},
        _ordinary(decision_date=D(2025, 8, 18), service_date=D(2025, 8, 20), decision_type=("罚款",),
                  fine_amount=1000.0, demand_notice_date=D(2025, 10, 9), status="执行中"),
        as_of=D(2026, 6, 1)),
    Regression(
        "statement-period-scope", "存疑范围：5 个工作日陈述申辩期套用于全部普通程序案件（第六十四条是听证申请期）",
        {"CX-STATEMENT-EARLY": False},
        _ordinary(party_type="自然人", notice_date=D(2025, 9, 26), decision_date=D(2025, 10, 10),
                  decision_type=("罚款",), fine_amount=1000.0, status="已结案")),
    Regression(
        "sole-trader-summary-limit", "存疑范围：个体工商户按公民适用简易程序 200 元限额",
        {"CX-SUMMARY-FINE": False},
        {"procedure": "简易程序", "party_type": "个体工商户", "decision_date": D(2025, 6, 3),
         "decision_type": ("罚款",), "fine_amount": 500.0, "status": "已结案"}),
    Regression(
        "discussion-by-review-amount", "存疑范围：以法制审核数额触发集体讨论",
        {"FH-DISCUSSION-MISSING": False},
        _ordinary(party_type="自然人", decision_date=D(2025, 5, 6), decision_type=("罚款",),
                  fine_amount=5000.0, legal_review_date=D(2025, 4, 30), legal_reviewer="赵敏",
                  legal_review_opinion="同意", legal_review_result="同意", status="已结案")),
    Regression(
        "recording-one-officer", "存疑范围：一条只记载一名执法人员的记录被当作违反第四十二条",
        {"JL-REC-OFFICERS": {"severity": "提示"}},
        _ordinary(filing_date=D(2025, 5, 6), status="调查中",
                  officers=("张伟(31010600123)", "李强(31010600456)")),
        recordings=({"recording_id": "R1", "stage": "现场检查", "media": "视频",
                     "officers": ("张伟(31010600123)",), "file_ref": "X-01.mp4"},)),
    Regression(
        "investigation-record-summary", "存疑范围：调查取证记录规则套用于简易程序",
        {"JL-STAGE-INVESTIGATION": False},
        {"procedure": "简易程序", "filing_date": D(2025, 3, 3), "decision_date": D(2025, 3, 3),
         "decision_type": ("罚款",), "fine_amount": 100.0, "status": "已结案"}),
    Regression(
        "service-method-missing", "存疑范围：只缺送达方式被报“送达环节无记录”",
        {"JL-STAGE-SERVICE": False},
        _ordinary(decision_date=D(2025, 5, 6), service_date=D(2025, 5, 8), decision_type=("罚款",),
                  fine_amount=1000.0, status="执行中")),
    Regression(
        "reviewer-qualification", "存疑范围：法制审核人员资格（第五十八条约束初次从事审核的人员）",
        {"FH-REVIEWER-UNQUALIFIED": {"severity": "提示"}},
        _ordinary(decision_date=D(2025, 5, 6), legal_review_date=D(2025, 4, 30), legal_reviewer="赵敏",
                  legal_reviewer_qualified=False, legal_review_opinion="同意", legal_review_result="同意",
                  decision_type=("罚款",), fine_amount=1000.0, status="已结案")),
    Regression(
        "seizure-extension", "存疑范围：查封扣押期限未计行政强制法第二十五条可延长的 30 日",
        {"CX-SEIZURE-TERM": False},
        _ordinary(seizure_date=D(2025, 9, 1), decision_date=D(2025, 10, 10),
                  decision_type=("罚款", "没收非法财物"), fine_amount=1000.0, status="已结案")),
    Regression(
        "disclosure-20-working-days", "存疑范围：公示期限 20 个工作日与 7 个工作日之间取指控最少的读法",
        {"GS-DISCLOSURE-LATE": False},
        _ordinary(decision_no="沪静城管罚决字〔2025〕第09号", decision_date=D(2025, 9, 26), decision_type=("罚款",),
                  fine_amount=1000.0, status="已结案", disclosure_date=D(2025, 10, 14))),
]


def run_regression(reg: Regression, pack, engine: str) -> dict:
    """rule id -> list of findings of that rule on the case (only the rules the case names)."""
    from auditor.api import audit_tables, get_evaluator
    from auditor.enrich.calendar import WorkCalendar
    from auditor.model.frame import to_frame
    from auditor.rules.params import load_profile

    case = {"case_id": "R-" + reg.name, "squad": "一中队", **reg.case}
    recs = [{"case_id": case["case_id"], **r} for r in reg.recordings]
    tables = {"cases": to_frame("cases", [case]),
              "recordings": to_frame("recordings", recs) if recs else to_frame("recordings", {}),
              "disclosures": to_frame("disclosures", list(reg.disclosures)) if reg.disclosures
              else to_frame("disclosures", {})}
    known = {r.id for r in pack.rules}
    rule_ids = tuple(r for r in reg.expect if r in known)
    out: dict = {r: [] for r in reg.expect}
    if not rule_ids:
        return out
    profile = load_profile(None, pack.params, Path(pack.path))
    result = audit_tables(tables, as_of=reg.as_of, pack=pack, profile=profile, calendar=WorkCalendar(),
                          rule_ids=rule_ids, evaluator=get_evaluator(engine))
    for f in result.findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def verdict_problems(reg: Regression, found: dict) -> list[str]:
    """What differs from the expected verdict (empty: the case is judged right)."""
    problems = []
    for rule_id, want in reg.expect.items():
        got = found.get(rule_id, [])
        if want is False:
            if got:
                problems.append(f"{rule_id} fired: {got[0].message['zh']}")
        elif not got:
            problems.append(f"{rule_id} did not fire")
        elif isinstance(want, dict):
            text = got[0].message["zh"]
            problems += [f"{rule_id} message lacks {s}: {text}" for s in want.get("has", ()) if s not in text]
            problems += [f"{rule_id} message has {s}: {text}" for s in want.get("lacks", ()) if s in text]
            if "severity" in want and got[0].severity != want["severity"]:
                problems.append(f"{rule_id} severity {got[0].severity}, expected {want['severity']}")
    return problems


@pytest.mark.parametrize("reg", REGRESSIONS, ids=[r.name for r in REGRESSIONS])
def test_listed_error_is_judged_as_the_statute_reads(reg, pack, engine):
    assert verdict_problems(reg, run_regression(reg, pack, engine)) == []


def test_every_listed_error_has_a_case():
    names = [r.name for r in REGRESSIONS]
    assert len(names) == len(set(names)) == 21
    # each expectation names a rule of the pack (a renamed rule would make a case vacuous)
    from auditor.rules.loader import load_rule_pack

    ids = {r.id for r in load_rule_pack().rules}
    assert {rid for r in REGRESSIONS for rid in r.expect} <= ids


def test_the_verdict_check_catches_a_wrong_verdict():
    """The comparison itself fails on a finding where none is expected, a missing one, wrong text
    and a wrong severity."""
    class F:
        def __init__(self, text, severity="严重"):
            self.message, self.severity = {"zh": text}, severity

    reg = Regression("x", "x", {"A": False, "B": True, "C": {"has": ["2026-02-24"], "lacks": ["2026-02-20"]},
                                "D": {"severity": "提示"}}, {})
    problems = verdict_problems(reg, {"A": [F("a")], "C": [F("至 2026-02-20 届满")], "D": [F("d")]})
    assert len(problems) == 5


@pytest.mark.parametrize("notice, decided, says, says_not", [
    (D(2021, 7, 14), D(2021, 7, 17), "最早可于 2021-07-18（第 4 日）作出决定", "（4 日）"),        # 2017 text: 三日
    (D(2021, 7, 15), D(2021, 7, 22), "最早可于 2021-07-23（第 6 个工作日）作出决定", "（6 个工作日）"),  # 2021: 五日
])
def test_the_statement_message_names_the_day_a_decision_may_come_not_a_longer_period(pack, notice, decided, says,
                                                                                    says_not):
    """The limit of CX-STATEMENT-EARLY is the first day a decision may be made (the period + 1): the
    message calls it that day, never a period of 4 days or 6 working days the statute does not have."""
    reg = Regression("statement-day", "", {"CX-STATEMENT-EARLY": {"has": [says], "lacks": [says_not]}},
                     _ordinary(party_type="自然人", notice_date=notice, decision_date=decided, decision_type=("罚款",),
                               fine_amount=5000.0, status="已结案"))
    assert verdict_problems(reg, run_regression(reg, pack, "vectorized")) == []
