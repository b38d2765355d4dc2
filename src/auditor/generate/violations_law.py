"""Injectors for the rules added when the pack was checked against the statute (issue 12): officers
named without certificate numbers, a service date without its method, and a fine left unpaid past the
court-enforcement window with no 催告 and no application. Registered on import (violations.py
imports this module at its end)."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from auditor.generate.violations import Helpers, Plan, violation
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
