"""Injectors for the rules added when the pack was checked against the statute (issue 12): officers
named without certificate numbers, a service date without its method, and a fine left unpaid past the
court-enforcement window with no 催告 and no application. Declared on import (violations.py
imports this module and orders its kinds)."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from auditor.generate.injection import Helpers, Plan, decided_by, violation
from auditor.generate.violations_procedure import _PAYMENT_KEYS, _replan_payment, _served_by
from auditor.generate.workdays import add_months

_CERT = re.compile(r"\s*[（(][^）)]*[）)]\s*$")


@violation("JL-OFFICER-CERT-MISSING", "承办人员未记载执法证号")
def officers_without_certificates(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """officers (case field): every "姓名(执法证号)" loses its bracketed number ("张伟、李强"); both
    officers stay, so the case still has two. Recordings keep their officers."""
    plan["officers"] = tuple(_CERT.sub("", o) for o in plan["officers"])


def _served_ordinary(p: Plan, h: Helpers) -> bool:
    d = p.get("service_date")
    return p.get("procedure") == "普通程序" and d is not None and d <= h.as_of


@violation("JL-SERVICE-METHOD-MISSING", "送达日期有记载但送达方式未记载", states=("执行中", "已结案"),
           applies=_served_ordinary)
def service_method_missing(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases served on or before the as-of date. The exported case loses
    service_method and e_service_consent; the service date and the 送达 recording stay."""
    def drop(case, recordings, disclosure):
        case.pop("service_method", None)
        case.pop("e_service_consent", None)
        return disclosure
    plan.setdefault("_export_hooks", []).append(drop)


@violation("ZX-RIGHT-LOST", "罚款未缴、未催告、未申请，法院强制执行申请期已过", states=("执行中",),
           applies=lambda p, h: _served_by(p, h, lambda s: add_months(s, 9) + timedelta(days=20)))
def court_window_lost(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) served at least 9 months +
    20 days before the as-of date (the window, rolled over, has closed). The payment plan is reset to a
    clean on-time payment and then payment_date, paid_amount, surcharge_amount, execution_end_date and
    closure_date are removed: never paid, no 催告, no court application."""
    _replan_payment(plan, rng, helpers, "paid")
    for key in _PAYMENT_KEYS:
        plan.pop(key, None)


@violation("CX-FILING-NOT-RECORDED", "普通程序案件已决定但未记载立案日期", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: decided_by(p, h, 0) and p.get("termination_date") is None)
def filing_date_missing(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked or terminated) on or before the as-of date.
    The exported case loses filing_date (and so its filing approval stays without a date); every later
    step stays as planned."""
    def drop(case, recordings, disclosure):
        case.pop("filing_date", None)
        return disclosure
    plan.setdefault("_export_hooks", []).append(drop)


@violation("CX-SOURCE-NOT-RECORDED", "已立案的普通程序案件未记载案件来源",
           applies=lambda p, h: p.get("procedure") == "普通程序" and p.get("filing_date") is not None
           and p["filing_date"] <= h.as_of)
def source_missing(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases filed on or before the as-of date. The exported case loses
    its source (案件来源); nothing else changes."""
    def drop(case, recordings, disclosure):
        case.pop("source", None)
        return disclosure
    plan.setdefault("_export_hooks", []).append(drop)


def _before(h: Helpers, d, n: int):
    """The working day `d` is the n-th working day after."""
    x = d - timedelta(days=1)
    while not (h.wd.is_workday(x) and h.wd.after(x, n) == d):
        x -= timedelta(days=1)
    return x


@violation("CX-HEARING-REQUEST-LATE", "听证申请晚于告知后 5 个工作日", states=("已决定", "执行中", "已结案"),
           applies=lambda p, h: decided_by(p, h, 0) and p.get("hearing_request_date") is not None
           and p["filing_date"] <= _before(h, p["hearing_request_date"], 6))
def hearing_request_late(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions after a hearing whose filing lies at least 6 working days
    before the hearing request. notice_date := the working day the request is the 6th working day after
    (the request comes one day after the 5-working-day period); the request, hearing notice, hearing and
    decision stay as planned (the decision still waits for the hearing)."""
    plan["notice_date"] = _before(helpers, plan["hearing_request_date"], 6)
