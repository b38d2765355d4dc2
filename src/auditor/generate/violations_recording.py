"""Injectable violations of 全过程记录 (JL-*): stages without a record, recordings unfiled, uploaded late,
with one officer or of another case. Each makes exactly its rule fire on an otherwise clean plan
(contract in violations.py; imported right after violations_three_systems, whose helpers it shares)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from auditor.generate.injection import Helpers, Plan, violation
from auditor.generate.violations_three_systems import _DECIDED, _hook, _on, _ordinary_decided, _param, _summary_decided


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
