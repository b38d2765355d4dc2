"""The export as it stood on the as-of date ("the month as it stood").

An export taken in late November also knows what happened in September. Auditing it "as of 31 August"
must not see those events: a date after the as-of date has not happened yet (the field is empty, and so
are the fields that only exist once it has happened: no decision number before the decision), and a case
first known after the as-of date (discovered or filed later) is out of the audit's scope. Out-of-scope
cases are counted per squad and reported, never dropped silently. A case whose dates were cut gets the
status its remaining dates show; an untouched case keeps the status the export gives it.

Expiry dates (保存期限至, 处罚有效期, 公示截止期) lie in the future by nature and are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.model.fields import CASE_FIELDS

# A date and the fields that only exist once it has happened: cleared together.
COMPANIONS: dict[str, tuple[str, ...]] = {
    "investigation_end_date": ("suspended_days",),
    "notice_date": ("rights_waived", "hearing_requested"),
    "hearing_request_date": (),
    "legal_review_date": ("legal_reviewer", "legal_reviewer_qualified", "legal_review_opinion",
                          "legal_review_result"),
    "decision_date": ("decision_no", "decision_type", "fine_amount", "confiscation_amount",
                      "reduced_penalty", "appeal_filed"),
    "service_date": ("service_method", "e_service_consent"),
    "payment_date": ("paid_amount", "surcharge_amount"),
    "termination_date": ("termination_reason", "termination_approver"),
    "revocation_date": ("revocation_reason", "revocation_approver"),
}
# Dates that are deadlines or expiries, not events: kept whatever their value.
NOT_EVENTS = ("deferral_until",)
CASE_EVENT_DATES = tuple(f.name for f in CASE_FIELDS if f.kind == "date" and f.name not in NOT_EVENTS)
# The earliest moment the system knows a case: a case first known after the as-of date is out of scope.
KNOWN_FROM = ("discovery_date", "filing_date")


@dataclass
class Snapshot:
    """What cutting the export at the as-of date did (reported with the run)."""

    as_of: dt.date
    mode: str = "as_of"  # "as_of" (default) or "all_known" (--all-known: everything the export knows)
    out_of_scope: dict[str, int] = field(default_factory=dict)  # squad -> cases first known after as_of
    dates_cleared: int = 0
    cases_changed: int = 0
    recordings_dropped: int = 0
    disclosures_dropped: int = 0

    @property
    def cases_out_of_scope(self) -> int:
        return sum(self.out_of_scope.values())

    def as_metadata(self) -> dict:
        return {"mode": self.mode, "as_of": self.as_of.isoformat(), "cases_out_of_scope": self.cases_out_of_scope,
                "out_of_scope_by_squad": dict(sorted(self.out_of_scope.items())),
                "dates_cleared": self.dates_cleared, "cases_changed": self.cases_changed,
                "recordings_dropped": self.recordings_dropped, "disclosures_dropped": self.disclosures_dropped}

    def message(self, lang: str = "zh") -> str:
        day = self.as_of.isoformat()
        if self.mode == "all_known":
            return (f"按导出中的全部信息审计（--all-known）：截止日 {day} 之后的事件也计入"
                    if lang == "zh" else
                    f"Audited with everything the export knows (--all-known), also events after {day}")
        squads = "，".join(f"{s} {n}" for s, n in sorted(self.out_of_scope.items()))
        if lang == "zh":
            text = f"按 {day} 当日的案卷状态审计：{day} 之后的 {self.dates_cleared} 个日期视为尚未发生（涉及 {self.cases_changed} 件案件）"
            text += f"，{day} 之后才发现或立案的 {self.cases_out_of_scope} 件案件不在本次范围" + (f"（{squads}）" if squads else "")
            if self.recordings_dropped or self.disclosures_dropped:
                text += f"，之后的全过程记录 {self.recordings_dropped} 条、公示记录 {self.disclosures_dropped} 条不计"
            return text + "；要按导出中的全部信息审计请加 --all-known"
        text = (f"Audited as the files stood on {day}: {self.dates_cleared} later dates treated as not yet happened "
                f"({self.cases_changed} cases); {self.cases_out_of_scope} cases first known after {day} out of scope")
        return text + (f" ({squads})" if squads else "") + "; use --all-known for everything the export knows"


def snapshot_tables(tables: dict[str, pd.DataFrame], as_of: dt.date) -> tuple[dict[str, pd.DataFrame], Snapshot]:
    """The canonical tables as they stood at the end of `as_of`, and what was cut."""
    info = Snapshot(as_of=as_of)
    limit = pd.Timestamp(as_of)
    out = dict(tables)
    cases = tables["cases"]
    known = _earliest(cases, KNOWN_FROM)
    later = (known > limit).to_numpy()  # NaT compares False: a case with no known date stays in scope
    if later.any():
        counts = cases.loc[later, "squad"].fillna("（未填中队）").value_counts()
        info.out_of_scope = {str(k): int(v) for k, v in counts.items()}
    future_dates = any(bool((cases[name] > limit).any()) for name in CASE_EVENT_DATES if name in cases)
    if later.any() or future_dates or not _range_indexed(cases):
        cases = cases.loc[~later].reset_index(drop=True).copy()
    # else: the export as loaded already is the table as it stood; no copy (a million cases: gigabytes)
    changed = np.zeros(len(cases), dtype=bool)
    for name in CASE_EVENT_DATES:
        if name not in cases:
            continue
        future = (cases[name] > limit).to_numpy()
        if not future.any():
            continue
        info.dates_cleared += int(future.sum())
        changed |= future
        cases.loc[future, name] = pd.NaT
        for companion in COMPANIONS.get(name, ()):
            if companion in cases:
                _clear(cases, future, companion)
    info.cases_changed = int(changed.sum())
    out["recordings"] = _cut_recordings(tables.get("recordings"), set(cases["case_id"]), limit, info)
    if changed.any() and "status" in cases:
        cases.loc[changed, "status"] = _status_from_dates(cases.loc[changed], out["recordings"])
    out["cases"] = cases
    out["disclosures"] = _cut_disclosures(tables.get("disclosures"), limit, info)
    return out, info


def _range_indexed(frame: pd.DataFrame) -> bool:
    return isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1


def _clear(frame: pd.DataFrame, mask: np.ndarray, column: str) -> None:
    """Empty `column` where `mask`, with the value the loader uses for a missing cell of that kind."""
    kind = next((f.kind for f in CASE_FIELDS if f.name == column), "str")
    if kind in ("list", "enum_list"):
        frame[column] = [() if m else v for m, v in zip(mask, frame[column])]
    elif frame[column].dtype == object:
        frame.loc[mask, column] = None
    elif frame[column].dtype.kind == "f":
        frame.loc[mask, column] = np.nan
    else:
        frame.loc[mask, column] = pd.NA


def _earliest(frame: pd.DataFrame, columns) -> pd.Series:
    present = [frame[c] for c in columns if c in frame]
    if not present:
        return pd.Series(pd.NaT, index=frame.index)
    return pd.concat(present, axis=1).min(axis=1)


INVESTIGATION_STAGES = ("调查取证", "询问")


def _status_from_dates(cases: pd.DataFrame, recordings: pd.DataFrame | None) -> list[str]:
    """The status the remaining dates show (the ladder the case-handling system follows): 调查中 once
    an investigation or questioning has been recorded, 已立案 before."""
    investigating = set()
    if recordings is not None and "stage" in recordings:
        investigating = set(recordings.loc[recordings["stage"].isin(INVESTIGATION_STAGES), "case_id"])
    def has(name):
        return cases[name].notna().to_numpy() if name in cases else np.zeros(len(cases), dtype=bool)

    ladder = [
        (has("revocation_date"), "已撤销"), (has("termination_date"), "已终止"), (has("closure_date"), "已结案"),
        (has("payment_date") | has("demand_notice_date") | has("enforcement_application_date"), "执行中"),
        (has("decision_date"), "已决定"), (has("investigation_end_date"), "待审核"),
        (cases["case_id"].isin(investigating).to_numpy(), "调查中"),
    ]
    return [str(s) for s in np.select([c for c, _ in ladder], [s for _, s in ladder], default="已立案")]


def _cut_recordings(frame, case_ids: set, limit: pd.Timestamp, info: Snapshot):
    if frame is None:
        return None
    end_of_day = limit + pd.Timedelta(days=1)
    keep = frame["case_id"].isin(case_ids) & ~(frame["recorded_at"] >= end_of_day)
    info.recordings_dropped = int((~keep).sum())
    if keep.all() and _range_indexed(frame) and not ("uploaded_at" in frame and (frame["uploaded_at"] >= end_of_day).any()):
        return frame  # nothing to cut or clear: the loaded table itself
    frame = frame.loc[keep].reset_index(drop=True).copy()
    if "uploaded_at" in frame:  # recorded before, archived after: not archived yet
        frame.loc[frame["uploaded_at"] >= end_of_day, "uploaded_at"] = pd.NaT
    return frame


def _cut_disclosures(frame, limit: pd.Timestamp, info: Snapshot):
    if frame is None:
        return None
    keep = ~(frame["disclosure_date"] > limit)
    info.disclosures_dropped = int((~keep).sum())
    if keep.all() and _range_indexed(frame) and not ("withdrawn_date" in frame and (frame["withdrawn_date"] > limit).any()):
        return frame  # nothing to cut or clear: the loaded table itself
    frame = frame.loc[keep].reset_index(drop=True).copy()
    if "withdrawn_date" in frame:
        frame.loc[frame["withdrawn_date"] > limit, "withdrawn_date"] = pd.NaT
    return frame
