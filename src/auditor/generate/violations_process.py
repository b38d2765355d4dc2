"""Injectors for the 程序 and 主体认定 rules (rules/procedure.yaml, party.yaml): each breaks exactly one
rule on an otherwise clean plan (the contract is in violations.py, which imports this module right
after violations_procedure, whose helpers it shares: the registration order fixes the sample)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from auditor.generate.lifecycle import REVIEW_THRESHOLD, SUMMARY_LIMIT, plan_from_decision, plan_from_service
from auditor.generate.injection import Plan, violation
from auditor.generate.violations_procedure import Helpers, _decided, _seen, _served_by, _workday_before
from auditor.generate.workdays import add_months
from auditor.idcodes import CREDIT_ALPHABET, make_credit_code, make_id_card

# -- 程序 ----------------------------------------------------------------------------------------
def _penalised(p: Plan, h: Helpers) -> bool:
    return (_seen(p.get("decision_date"), h) and not p.get("_revoke") and p.get("termination_date") is None
            and p.get("discovery_date") is not None)


def _beyond_limitation(discovery, months: int, rng: random.Random, helpers: Helpers):
    """A violation date whose limitation of `months` (its last day rolled off rest days) ended before
    `discovery`."""
    while True:
        violated = add_months(discovery, -months) - timedelta(days=rng.randint(1, 180))
        if helpers.wd.on_or_after(add_months(violated, months)) < discovery:
            return violated


@violation("CX-LIMITATION", "违法行为超过 2 年追责时效才被发现仍予处罚", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: _penalised(p, h) and not p.get("serious_harm"))
def beyond_limitation(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided cases (summary or ordinary, not revoked). violation_date := discovery_date −
    24 months − k days, k drawn from 1..180, drawn again while the limitation's last day (moved off a
    rest day, 民法典 203) is not before discovery_date; violation_end_date is removed (not continuing).
    Only the date of the violation changes (the disclosure text quotes it)."""
    plan["violation_date"] = _beyond_limitation(plan["discovery_date"], 24, rng, helpers)
    plan.pop("violation_end_date", None)


@violation("CX-LIMITATION-SERIOUS", "涉及生命健康或金融安全的违法行为超过 5 年才被发现仍予处罚",
           states=("已决定", "执行中", "已结案"), applies=_penalised)
def beyond_serious_limitation(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided cases (summary or ordinary, not revoked). serious_harm := true and
    violation_date := discovery_date − 60 months − k days, k drawn from 1..180, drawn again while the
    five years' last day (moved off a rest day) is not before discovery_date; violation_end_date is
    removed."""
    plan["serious_harm"] = True
    plan["violation_date"] = _beyond_limitation(plan["discovery_date"], 60, rng, helpers)
    plan.pop("violation_end_date", None)


@violation("CX-NO-NOTICE", "处罚决定前未告知且无放弃记录", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: _decided(p, h) and p.get("hearing_date") is None)
def decision_without_notice(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) with no hearing.
    notice_date, rights_waived and hearing_requested are removed: no 告知书 and no waiver on file."""
    for key in ("notice_date", "rights_waived", "hearing_requested"):
        plan.pop(key, None)


@violation("CX-STATEMENT-EARLY", "可申请听证的案件告知后陈述申辩期未满即作出决定", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: _decided(p, h) and p.get("hearing_date") is None
           and p.get("fine_amount") is not None
           and p["fine_amount"] >= REVIEW_THRESHOLD[p["_party"].fine_class] and p.get("rights_waived") is False)
def decision_before_statement_period(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) whose fine reaches the review
    threshold (so the party could request a hearing, the rule's default scope), with no hearing and no
    waiver. notice_date := the working day the decision is the k-th working day after, k drawn from
    1..5 (the decision may come only after the 5th). The new notice date is still after the end of the
    investigation (the clean notice precedes the decision by at least 6 working days)."""
    plan["notice_date"] = _workday_before(helpers, plan["decision_date"], rng.randint(1, 5))


@violation("CX-ESERVICE-CONSENT", "电子送达无当事人确认书", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: _served_by(p, h, lambda s: s))
def e_service_without_consent(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served by the as-of date.
    service_method := 电子送达 and e_service_consent is removed. The service date is unchanged (within
    5 working days of the decision), so the service deadline still holds."""
    plan["service_method"] = "电子送达"
    plan.pop("e_service_consent", None)


@violation("CX-HEARING-NOTICE-LATE", "听证通知不足 7 个工作日", states=("已决定", "执行中", "已结案", "待审核"),
           applies=lambda p, h: _seen(p.get("hearing_date"), h) and not p.get("_revoke"))
def short_hearing_notice(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to cases with a hearing held by the as-of date. hearing_notice_date := the working day
    the hearing is the k-th working day after, k drawn from 1..6 (7 are required). It stays after the
    hearing request (the clean notice is 8-12 working days before the hearing)."""
    plan["hearing_notice_date"] = _workday_before(helpers, plan["hearing_date"], rng.randint(1, 6))


@violation("CX-HEARING-NOT-HELD", "当事人申请听证但决定前未举行听证", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: _decided(p, h) and p.get("hearing_date") is not None)
def hearing_not_held(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) where the party requested a
    hearing and one was held. hearing_notice_date and hearing_date are removed and the 听证 record
    leaves the on-site events (no recording); hearing_requested and hearing_request_date stay, so
    the request was never heard. Review, discussion and the decision keep their dates."""
    for key in ("hearing_notice_date", "hearing_date"):
        plan.pop(key, None)
    plan["_on_site"] = [(stage, d) for stage, d in plan["_on_site"] if stage != "听证"]


def _can_overhold(p: Plan, h: Helpers) -> bool:
    return (_decided(p, h, 90) and p["_cause"].seizure and not p.get("extension_days")
            and p["decision_date"] <= p["discovery_date"] + timedelta(days=45))


@violation("CX-SEIZURE-TERM", "查封扣押超过 30 日及可延长的 30 日才作出处理决定", states=("已决定", "执行中", "已结案"),
           applies=_can_overhold)
def seizure_held_too_long(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) of causes that allow a
    seizure, decided within 45 days of discovery and at least 90 days before the as-of date, with no
    extension. seizure_date := discovery_date (as the clean generator seizes, if not seized yet);
    decision_date := the first working day on or after seizure + d days, d drawn from 62..80, but at
    least the working day after the 30 + 30-day term (moved past a holiday it ends on) and after the
    original decision (decision − filing stays under 90 days, and the decision still follows notice,
    review and discussion). Decision number, service, disclosure, payment and closure are re-planned
    from the new decision as for a clean case."""
    wd = helpers.wd
    seized = plan.setdefault("seizure_date", plan["discovery_date"])
    # The rule allows the 30-day term plus the 30-day extension 行政强制法 25 permits (assumed by default).
    late = wd.on_or_after(seized + timedelta(days=rng.randint(62, 80)))
    term_end = wd.on_or_after(seized + timedelta(days=60))
    plan["decision_date"] = max(late, wd.after(term_end, 1), wd.after(plan["decision_date"], 1))
    plan_from_decision(plan, rng, helpers)


def _summary_fine_room(p: Plan, h: Helpers) -> list[int]:
    """Fines above the summary-procedure limit but within the cause's discretion range."""
    if p.get("procedure") != "简易程序" or "罚款" not in (p.get("decision_type") or ()) \
            or not _seen(p.get("decision_date"), h):
        return []
    klass = p["_party"].fine_class
    hi = p["_cause"].fine[klass][1]
    # The rule's default reading judges a 个体工商户 by the organisation limit (the reading that accuses least).
    limit = SUMMARY_LIMIT["unit"] if p["_party"].type == "个体工商户" else SUMMARY_LIMIT[klass]
    return list(range(limit + 50, hi + 1, 50))


@violation("CX-SUMMARY-FINE", "简易程序罚款超过法定限额", states=("执行中", "已结案"),
           applies=lambda p, h: bool(_summary_fine_room(p, h)))
def summary_fine_too_high(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to summary-procedure fines whose cause allows more than the summary limit for the
    party's class (200 元 for 自然人/个体工商户, 3000 元 for 法人/其他组织). fine_amount := a multiple of
    50 above the limit and within the cause's discretion range; paid_amount follows. Dates unchanged."""
    fine = Decimal(rng.choice(_summary_fine_room(plan, helpers)))
    plan["fine_amount"] = fine
    if plan.get("paid_amount") is not None:
        plan["paid_amount"] = fine


@violation("CX-SUMMARY-TYPE", "简易程序作出警告、罚款以外的处罚", states=("执行中", "已结案"),
           applies=lambda p, h: p.get("procedure") == "简易程序" and _seen(p.get("decision_date"), h))
def summary_with_confiscation(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to summary-procedure decisions. decision_type gains 没收非法财物 (goods confiscated on
    the spot, no amount recorded). Everything else is unchanged."""
    plan["decision_type"] = (*plan["decision_type"], "没收非法财物")


@violation("CX-DATE-ORDER", "违法行为终了日期早于发生日期",
           applies=lambda p, h: p.get("violation_date") is not None and _seen(p.get("discovery_date"), h))
def violation_end_before_start(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to every case. violation_end_date := violation_date − k days, k drawn from 1..30. The
    limitation then runs from an earlier date, still well within 2 years of discovery (clean
    violations start at most 300 days before discovery)."""
    plan["violation_end_date"] = plan["violation_date"] - timedelta(days=rng.randint(1, 30))


# -- 主体认定、三统一 ------------------------------------------------------------------------------
@violation("ZT-PARTY-TYPE", "当事人类型与证件号码不符",
           applies=lambda p, h: p.get("party_type") in ("自然人", "法人", "其他组织"))
def party_type_mismatch(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to 自然人, 法人 and 其他组织 parties. A 自然人 gets a valid unified social credit code
    (企业 "91", the district's region code, a new-style MA organisation code); a 法人 / 其他组织
    gets a valid ID number (Shanghai 静安 region 310106, born 30-60 years before discovery). Both
    check digits hold, so only the type mismatch is wrong; the disclosure record shows the same
    code."""
    if plan["party_type"] == "自然人":
        body = "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(6))
        plan["party_id"] = make_credit_code(rng, "91", helpers.catalog.region, body)
    else:
        born = plan["discovery_date"] - timedelta(days=rng.randint(30 * 365, 60 * 365))
        plan["party_id"] = make_id_card(rng, "310106", born)


@violation("ZT-CAUSE-UNKNOWN", "案由编码不在案由库中")
def unknown_cause_code(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to every case. cause_code := "CG-QT-" + three digits 900..999 (no such code in the
    catalogue); the cause name and everything else stay."""
    plan["cause_code"] = f"CG-QT-{rng.randint(900, 999)}"


def _below_range(p: Plan, h: Helpers) -> list[int]:
    """Fines (multiples of 100) below the cause's minimum for the party's class, at least half of it."""
    if not _decided(p, h) or p.get("reduced_penalty"):
        return []
    lo = p["_cause"].fine[p["_party"].fine_class][0]
    return [x for x in range(100, lo, 100) if 2 * x >= lo]


@violation("ZT-FINE-DISCRETION", "罚款低于裁量基准下限且未减轻处罚", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: bool(_below_range(p, h)))
def fine_below_discretion(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated, no reduced penalty) whose
    cause minimum for the party's class is at least 200 元. fine_amount := a multiple of 100 below
    that minimum and at least half of it; the payment (amount, surcharge, 催告 or court case) is
    re-planned from the service date with the same payment mode, so it stays consistent with the new
    fine. Hearing, review and discussion, held for the original amount, stay."""
    plan["fine_amount"] = Decimal(rng.choice(_below_range(plan, helpers)))
    plan_from_service(plan, rng, helpers)
