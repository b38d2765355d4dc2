"""Rule pack part B: 三超期, 两随意, 执行, 程序, 主体认定/三统一 (rules/overdue.yaml, arbitrary.yaml,
enforcement.yaml, procedure.yaml, party.yaml), their derived facts and their injectors."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

import pytest
import yaml

from auditor.api import audit_tables
from auditor.enrich.derive import DATE_ORDER, id_shape
from auditor.generate.export import generate_export
from auditor.generate.export_view import finalize
from auditor.generate.lifecycle import make_context, plan_case
from auditor.generate.violations import REGISTRY
from auditor.ingest import load_exports
from auditor.model.frame import to_frame
from auditor.rules.loader import load_rule_pack
from auditor.rules.params import load_profile

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
MINE = ("overdue", "arbitrary", "enforcement", "procedure", "party")
PREFIXES = ("CQ-", "SY-", "ZX-", "CX-", "ZT-")
AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="module")
def pack():
    """Only this part's files (plus params), so the tests do not depend on other themes."""
    return load_rule_pack(RULES / "procedure.yaml", extra_files=[RULES / f"{m}.yaml" for m in MINE if m != "procedure"])


@pytest.fixture(scope="module")
def profile(pack):
    return load_profile(None, pack.params, Path(pack.path))


def audit_one(pack, profile, case: dict, as_of: date = AS_OF, params: dict | None = None, rule_ids=()):
    from dataclasses import replace

    row = {"case_id": "T1", "squad": "测试中队", **case}
    row = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
    tables = {"cases": to_frame("cases", [row]), "recordings": to_frame("recordings", {}),
              "disclosures": to_frame("disclosures", {})}
    prof = replace(profile, values={**profile.values, **(params or {})}) if params else profile
    return audit_tables(tables, as_of=as_of, pack=pack, profile=prof, rule_ids=rule_ids)


def fired(result) -> set[str]:
    return {f.rule_id for f in result.findings}


# -- the rules' own examples -----------------------------------------------------------------------
def test_this_part_holds_its_rules_each_with_examples(pack):
    ids = {r.id for r in pack.rules}
    assert len(ids) >= 29 and all(r.startswith(PREFIXES) for r in ids)
    assert all({e.kind for e in r.examples} >= {"fire", "pass"} for r in pack.rules)  # and "unknown"


def test_every_rule_of_this_part_has_an_injector(pack):
    assert {r.id for r in pack.rules} <= set(REGISTRY)


# -- messages and corrections carry the evidence -----------------------------------------------------
def test_filing_message_counts_working_days_across_national_day(pack, profile):
    res = audit_one(pack, profile, {"procedure": "普通程序", "discovery_date": date(2025, 9, 26),
                                    "filing_date": date(2025, 10, 24), "status": "已结案"}, rule_ids=("CQ-FILING-LATE",))
    (f,) = res.findings
    assert "2025-09-26" in f.message["zh"] and "2025-10-23 前" in f.message["zh"]
    assert "已用 16 个工作日" in f.message["zh"] and "超期 1 个工作日" in f.message["zh"]
    assert f.severity == "提示" and f.departments == ("案件审理科", "执法监督科", "承办中队")
    assert f.correction_due is not None and f.correction_due > AS_OF


def test_demand_correction_names_the_last_day_to_apply_to_the_court(pack, profile):
    res = audit_one(pack, profile, {"procedure": "普通程序", "decision_date": date(2025, 8, 14),
                                    "service_date": date(2025, 8, 18), "fine_amount": 2000, "status": "已决定"},
                    as_of=date(2026, 3, 2), rule_ids=("ZX-DEMAND-MISSING",))
    (f,) = res.findings
    # 起诉期 2025-08-18 + 6 months = 2026-02-18 (春节) rolls to 02-24; + 3 months = 05-24 (Sunday) → 05-25.
    # The correction names that day, the message the grace end (rolled over).
    assert "于 2026-05-25 前申请人民法院强制执行" in f.correction["zh"]
    assert "至 2025-10-09" in f.message["zh"] and "尚未办理" in f.message["zh"]
    # seed 000 annex 1: 拆违专班 only for illegal-building cases
    assert f.departments == ("执法协调科", "案件审理科", "执法监督科", "承办中队")
    building = audit_one(pack, profile, {"procedure": "普通程序", "decision_date": date(2025, 8, 14),
                                         "service_date": date(2025, 8, 18), "fine_amount": 2000, "status": "已决定",
                                         "cause": "擅自搭建建筑物、构筑物", "cause_code": "CG-SR-001"},
                         as_of=date(2026, 3, 2), rule_ids=("ZX-DEMAND-MISSING",))
    assert building.findings[0].departments == ("执法协调科", "案件审理科", "执法监督科", "拆违专班", "承办中队")


def test_court_window_runs_from_the_end_of_an_approved_deferral(pack, profile):
    base = {"procedure": "普通程序", "service_date": date(2025, 1, 3), "fine_amount": 5000,
            "demand_notice_date": date(2025, 1, 24), "enforcement_application_date": date(2025, 10, 20),
            "status": "执行中"}
    assert fired(audit_one(pack, profile, base, rule_ids=("ZX-COURT-LATE",))) == {"ZX-COURT-LATE"}
    # A deferral ending before the 起诉期 (2025-07-03) does not move the window (行政处罚法 72 ¶2 moves
    # only its start, to the later of the two): still late.
    early_deferral = {**base, "deferral_until": date(2025, 3, 31)}
    assert fired(audit_one(pack, profile, early_deferral, rule_ids=("ZX-COURT-LATE",))) == {"ZX-COURT-LATE"}
    deferred = {**base, "deferral_until": date(2025, 9, 30)}
    assert fired(audit_one(pack, profile, deferred, rule_ids=("ZX-COURT-LATE",))) == set()


def test_handling_deadline_counts_approved_extension_and_excluded_days(pack, profile):
    case = {"procedure": "普通程序", "filing_date": date(2025, 3, 3), "decision_date": date(2025, 7, 10),
            "status": "已结案"}
    res = audit_one(pack, profile, case, rule_ids=("CQ-HANDLING-LATE",))
    (f,) = res.findings
    assert "经批准的延期 0 日" in f.message["zh"] and "不计入办案期限的 0 日" in f.message["zh"]
    ok = {**case, "extension_days": 30, "extension_approver": "王局长", "suspended_days": 10}
    assert fired(audit_one(pack, profile, ok, rule_ids=("CQ-HANDLING-LATE",))) == set()


def test_a_district_profile_changes_the_filing_limit(pack, profile):
    case = {"procedure": "普通程序", "discovery_date": date(2026, 2, 6), "filing_date": date(2026, 3, 6),
            "status": "调查中"}
    assert fired(audit_one(pack, profile, case, rule_ids=("CQ-FILING-LATE",))) == {"CQ-FILING-LATE"}
    assert fired(audit_one(pack, profile, case, params={"filing_working_days": 16},
                           rule_ids=("CQ-FILING-LATE",))) == set()


# -- derived facts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, shape", [
    ("11010519491231002X", "身份证"), ("110105194912310021", "身份证"),  # a wrong check digit keeps the shape
    ("110105194902300024", "身份证"),  # so does an impossible birth date
    ("91350100M000100Y43", "统一社会信用代码"), ("52310106123456780A", "统一社会信用代码"),
    ("523101060612345678", "统一社会信用代码"),  # digits only, but 0612 is no birth year
    ("991234567890123456", "统一社会信用代码"), ("A1", "其他"), ("  ", None), (None, None),
])
def test_identifier_shape(value, shape):
    assert id_shape(value) == shape


def test_termination_reason_matches_grounds_ignoring_punctuation(pack, profile):
    def listed(reason, grounds=None):
        case = {"procedure": "普通程序", "termination_date": date(2025, 6, 10), "termination_reason": reason,
                "termination_approver": "王队长", "status": "已终止"}
        params = {"termination_grounds": grounds} if grounds else None
        return not fired(audit_one(pack, profile, case, params=params, rule_ids=("SY-TERMINATION-GROUND",)))

    assert listed("经调查，违法事实不能成立。")
    assert listed("违法事实 不能成立")
    assert not listed("违法事实已经查清")
    assert not listed("当事人已自行整改完毕")
    assert listed("当事人已自行整改完毕", grounds=["自行整改"])


def test_date_order_lists_every_inverted_pair(pack, profile):
    case = {"procedure": "普通程序", "discovery_date": date(2025, 9, 10), "filing_date": date(2025, 9, 5),
            "decision_date": date(2025, 9, 1), "closure_date": date(2025, 8, 30), "status": "已结案"}
    (f,) = audit_one(pack, profile, case, rule_ids=("CX-DATE-ORDER",)).findings
    assert "立案日期（2025-09-05）早于发现 / 受理日期（2025-09-10）" in f.message["zh"]
    assert "处罚决定日期（2025-09-01）早于立案日期（2025-09-05）" in f.message["zh"]
    assert "结案日期（2025-08-30）早于处罚决定日期（2025-09-01）" in f.message["zh"]
    assert all(a != b for a, b in DATE_ORDER)


def test_closure_deadline_falls_back_to_the_payment_date(pack, profile):
    case = {"procedure": "普通程序", "decision_date": date(2026, 1, 20), "payment_date": date(2026, 2, 6),
            "closure_date": date(2026, 3, 6), "status": "已结案"}
    (f,) = audit_one(pack, profile, case, rule_ids=("CQ-CLOSURE-LATE",)).findings
    assert "2026-02-06 执行完毕" in f.message["zh"] and "2026-03-05 前" in f.message["zh"]


def test_party_type_message_does_not_expose_the_id_number(pack, profile):
    case = {"party_type": "法人", "party_id": "11010519491231002X"}
    (f,) = audit_one(pack, profile, case, rule_ids=("ZT-PARTY-TYPE",)).findings
    assert "11010519491231002X" not in f.message["zh"]
    assert all("11010519491231002X" not in str(v) for _, v in f.evidence)


# -- the cause catalogue ---------------------------------------------------------------------------------------
def test_cause_catalogue_matches_the_generator_catalogue():
    with open(RULES / "data" / "causes.csv", encoding="utf-8-sig", newline="") as fh:
        table = {(r["code"], r["party_class"]): (int(r["fine_min"]), int(r["fine_max"])) for r in csv.DictReader(fh)}
    doc = yaml.safe_load((REPO / "src/auditor/data/generate/causes.yaml").read_text(encoding="utf-8"))
    expected = {(c["code"], k): tuple(v) for c in doc["causes"] for k, v in c["fine"].items()}
    assert table == expected


def test_discretion_range_depends_on_the_party_class(pack, profile):
    case = {"cause": "占道堆物", "cause_code": "CG-SR-003", "decision_date": date(2025, 9, 26),
            "decision_type": ["罚款"], "fine_amount": 3000, "status": "已结案"}
    assert fired(audit_one(pack, profile, {**case, "party_type": "自然人"}, rule_ids=("ZT-FINE-DISCRETION",)))
    assert not fired(audit_one(pack, profile, {**case, "party_type": "法人"}, rule_ids=("ZT-FINE-DISCRETION",)))


# -- clean and injected generated cases ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    generate_export(out, 2000, seed=3, violation_rate=0.0, as_of=AS_OF, forms=("csv",))
    return load_exports([out / "csv"]).tables


def test_clean_generated_cases_produce_no_finding(pack, profile, clean_export):
    res = audit_tables(clean_export, as_of=AS_OF, pack=pack, profile=profile)
    assert len(res.cases) == 2000
    assert [(f.rule_id, f.case_id) for f in res.findings] == []


def _plans(n: int, seed: int = 5):
    ctx = make_context(seed, AS_OF)
    for i in range(n):
        yield ctx, plan_case(ctx, i, random.Random(f"{seed}:{i}"))


@pytest.mark.parametrize("rule_id", sorted(k for k in REGISTRY if k.startswith(PREFIXES)))
def test_each_injector_breaks_exactly_its_rule(pack, profile, rule_id):
    kind = REGISTRY[rule_id]
    rows, expected = [], set()
    for ctx, plan in _plans(600):
        if len(expected) >= 8:
            break
        if not kind.applies(plan, ctx):
            continue
        rng = random.Random(f"inject:{plan['case_id']}")
        kind.mutate(plan, rng, ctx)
        case, _, _ = finalize(plan, ctx, rng)
        rows.append(case)
        expected.add(case["case_id"])
    assert expected, f"{rule_id}: no applicable case among 600"
    tables = {"cases": to_frame("cases", rows), "recordings": to_frame("recordings", {}),
              "disclosures": to_frame("disclosures", {})}
    res = audit_tables(tables, as_of=AS_OF, pack=pack, profile=profile)
    got = {(f.rule_id, f.case_id) for f in res.findings}
    assert got == {(rule_id, c) for c in expected}


