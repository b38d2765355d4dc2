"""Which values the export does not establish: per scope and field, a mask of *unknown* rows.

A value is unknown when its table or column was not supplied (auditor.coverage), or when the cell is
empty and the field catalogue says an empty cell means "not recorded" (model/fields.py `empty`). An
empty cell whose field means "did not happen" is known: the act did not take place.

Derived facts (enrich/derive.py) inherit unknowns from what they are computed from, by one of the
modes of `DERIVED`:

* ``any``: unknown where any source is unknown;
* ``strict``: the fact is missing when any source is missing, so a source known to be empty decides
  it; unknown where a source is unknown and none is known to be empty;
* ``fallback``: the first source that carries a value; unknown where an earlier source is unknown;
* ``table``: unknown on every row when the named table was not supplied (a count of rows is 0 for
  "no rows" only when the table was there);
* ``or``: a yes/no fact any source can make true: known where true, else unknown where a source is.

List facts built from several rows (recording stages, missing disclosure fields, date-order errors) are
*partial* where unknown: the elements shown are certain, more may exist. The evaluators read them so:
a test that an element is there is true when it is shown, unknown when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.coverage import Supplied, empty_mask
from auditor.model.fields import TABLES

SCOPE_TABLE = {"case": "cases", "recording": "recordings"}

# derived field -> (mode, sources). Sources are fact names of the same scope; "case:" names a field of
# the recording's case; "table:" names a table.
DERIVED_CASE: dict[str, tuple[str, tuple[str, ...]]] = {
    "officer_count": ("any", ("officers",)),
    "officer_cert_count": ("any", ("officers",)),
    "officer_unnamed_count": ("any", ("officers",)),
    "officer_names": ("any", ("officers",)),  # and partial where an officer is written by number only
    "reviewer_is_officer": ("any", ("officers", "legal_reviewer")),  # and wherever derive left it undecided
    "party_id_kind": ("any", ("party_id", "party_type")),
    "party_id_valid": ("any", ("party_id", "party_type")),
    "warning_only": ("any", ("decision_type",)),
    "is_open": ("any", ("status",)),
    "limitation_from": ("fallback", ("violation_end_date", "violation_date")),
    "enforcement_from": ("fallback", ("deferral_until", "service_date")),
    "served_on_spot": ("strict", ("service_method", "service_date", "decision_date")),
    "approved_extension_days": ("strict", ("extension_days", "extension_approver")),
    "rec_count": ("table", ("table:recordings",)),
    "rec_stages": ("table", ("table:recordings",)),
    "rec_av_stages": ("recording_media", ("table:recordings",)),
    "pub_count": ("table", ("table:disclosures",)),
    "pub_matched_by": ("table", ("table:disclosures",)),
    "pub_decision_no": ("table", ("table:disclosures",)),
    "pub_party_name": ("published", ("party_name",)),
    "pub_party_id": ("published", ("party_id", "credit_code")),
    "pub_fine_yuan": ("published", ("fine_amount_wan",)),
    "pub_confiscation_yuan": ("published", ("confiscation_amount_wan",)),
    "pub_decision_date": ("published", ("decision_date",)),
    "pub_disclosure_date": ("published", ("disclosure_date",)),
    "pub_withdrawn_date": ("published", ("withdrawn_date",)),
    "pub_missing_fields": ("published_required", ("table:disclosures",)),
    "pub_fine_diff_yuan": ("strict", ("pub_fine_yuan", "fine_amount")),
    "pub_name_unmasked": ("any", ("pub_party_name", "party_type")),
    "pub_id_unmasked": ("any", ("pub_party_id", "party_type")),
    "pub_party_name_ok": ("strict", ("party_name", "pub_party_name")),
    "pub_party_id_ok": ("strict", ("party_id", "pub_party_id")),
    "disclosed_on": ("fallback", ("pub_disclosure_date", "disclosure_date")),
    "withdrawn_on": ("fallback", ("pub_withdrawn_date", "disclosure_withdrawn_date")),
    "cause_known": ("any", ("cause_code",)),
    "discretion_min": ("any", ("cause_code", "party_type")),
    "discretion_max": ("any", ("cause_code", "party_type")),
    "party_id_shape": ("any", ("party_id",)),
    "party_id_shape_valid": ("any", ("party_id",)),
    "termination_reason_listed": ("any", ("termination_reason",)),
    "execution_done_date": ("fallback", ("execution_end_date", "payment_date")),
    "excluded_days": ("any", ("suspended_days",)),
    "overdue_payment_days": ("strict", ("payment_date", "enforcement_from")),
    "surcharge_cap": ("strict", ("fine_amount", "overdue_payment_days")),
    "date_order_errors": ("date_order", ()),
    "lawsuit_end_date": ("any", ("service_date",)),
    "court_window_from": ("any", ("service_date", "deferral_until")),
    "service_act_date": ("strict", ("service_date", "service_method")),  # 公告送达 moves it earlier
    "illegal_building": ("or", ("cause_code", "cause")),
}

DERIVED_RECORDING: dict[str, tuple[str, tuple[str, ...]]] = {
    "officer_count": ("any", ("officers",)),
    "squad": ("any", ()),
    "case_status": ("any", ("case:status",)),
    "recorded_on": ("any", ("recorded_at",)),
    "case_start_date": ("fallback", ("case:discovery_date", "case:filing_date")),
    "case_closure_date": ("any", ("case:closure_date",)),
    "case_officer_count": ("any", ("officers", "case:officers")),  # and where an officer cannot be compared
    "case_officer_uncertain": ("any", ("officers", "case:officers")),
}

PARTIAL = frozenset({"rec_av_stages", "pub_missing_fields", "date_order_errors"})


@dataclass
class Unknowns:
    """Per scope: field -> mask of rows whose value the export does not establish (fields with none left out)."""

    masks: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    partial: frozenset = PARTIAL
    # For a rule that overrides what an empty cell means: (scope, field) -> (column unsupplied, empty mask)
    base: dict[tuple[str, str], tuple[bool, np.ndarray]] = field(default_factory=dict)

    def of(self, scope: str, name: str, means: str | None = None) -> np.ndarray | None:
        """Unknown rows of `name`, with the catalogue's meaning of empty or the rule's override `means`."""
        if means is not None and (scope, name) in self.base:
            unsupplied, empty = self.base[(scope, name)]
            if unsupplied:
                return np.ones(len(empty), dtype=bool)
            return empty if means == "unrecorded" else None
        return self.masks.get(scope, {}).get(name)


def compute_unknowns(frames: dict[str, pd.DataFrame], fields: dict[str, dict], supplied: Supplied,
                     cases: pd.DataFrame) -> Unknowns:
    out = Unknowns()
    for scope, frame in frames.items():
        out.masks[scope] = {}
        _base(out, scope, frame, fields[scope], supplied)
    case_masks = out.masks["case"]
    case_frame = frames["case"]
    derived_case = _Derivation(case_frame, fields["case"], case_masks, supplied)
    for name, (mode, sources) in DERIVED_CASE.items():
        derived_case.add(name, mode, sources)
    rec = frames["recording"]
    if len(rec):
        owner = _case_positions(rec["case_id"], case_frame["case_id"])
        derived_rec = _Derivation(rec, fields["recording"], out.masks["recording"], supplied,
                                  case=(case_frame, fields["case"], case_masks, owner))
        for name, (mode, sources) in DERIVED_RECORDING.items():
            derived_rec.add(name, mode, sources)
    _special_case_facts(out, case_frame, rec, supplied)
    _officer_facts(out, case_frame, rec)
    for scope in out.masks:
        out.masks[scope] = {k: v for k, v in out.masks[scope].items() if v.any()}
    return out


def _base(out: Unknowns, scope: str, frame: pd.DataFrame, catalogue: dict, supplied: Supplied) -> None:
    table = SCOPE_TABLE[scope]
    columns = supplied.get(table)
    for f in TABLES[table]:
        if f.name not in frame.columns:
            continue
        unsupplied = columns is None or f.name not in columns
        empty = empty_mask(frame[f.name], f.kind)
        out.base[(scope, f.name)] = (unsupplied, empty)
        if unsupplied:
            out.masks[scope][f.name] = np.ones(len(frame), dtype=bool)
        elif f.empty_means == "unrecorded":
            out.masks[scope][f.name] = empty


def _case_positions(rec_case_ids: pd.Series, case_ids: pd.Series) -> np.ndarray:
    first = pd.Series(np.arange(len(case_ids)), index=pd.Index(case_ids.to_numpy(dtype=object)))
    first = first[~first.index.duplicated()]
    where = first.index.get_indexer(pd.Index(rec_case_ids.to_numpy(dtype=object)))
    return np.where(where >= 0, first.to_numpy()[np.maximum(where, 0)], -1)


class _Derivation:
    def __init__(self, frame, catalogue, masks, supplied, case=None):
        self.frame, self.catalogue, self.masks, self.supplied, self.case = frame, catalogue, masks, supplied, case
        self.n = len(frame)

    def _source(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(unknown, empty) of a source, in this frame's rows."""
        if name.startswith("table:"):
            missing = name[6:] not in self.supplied
            return np.full(self.n, missing), np.zeros(self.n, dtype=bool)
        if name.startswith("case:"):
            frame, catalogue, masks, owner = self.case
            cname = name[5:]
            ok = owner >= 0
            idx = np.maximum(owner, 0)
            unk = masks.get(cname)
            unknown = np.where(ok, unk[idx], False) if unk is not None else np.zeros(self.n, dtype=bool)
            empty = np.where(ok, empty_mask(frame[cname], catalogue[cname].kind)[idx], True)
            return unknown, empty
        unk = self.masks.get(name)
        unknown = unk if unk is not None else np.zeros(self.n, dtype=bool)
        return unknown, empty_mask(self.frame[name], self.catalogue[name].kind)

    def add(self, name: str, mode: str, sources: tuple[str, ...]) -> None:
        if name not in self.frame.columns or mode not in ("any", "strict", "fallback", "table", "or"):
            return
        parts = [self._source(s) for s in sources]
        unknown = np.zeros(self.n, dtype=bool)
        if mode in ("any", "table", "or"):
            for u, _ in parts:
                unknown |= u
            if mode == "or":
                unknown &= ~self.frame[name].fillna(False).to_numpy(dtype=bool)
        elif mode == "strict":
            known_empty = np.zeros(self.n, dtype=bool)
            for u, e in parts:
                unknown |= u
                known_empty |= e & ~u
            unknown &= ~known_empty
        else:  # fallback: undecided rows walk the sources in order
            undecided = np.ones(self.n, dtype=bool)
            for u, e in parts:
                unknown |= undecided & u
                undecided &= ~u & e
        self.masks[name] = unknown


def _special_case_facts(out: Unknowns, cases: pd.DataFrame, rec: pd.DataFrame, supplied: Supplied) -> None:
    """The derivations that need more than a mode: recording media, published fields, date order."""
    from auditor.enrich.derive import DATE_ORDER, PUBLIC_REQUIRED

    masks = out.masks["case"]
    n = len(cases)
    if "recordings" not in supplied:
        masks["rec_av_stages"] = np.ones(n, dtype=bool)
    elif len(rec):
        # A recording whose media is unknown may be audio-video: its case's AV stages are partial.
        media_unknown = out.masks["recording"].get("media")
        if media_unknown is not None and media_unknown.any():
            owner = _case_positions(rec["case_id"], cases["case_id"])
            hit = owner[media_unknown & (owner >= 0)]
            mask = np.zeros(n, dtype=bool)
            mask[hit] = True
            masks["rec_av_stages"] = mask
    published = supplied.get("disclosures")
    matched = cases["pub_matched_by"].notna().to_numpy(dtype=bool) if "pub_matched_by" in cases.columns \
        else np.zeros(n, dtype=bool)
    # A case matched to no published record is "not published" only if the key it is matched by is
    # known: its decision number (the match by party code and date is a fallback for records published
    # under a wrong number, not a second key). Where the number is unknown, a fallback match is a guess
    # too: the unknown number may be that of another published record.
    none = np.zeros(n, dtype=bool)
    keys_unknown = masks.get("decision_no", none).copy()
    for name, (mode, sources) in DERIVED_CASE.items():
        if mode == "table" and sources == ("table:disclosures",) and published is not None:
            masks[name] = keys_unknown.copy()
        elif mode == "published":
            if published is None:
                masks[name] = np.ones(n, dtype=bool)
            else:
                masks[name] = keys_unknown | (matched if all(s not in published for s in sources) else none)
        elif mode == "published_required":
            if published is None:
                masks[name] = np.ones(n, dtype=bool)
            else:
                masks[name] = keys_unknown | (matched if any(s not in published for s in PUBLIC_REQUIRED) else none)
    # derived facts that read a published one: recompute now that the published masks exist
    derivation = _Derivation(cases, {**{f.name: f for f in TABLES["cases"]}, **_derived_catalogue()}, masks,
                             supplied)
    for name in ("pub_fine_diff_yuan", "pub_name_unmasked", "pub_id_unmasked", "pub_party_name_ok",
                 "pub_party_id_ok", "disclosed_on", "withdrawn_on"):
        mode, sources = DERIVED_CASE[name]
        derivation.add(name, mode, sources)
    order = np.zeros(n, dtype=bool)
    for early, late in DATE_ORDER:
        for name in (early, late):
            if name in masks:
                order |= masks[name]
    masks["date_order_errors"] = order


def _officer_facts(out: Unknowns, cases: pd.DataFrame, rec: pd.DataFrame) -> None:
    """Officers written by certificate number only have no name on record (未记载): the list of names is
    partial there, and a recording's officers that cannot be compared with the case's leave its count of
    case officers undecided. A cell that names no officer at all (a label alone: 执法证号：) records none."""
    counts = {"case": ("officer_count", "officer_cert_count", "officer_unnamed_count", "officer_names"),
              "recording": ("officer_count", "case_officer_count")}
    for scope, frame, fact, count in (("case", cases, "officer_names", "officer_unnamed_count"),
                                      ("recording", rec, "case_officer_count", "case_officer_uncertain")):
        if count not in frame.columns or not len(frame):
            continue
        masks = out.masks[scope]
        gaps = {fact: frame[count].fillna(0).to_numpy(dtype=np.int64) > 0}
        nobody = ~empty_mask(frame["officers"], "list") & (frame["officer_count"].fillna(0).to_numpy() == 0)
        for name in counts[scope]:
            gaps[name] = gaps.get(name, nobody) | nobody
        if scope == "case" and "reviewer_is_officer" in frame.columns:
            gaps["reviewer_is_officer"] = frame["reviewer_is_officer"].isna().to_numpy(dtype=bool)
        for name, gap in gaps.items():
            masks[name] = masks[name] | gap if name in masks else gap


def _derived_catalogue() -> dict:
    from auditor.model.fact_fields import case_fact_fields

    return case_fact_fields()


def deadline_unknown(result, unknown_of, as_of) -> np.ndarray:
    """Rows where a deadline's verdict depends on a value the export does not establish.

    `unknown_of(field)` gives a field's unknown mask (or None). An unknown start date leaves the
    deadline unknown; an unknown end date leaves a `late` check unknown unless the due date is not yet
    past on the as-of date (nothing done by then can be late), and an `early` check unknown; unknown
    extension or excluded days leave it unknown wherever a start date is there.
    """
    spec = result.spec
    n = len(result.status)
    none = np.zeros(n, dtype=bool)

    def u(name):
        if not name:
            return none
        mask = unknown_of(name)
        return none if mask is None else mask

    has_start = ~np.isnat(result.start)
    out = u(spec.from_field).copy()
    to_unknown = u(spec.to_field)
    if spec.check == "early":
        out |= has_start & to_unknown
    else:
        as_of_d = np.datetime64(as_of, "D")
        can_be_late = np.isnat(result.due) | (result.due < as_of_d)
        out |= has_start & to_unknown & can_be_late
    out |= has_start & (u(spec.extension_field) | u(spec.excluded_field))
    return out
