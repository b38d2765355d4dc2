"""The export as the systems show it on the as-of date: a planned case cut to what had happened by
then (later dates and what comes with them removed), its status, its recordings and its disclosure
record; violations that change only an exported record run here as export hooks."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from auditor.generate.lifecycle import _CASE_NAMES, _COMPANIONS, _DATE_NAMES, Context
from auditor.generate.workdays import add_months
from auditor.privacy import mask_id, mask_name

def finalize(p: dict, ctx: Context, rng: random.Random) -> tuple[dict, list[dict], dict | None]:
    """(case, recordings, disclosure record or None) as the systems show them on the as-of date."""
    as_of = ctx.as_of
    case = {k: p[k] for k in _CASE_NAMES if p.get(k) is not None}
    for name in _DATE_NAMES:
        d = case.get(name)
        if d is not None and d > as_of:
            del case[name]
            for companion in _COMPANIONS.get(name, ()):
                case.pop(companion, None)
    if "extension_days" in case and ("filing_date" not in case or as_of < case["filing_date"] + timedelta(days=75)):
        case.pop("extension_days")  # the extension is approved around day 75
        case.pop("extension_approver", None)
    recordings = _recordings(p, case, ctx, rng)
    case["status"] = _status(case, recordings)
    disclosure = _disclosure(p, case, ctx)
    # Violations that alter only an exported record (a recording, the disclosure) register a hook
    # `(case, recordings, disclosure) -> disclosure` in the plan; recordings are changed in place.
    for hook in p.get("_export_hooks", ()):
        disclosure = hook(case, recordings, disclosure)
    return case, recordings, disclosure


def _status(case: dict, recordings: list[dict]) -> str:
    if "revocation_date" in case:
        return "已撤销"
    if "termination_date" in case:
        return "已终止"
    if "closure_date" in case:
        return "已结案"
    if any(k in case for k in ("payment_date", "demand_notice_date", "enforcement_application_date")):
        return "执行中"  # paying, being pressed to pay, or enforced through the court
    if "decision_date" in case:
        return "已决定"  # decided (and perhaps served), within the 15-day payment period
    if "investigation_end_date" in case:
        return "待审核"
    if any(r["stage"] in ("调查取证", "询问") for r in recordings):
        return "调查中"
    return "已立案"


_SERVICE_MEDIA = {"直接送达": ("照片", "视频"), "留置送达": ("视频",), "邮寄送达": ("文字",),
                  "电子送达": ("文字",), "委托送达": ("文字",), "公告送达": ("文字",)}
_EXT = {"视频": "mp4", "音频": "mp3", "照片": "jpg", "文字": "pdf"}


def _recordings(p: dict, case: dict, ctx: Context, rng: random.Random) -> list[dict]:
    events = list(p["_on_site"])
    if "seizure_date" in case:
        events.append(("查封扣押", case["seizure_date"]))
    if "service_date" in case:
        events.append(("送达", case["service_date"]))
    out = []
    day_clock: dict[date, datetime] = {}
    for k, (stage, day) in enumerate(events, start=1):
        if day > ctx.as_of:
            continue
        if stage == "送达":
            media = rng.choice(_SERVICE_MEDIA[case["service_method"]])
        elif stage in ("现场检查", "查封扣押", "听证"):
            media = "视频" if stage != "现场检查" or rng.random() < 0.9 else "照片"
        elif stage == "询问":
            media = "视频" if rng.random() < 0.6 else "音频"
        else:
            media = "照片" if rng.random() < 0.7 else "视频"
        # Same-day records follow each other (inspection, then seizure or on-the-spot service).
        if day in day_clock:
            at = day_clock[day] + timedelta(minutes=rng.randint(10, 40))
        else:
            at = datetime.combine(day, time(8, 30)) + timedelta(seconds=rng.randint(0, 9 * 3600))
        day_clock[day] = at
        upload = at + timedelta(seconds=rng.randint(600, 6 * 3600))
        if upload.date() > ctx.as_of:
            upload = datetime.combine(ctx.as_of, time(23, 59))
        rec = {
            "recording_id": f"{case['case_id']}-{k:02d}", "stage": stage, "media": media,
            "recorded_at": at, "officers": p["_rec_officers"],
            "file_ref": f"ZFJL/{ctx.catalog.region}/{day:%Y/%m}/{case['case_id']}-{k:02d}.{_EXT[media]}",
            "uploaded_at": upload, "retention_until": date(day.year + 10, 12, 31),
        }
        if media in ("视频", "音频"):
            rec["duration_s"] = rng.randint(60, 1800)
        out.append(rec)
    return out


def _disclosure(p: dict, case: dict, ctx: Context) -> dict | None:
    if "disclosure_date" not in case:
        return None
    cat, party = ctx.catalog, p["_party"]
    natural = case["party_type"] == "自然人"
    fine = case.get("fine_amount")
    types = case["decision_type"]
    content = f"罚款人民币{fine}元" if fine is not None else "警告"
    if "警告" in types and fine is not None:
        content = "警告，并处" + content
    vd = case["violation_date"]
    rec = {
        "party_name": mask_name(case["party_name"]) if natural else case["party_name"],
        "party_category": {"自然人": "自然人", "个体工商户": "个体工商户"}.get(case["party_type"], "法人及非法人组织"),
        "credit_code": None if natural else case["party_id"],
        "party_id": mask_id(case["party_id"]) if natural else None,
        "legal_rep": party.legal_rep,
        "decision_no": case["decision_no"],
        "violation_type": case["cause"],
        "violation_facts": f"当事人于{vd.year}年{vd.month}月{vd.day}日在{p['_address']}{p['_cause'].act}。",
        "penalty_basis": p["_cause"].basis,
        "penalty_category": "、".join(types),
        "penalty_content": content,
        "fine_amount_wan": (fine / 10000) if fine is not None else None,
        "confiscation_amount_wan": (case["confiscation_amount"] / 10000) if case.get("confiscation_amount") else None,
        "decision_date": case["decision_date"],
        "validity_until": add_months(case["decision_date"], 36),
        "disclosure_date": case["disclosure_date"],
        "disclosure_until": add_months(case["disclosure_date"], 36),
        "withdrawn_date": case.get("disclosure_withdrawn_date"),
        "authority": cat.authority, "authority_code": cat.authority_code,
        "data_source": cat.authority, "data_source_code": cat.authority_code,
        "note": "处罚决定已撤销，公示信息已撤回" if case.get("disclosure_withdrawn_date") else None,
    }
    return {k: v for k, v in rec.items() if v is not None}
