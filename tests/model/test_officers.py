"""Officers written as exports write them: name(number), names only, bare certificate numbers.

An export that writes its officers as bare certificate numbers (31010012、31010034) names two officers
with their numbers and no names (未记载): the officer rules count them, and a rule that needs a name
is 无法判定 there, never a finding (issue 11).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from auditor.model.fields import field_of
from auditor.model.officers import Officer, officer_membership, parse_entry, parse_officers, reviewer_among
from auditor.model.values import parse_value
from auditor.pipeline.examples import run_examples
from auditor.rules.model import Example

N = Officer


@pytest.mark.parametrize("cell, expected", [
    ("张伟(31010600123)、李强(31010600456)", [N("张伟", "31010600123"), N("李强", "31010600456")]),
    ("张伟（31010600123）；李强（31010600456）", [N("张伟", "31010600123"), N("李强", "31010600456")]),
    ("张伟、李强", [N("张伟", None), N("李强", None)]),
    ("31010012、31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("执法证号31010012,31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("执法证号：31010012，31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("31010012;31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("31010012 31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("31010012/31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("31010012／31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("３１０１００１２\u3000３１０１００３４", [N(None, "31010012"), N(None, "31010034")]),
    ("31010012\n31010034", [N(None, "31010012"), N(None, "31010034")]),
    ("张伟 31010012、李强 31010034", [N("张伟", "31010012"), N("李强", "31010034")]),
    ("张伟31010012、李强31010034", [N("张伟", "31010012"), N("李强", "31010034")]),
    ("张伟（执法证号：31010600123）", [N("张伟", "31010600123")]),
    ("张伟 李强", [N("张伟", None), N("李强", None)]),
    ("张伟(协管)", [N("张伟", None)]),
    ("执法证号：", []),
])
def test_every_separator_and_form_real_exports_use(cell, expected):
    entries = parse_value(field_of("cases", "officers"), cell)
    assert list(parse_officers(entries)) == expected


def test_an_entry_is_read_once_and_the_same_way_every_time():
    assert parse_entry("31010012 31010034") is parse_entry("31010012 31010034")
    assert parse_officers(()) == () and parse_officers(None) == ()


def test_recording_officers_match_the_case_by_name_or_number():
    import pandas as pd

    case = pd.Series({"A": ("31010012", "31010034"), "B": ("张伟(31010012)", "李强(31010034)"), "C": ("张伟", "李强")})
    matched, uncertain = officer_membership(
        ["A", "A", "B", "B", "C", "A", "X"],
        [("31010012",), ("31010099",), ("张伟",), ("31010034",), ("赵敏(31010077)",), ("张伟",), ("张伟",)],
        case)
    assert matched == [1, 0, 1, 1, 0, 0, 0]
    # a name against numbers only (or a number against names only) cannot be compared: neither 0 nor 1
    assert uncertain == [0, 0, 0, 0, 0, 1, 0]


# --------------------------------------------------------------------------------------------------
# The rules that read officers, in both evaluators: fire, pass, 无法判定


def _verdict(pack, profile, engine, rule_id, case, recordings=()):
    rule = pack.get(rule_id)
    probe = replace(rule, examples=(Example("fire", dict(case), tuple(recordings)),))
    single = replace(pack, rules=[probe])
    (outcome,) = run_examples(single, profile, engine=engine, rule_ids=(rule_id,))
    assert not outcome.error, outcome.error
    return outcome.verdict or "合规"


BARE = ["31010012", "31010034"]
REVIEW = {"legal_review_date": dt.date(2025, 4, 30)}


@pytest.mark.parametrize("rule_id, case, expected", [
    ("JL-OFFICERS-CASE", {"officers": BARE}, "合规"),
    ("JL-OFFICERS-CASE", {"officers": ["执法证号31010012 31010034"]}, "合规"),
    ("JL-OFFICERS-CASE", {"officers": ["31010012/31010034"]}, "合规"),
    ("JL-OFFICERS-CASE", {"officers": ["执法证号31010012"]}, "违规"),
    ("JL-OFFICERS-CASE", {"officers": ["执法证号："]}, "无法判定"),  # a label alone names nobody: 未记载
    ("JL-OFFICER-CERT-MISSING", {"officers": BARE}, "合规"),
    ("JL-OFFICER-CERT-MISSING", {"officers": ["31010012", "李强"]}, "违规"),
    ("FH-REVIEWER-IS-OFFICER", {"officers": BARE, **REVIEW, "legal_reviewer": "李强"}, "无法判定"),
    ("FH-REVIEWER-IS-OFFICER", {"officers": ["31010012", "李强"], **REVIEW, "legal_reviewer": "李强"}, "违规"),
    ("FH-REVIEWER-IS-OFFICER", {"officers": ["张伟", "李强"], **REVIEW, "legal_reviewer": "赵敏"}, "合规"),
    ("FH-REVIEWER-IS-OFFICER", {"officers": ["31010012", "李强"], **REVIEW, "legal_reviewer": "赵敏"}, "无法判定"),
])
def test_case_officer_rules_count_bare_numbers_and_never_guess_a_name(pack, profile, engine, rule_id, case, expected):
    assert _verdict(pack, profile, engine, rule_id, case) == expected


_REC = {"stage": "现场检查", "media": "视频", "recorded_at": dt.datetime(2025, 5, 6, 9, 30), "file_ref": "X-01.mp4"}
_LIFE = {"discovery_date": dt.date(2025, 5, 1), "filing_date": dt.date(2025, 5, 2), "closure_date": dt.date(2025, 6, 30)}


@pytest.mark.parametrize("case_officers, rec_officers, expected", [
    (BARE, ["31010012", "31010034"], "合规"),       # the same numbers: the case's officers
    (BARE, ["31010077", "31010088"], "违规"),       # other numbers: other officers
    (BARE, ["张伟", "李强"], "无法判定"),            # names against numbers: cannot be compared
    (["张伟(31010012)", "李强(31010034)"], ["31010012", "31010034"], "合规"),
    (["张伟", "李强"], ["赵敏", "王芳"], "违规"),
    (["张伟", "李强"], ["执法证号："], "无法判定"),  # names nobody: as an empty cell, 未记载
])
def test_a_recording_is_the_cases_when_names_or_numbers_agree(pack, profile, engine, case_officers, rec_officers,
                                                              expected):
    case = {"officers": case_officers, **_LIFE}
    recording = {**_REC, "officers": rec_officers}
    assert _verdict(pack, profile, engine, "JL-REC-NOT-IN-CASE", case, [recording]) == expected


@pytest.mark.parametrize("reviewer, officers, expected", [
    ("李强", ("张伟(31010600123)", "李强(31010600456)"), True),  # by name
    ("31010600456", ("张伟(31010600123)", "李强(31010600456)"), True),  # by number
    ("李强(31010600456)", ("31010600123", "31010600456"), True),  # officers by number only
    ("赵敏", ("张伟(31010600123)", "李强(31010600456)"), False),
    ("赵敏(31010600789)", ("31010600123", "31010600456"), False),  # numbers comparable and different
    ("李强", ("31010600123", "31010600456"), None),  # name against numbers: cannot compare
    ("31010600456", ("张伟", "李强"), None),  # number against names
    ("赵敏", ("张伟(31010600123)", "31010600456"), None),  # one officer has no name: could be 赵敏
    (None, ("张伟(31010600123)",), None),  # no reviewer recorded
    ("李强", (), None),  # no officers recorded
])
def test_the_reviewer_is_compared_by_name_or_number_and_undecided_where_it_cannot_be(reviewer, officers, expected):
    assert reviewer_among(reviewer, parse_officers(officers)) is expected
