"""Registry of violations the generator can inject, one per rule it is meant to trigger.

Each kind has the id of that rule, a description, the case states it applies to, an applicability
test on the plan, and a mutation `(plan, rng, helpers) -> None`. Mutations work on the *plan* (see
`lifecycle.py`: canonical case fields plus "_" keys) before the export view is derived, so recordings
and the disclosure record follow the mutated case. A mutation must keep every date on or before the
as-of date (`helpers.as_of`) and must not create any other violation: its docstring states exactly
what changes, because the rule that has to find it is written from it.

Add a kind with the `@violation(...)` decorator of `injection.py` (ids are unique), in this module or in
an injector module listed in `_MODULES` below; the injector modules import `injection`, never this registry.
"""

from __future__ import annotations

import random
from datetime import timedelta

from auditor.generate import (  # the injector modules; their order in the registry is _MODULES
    violations_law,
    violations_procedure,
    violations_process,
    violations_recording,
    violations_review,
    violations_three_systems,
)
from auditor.generate.injection import Helpers, Plan, ViolationKind, decided_by, declared, violation
from auditor.generate.lifecycle import plan_from_decision, plan_from_service
from auditor.idcodes import CREDIT_ALPHABET, ID_CHECK_CHARS, credit_code_check_char, id_card_check_char


# -- 主体认定 ------------------------------------------------------------------------------------
@violation("ZT-ID-CHECK", "当事人身份证号码校验码错误（GB 11643）",
           applies=lambda p, h: p["party_type"] == "自然人")
def wrong_id_check_digit(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """party_id (18-digit ID number of a 自然人): the 18th character is replaced by one of the 10 other
    characters of "0123456789X", drawn uniformly. The first 17 characters (region, a real birth date,
    sequence) are unchanged, so only the check digit is wrong. The disclosure record (masked, last
    four characters shown) shows the same wrong character."""
    pid = plan["party_id"]
    right = id_card_check_char(pid[:17])
    plan["party_id"] = pid[:17] + rng.choice([c for c in ID_CHECK_CHARS if c != right])


@violation("ZT-CREDIT-CHECK", "当事人统一社会信用代码校验码错误（GB 32100）",
           applies=lambda p, h: p["party_type"] != "自然人")
def wrong_credit_check_digit(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """party_id (unified social credit code of a 法人 / 其他组织 / 个体工商户): the 18th character is
    replaced by one of the 30 other characters of the GB 32100 alphabet
    (0-9, A-Y without I O S V Z), drawn uniformly. Characters 1-17, including the organisation code
    and its own GB 11714 check digit, are unchanged. The disclosure record's 统一社会信用代码 is the
    same wrong code."""
    code = plan["party_id"]
    right = credit_code_check_char(code[:17])
    plan["party_id"] = code[:17] + rng.choice([c for c in CREDIT_ALPHABET if c != right])


# -- 执法人员 ------------------------------------------------------------------------------------
@violation("JL-OFFICERS-CASE", "案件承办人员少于两名")
def single_officer(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """officers (case field): reduced to its first entry, so exactly one "姓名(执法证号)" remains.
    Recordings keep their two officers (the on-site records are not what this rule checks)."""
    plan["officers"] = plan["officers"][:1]


# -- 送达 ----------------------------------------------------------------------------------------
@violation("CX-SERVICE-LATE", "处罚决定书未当场交付，送达晚于决定后 7 个工作日",
           states=("执行中", "已结案"), applies=lambda p, h: decided_by(p, h, 40))
def late_service(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases decided at least 40 calendar days before the as-of date
    (not revoked). service_date := the k-th working day after decision_date, k drawn from 9..12
    (so service > decision + 7 working days). service_method: 直接送达 becomes 邮寄送达 (not on the
    spot); 邮寄/留置/电子送达 stay (电子送达 keeps its consent). Everything after service — payment
    (within 15 days of the new service date), 催告, court application, closure — is re-planned from
    the new date exactly as for a clean case, so only the service deadline is broken; the 送达
    recording moves to the new date."""
    wd = helpers.wd
    plan["service_date"] = wd.after(plan["decision_date"], rng.randint(9, 12))
    if plan["service_method"] == "直接送达":
        plan["service_method"] = "邮寄送达"
    plan_from_service(plan, rng, helpers)


# -- 办案期限 ------------------------------------------------------------------------------------
def _can_be_late(plan: Plan, helpers: Helpers) -> bool:
    return (decided_by(plan, helpers, 20) and plan.get("hearing_date") is None
            and plan["filing_date"] + timedelta(days=180) <= helpers.as_of)


@violation("CQ-HANDLING-LATE", "立案后超过 90 日作出处罚决定且无延期审批",
           states=("已决定", "执行中", "已结案"), applies=_can_be_late)
def late_decision(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases decided at least 20 calendar days before the as-of date,
    with no hearing, filed at least 180 calendar days before the as-of date (not revoked).
    decision_date := the first working day on or after filing_date + d calendar days, d drawn from
    95..130, or the first working day after the (rolled-over) 90th day, or the first working day after
    the original decision, whichever is latest (so
    decision − filing > 90 days and the decision still follows notice, review and discussion).
    extension_days, extension_approver and suspended_days are removed (no extension, nothing
    excluded); a 查封扣押 date is dropped (its 30-day term would otherwise be broken too).
    Decision number, service, disclosure, payment and closure are re-planned from the new decision
    date exactly as for a clean case."""
    wd = helpers.wd
    late = wd.on_or_after(plan["filing_date"] + timedelta(days=rng.randint(95, 130)))
    # Day 90 on a rest day rolls over to the next working day (民诉法 85): be later than that too.
    rolled_due = wd.on_or_after(plan["filing_date"] + timedelta(days=90))
    plan["decision_date"] = max(late, wd.after(rolled_due, 1), wd.after(plan["decision_date"], 1))
    for key in ("extension_days", "extension_approver", "suspended_days", "seizure_date"):
        plan.pop(key, None)
    plan_from_decision(plan, rng, helpers)


# Registry order: this module's kinds, then each injector module's, each in declaration order. The
# generator draws from `applicable()` in this order, so it fixes what a seed generates.
_MODULES = (__name__, violations_three_systems.__name__, violations_recording.__name__,
            violations_review.__name__, violations_procedure.__name__, violations_process.__name__,
            violations_law.__name__)


def _ordered(kinds: list[ViolationKind]) -> dict[str, ViolationKind]:
    unlisted = sorted({k.module for k in kinds} - set(_MODULES))
    if unlisted:
        raise RuntimeError(f"injector modules missing from violations._MODULES: {unlisted}")
    return {k.id: k for k in sorted(kinds, key=lambda k: _MODULES.index(k.module))}


REGISTRY: dict[str, ViolationKind] = _ordered(declared())


def applicable(plan: Plan, helpers: Helpers) -> list[ViolationKind]:
    """Kinds that can be injected into `plan`, in registry order (deterministic)."""
    return [k for k in REGISTRY.values() if k.applies(plan, helpers)]
