"""Injectable violations of the 三项制度: 公示 (GS-*), 全过程记录 (JL-*), 法制审核 (FH-*).

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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from auditor.generate.violations import Helpers, Plan, violation
from auditor.generate.workdays import add_months

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


# -- 全过程记录 -----------------------------------------------------------------------------------
@violation("JL-STAGE-START", "立案无审批记录（启动环节无记录）", applies=lambda p, h: _on(p, "filing_date", h))
def no_filing_approval(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to every case filed on or before the as-of date. filing_approver is removed."""
    plan.pop("filing_approver", None)


@violation("JL-STAGE-INVESTIGATION", "普通程序案件无调查终结记录且无现场检查、调查取证、询问记录", states=_DECIDED,
           applies=lambda p, h: _ordinary_decided(p, h) and "seizure_date" not in p)
def no_investigation_record(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure decisions without a seizure (decided on or before the as-of date).
    investigation_end_date is removed and the on-site 现场检查 / 调查取证 / 询问 recordings are not made
    (removed from the plan's on-site events); the 听证 and 送达 recordings stay. (A summary case has no
    investigation stage: the rule judges ordinary cases by default.)"""
    plan.pop("investigation_end_date", None)
    # only the investigation's own stages go; a hearing's recording stays
    plan["_on_site"] = [e for e in plan["_on_site"] if e[0] not in ("现场检查", "调查取证", "询问")]


@violation("JL-STAGE-DECISION", "简易程序处罚决定书无文号（决定环节记录不全）", states=_DECIDED,
           applies=lambda p, h: _summary_decided(p, h))
def no_decision_number(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to summary-procedure cases (decided on or before the as-of date; never disclosed).
    decision_no is removed."""
    plan.pop("decision_no", None)


@violation("JL-STAGE-SERVICE", "已缴款但无送达日期且无送达记录", states=_DECIDED + ("已撤销",),
           applies=lambda p, h: p.get("procedure") == "普通程序" and _on(p, "service_date", h)
           and _on(p, "payment_date", h))
def no_service_record(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to ordinary-procedure cases served and paid on or before the as-of date. The exported
    case loses service_date, service_method and e_service_consent and the 送达 recording is dropped:
    the payment shows the decision was served, nothing records how or when."""
    def drop(case, recordings, disclosure):
        for key in ("service_date", "service_method", "e_service_consent"):
            case.pop(key, None)
        recordings[:] = [r for r in recordings if r["stage"] != "送达"]
        return disclosure
    _hook(plan, drop)


@violation("JL-STAGE-ENFORCEMENT", "罚款的简易程序案件结案但无执行记录", states=("已结案",),
           applies=lambda p, h: _summary_decided(p, h) and p.get("decision_type") == ("罚款",)
           and _on(p, "closure_date", h))
def no_execution_record(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to fined summary cases closed on or before the as-of date. payment_date, paid_amount and
    execution_end_date are removed: the case is closed with no record of how the fine was executed.
    (A warning alone needs no execution record: it is carried out by serving the decision.)"""
    for key in ("payment_date", "paid_amount", "execution_end_date"):
        plan.pop(key, None)


def _can_have_seizure(plan: Plan, helpers: Helpers) -> bool:
    if _on(plan, "seizure_date", helpers):
        return True
    # A cause that allows seizures, decided within 28 days of discovery (as the clean generator plans them).
    d = plan.get("decision_date")
    return (plan.get("procedure") == "普通程序" and plan["_cause"].seizure and d is not None
            and d <= helpers.as_of and (d - plan["discovery_date"]).days <= 28)


@violation("JL-AV-SEIZURE", "查封扣押只有照片、无音像记录", applies=_can_have_seizure)
def seizure_without_video(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to cases with a 查封扣押 on or before the as-of date, and to ordinary-procedure cases of a
    cause that allows seizures decided within 28 days of discovery (these get seizure_date :=
    discovery_date, as the clean generator plans a seizure). The 查封扣押 recording becomes a photo
    (media 照片, no duration, file name .jpg)."""
    plan.setdefault("seizure_date", plan["discovery_date"])

    def to_photo(case, recordings, disclosure):
        for r in recordings:
            if r["stage"] == "查封扣押":
                r["media"] = "照片"
                r.pop("duration_s", None)
                r["file_ref"] = r["file_ref"].rsplit(".", 1)[0] + ".jpg"
        return disclosure
    _hook(plan, to_photo)


def _pick_recording(recordings: list, u: float, ok=lambda r: True):
    candidates = [r for r in recordings if ok(r)]
    return candidates[int(u * len(candidates))] if candidates else None


@violation("JL-REC-NO-FILE", "一条全过程记录无文件编号（未归档）", applies=lambda p, h: _on(p, "discovery_date", h))
def recording_without_file(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to every case discovered on or before the as-of date (each has at least the 现场检查
    recording). One of its exported recordings, drawn uniformly, loses its file_ref."""
    u = rng.random()

    def drop(case, recordings, disclosure):
        rec = _pick_recording(recordings, u)
        if rec is not None:
            rec.pop("file_ref", None)
        return disclosure
    _hook(plan, drop)


def _upload_due(helpers: Helpers, day: date) -> date:
    """Last day to upload a recording made on `day` (calendar days, rolled to a working day)."""
    return helpers.wd.on_or_after(day + timedelta(days=_param("recording_upload_days")))


@violation("JL-REC-LATE-UPLOAD", "一条全过程记录上传归档超期",
           applies=lambda p, h: p.get("discovery_date") is not None
           and _upload_due(h, p["discovery_date"]) + timedelta(days=1) <= h.as_of)
def recording_uploaded_late(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies when the upload deadline of the discovery-day 现场检查 recording (recorded day + 2 calendar
    days, moved to the next working day) lies before the as-of date. One recording whose deadline lies
    before the as-of date, drawn uniformly, gets uploaded_at := a time on the day 1-10 days after that
    deadline (at most the as-of date)."""
    u, k, secs = rng.random(), rng.randint(1, 10), rng.randint(8 * 3600, 18 * 3600)

    def late(case, recordings, disclosure):
        rec = _pick_recording(recordings, u,
                              lambda r: _upload_due(helpers, r["recorded_at"].date()) < helpers.as_of)
        if rec is not None:
            day = min(_upload_due(helpers, rec["recorded_at"].date()) + timedelta(days=k), helpers.as_of)
            rec["uploaded_at"] = datetime.combine(day, time(0, 0)) + timedelta(seconds=secs)
        return disclosure
    _hook(plan, late)


@violation("JL-REC-OFFICERS", "一条全过程记录只记载一名执法人员",
           applies=lambda p, h: _on(p, "discovery_date", h))
def recording_one_officer(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to every case discovered on or before the as-of date. One exported recording, drawn
    uniformly, keeps only its first officer; the case's officers are unchanged."""
    u = rng.random()

    def one(case, recordings, disclosure):
        rec = _pick_recording(recordings, u)
        if rec is not None:
            rec["officers"] = tuple(rec["officers"])[:1]
        return disclosure
    _hook(plan, one)


@violation("JL-REC-NOT-IN-CASE", "一条全过程记录早于案件发现或由非本案人员记录",
           applies=lambda p, h: _on(p, "discovery_date", h))
def recording_of_another_case(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to every case discovered on or before the as-of date. One exported recording, drawn
    uniformly, either (half the time each) is dated k calendar days before the case's discovery date
    (k drawn from 3..30; its upload time keeps the same delay), or names two officers of another squad
    instead of the case's officers."""
    u, k, which = rng.random(), rng.randint(3, 30), rng.choice(("date", "officers"))
    squad = plan["_squad"].code
    others = sorted(c for c in helpers.roster.officers if c != squad)
    crew = list(helpers.roster.officers[rng.choice(others)])
    strangers = tuple(rng.sample(crew, 2))

    def move(case, recordings, disclosure):
        rec = _pick_recording(recordings, u)
        if rec is None:
            return disclosure
        if which == "officers":
            rec["officers"] = strangers
            return disclosure
        shift = (rec["recorded_at"].date() - plan["discovery_date"]).days + k
        rec["recorded_at"] -= timedelta(days=shift)
        if rec.get("uploaded_at") is not None:
            rec["uploaded_at"] -= timedelta(days=shift)
        return disclosure
    _hook(plan, move)


# -- 法制审核 ------------------------------------------------------------------------------------
_REVIEW_KEYS = ("legal_review_date", "legal_reviewer", "legal_reviewer_qualified", "legal_review_opinion",
                "legal_review_result")


def _review_amount_reached(plan: Plan) -> bool:
    fine = plan.get("fine_amount")
    if fine is None:
        return False
    person = plan["party_type"] in _param("review_person_types")
    return fine >= _param("review_fine_person" if person else "review_fine_organisation")


def _reviewed_decision(plan: Plan, helpers: Helpers) -> bool:
    return (plan.get("procedure") == "普通程序" and _on(plan, "decision_date", helpers)
            and plan.get("legal_review_date") is not None)


@violation("FH-REVIEW-MISSING", "经听证的处罚决定无法制审核", states=_DECIDED + ("已撤销",),
           applies=lambda p, h: _reviewed_decision(p, h) and p.get("hearing_date") is not None)
def unreviewed_after_hearing(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided ordinary-procedure cases with a hearing (all reviewed when clean). The legal
    review (date, reviewer, qualification, opinion, result) is removed; the collective discussion stays."""
    for key in _REVIEW_KEYS:
        plan.pop(key, None)


@violation("FH-REVIEW-MISSING-SH", "达到审核标准（未听证）的处罚决定无法制审核", states=_DECIDED + ("已撤销",),
           applies=lambda p, h: _reviewed_decision(p, h) and p.get("hearing_date") is None
           and _review_amount_reached(p))
def unreviewed_major(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided ordinary-procedure cases without a hearing whose fine reaches the review
    threshold (自然人/个体工商户 ≥ 5000 元, others ≥ 50000 元). The legal review (date, reviewer,
    qualification, opinion, result) is removed; the collective discussion stays."""
    for key in _REVIEW_KEYS:
        plan.pop(key, None)


@violation("FH-REVIEW-AFTER-DECISION", "法制审核日期晚于处罚决定", states=_DECIDED + ("已撤销",),
           applies=lambda p, h: _reviewed_decision(p, h) and _wd_after(h, p["decision_date"], 3) <= h.as_of)
def review_after_decision(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to reviewed, decided ordinary-procedure cases whose 3rd working day after the decision is
    on or before the as-of date. legal_review_date := the k-th working day after decision_date, k drawn
    from 1..3 (everything else unchanged)."""
    plan["legal_review_date"] = helpers.wd.after(plan["decision_date"], rng.randint(1, 3))


@violation("FH-NO-OPINION", "法制审核无审核意见", states=_DECIDED + ("已撤销",), applies=_reviewed_decision)
def review_without_opinion(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to reviewed, decided ordinary-procedure cases. legal_review_opinion is removed."""
    plan.pop("legal_review_opinion", None)


@violation("FH-REVIEWER-UNQUALIFIED", "法制审核人员无法律职业资格", states=_DECIDED + ("已撤销",),
           applies=_reviewed_decision)
def unqualified_reviewer(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to reviewed, decided ordinary-procedure cases. legal_reviewer_qualified := false."""
    plan["legal_reviewer_qualified"] = False


@violation("FH-REVIEWER-IS-OFFICER", "法制审核人员为本案承办人员", states=_DECIDED + ("已撤销",),
           applies=_reviewed_decision)
def reviewer_is_officer(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to reviewed, decided ordinary-procedure cases. legal_reviewer := the name (without the
    certificate number) of one of the case's officers, drawn uniformly."""
    officer = rng.choice(plan["officers"])
    plan["legal_reviewer"] = officer.split("(")[0].split("（")[0].strip()


@violation("FH-REJECTED-DECIDED", "法制审核不同意仍作出处罚决定", states=_DECIDED + ("已撤销",),
           applies=_reviewed_decision)
def decided_after_rejection(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to reviewed, decided ordinary-procedure cases. legal_review_result := 不同意 with a
    matching opinion; there is no re-review (re_review_date absent), and the decision is made as planned."""
    plan["legal_review_result"] = "不同意"
    plan["legal_review_opinion"] = "事实不清、证据不足，不同意拟作出的处罚决定，建议补充调查后重新报审。"
    plan.pop("re_review_date", None)


@violation("FH-DISCUSSION-MISSING", "重大案件未经集体讨论或集体讨论晚于决定", states=_DECIDED + ("已撤销",),
           applies=lambda p, h: _reviewed_decision(p, h) and p.get("collective_discussion_date") is not None
           and p.get("hearing_date") is not None and _wd_after(h, p["decision_date"], 3) <= h.as_of)
def no_collective_discussion(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided ordinary-procedure cases with a collective discussion (the clean generator holds
    one exactly when the review thresholds are reached or a hearing was held) whose 3rd working day after
    the decision is on or before the as-of date. collective_discussion_date is either removed or set to
    the k-th working day after decision_date, k drawn from 1..3 (half the time each)."""
    if rng.random() < 0.5:
        plan.pop("collective_discussion_date", None)
    else:
        plan["collective_discussion_date"] = helpers.wd.after(plan["decision_date"], rng.randint(1, 3))


# -- 审核 and audio-video kinds -------------------------------------------------------------------
@violation("JL-STAGE-REVIEW", "法制审核有审核人和意见但无审核日期", states=_DECIDED + ("已撤销",),
           applies=lambda p, h: _reviewed_decision(p, h))
def undated_review(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to reviewed, decided ordinary-procedure cases. legal_review_date is removed; reviewer,
    qualification, result and opinion stay."""
    plan.pop("legal_review_date", None)


def _contested_step(plan: Plan, helpers: Helpers) -> bool:
    return ((plan.get("service_method") == "留置送达" and _on(plan, "service_date", helpers))
            or _on(plan, "hearing_date", helpers))


@violation("JL-AV-EXTRA", "留置送达或听证无音像记录", applies=_contested_step)
def contested_step_without_video(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to cases with a 留置送达 or a hearing on or before the as-of date. The 送达 recording of a
    留置送达 becomes a photo (media 照片, no duration, .jpg), or, when there is none (the case had a
    hearing instead), the 听证 recording becomes a text record (media 文字, no duration, .pdf)."""
    def demote(case, recordings, disclosure):
        lodged = [r for r in recordings if r["stage"] == "送达" and case.get("service_method") == "留置送达"]
        targets, media, ext = (lodged, "照片", "jpg") if lodged else (
            [r for r in recordings if r["stage"] == "听证"], "文字", "pdf")
        for r in targets:
            r["media"] = media
            r.pop("duration_s", None)
            r["file_ref"] = r["file_ref"].rsplit(".", 1)[0] + "." + ext
        return disclosure
    _hook(plan, demote)


def _can_be_demolished(plan: Plan, helpers: Helpers) -> bool:
    service = plan.get("service_date")
    return (plan.get("procedure") == "普通程序" and plan["_cause"].name.startswith("擅自搭建")
            and not plan.get("_revoke") and plan.get("collective_discussion_date") is not None
            and plan.get("legal_review_date") is not None and service is not None
            and plan.get("execution_end_date") is not None
            and add_months(service, 6) + timedelta(days=75) <= helpers.as_of)


@violation("JL-AV-DEMOLITION", "强制拆除违法搭建只有照片、无音像记录", states=("执行中", "已结案"),
           applies=_can_be_demolished)
def demolition_without_video(plan: Plan, rng: random.Random, helpers: Helpers) -> None:
    """Applies to decided 擅自搭建建筑物、构筑物 cases (ordinary procedure, not revoked) that were reviewed and
    discussed collectively (so a 强制拆除 decision meets its review triggers) and served at least 6 months
    + 75 days before the as-of date. 强制拆除 is added to decision_type; the demolition takes place on a
    working day 5-60 days after the 6-month lawsuit period following service (强制法 44), or on the old
    end of execution if later, and stays on or before the as-of date; execution_end_date := that day
    and closure_date := 1-5 working days later. A 强制拆除 recording (a photo, the case's two recording
    officers, uploaded the same day) is exported for the demolition day."""
    earliest = helpers.wd.on_or_after(add_months(plan["service_date"], 6) + timedelta(days=rng.randint(5, 60)))
    day = min(max(earliest, plan["execution_end_date"]), helpers.as_of)
    plan["decision_type"] = tuple(plan["decision_type"]) + ("强制拆除",)
    plan["execution_end_date"] = day
    plan["closure_date"] = helpers.wd.pick(rng, day, 1, 5)
    at = datetime.combine(day, time(9, 0)) + timedelta(seconds=rng.randint(0, 6 * 3600))

    def add_record(case, recordings, disclosure):
        rid = f"{case['case_id']}-{len(recordings) + 1:02d}"
        recordings.append({
            "recording_id": rid, "stage": "强制拆除", "media": "照片", "recorded_at": at,
            "officers": plan["_rec_officers"], "file_ref": f"ZFJL/{helpers.catalog.region}/{day:%Y/%m}/{rid}.jpg",
            "uploaded_at": at + timedelta(hours=2), "retention_until": date(day.year + 10, 12, 31)})
        return disclosure
    _hook(plan, add_record)
