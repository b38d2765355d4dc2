"""One sample case from discovery to closure: a *plan* (every date, even after the as-of date); the
export view of it as of the as-of date is export_view.finalize.

A plan is a dict keyed by canonical case field names (values: date, Decimal, bool, int, str, tuple)
plus private keys starting with "_" (squad, cause, party, the dates of on-site records...). Violations
(`violations.py`) mutate plans; `finalize` derives the recordings and the disclosure record from the
plan, so a moved date moves its record too.

A clean case keeps every rule of the rule pack (docs/rules.md; what the pack is
scored on). Concretely:
- two or three officers on the case, exactly two on every recording; all hold certificate numbers;
- summary procedure (简易程序): one day for discovery, filing, notice (rights waived on the spot),
  decision and service (直接送达); 罚款 ≤ 200 元 (自然人, 个体工商户) / ≤ 3000 元 (法人, 其他组织) or
  警告 only; paid 0-10 days later (fines ≤ 100 元) or 1-14 days later; never disclosed; may fall on a
  weekend (patrol work);
- ordinary procedure (普通程序): filing 0-2 working days after discovery, everything the agency does on
  a working day; notice served after investigation; the decision comes more than 5 working days after
  the notice (statement / hearing-request period over, waiver or not); a hearing is requested within
  5 working days of the notice, its notice is served 8-12 working days before it; 法制审核 (reviewer
  qualified, not on the case, opinion, 同意/修改后同意) and 集体讨论 happen on distinct working days
  before the decision whenever the fine is ≥ 5000 元 (自然人, 个体工商户) or ≥ 50000 元 (法人, 其他组织)
  — the same amounts open the hearing right — and sometimes for smaller organisation fines;
- decision − filing ≤ 90 calendar days, or ≤ 90 + extension_days (multiple of 30, approver recorded);
  suspended_days (testing / hearing) is reported but never needed to stay in time;
- service on the decision day (直接送达) or 1-5 working days later (电子送达 only with consent);
- every ordinary decision includes 罚款 (a multiple of 100 元) and is disclosed 1-6 working days after
  it, with a matching disclosure record (amounts in 万元, natural persons masked);
- payment within 15 calendar days of service; else a 催告 served 1-5 working days after the due date
  (service + 15 days, moved to the next working day), then either payment with a 加处罚款 below the
  3%-per-day cap, or a court application in [service + 6 months + 5 days, + 60 days] (more than
  10 working days after the 催告);
- closure 1-5 working days after the last act of execution (and after the disclosure); terminations and revocations carry a
  reason and an approver; a revoked decision's disclosure is withdrawn 1-2 working days later;
- a 查封扣押 (on the discovery day) is followed by the decision within 28 days;
- recordings are made between discovery and closure and uploaded within the day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from typing import Any

from auditor.generate.catalog import Catalog, Roster, build_roster, load_catalog
from auditor.generate.parties import make_party
from auditor.generate.workdays import Workdays, add_months
from auditor.model.fields import CASE_FIELDS
from auditor.model.snapshot import COMPANIONS

SUMMARY_LIMIT = {"individual": 200, "unit": 3000}  # 行政处罚法 51
REVIEW_THRESHOLD = {"individual": 5000, "unit": 50000}  # Shanghai 审核办法 3(一)

# Fields that hold a working-day event in an ordinary-procedure case (tests check them).
WORKDAY_FIELDS = (
    "filing_date", "investigation_end_date", "notice_date", "hearing_request_date", "hearing_notice_date",
    "hearing_date", "legal_review_date", "collective_discussion_date", "decision_date", "service_date",
    "disclosure_date", "disclosure_withdrawn_date", "demand_notice_date", "enforcement_application_date",
    "termination_date", "revocation_date", "closure_date",
)
# Dates that lie in the future by nature (expiry dates), allowed after the as-of date.
FUTURE_FIELDS = ("retention_until", "validity_until", "disclosure_until")

# A planned date and the fields that only exist once it has happened (dropped together by `finalize`);
# the audit's as-of snapshot uses the same table.
_COMPANIONS = COMPANIONS
_CASE_NAMES = tuple(f.name for f in CASE_FIELDS)
_DATE_NAMES = tuple(f.name for f in CASE_FIELDS if f.kind == "date")


@dataclass(frozen=True)
class Context:
    seed: int
    as_of: date
    start: date  # earliest discovery date
    catalog: Catalog
    roster: Roster
    wd: Workdays


@lru_cache(maxsize=8)
def make_context(seed: int, as_of: date) -> Context:
    catalog = load_catalog()
    start = date(as_of.year - 2, 1, 1)
    wd = Workdays.build(start - timedelta(days=400), as_of + timedelta(days=3 * 366), as_of)
    return Context(seed, as_of, start, catalog, build_roster(seed, catalog), wd)


# -- planning ------------------------------------------------------------------------------------
def plan_case(ctx: Context, index: int, rng: random.Random) -> dict[str, Any]:
    """The full (untruncated) plan of case number `index` (0-based)."""
    cat = ctx.catalog
    serial = index + 1
    squad = rng.choice(cat.squads)
    cause = rng.choices(cat.causes, weights=cat.cause_weights)[0]
    discovery = _draw_discovery(ctx, rng)
    party = make_party(rng, cause, discovery, cat)
    crew = list(ctx.roster.officers[squad.code])
    officers = rng.sample(crew, 3 if rng.random() < 0.15 else 2)
    road = rng.choice(squad.roads)
    p: dict[str, Any] = {
        "_serial": serial, "_squad": squad, "_cause": cause, "_party": party,
        "_address": f"{cat.district}{road}{rng.randint(1, 1500)}号",
        "_rec_officers": tuple(officers[:2]),
        "case_id": f"{cat.region}{discovery.year}{squad.code}{serial:07d}",
        "squad": squad.name, "district": cat.district, "officers": tuple(officers),
        "cause": cause.name, "cause_code": cause.code,
        "party_type": party.type, "party_name": party.name, "party_id": party.id,
        "discovery_date": discovery, "filing_approver": ctx.roster.leaders[squad.code],
    }
    lo, hi = cause.fine[party.fine_class]
    limit = SUMMARY_LIMIT[party.fine_class]
    if lo <= limit and rng.random() < cause.summary:
        _plan_summary(p, rng, ctx, lo, min(hi, limit))
    else:
        _plan_ordinary(p, rng, ctx, lo, hi)
    return p


def _draw_discovery(ctx: Context, rng: random.Random) -> date:
    # A tenth of the export is recent work, so every open stage shows up even in small samples.
    last = ctx.as_of - timedelta(days=4)
    first = ctx.start if rng.random() < 0.9 else last - timedelta(days=75)
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _plan_summary(p: dict, rng: random.Random, ctx: Context, lo: int, hi: int) -> None:
    d = p["discovery_date"]
    p.update(procedure="简易程序", source="巡查发现", violation_date=d, filing_date=d, notice_date=d,
             rights_waived=True, hearing_requested=False, decision_date=d, service_date=d,
             service_method="直接送达", appeal_filed=False,
             decision_no=f"沪静城管简罚字〔{d.year}〕第{p['_squad'].code}{p['_serial']:07d}号")
    if rng.random() < 0.2:
        p["decision_type"] = ("警告",)
        p["execution_end_date"] = d
    else:
        fine = _round_fine(rng, lo, hi, 50)
        p["decision_type"] = ("罚款",)
        p["fine_amount"] = Decimal(fine)
        pay = d + timedelta(days=rng.randint(0, 10) if fine <= 100 else rng.randint(1, 14))
        p.update(payment_date=pay, paid_amount=Decimal(fine), execution_end_date=pay)
    p["closure_date"] = ctx.wd.pick(rng, p["execution_end_date"], 1, 3)
    p["_on_site"] = [("现场检查", d)]


def _plan_ordinary(p: dict, rng: random.Random, ctx: Context, lo: int, hi: int) -> None:
    wd, roster, cause, party = ctx.wd, ctx.roster, p["_cause"], p["_party"]
    disc = p["discovery_date"]
    p["procedure"] = "普通程序"
    p["source"] = rng.choices(("巡查发现", "投诉举报", "上级交办", "部门移送", "信访", "其他"),
                              weights=(50, 34, 6, 5, 2, 3))[0]
    back = rng.randint(30, 300) if cause.long else rng.randint(0, 10)
    p["violation_date"] = disc - timedelta(days=back)
    filing = wd.pick(rng, disc, 0, 2)
    p["filing_date"] = filing
    evidence = sorted({wd.pick(rng, filing, 1, 6) for _ in range(rng.randint(1, 2))})
    inquiry = wd.pick(rng, filing, 2, 10)
    on_site = [("现场检查", disc)] + [("调查取证", e) for e in evidence] + [("询问", inquiry)]
    if cause.seizure and rng.random() < 0.25:
        p["seizure_date"] = disc
    last_inv = max(evidence + [inquiry])
    p["_on_site"] = on_site
    if rng.random() < 0.03:  # 终止调查
        term = wd.pick(rng, last_inv, 1, 10)
        p.update(termination_date=term, termination_reason=rng.choice(ctx.catalog.termination_reasons),
                 termination_approver=roster.leaders[p["_squad"].code],
                 closure_date=wd.pick(rng, term, 1, 3))
        p.pop("seizure_date", None)
        return
    long = (cause.long and rng.random() < 0.35) or rng.random() < 0.02
    if long:  # 测绘 / 检测鉴定: time not counted, and usually an approved extension
        inv_end = wd.pick(rng, last_inv, 35, 55)
        p["suspended_days"] = rng.randint(10, 30)
    else:
        inv_end = wd.pick(rng, last_inv, 1, 8)
    p["investigation_end_date"] = inv_end
    notice = wd.pick(rng, inv_end, 1, 4)
    p["notice_date"] = notice

    fine = _round_fine(rng, max(lo, 100), hi, 100)
    p["fine_amount"] = Decimal(fine)
    p["decision_type"] = ("警告", "罚款") if rng.random() < 0.15 else ("罚款",)
    eligible = fine >= REVIEW_THRESHOLD[party.fine_class]
    r = rng.random()
    requested = eligible and r < 0.3
    waived = (eligible and 0.3 <= r < 0.7) or (not eligible and r < 0.4)
    p.update(rights_waived=waived, hearing_requested=requested, reduced_penalty=False)
    ready = wd.after(notice, 5)  # statement / hearing-request period (64(一)) has run out
    if requested:
        req = wd.pick(rng, notice, 1, 4)
        hnotice = wd.pick(rng, req, 1, 3)
        hearing = wd.after(hnotice, rng.randint(8, 12))
        p.update(hearing_request_date=req, hearing_notice_date=hnotice, hearing_date=hearing)
        p["suspended_days"] = p.get("suspended_days", 0) + (hearing - req).days
        on_site.append(("听证", hearing))
        ready = max(ready, hearing)
    review = eligible or (party.fine_class == "unit" and fine >= 10000 and rng.random() < 0.3)
    last = ready
    if review:
        result = "同意" if rng.random() < 0.9 else "修改后同意"
        reviewed = wd.pick(rng, ready, 1, 3)
        p.update(legal_review_date=reviewed, legal_reviewer=rng.choice(roster.reviewers),
                 legal_reviewer_qualified=True, legal_review_result=result,
                 legal_review_opinion=ctx.catalog.review_opinions[result])
        last = reviewed
        if eligible:  # 情节复杂或者重大: 集体讨论 (处罚法 57 ¶2)
            last = p["collective_discussion_date"] = wd.pick(rng, reviewed, 1, 3)
    decision = wd.pick(rng, last, 1, 3)
    if p.get("seizure_date") and (decision - p["seizure_date"]).days > 28:
        del p["seizure_date"]
    span = (decision - filing).days
    if span > 90:
        p["extension_days"] = 30 * -(-(span - 90) // 30)
        p["extension_approver"] = roster.leaders[p["_squad"].code]
    p["decision_date"] = decision
    p["_revoke"] = rng.random() < 0.01
    p["_pay_mode"] = rng.choices(("paid", "late", "court"), weights=(88, 6, 6))[0]
    plan_from_decision(p, rng, ctx)


def plan_from_decision(p: dict, rng: random.Random, ctx: Context) -> None:
    """(Re)plan decision number, service, disclosure and everything after, from `decision_date`."""
    wd, decision = ctx.wd, p["decision_date"]
    p["decision_no"] = f"沪静城管罚决字〔{decision.year}〕第{p['_squad'].code}{p['_serial']:07d}号"
    p["appeal_filed"] = False
    p.pop("e_service_consent", None)
    r = rng.random()
    if r < 0.25:
        method, service = "直接送达", decision
    elif r < 0.5:
        method, service = "直接送达", wd.pick(rng, decision, 1, 5)
    elif r < 0.72:
        method, service = "邮寄送达", wd.pick(rng, decision, 1, 5)
    elif r < 0.82:
        method, service = "留置送达", wd.pick(rng, decision, 1, 5)
    else:
        method, service = "电子送达", wd.pick(rng, decision, 0, 2)
        p["e_service_consent"] = True
    p["service_method"], p["service_date"] = method, service
    p["disclosure_date"] = wd.pick(rng, decision, 1, 6)
    plan_from_service(p, rng, ctx)


_AFTER_SERVICE = ("payment_date", "paid_amount", "surcharge_amount", "demand_notice_date",
                  "enforcement_application_date", "execution_end_date", "closure_date", "revocation_date",
                  "revocation_reason", "revocation_approver", "disclosure_withdrawn_date")


def plan_from_service(p: dict, rng: random.Random, ctx: Context) -> None:
    """(Re)plan payment, 催告, court application, revocation and closure from `service_date`."""
    wd, service = ctx.wd, p["service_date"]
    for key in _AFTER_SERVICE:
        p.pop(key, None)
    if p.get("_revoke"):
        rev = wd.pick(rng, max(service, p.get("disclosure_date") or service), 2, 6)
        p.update(revocation_date=rev, revocation_reason=rng.choice(ctx.catalog.revocation_reasons),
                 revocation_approver=rng.choice(ctx.roster.directors))
        if p.get("disclosure_date"):
            p["disclosure_withdrawn_date"] = wd.pick(rng, rev, 1, 2)
        p["closure_date"] = wd.pick(rng, p.get("disclosure_withdrawn_date") or rev, 1, 3)
        return
    fine = p["fine_amount"]
    due = wd.on_or_after(service + timedelta(days=15))  # 处罚法 67 ¶3, 民诉法 85
    mode = p["_pay_mode"]
    paid = fine
    if mode == "paid":
        pay = service + timedelta(days=rng.randint(0, 14))
    else:
        demand = wd.pick(rng, due, 1, 5)
        p["demand_notice_date"] = demand
        if mode == "late":
            pay = demand + timedelta(days=rng.randint(2, 10))
            # 3 % of the fine per day overdue, capped at the fine (72(一), 强制法 45); one day fewer
            # than any counting convention gives, so the cap holds however a rule counts.
            days = (pay - due).days - 1
            surcharge = min(fine * Decimal("0.03") * days, fine).quantize(Decimal("0.01"), ROUND_DOWN)
            if surcharge > 0:
                p["surcharge_amount"] = surcharge
                paid = fine + surcharge
        else:
            start = add_months(service, 6) + timedelta(days=rng.randint(5, 60))
            app = wd.on_or_after(start)
            p["enforcement_application_date"] = app
            pay = app + timedelta(days=rng.randint(30, 150))
    # A case is closed after execution and after its decision has been disclosed.
    p.update(payment_date=pay, paid_amount=paid, execution_end_date=pay,
             closure_date=wd.pick(rng, max(pay, p.get("disclosure_date") or pay), 1, 5))


def _round_fine(rng: random.Random, lo: int, hi: int, step: int) -> int:
    """A fine in [lo, hi] on a multiple of `step`, skewed to the lower half of the range (裁量基准)."""
    lo_s, hi_s = -(-lo // step), hi // step
    if hi_s < lo_s:
        return lo
    span = hi_s - lo_s
    k = int(span * (rng.random() ** 1.6) + 0.5)
    return (lo_s + k) * step
