"""Injectable violations of 法制审核 (FH-*), then the review-stage and audio-video kinds of 全过程记录
(JL-STAGE-REVIEW, JL-AV-*). Each makes exactly its rule fire on an otherwise clean plan (contract in
violations.py; imported after violations_recording, so the registry keeps the order of the sample)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from auditor.generate.injection import Helpers, Plan, violation
from auditor.generate.violations_three_systems import _DECIDED, _hook, _on, _param, _wd_after
from auditor.generate.workdays import add_months


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
