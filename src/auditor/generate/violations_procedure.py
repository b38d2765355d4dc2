"""Injectors for the 三超期, 两随意, 执行, 程序 and 主体认定 rules (rules/overdue.yaml, arbitrary.yaml,
enforcement.yaml, procedure.yaml, party.yaml).

Each mutation takes a clean plan (see lifecycle.py) and breaks exactly one rule: its docstring says
which fields change and why no other rule of the pack is touched. Dates an injected violation needs
are kept on or before the as-of date, so the export shows it. Registered on import (violations.py
imports this module at its end).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from auditor.generate.lifecycle import REVIEW_THRESHOLD, SUMMARY_LIMIT, Context, plan_from_decision, plan_from_service
from auditor.generate.violations import Plan, _decided_by, violation
from auditor.generate.workdays import add_months
from auditor.idcodes import CREDIT_ALPHABET, make_credit_code, make_id_card
from auditor.model.fields import CASE_FIELDS

Helpers = Context

# Fields a case keeps when it is turned into a terminated one (what exists before the investigation ends).
_BEFORE_INVESTIGATION_END = {
    "case_id", "squad", "district", "officers", "source", "procedure", "cause", "cause_code", "party_type",
    "party_name", "party_id", "violation_date", "violation_end_date", "serious_harm", "discovery_date",
    "filing_date", "filing_approver",
}
_CASE_NAMES = tuple(f.name for f in CASE_FIELDS)
_PAYMENT_KEYS = ("payment_date", "paid_amount", "surcharge_amount", "execution_end_date", "closure_date")
# Termination reasons that are none of the accepted grounds (rules/params.yaml termination_grounds).
_NON_GROUNDS = ("当事人已自行整改完毕", "当事人经济困难，经协调不再追究", "当事人态度良好，承诺不再违法", "经研究决定终止调查")


def _seen(d: date | None, h: Helpers) -> bool:
    return d is not None and d <= h.as_of


def _workday_before(h: Helpers, d: date, n: int) -> date:
    """The working day `d` is the n-th working day after (n >= 1)."""
    x = d
    while True:
        x -= timedelta(days=1)
        if h.wd.is_workday(x) and h.wd.after(x, n) == d:
            return x
        if h.wd.count(x, d) > n:
            raise AssertionError("unreachable: passed the n-th working day")


def _decided(p: Plan, h: Helpers, days: int = 0) -> bool:
    """Ordinary procedure, decided at least `days` before the as-of date, not revoked, not terminated."""
    return _decided_by(p, h, days) and p.get("termination_date") is None


def _served_by(p: Plan, h: Helpers, when) -> bool:
    """Decided (ordinary, not revoked) and `when(service_date)` is on or before the as-of date."""
    return _decided(p, h) and p.get("service_date") is not None and when(p["service_date"]) <= h.as_of


def _replan_payment(p: Plan, rng: random.Random, h: Helpers, mode: str) -> None:
    p["_pay_mode"] = mode
    plan_from_service(p, rng, h)


# -- 三超期 --------------------------------------------------------------------------------------
@violation("CQ-FILING-LATE", "发现（受理）后超过立案期限（15 个工作日）才立案",
           states=("已立案", "调查中", "待审核", "已决定", "执行中", "已结案", "已终止", "已撤销"),
           applies=lambda p, h: p.get("procedure") == "普通程序" and _seen(p.get("filing_date"), h)
           and p.get("termination_date") is None and not p.get("_revoke"))
def late_filing(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases filed by the as-of date (not terminated, not revoked).
    discovery_date := the working day that filing_date is the k-th working day after, k drawn from
    16..25 (so filing > discovery + 15 working days); violation_date moves back by the same number of
    calendar days (the time from violation to discovery, hence the limitation, is unchanged). The
    on-site inspection record keeps its date (now between discovery and filing); nothing after
    filing changes."""
    new = _workday_before(helpers, plan["filing_date"], rng.randint(16, 25))
    shift = plan["discovery_date"] - new
    plan["discovery_date"] = new
    plan["violation_date"] = plan["violation_date"] - shift


@violation("CQ-CLOSURE-LATE", "执行完毕后超过结案期限（15 个工作日）才结案", states=("已结案",),
           applies=lambda p, h: p.get("execution_end_date") is not None and p.get("closure_date") is not None
           and p.get("revocation_date") is None and p.get("termination_date") is None
           and h.wd.after(p["execution_end_date"], 30) <= h.as_of)
def late_closure(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to closed cases (summary or ordinary, not revoked or terminated) whose execution ended
    at least 30 working days before the as-of date. closure_date := the k-th working day after
    execution_end_date, k drawn from 16..30 (so closure > execution end + 15 working days; still after
    the disclosure, which precedes it by design). Nothing else changes."""
    plan["closure_date"] = helpers.wd.after(plan["execution_end_date"], rng.randint(16, 30))


# -- 两随意 --------------------------------------------------------------------------------------
def _can_terminate(p: Plan, h: Helpers) -> bool:
    if p.get("procedure") != "普通程序" or p.get("_revoke"):
        return False
    if p.get("termination_date") is not None:
        return _seen(p["termination_date"], h)
    inv = [d for stage, d in p["_on_site"] if stage in ("调查取证", "询问")]
    return bool(inv) and h.wd.after(max(inv), 10) <= h.as_of


def _terminate(p: Plan, rng: random.Random, h: Helpers) -> None:
    """Turn the plan into a case terminated 1-10 working days after its last investigation record,
    exactly as lifecycle plans a clean termination (reason from the catalogue, squad leader approves,
    closure 1-3 working days later, no seizure, nothing after the investigation)."""
    if p.get("termination_date") is not None:
        return
    for key in _CASE_NAMES:
        if key not in _BEFORE_INVESTIGATION_END:
            p.pop(key, None)
    p["_on_site"] = [(stage, d) for stage, d in p["_on_site"] if stage in ("现场检查", "调查取证", "询问")]
    last = max(d for stage, d in p["_on_site"] if stage in ("调查取证", "询问"))
    term = h.wd.pick(rng, last, 1, 10)
    p.update(termination_date=term, termination_reason=rng.choice(h.catalog.termination_reasons),
             termination_approver=h.roster.leaders[p["_squad"].code], closure_date=h.wd.pick(rng, term, 1, 3))


@violation("SY-TERMINATION-NO-REASON", "终止调查未记载理由", states=("已终止",), applies=_can_terminate)
def termination_without_reason(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases already terminated by the as-of date, or (not revoked)
    whose last investigation record is at least 10 working days before it; the latter are first
    turned into clean terminations (see `_terminate`: everything after the investigation removed,
    termination 1-10 working days after the last investigation record, reason, leader's approval,
    closure). Then termination_reason is removed; the approver stays."""
    _terminate(plan, rng, helpers)
    plan.pop("termination_reason", None)


@violation("SY-TERMINATION-NO-APPROVER", "终止调查未经负责人审批", states=("已终止",), applies=_can_terminate)
def termination_without_approver(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to the same cases as SY-TERMINATION-NO-REASON (terminated, or turned into a clean
    termination by `_terminate`: reason from the catalogue, squad leader approves, closure 1-3 working
    days later). Then termination_approver is removed; the legal reason stays."""
    _terminate(plan, rng, helpers)
    plan.pop("termination_approver", None)


@violation("SY-TERMINATION-GROUND", "终止调查理由不属于法定情形", states=("已终止",), applies=_can_terminate)
def termination_without_ground(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to the same cases as SY-TERMINATION-NO-REASON (terminated, or turned into a clean
    termination by `_terminate`). Then termination_reason := one of four reasons containing none of
    the termination_grounds phrases (e.g. 当事人已自行整改完毕); the approver stays."""
    _terminate(plan, rng, helpers)
    plan["termination_reason"] = rng.choice(_NON_GROUNDS)


def _can_revoke(p: Plan, h: Helpers) -> bool:
    if p.get("_revoke"):
        return _seen(p.get("revocation_date"), h)
    return _served_by(p, h, lambda s: h.wd.after(max(s, p.get("disclosure_date") or s), 6))


def _revoke(p: Plan, rng: random.Random, h: Helpers) -> None:
    """Turn a decided plan into a clean revocation (lifecycle's own path: revoked 2-6 working days
    after service and disclosure, reason, director's approval, disclosure withdrawn, closure)."""
    if not p.get("_revoke"):
        p["_revoke"] = True
        plan_from_service(p, rng, h)


@violation("SY-REVOCATION-NO-REASON", "撤销处罚决定未记载理由", states=("已撤销",), applies=_can_revoke)
def revocation_without_reason(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions already revoked by the as-of date, or (not terminated)
    served and disclosed at least 6 working days before it; the latter are first revoked cleanly
    (lifecycle's `_revoke` path re-planned from service: revocation 2-6 working days later, reason,
    approver, disclosure withdrawn 1-2 working days later, closure). Then revocation_reason is
    removed; the approver stays."""
    _revoke(plan, rng, helpers)
    plan.pop("revocation_reason", None)


@violation("SY-REVOCATION-NO-APPROVER", "撤销处罚决定未经审批", states=("已撤销",), applies=_can_revoke)
def revocation_without_approver(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to the same cases as SY-REVOCATION-NO-REASON (revoked, or revoked cleanly by `_revoke`:
    revocation 2-6 working days after service and disclosure, reason, director's approval, disclosure
    withdrawn, closure). Then revocation_approver is removed; the reason stays."""
    _revoke(plan, rng, helpers)
    plan.pop("revocation_approver", None)


# -- 执行 ----------------------------------------------------------------------------------------
@violation("ZX-DEMAND-MISSING", "罚款逾期未缴且未催告", states=("已决定",),
           applies=lambda p, h: _served_by(p, h, lambda s: s + timedelta(days=60))
           and not _served_by(p, h, lambda s: add_months(s, 9)))
def unpaid_without_demand(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 60 calendar
    days before the as-of date (payment period 15 + grace 30 days, rolled over, have run) and less
    than 9 months before it (the court window is still open: once it closes, ZX-RIGHT-LOST). The
    payment plan is reset to a clean on-time payment and then payment_date, paid_amount,
    surcharge_amount, execution_end_date and closure_date are removed: the fine is never paid, no 催告
    is served, no court application is made (the case stays 已决定)."""
    _replan_payment(plan, rng, helpers, "paid")
    for key in _PAYMENT_KEYS:
        plan.pop(key, None)


@violation("ZX-COURT-LATE", "催告后未在期限内申请法院强制执行", states=("执行中",),
           applies=lambda p, h: _served_by(p, h, lambda s: add_months(s, 9) + timedelta(days=20)))
def no_court_application(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 9 months +
    20 days before the as-of date (the 6 + 3 month window, rolled over, has closed). The payment is
    re-planned as a clean court case (催告 1-5 working days after the payment due date) and then the
    court application, payment, surcharge, execution end and closure are removed: after the 催告
    the fine stays unpaid and nobody applies to the court."""
    _replan_payment(plan, rng, helpers, "court")
    for key in ("enforcement_application_date", *_PAYMENT_KEYS):
        plan.pop(key, None)


def _court_case(p: Plan, h: Helpers) -> bool:
    return _served_by(p, h, lambda s: add_months(s, 6) + timedelta(days=75))


@violation("ZX-APPLICATION-EARLY", "催告书送达未满 10 个工作日即申请强制执行", states=("执行中", "已结案"),
           applies=_court_case)
def application_too_soon(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 6 months +
    75 days before the as-of date. The payment is re-planned as a clean court case (application in
    [service + 6 months + 5 days, + 60 days], paid 30-150 days later); then demand_notice_date := the
    working day the application is the k-th working day after, k drawn from 1..10 (the rule needs
    more than 10). The application date, and so the lawsuit period and the 3-month window, are
    untouched."""
    _replan_payment(plan, rng, helpers, "court")
    plan["demand_notice_date"] = _workday_before(helpers, plan["enforcement_application_date"], rng.randint(1, 10))


@violation("ZX-APPLICATION-NO-DEMAND", "未经催告即申请强制执行", states=("执行中", "已结案"),
           applies=_court_case)
def application_without_demand(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 6 months +
    75 days before the as-of date. The payment is re-planned as a clean court case (催告, application
    in [service + 6 months + 5 days, + 60 days], paid 30-150 days later); then demand_notice_date is
    removed (the application and the later payment stay)."""
    _replan_payment(plan, rng, helpers, "court")
    plan.pop("demand_notice_date", None)


@violation("ZX-APPLICATION-BEFORE-LAWSUIT", "当事人起诉期届满前即申请强制执行", states=("执行中", "已结案"),
           applies=lambda p, h: _served_by(p, h, lambda s: add_months(s, 6) + timedelta(days=10)))
def application_before_lawsuit_period(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 6 months +
    10 days before the as-of date. The payment is re-planned as a clean court case; then
    enforcement_application_date := the first working day on or after service + 6 months − d days,
    d drawn from 10..60 (before the lawsuit period ends, after the 10-working-day wait following the
    催告), and payment/execution end := application + 30..150 days, closure 1-5 working days later
    (and after the disclosure) — as for a clean court case."""
    _replan_payment(plan, rng, helpers, "court")
    wd, service = helpers.wd, plan["service_date"]
    app = wd.on_or_after(add_months(service, 6) - timedelta(days=rng.randint(10, 60)))
    app = max(app, wd.after(plan["demand_notice_date"], 11))
    pay = app + timedelta(days=rng.randint(30, 150))
    plan.update(enforcement_application_date=app, payment_date=pay, execution_end_date=pay,
                closure_date=wd.pick(rng, max(pay, plan.get("disclosure_date") or pay), 1, 5))


@violation("ZX-SURCHARGE-OVER-FINE", "加处罚款超过罚款数额", states=("执行中", "已结案"),
           applies=lambda p, h: _served_by(p, h, lambda s: s + timedelta(days=60)))
def surcharge_above_fine(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 60 calendar
    days before the as-of date. The payment is re-planned as a clean late payment (催告, then payment
    2-10 days later); then surcharge_amount := fine × (1 + r), r drawn from 0.01..0.50 (rounded down
    to 0.01 元), and paid_amount := fine + surcharge. Dates are unchanged."""
    _replan_payment(plan, rng, helpers, "late")
    fine = plan["fine_amount"]
    surcharge = (fine * (1 + Decimal(rng.randint(1, 50)) / 100)).quantize(Decimal("0.01"), ROUND_DOWN)
    plan["surcharge_amount"] = surcharge
    plan["paid_amount"] = fine + surcharge


@violation("ZX-SURCHARGE-RATE", "加处罚款超过每日 3% 计算的数额", states=("执行中", "已结案"),
           applies=lambda p, h: _served_by(p, h, lambda s: s + timedelta(days=60)))
def surcharge_above_daily_rate(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 60 calendar
    days before the as-of date. The payment is re-planned as a clean late payment (催告 1-5 working days
    after the due date, paid 2-10 days after it, so 3-20 days overdue); then surcharge_amount := a
    value strictly between fine × 3 % × (payment − service − 15 days) + 1 元 and the fine (rounded down
    to 0.01 元), and paid_amount := fine + surcharge."""
    _replan_payment(plan, rng, helpers, "late")
    fine = plan["fine_amount"]
    days = (plan["payment_date"] - plan["service_date"]).days - 15
    cap = min(fine * Decimal("0.03") * days, fine)
    share = Decimal(rng.randint(1, 99)) / 100
    surcharge = (cap + 1 + (fine - cap - 1) * share).quantize(Decimal("0.01"), ROUND_DOWN)
    plan["surcharge_amount"] = surcharge
    plan["paid_amount"] = fine + surcharge


# -- 程序 ----------------------------------------------------------------------------------------
def _penalised(p: Plan, h: Helpers) -> bool:
    return (_seen(p.get("decision_date"), h) and not p.get("_revoke") and p.get("termination_date") is None
            and p.get("discovery_date") is not None)


@violation("CX-LIMITATION", "违法行为超过 2 年追责时效才被发现仍予处罚", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: _penalised(p, h) and not p.get("serious_harm"))
def beyond_limitation(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided cases (summary or ordinary, not revoked). violation_date := discovery_date −
    24 months − k days, k drawn from 1..180; violation_end_date is removed (not continuing). Only the
    date of the violation changes (the disclosure text quotes it)."""
    plan["violation_date"] = add_months(plan["discovery_date"], -24) - timedelta(days=rng.randint(1, 180))
    plan.pop("violation_end_date", None)


@violation("CX-LIMITATION-SERIOUS", "涉及生命健康或金融安全的违法行为超过 5 年才被发现仍予处罚",
           states=("已决定", "执行中", "已结案"), applies=_penalised)
def beyond_serious_limitation(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided cases (summary or ordinary, not revoked). serious_harm := true and
    violation_date := discovery_date − 60 months − k days, k drawn from 1..180; violation_end_date is
    removed."""
    plan["serious_harm"] = True
    plan["violation_date"] = add_months(plan["discovery_date"], -60) - timedelta(days=rng.randint(1, 180))
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
