"""Injectable violations of the 三项制度, 公示 part (GS-*), and the helpers the 全过程记录 and 法制审核
parts share (violations_recording.py, violations_review.py).

Each kind makes exactly its rule (rules/disclosure.yaml, recording.yaml, review.yaml, default
parameters) fire on an otherwise clean plan (see `violations.py` for the contract). Changes to an
exported record only — the disclosure record or one recording — are made through an export hook
(`plan["_export_hooks"]`, run by `lifecycle.finalize` after the records are derived), so the case stays
as planned. Day counts come from the parameter defaults in rules/params.yaml, read once.

Every rule of this part has a kind; JL-AV-DEMOLITION turns a 擅自搭建 case into one whose building
was demolished by force after the lawsuit period (the sample district plans no 强制拆除 by itself).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from auditor.generate.injection import Helpers, Plan, violation

# 双公示 fields required on the record (enrich/derive.PUBLIC_REQUIRED), except the decision number:
# without it the record could not be matched to its case at all.
_BLANKABLE = ("party_name", "party_category", "violation_type", "violation_facts", "penalty_basis",
              "penalty_category", "penalty_content", "decision_date", "authority", "authority_code",
              "data_source", "data_source_code")
_DECIDED = ("已决定", "执行中", "已结案")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


@lru_cache(maxsize=1)
def _defaults() -> dict:
    """Parameter defaults of the shipped pack. The pack is found as `rules.loader.default_pack_path` finds
    it, without importing the loader (it pulls in pandas and jsonschema, which the generator avoids)."""
    from auditor.packdata import default_pack_path
    from auditor.rules.params import load_param_declarations

    pack = default_pack_path()
    return {name: p.default for name, p in load_param_declarations(pack / "params.yaml").items()}


def _param(name: str):
    return _defaults()[name]


def _on(plan: Plan, key: str, helpers: Helpers) -> bool:
    """The planned date `key` exists and lies on or before the as-of date (it is in the export)."""
    d = plan.get(key)
    return d is not None and d <= helpers.as_of


def _ordinary_decided(plan: Plan, helpers: Helpers) -> bool:
    return plan.get("procedure") == "普通程序" and _on(plan, "decision_date", helpers) and not plan.get("_revoke")


def _disclosed(plan: Plan, helpers: Helpers) -> bool:
    return _ordinary_decided(plan, helpers) and _on(plan, "disclosure_date", helpers)


def _hook(plan: Plan, fn) -> None:
    plan.setdefault("_export_hooks", []).append(fn)


def _wd_after(helpers: Helpers, d: date, n: int) -> date:
    return helpers.wd.after(d, n)


def _wd_between(helpers: Helpers, start: date, end: date) -> int:
    return helpers.wd.count(start, end) if end > start else 0


# -- 公示 ----------------------------------------------------------------------------------------
def _can_be_undisclosed(plan: Plan, helpers: Helpers) -> bool:
    d = plan.get("decision_date")
    return _ordinary_decided(plan, helpers) and helpers.wd.after(d, _param("disclosure_working_days")) < helpers.as_of


@violation("GS-NOT-DISCLOSED", "普通程序处罚决定超过 7 个工作日仍未公示", states=_DECIDED + ("已撤销",),
           applies=_can_be_undisclosed)
def not_disclosed(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked) whose 7th working day after the decision is
    before the as-of date. disclosure_date is removed from the plan, so the case has no 公示日期 and no
    disclosure record is exported; nothing else changes."""
    plan.pop("disclosure_date", None)


def _can_be_late(plan: Plan, helpers: Helpers) -> bool:
    return (_ordinary_decided(plan, helpers)
            and _wd_between(helpers, plan["decision_date"], helpers.as_of) > _param("disclosure_working_days"))


@violation("GS-DISCLOSURE-LATE", "处罚决定公示晚于决定后 7 个工作日", states=_DECIDED, applies=_can_be_late)
def late_disclosure(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions (not revoked) with more than 7 working days between the
    decision and the as-of date. disclosure_date := the k-th working day after decision_date, k drawn
    from 8..min(20, working days up to the as-of date); the disclosure record carries the same date.
    Payment and closure stay as planned (a closure before the disclosure breaks no rule, while a
    closure moved after it could break the closure deadline)."""
    d = plan["decision_date"]
    limit = _param("disclosure_working_days")
    top = min(limit + 13, _wd_between(helpers, d, helpers.as_of))
    plan["disclosure_date"] = helpers.wd.after(d, rng.randint(limit + 1, top))


@violation("GS-INCOMPLETE", "公示记录缺少一个\"双公示\"必填项", states=_DECIDED, applies=_disclosed)
def incomplete_disclosure(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to disclosed ordinary-procedure decisions (not revoked). One required 双公示 field of the
    disclosure record, drawn uniformly from 行政相对人名称/类别, 违法行为类型, 违法事实, 处罚依据, 处罚类别,
    处罚内容, 处罚决定日期, 处罚机关 and its code, 数据来源单位 and its code, is left out of the record
    (never the decision number, which links the record to its case)."""
    field = rng.choice(_BLANKABLE)

    def blank(case, recordings, disclosure):
        if disclosure is not None:
            disclosure.pop(field, None)
        return disclosure
    _hook(plan, blank)


@violation("GS-FINE-MISMATCH", "公示罚款金额（万元）与决定书罚款不符", states=_DECIDED,
           applies=lambda p, h: _disclosed(p, h) and p.get("fine_amount") is not None)
def wrong_published_fine(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to disclosed ordinary-procedure decisions with a fine (not revoked). The record's 罚款金额
    （万元） := one of: the fine in 元 (not converted), the fine ÷ 1000 (ten times too much), the fine ÷
    100000 (a tenth) — all at least 90 元 away from the decided fine (fines are multiples of 100 元)."""
    fine = Decimal(plan["fine_amount"])
    wan = rng.choice((fine, fine / 1000, fine / 100000))

    def set_fine(case, recordings, disclosure):
        if disclosure is not None:
            disclosure["fine_amount_wan"] = wan
        return disclosure
    _hook(plan, set_fine)


@violation("GS-DATE-MISMATCH", "公示处罚决定日期与决定书不符", states=_DECIDED, applies=_disclosed)
def wrong_published_date(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to disclosed ordinary-procedure decisions (not revoked). The record's 处罚决定日期 :=
    decision_date minus k calendar days, k drawn from 1..10 (处罚有效期 and 公示截止期 unchanged)."""
    wrong = plan["decision_date"] - timedelta(days=rng.randint(1, 10))

    def set_date(case, recordings, disclosure):
        if disclosure is not None:
            disclosure["decision_date"] = wrong
        return disclosure
    _hook(plan, set_date)


def _renumber(no: str, rng: random.Random) -> str:
    year = no[no.index("〔") + 1:no.index("〕")]
    choice = rng.randrange(3)
    if choice == 0:
        return no.replace(f"〔{year}〕", f"〔{int(year) - 1}〕")
    if choice == 1:
        return no.replace(f"〔{year}〕", f"[{year}]")
    return no.replace(f"〔{year}〕", f"（{year}）")


@violation("GS-NUMBER-MISMATCH", "公示的处罚决定书文号与案卷不符", states=_DECIDED, applies=_disclosed)
def wrong_published_number(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to disclosed ordinary-procedure decisions (not revoked). The record's 行政处罚决定书文号 is
    written wrongly: the year in 〔〕 one less, or the 〔〕 brackets replaced by [] or （）. The serial
    part stays, so the number belongs to no other case; party code and decision date are unchanged (the
    auditor matches the record by them)."""
    wrong = _renumber(plan["decision_no"], rng)

    def set_no(case, recordings, disclosure):
        if disclosure is not None:
            disclosure["decision_no"] = wrong
        return disclosure
    _hook(plan, set_no)


def _other_char(c: str, alphabet: str, rng: random.Random) -> str:
    return rng.choice([x for x in alphabet if x != c])


@violation("GS-PARTY-MISMATCH", "公示的行政相对人名称或证件号码与案卷不符", states=_DECIDED, applies=_disclosed)
def wrong_published_party(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to disclosed ordinary-procedure decisions (not revoked). Either (half the time each) the
    record's 行政相对人名称 or its code is wrong, masking kept as for a clean record: a natural person's
    masked name gets another surname (王* → 李*); an organisation's name gets one character replaced; the
    last character of the (masked) ID number or of the credit code is replaced by another digit."""
    natural = plan["party_type"] == "自然人"
    which = rng.choice(("name", "code"))
    draw = rng.random()

    def set_party(case, recordings, disclosure):
        if disclosure is None:
            return disclosure
        r = random.Random(draw)
        if which == "name":
            name = disclosure["party_name"]
            pos = 0 if natural else len(name) // 2
            alphabet = _SURNAMES if natural else "华新东信达宏兴盛利源"
            disclosure["party_name"] = name[:pos] + _other_char(name[pos], alphabet, r) + name[pos + 1:]
        else:
            key = "party_id" if natural else "credit_code"
            code = disclosure[key]
            disclosure[key] = code[:-1] + _other_char(code[-1], "0123456789", r)
        return disclosure
    _hook(plan, set_party)


@violation("GS-PERSONAL-DATA", "公示自然人完整身份证号码或完整姓名", states=_DECIDED,
           applies=lambda p, h: _disclosed(p, h) and p["party_type"] == "自然人")
def unmasked_disclosure(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to disclosed ordinary-procedure decisions on a 自然人 (not revoked). The record shows,
    drawn with equal chance, the full 18-character ID number or the full name instead of the masked
    one (the other stays masked)."""
    which = rng.choice(("party_id", "party_name"))

    def unmask(case, recordings, disclosure):
        if disclosure is not None:
            disclosure[which] = case[which]
        return disclosure
    _hook(plan, unmask)


def _summary_decided(plan: Plan, helpers: Helpers, days: int = 0) -> bool:
    d = plan.get("decision_date")
    return plan.get("procedure") == "简易程序" and d is not None and d + timedelta(days=days) <= helpers.as_of


@violation("GS-SHOULD-NOT-PUBLISH", "简易程序处罚被公示", states=_DECIDED,
           applies=lambda p, h: _summary_decided(p, h, 12))
def published_summary(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to summary-procedure decisions made at least 12 calendar days before the as-of date.
    disclosure_date := a working day 1-6 working days after the decision, so the case records a 公示日期
    and a matching disclosure record (masked as usual) is exported."""
    plan["disclosure_date"] = helpers.wd.pick(rng, plan["decision_date"], 1, 6)


def _can_stay_published(plan: Plan, helpers: Helpers) -> bool:
    rev = plan.get("revocation_date")
    return (plan.get("_revoke") and rev is not None and _on(plan, "disclosure_date", helpers)
            and helpers.wd.after(rev, _param("disclosure_withdraw_working_days")) < helpers.as_of)


@violation("GS-NOT-WITHDRAWN", "处罚决定撤销后 3 个工作日内未撤回公示", states=("已撤销",),
           applies=_can_stay_published)
def not_withdrawn(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to revoked, disclosed decisions whose 3rd working day after the revocation is before the
    as-of date. disclosure_withdrawn_date (case and record) is either removed (never withdrawn) or set
    to the k-th working day after revocation_date, k drawn from 4..10 and kept on or before the as-of
    date."""
    rev = plan["revocation_date"]
    limit = _param("disclosure_withdraw_working_days")
    top = min(limit + 7, _wd_between(helpers, rev, helpers.as_of))
    if rng.random() < 0.5 or top <= limit:
        plan.pop("disclosure_withdrawn_date", None)
    else:
        plan["disclosure_withdrawn_date"] = helpers.wd.after(rev, rng.randint(limit + 1, top))
