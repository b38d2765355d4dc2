"""Injectors for the 三超期, 两随意 and 执行 rules (rules/overdue.yaml, arbitrary.yaml, enforcement.yaml),
and the planning helpers violations_process.py (程序, 主体认定) shares.

Each mutation takes a clean plan (see lifecycle.py) and breaks exactly one rule: its docstring says
which fields change and why no other rule of the pack is touched. Dates an injected violation needs
are kept on or before the as-of date, so the export shows it. Declared on import (violations.py
imports this module and orders its kinds).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from auditor.generate.lifecycle import Context, plan_from_service
from auditor.generate.injection import Plan, decided_by, violation
from auditor.generate.workdays import add_months
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
    return decided_by(p, h, days) and p.get("termination_date") is None


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
