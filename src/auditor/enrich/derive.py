"""Derived facts, computed once and shared by both evaluators so they judge the same numbers.

Case facts = the canonical case table + recording aggregates + the joined disclosure record +
party-code checks + catalogue lookups. Recording facts = the recording table + a few case fields.
Every derived field is declared in model/fact_fields.py (name, 中文, kind) so rules can name it and
docs can list it without computing anything.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# The declarations moved to model/fact_fields.py; re-exported here for callers of the old place.
from auditor.model.fact_fields import (DERIVED_CASE_FIELDS, DERIVED_RECORDING_FIELDS,  # noqa: F401
                                       case_fact_fields, recording_fact_fields)
from auditor.model.fields import CASE_FIELDS, DISCLOSURE_FIELDS, OPEN_STATUSES, STAGES
from auditor.model.officers import officer_membership, parse_officers, reviewer_among

# 双公示 fields treated as required (a secondary source [S]: the platform's field list); the canonical disclosure names.
PUBLIC_REQUIRED = ("party_name", "party_category", "decision_no", "violation_type", "violation_facts",
                   "penalty_basis", "penalty_category", "penalty_content", "decision_date", "authority",
                   "authority_code", "data_source", "data_source_code")
_DISCLOSURE_ZH = {f.name: f.zh for f in DISCLOSURE_FIELDS}

_FULL_ID = re.compile(r"^\d{17}[\dXx]$")
_MASK = re.compile(r"[*＊×]")


def derive_case_facts(cases: pd.DataFrame, recordings: pd.DataFrame, disclosures: pd.DataFrame,
                      params: dict, disclosure_columns=None) -> pd.DataFrame:
    """The case table with every derived case field added (a new frame; inputs untouched).
    `disclosure_columns`: the disclosure columns the export supplied (None: all)."""
    from auditor.idcodes import valid_credit_code, valid_id_card

    facts = cases.copy(deep=False)  # derived facts are new columns: the export's data is shared, not copied
    # An officer is a name, a certificate number or both (31010012、31010034 are two officers, names 未记载).
    officers = [parse_officers(t) for t in facts["officers"]]
    facts["officer_count"] = pd.array([len(t) for t in officers], dtype="Int64")
    facts["officer_cert_count"] = pd.array([sum(o.cert is not None for o in t) for t in officers], dtype="Int64")
    facts["officer_unnamed_count"] = pd.array([sum(o.name is None for o in t) for t in officers], dtype="Int64")
    facts["officer_names"] = [tuple(o.name for o in t if o.name is not None) for t in officers]
    facts["reviewer_is_officer"] = pd.array(
        [reviewer_among(r, t) for r, t in zip(facts["legal_reviewer"], officers)], dtype="boolean")
    pid = facts["party_id"]
    kinds, valid = [], []
    for value, ptype in zip(pid, facts["party_type"]):
        if not isinstance(value, str) or not value:
            kinds.append(None)
            valid.append(pd.NA)
            continue
        kind = "身份证" if _FULL_ID.match(value) and ptype in ("自然人", None) else (
            "统一社会信用代码" if len(value) == 18 else "其他")
        if ptype == "自然人" and len(value) == 18:
            kind = "身份证"
        elif ptype in ("法人", "其他组织", "个体工商户") and len(value) == 18:
            kind = "统一社会信用代码"
        kinds.append(kind)
        valid.append(valid_id_card(value) if kind == "身份证" else
                     valid_credit_code(value) if kind == "统一社会信用代码" else False)
    facts["party_id_kind"] = pd.array(kinds, dtype=object)
    facts["party_id_valid"] = pd.array(valid, dtype="boolean")
    light = {"警告", "通报批评"}
    facts["warning_only"] = pd.array([bool(t) and set(t) <= light if isinstance(t, tuple) else False
                                      for t in facts["decision_type"]], dtype="boolean")
    facts["is_open"] = pd.array(facts["status"].isin(OPEN_STATUSES).to_numpy(), dtype="boolean")
    facts["limitation_from"] = facts["violation_end_date"].fillna(facts["violation_date"])
    facts["enforcement_from"] = facts["deferral_until"].fillna(facts["service_date"])
    facts["served_on_spot"] = pd.array(
        ((facts["service_method"] == "直接送达") & (facts["service_date"] == facts["decision_date"])).fillna(False)
        .to_numpy(dtype=bool), dtype="boolean")
    approved = facts["extension_approver"].notna() & (facts["extension_approver"] != "")
    facts["approved_extension_days"] = facts["extension_days"].where(approved.to_numpy(), 0).astype("Int64")
    _add_recording_aggregates(facts, recordings)
    _add_disclosure_join(facts, disclosures, disclosure_columns)
    _add_catalogue(facts, params.get("cause_catalogue"))
    _add_procedure_facts(facts, params)
    return facts


def _add_recording_aggregates(facts: pd.DataFrame, recordings: pd.DataFrame) -> None:
    n = len(facts)
    if recordings is None or recordings.empty:
        facts["rec_count"] = pd.array(np.zeros(n, dtype=np.int64), dtype="Int64")
        facts["rec_stages"] = [()] * n
        facts["rec_av_stages"] = [()] * n
        return
    rec = recordings[["case_id", "stage", "media"]]
    counts = rec.groupby("case_id").size()
    facts["rec_count"] = pd.array(facts["case_id"].map(counts).fillna(0).astype(np.int64).to_numpy(), dtype="Int64")
    # Stages as bits: one bitwise-or per case, then each distinct bit pattern turned into a tuple once.
    bit = rec["stage"].map({s: 1 << i for i, s in enumerate(STAGES)}).fillna(0).astype(np.int64)
    case_pos = pd.Series(np.arange(n), index=facts["case_id"].to_numpy())
    pos = rec["case_id"].map(case_pos[~case_pos.index.duplicated()])
    ok = pos.notna().to_numpy()
    av = rec["media"].isin(("视频", "音频")).to_numpy()
    for column, sel in (("rec_stages", ok), ("rec_av_stages", ok & av)):
        bits = np.zeros(n, dtype=np.int64)
        np.bitwise_or.at(bits, pos.to_numpy()[sel].astype(np.int64), bit.to_numpy()[sel])
        patterns = {b: tuple(s for i, s in enumerate(STAGES) if b >> i & 1) for b in np.unique(bits)}
        facts[column] = [patterns[b] for b in bits.tolist()]


def _add_disclosure_join(facts: pd.DataFrame, disclosures: pd.DataFrame, columns=None) -> None:
    n = len(facts)
    empty_cols = {
        "pub_party_name": None, "pub_party_id": None, "pub_fine_yuan": np.nan, "pub_confiscation_yuan": np.nan,
        "pub_decision_date": pd.NaT, "pub_disclosure_date": pd.NaT, "pub_withdrawn_date": pd.NaT,
        "pub_decision_no": None, "pub_matched_by": None, "pub_fine_diff_yuan": np.nan,
    }
    if disclosures is None or disclosures.empty:
        facts["pub_count"] = pd.array(np.zeros(n, dtype=np.int64), dtype="Int64")
        for col, na in empty_cols.items():
            facts[col] = pd.Series([na] * n, index=facts.index,
                                   dtype="datetime64[ns]" if na is pd.NaT else (float if na is not None else object))
        facts["pub_missing_fields"] = [()] * n
        for col in ("pub_name_unmasked", "pub_id_unmasked", "pub_party_name_ok", "pub_party_id_ok"):
            facts[col] = pd.array([pd.NA] * n, dtype="boolean")
        _add_effective_disclosure_dates(facts)
        return
    # Records without a number stay: the second pass can still match them by party and date.
    disc = disclosures.reset_index(drop=True)
    counts_by_no = disc.groupby("decision_no").size()
    first_pos = pd.Series(np.arange(len(disc)), index=disc["decision_no"]).groupby(level=0).first()
    key = facts["decision_no"]
    row = np.array(key.map(first_pos).to_numpy(dtype=float))  # position in disc, NaN when not found
    count = np.array(key.map(counts_by_no).fillna(0).to_numpy(dtype=np.int64))
    matched_by = np.where(~np.isnan(row), "文号", None).astype(object)
    _match_by_party(facts, disc, row, count, matched_by)
    present = ~np.isnan(row)
    joined = disc.reindex(np.where(present, row, -1).astype(np.int64))  # -1: an all-missing row
    joined.index = facts.index
    facts["pub_count"] = pd.array(count, dtype="Int64")
    facts["pub_matched_by"] = pd.Series(matched_by, index=facts.index, dtype=object)
    facts["pub_decision_no"] = joined["decision_no"].to_numpy()
    facts["pub_party_name"] = joined["party_name"].to_numpy()
    facts["pub_party_id"] = joined["party_id"].fillna(joined["credit_code"]).to_numpy()
    facts["pub_fine_yuan"] = (joined["fine_amount_wan"] * 10000).round(2).to_numpy()
    facts["pub_confiscation_yuan"] = (joined["confiscation_amount_wan"] * 10000).round(2).to_numpy()
    facts["pub_fine_diff_yuan"] = (facts["pub_fine_yuan"] - facts["fine_amount"].astype(float)).abs().round(2)
    facts["pub_decision_date"] = joined["decision_date"].to_numpy()
    facts["pub_disclosure_date"] = joined["disclosure_date"].to_numpy()
    facts["pub_withdrawn_date"] = joined["withdrawn_date"].to_numpy()
    # One blank-mask per required field (vectorized), then one tuple per case that has a record. A field
    # the export did not supply is not known to be blank: it is left out (the list is partial there).
    required = [c for c in PUBLIC_REQUIRED if columns is None or c in columns]
    blank = np.column_stack([_blank_mask(joined[c]) for c in required] or [np.zeros(n, dtype=bool)])
    blank = blank[:, :len(required)] & present[:, None]
    labels = [_DISCLOSURE_ZH[c] for c in required]
    missing = [()] * n
    for i in np.flatnonzero(blank.any(axis=1)):
        missing[i] = tuple(label for label, b in zip(labels, blank[i]) if b)
    facts["pub_missing_fields"] = missing
    person = (facts["party_type"] == "自然人").fillna(False).to_numpy()
    name = joined["party_name"].to_numpy()
    pid = joined["party_id"].to_numpy()
    facts["pub_name_unmasked"] = pd.array(
        [pd.NA if not p else bool(person[i]) and isinstance(name[i], str) and len(name[i]) > 0
         and not _MASK.search(name[i]) for i, p in enumerate(present)], dtype="boolean")
    facts["pub_id_unmasked"] = pd.array(
        [pd.NA if not p else bool(person[i]) and isinstance(pid[i], str) and bool(_FULL_ID.match(pid[i]))
         for i, p in enumerate(present)], dtype="boolean")
    facts["pub_party_name_ok"] = pd.array(
        [_same_published(a, b, _mask_name_like) for a, b in zip(facts["party_name"], facts["pub_party_name"])],
        dtype="boolean")
    facts["pub_party_id_ok"] = pd.array(
        [_same_published(a, b, _mask_id_like) for a, b in zip(facts["party_id"], facts["pub_party_id"])],
        dtype="boolean")
    _add_effective_disclosure_dates(facts)


def _match_by_party(facts: pd.DataFrame, disc: pd.DataFrame, row: np.ndarray, count: np.ndarray,
                    matched_by: np.ndarray) -> None:
    """Second pass for cases whose decision number matches no published record: a published record whose
    number (if any) matches no case, with the same decision date and the same party code (last four
    characters, so masked numbers match), is this case's record published under a wrong number. Only
    one-to-one matches are taken (updates row/count/matched_by in place)."""
    orphan = ~disc["decision_no"].isin(set(facts["decision_no"].dropna())).to_numpy()
    unmatched = np.isnan(row)
    if not orphan.any() or not unmatched.any():
        return
    codes = disc["party_id"].fillna(disc["credit_code"])
    left = _party_keys(np.flatnonzero(unmatched), facts["decision_date"], facts["party_id"])
    right = _party_keys(np.flatnonzero(orphan), disc["decision_date"], codes)
    pairs = left.merge(right, on=["day", "code"], suffixes=("_case", "_pub"))
    i = pairs["pos_case"].to_numpy(dtype=np.int64)
    row[i] = pairs["pos_pub"].to_numpy(dtype=float)
    count[i] = 1
    matched_by[i] = "当事人及决定日期"


def _party_keys(positions: np.ndarray, days: pd.Series, codes: pd.Series) -> pd.DataFrame:
    """(pos, day, code) for the rows at `positions` that have both; keys that occur twice are dropped."""
    code = codes.iloc[positions].astype("string").str.strip()
    keys = pd.DataFrame({"pos": positions, "day": days.iloc[positions].to_numpy(dtype="datetime64[ns]"),
                         "code": code.str[-4:].str.upper().to_numpy(dtype=object)})
    usable = keys["day"].notna().to_numpy() & (code.str.len() >= 4).fillna(False).to_numpy(dtype=bool)
    keys = keys[usable]
    return keys[~keys.duplicated(["day", "code"], keep=False)]


def _mask_name_like(case_value: str) -> str:
    from auditor.privacy import mask_name

    return mask_name(case_value)


def _mask_id_like(case_value: str) -> str:
    from auditor.privacy import mask_id

    return mask_id(case_value)


def _same_published(case_value, published, mask) -> object:
    """Whether a published value is the case's value (NA when either is missing). A published value with
    mask characters is compared with the case's value masked the same way."""
    if not isinstance(case_value, str) or not case_value.strip() or not isinstance(published, str) \
            or not published.strip():
        return pd.NA
    from auditor.privacy import matches_masked

    a, b = case_value.strip(), published.strip()
    if _MASK.search(b):
        return matches_masked(a, b)
    return a.upper() == b.upper()


def _add_effective_disclosure_dates(facts: pd.DataFrame) -> None:
    """The platform's dates win over the case system's (what the public saw is what counts)."""
    facts["disclosed_on"] = facts["pub_disclosure_date"].fillna(facts["disclosure_date"])
    facts["withdrawn_on"] = facts["pub_withdrawn_date"].fillna(facts["disclosure_withdrawn_date"])


def _blank_mask(series: pd.Series) -> np.ndarray:
    """True where a value is missing or only whitespace."""
    missing = series.isna().to_numpy(dtype=bool).copy()
    if series.dtype == object:
        text = series.where(~missing, "").astype(str).str.strip()
        missing |= (text == "").to_numpy(dtype=bool)
    return missing


def _add_catalogue(facts: pd.DataFrame, catalogue) -> None:
    """Cause catalogue (案由库) with the discretion range per cause and party class (a parameter table:
    code, name, party_class = individual (自然人, 个体工商户) | unit (法人, 其他组织), fine_min, fine_max)."""
    if not catalogue:
        facts["cause_known"] = pd.array([pd.NA] * len(facts), dtype="boolean")
        facts["discretion_min"] = np.nan
        facts["discretion_max"] = np.nan
        return
    ranges = {(row["code"], row.get("party_class", "")): row for row in catalogue}
    codes = {row["code"] for row in catalogue}
    code = facts["cause_code"].tolist()
    klass = ["individual" if t in ("自然人", "个体工商户") else "unit" if t in ("法人", "其他组织") else ""
             for t in facts["party_type"].tolist()]
    facts["cause_known"] = pd.array([pd.NA if not isinstance(c, str) else c in codes for c in code], dtype="boolean")
    rows = [ranges.get((c, k)) or ranges.get((c, "")) or {} for c, k in zip(code, klass)]
    facts["discretion_min"] = np.array([_num(r.get("fine_min")) for r in rows], dtype=float)
    facts["discretion_max"] = np.array([_num(r.get("fine_max")) for r in rows], dtype=float)


def _num(value) -> float:
    try:
        return float(value) if value not in (None, "") else np.nan
    except (TypeError, ValueError):
        return np.nan


_PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
              "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
              "83"}
_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")
_PUNCT = re.compile(r"[\s，。、；：,.;:（）()“”\"'!！?？]+")
# (earlier, later): the later date must not precede the earlier one. Pairs judged by a dedicated rule
# (notice after decision, application before the demand notice) are left to that rule.
DATE_ORDER = (
    ("violation_date", "violation_end_date"), ("violation_date", "discovery_date"),
    ("discovery_date", "filing_date"), ("filing_date", "investigation_end_date"), ("filing_date", "notice_date"),
    ("filing_date", "decision_date"), ("filing_date", "termination_date"), ("decision_date", "service_date"),
    ("service_date", "demand_notice_date"), ("decision_date", "payment_date"),
    ("decision_date", "execution_end_date"), ("decision_date", "revocation_date"),
    ("decision_date", "closure_date"), ("termination_date", "closure_date"), ("revocation_date", "closure_date"),
    ("execution_end_date", "closure_date"),
)
_CASE_ZH = {f.name: f.zh for f in CASE_FIELDS}


def id_shape(value) -> str | None:
    """What an identifier looks like by itself: 身份证, 统一社会信用代码 or 其他 (None when empty)."""
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip().upper()
    # An ID number: province code and a birth date that looks like one (an impossible day such as
    # 0230 still reads as an ID; its validity is the check-digit rule's business).
    if (_FULL_ID.match(s) and s[:2] in _PROVINCES and s[6:8] in ("18", "19", "20")
            and 1 <= int(s[10:12]) <= 12 and 1 <= int(s[12:14]) <= 31):
        return "身份证"
    return "统一社会信用代码" if _CREDIT_SHAPE.match(s) else "其他"


def _add_procedure_facts(facts: pd.DataFrame, params: dict) -> None:
    """Party-code shape, termination ground, end of execution and date-order errors (三超期两随意, 主体认定)."""
    from auditor.idcodes import valid_credit_code, valid_id_card

    shapes = [id_shape(v) for v in facts["party_id"]]
    facts["party_id_shape"] = pd.array(shapes, dtype=object)
    facts["party_id_shape_valid"] = pd.array(
        [pd.NA if k is None else valid_id_card(v.strip()) if k == "身份证" else
         valid_credit_code(v.strip()) if k == "统一社会信用代码" else False
         for k, v in zip(shapes, facts["party_id"])], dtype="boolean")
    grounds = [_PUNCT.sub("", str(g)) for g in params.get("termination_grounds") or ()]
    grounds = [g for g in grounds if g]
    facts["termination_reason_listed"] = pd.array(
        [pd.NA if not isinstance(r, str) or not r.strip() else any(g in _PUNCT.sub("", r) for g in grounds)
         for r in facts["termination_reason"]], dtype="boolean")
    facts["execution_done_date"] = facts["execution_end_date"].fillna(facts["payment_date"])
    facts["excluded_days"] = facts["suspended_days"].fillna(0).astype("Int64")
    due = facts["enforcement_from"] + pd.Timedelta(days=int(params.get("payment_days", 15)))
    days = (facts["payment_date"] - due).dt.days.clip(lower=0)
    facts["overdue_payment_days"] = days.astype("Int64")
    fine = facts["fine_amount"].astype(float)
    rate = float(params.get("surcharge_daily_rate", 0.03))
    facts["surcharge_cap"] = np.minimum(fine * rate * days.astype(float), fine).round(2)
    errors: list[list[str]] = [[] for _ in range(len(facts))]
    for early, late in DATE_ORDER:
        a = facts[early].to_numpy(dtype="datetime64[ns]")
        b = facts[late].to_numpy(dtype="datetime64[ns]")
        with np.errstate(invalid="ignore"):
            bad = ~np.isnat(a) & ~np.isnat(b) & (b < a)
        for i in np.flatnonzero(bad):
            errors[i].append(f"{_CASE_ZH[late]}（{str(b[i])[:10]}）早于{_CASE_ZH[early]}（{str(a[i])[:10]}）")
    facts["date_order_errors"] = [tuple(e) for e in errors]


def derive_recording_facts(recordings: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    facts = recordings.copy(deep=False)
    facts["officer_count"] = pd.array([len(parse_officers(t)) for t in facts["officers"]], dtype="Int64")
    by_case = cases.set_index("case_id")
    facts["squad"] = facts["case_id"].map(by_case["squad"]).to_numpy()
    facts["case_status"] = facts["case_id"].map(by_case["status"]).to_numpy()
    _add_case_membership(facts, by_case)
    return facts


def _add_case_membership(facts: pd.DataFrame, by_case: pd.DataFrame) -> None:
    """Whether a recording belongs to its case: its day within the case's life, its officers on the case."""
    facts["recorded_on"] = facts["recorded_at"].dt.normalize()
    start = by_case["discovery_date"].fillna(by_case["filing_date"])
    # reindex, not map: map of an empty column loses the datetime dtype under pandas 3.
    facts["case_start_date"] = start.reindex(facts["case_id"]).to_numpy(dtype="datetime64[ns]")
    facts["case_closure_date"] = by_case["closure_date"].reindex(facts["case_id"]).to_numpy(dtype="datetime64[ns]")
    matched, uncertain = officer_membership(facts["case_id"], facts["officers"], by_case["officers"])
    facts["case_officer_count"] = pd.array(matched, dtype="Int64")
    facts["case_officer_uncertain"] = pd.array(uncertain, dtype="Int64")
