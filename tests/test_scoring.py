"""The 案卷评查 score model: per-rule or per-severity deductions once per rule, 不合格 triggers, squad means."""

from dataclasses import dataclass

from auditor.rules.params import load_param_declarations
from auditor.scoring import ScoreModel, describe, model_from_metadata, model_from_params, squad_scores
from pathlib import Path

PACK = Path(__file__).resolve().parents[1] / "rules"


@dataclass
class F:
    case_id: str
    rule_id: str
    severity: str


MODEL = ScoreModel(base=100, deductions={"严重": 20, "一般": 10, "提示": 2}, rule_deductions={"GS-INCOMPLETE": 0.5},
                   fail_rules=("CX-NO-NOTICE",), pass_line=60, fail_cap=59)


def test_each_rule_deducts_once_per_case():
    findings = [F("A", "JL-REC-OFFICERS", "严重"), F("A", "JL-REC-OFFICERS", "严重"), F("A", "CX-SERVICE-LATE", "严重")]
    assert MODEL.case_scores(findings) == {"A": (60.0, False)}


def test_rule_points_override_severity_points():
    assert MODEL.case_scores([F("B", "GS-INCOMPLETE", "提示")]) == {"B": (99.5, False)}


def test_a_fail_rule_caps_the_case_and_marks_it():
    assert MODEL.case_scores([F("C", "CX-NO-NOTICE", "严重")]) == {"C": (59.0, True)}


def test_below_the_pass_line_fails_and_the_floor_is_zero():
    many = [F("D", f"R{i}", "严重") for i in range(3)]
    assert MODEL.case_scores(many) == {"D": (40.0, True)}
    assert MODEL.case_scores([F("E", f"R{i}", "严重") for i in range(8)]) == {"E": (0.0, True)}


def test_squad_score_is_the_mean_over_all_audited_cases_with_failed_count():
    case_squad = {"A": "一中队", "B": "一中队", "C": "一中队", "D": "二中队"}
    rows = squad_scores(MODEL, case_squad, [F("C", "CX-NO-NOTICE", "严重"), F("D", "CX-SERVICE-LATE", "严重")])
    assert rows["一中队"] == {"cases": 3, "score_sum": 259.0, "failed": 1}
    assert rows["二中队"] == {"cases": 1, "score_sum": 80.0, "failed": 0}


def test_the_pack_defaults_and_a_profile_build_the_model():
    params = {name: p.default for name, p in load_param_declarations(PACK / "params.yaml").items()}
    model = model_from_params(params)
    assert model.deductions == {"严重": 30.0, "一般": 15.0, "提示": 5.0}
    assert "CX-LIMITATION" in model.fail_rules and model.pass_line == 60 and model.fail_cap == 59
    model = model_from_params({**params, "score_rule_deductions": {"CX-SERVICE-LATE": 5}})
    assert model.points("CX-SERVICE-LATE", "严重") == 5.0
    assert model_from_metadata({"score": model.as_metadata()}) == model


def test_an_older_result_is_read_without_failed_files():
    old = model_from_metadata({"score": {"base": 100, "deductions": {"严重": 10, "一般": 5, "提示": 1}}})
    assert old.case_scores([F("A", f"R{i}", "严重") for i in range(5)]) == {"A": (50.0, False)}


def test_the_model_is_described_with_its_parameters():
    text = describe(MODEL, "zh")
    assert "100" in text and "严重 20" in text and "GS-INCOMPLETE 0.5" in text and "CX-NO-NOTICE" in text
    assert "不合格" in text and "59" in text
    assert "failed" in describe(MODEL, "en")
