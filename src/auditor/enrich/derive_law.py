"""Derived dates that follow the law's own counting rules and need the working-day calendar.

* `lawsuit_end_date`: the party's 起诉期 (行政诉讼法 第四十六条) ends `lawsuit_months` after the
  decision was served; a last day on a rest day moves to the next working day (民法典 第二百零三条).
  It runs from service whatever the payment terms: a deferral of payment does not move it.
* `service_act_date`: when the agency served: the service date, or for 公告送达 (where the export holds
  the deemed date) the day the notice was published, `public_notice_deemed_days` earlier.
* `court_window_from`: the court-enforcement application period (行政强制法 第五十三条, 行诉解释
  第一百五十六条) starts when the 起诉期 ends; with an approved deferral or instalments it starts
  no earlier than the end of the deferral (行政处罚法 第七十二条第二款). So: the later of the two.

A date the calendar cannot place (a year it does not cover) is left empty: the rules then do not
judge the case rather than guess.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.enrich.deadlines import add_months

from auditor.model.fact_fields import LAW_CASE_FIELDS  # noqa: F401 - the fields computed here


def add_law_facts(facts: pd.DataFrame, params: dict, calendar=None) -> None:
    """Add LAW_CASE_FIELDS to the case facts, in place."""
    service = facts["service_date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    end = add_months(service, int(params.get("lawsuit_months", 6)))
    if calendar is not None and params.get("roll_over_holidays", True):
        rolled, unknown = calendar.roll_to_workday(end)
        end = np.where(unknown, np.datetime64("NaT", "D"), rolled)
    facts["lawsuit_end_date"] = pd.to_datetime(end.astype("datetime64[ns]"))
    deferral = facts["deferral_until"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    later = np.where(np.isnat(deferral) | (~np.isnat(end) & (end >= deferral)), end, deferral)
    later = np.where(np.isnat(end), np.datetime64("NaT", "D"), later)
    facts["court_window_from"] = pd.to_datetime(later.astype("datetime64[ns]"))
    codes = set(params.get("illegal_building_cause_codes") or ())
    named = facts["cause"].fillna("").astype(str).str.contains("违法建筑|违建|搭建", regex=True).to_numpy(dtype=bool)
    coded = facts["cause_code"].isin(codes).to_numpy(dtype=bool)
    facts["illegal_building"] = pd.array(named | coded, dtype="boolean")
    # 公告送达: the export records the deemed service date; what the agency did (and what the 7-day
    # service limit measures) is publishing the notice, that many days earlier.
    by_notice = (facts["service_method"] == "公告送达").fillna(False).to_numpy(dtype=bool)
    shift = pd.Timedelta(days=int(params.get("public_notice_deemed_days", 60)))
    facts["service_act_date"] = facts["service_date"].where(~by_notice, facts["service_date"] - shift)
