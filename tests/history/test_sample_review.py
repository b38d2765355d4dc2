"""双随机 cross-check: reproducible draw, reviewers never from the case's own squad, the checklist."""

from __future__ import annotations

from collections import Counter

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import ConfigError
from auditor.history.sample_review import CHECKS, Reviewer, load_reviewers, pick_sample, write_checklist

SQUADS = ("石门二路街道综合行政执法队", "南京西路街道综合行政执法队", "机动执法中队")
STATUSES = ("已结案", "已决定", "执行中", "调查中", "已终止")


def _tables(n_cases: int = 40):
    cases, recs = [], []
    for i in range(n_cases):
        cid = f"JA2025{i:04d}"
        cases.append({"case_id": cid, "squad": SQUADS[i % 3], "cause": "占道经营", "status": STATUSES[i % 5],
                      "decision_date": pd.Timestamp("2025-04-01") + pd.Timedelta(days=i)})
        media = "照片" if i % 7 == 0 else ("视频" if i % 2 else "音频")  # every 7th case: photos only
        recs.append({"case_id": cid, "recording_id": "R1", "stage": "现场检查", "media": media,
                     "recorded_at": pd.Timestamp("2025-03-01"), "duration_s": 300, "file_ref": f"NAS/{cid}/1.mp4"})
        recs.append({"case_id": cid, "recording_id": "R2", "stage": "送达", "media": "文字",
                     "recorded_at": pd.Timestamp("2025-03-05"), "duration_s": None, "file_ref": None})
    return pd.DataFrame(cases), pd.DataFrame(recs)


REVIEWERS = [Reviewer(f"检查员{k}{s[:2]}", s) for s in SQUADS for k in (1, 2)]


def _eligible(cases, recs):
    av = set(recs.loc[recs["media"].isin(["视频", "音频"]), "case_id"])
    return set(cases.loc[cases["status"].isin(["已决定", "执行中", "已结案"]) & cases["case_id"].isin(av), "case_id"])


def test_same_seed_same_assignment_and_never_own_squad():
    cases, recs = _tables()
    one = pick_sample(cases, recs, REVIEWERS, 12, seed=202505)
    again = pick_sample(cases.sample(frac=1, random_state=3), recs.iloc[::-1], list(reversed(REVIEWERS)), 12, "202505")
    pd.testing.assert_frame_equal(one.assignments, again.assignments)  # input order and int/str seed don't matter
    other = pick_sample(cases, recs, REVIEWERS, 12, seed=7)
    assert list(other.assignments["case_id"]) != list(one.assignments["case_id"])
    a = one.assignments
    assert len(a) == 12 and a["case_id"].is_unique
    assert set(a["case_id"]) <= _eligible(cases, recs) and one.eligible == len(_eligible(cases, recs))
    assert (a["squad"] != a["reviewer_squad"]).all()
    squad_of = {r.name: r.squad for r in REVIEWERS}
    assert all(squad_of[r] == s for r, s in zip(a["reviewer"], a["reviewer_squad"]))
    # The work is spread: least-loaded reviewers are drawn first, so loads differ by at most two.
    loads = Counter(a["reviewer"])
    assert max(loads.values()) - min(loads.get(r.name, 0) for r in REVIEWERS) <= 2
    first = a.iloc[0]
    assert "现场检查" in first["recordings"] and "300秒" in first["recordings"]


def test_fewer_eligible_than_requested_and_impossible_assignment():
    cases, recs = _tables(10)
    review = pick_sample(cases, recs, REVIEWERS, 50, seed="x")
    assert len(review.assignments) == review.eligible == len(_eligible(cases, recs))
    assert review.notes and "只有" in review.notes[0]
    only_own = [Reviewer("甲", SQUADS[0])]
    with pytest.raises(ConfigError, match="没有其他中队的检查人员"):
        pick_sample(cases[cases["squad"] == SQUADS[0]], recs, only_own, 3, seed=1)


def test_load_reviewers_csv_gbk_and_yaml(tmp_path):
    csv_path = tmp_path / "reviewers.csv"
    csv_path.write_bytes("姓名,中队\n张三,机动执法中队\n\n李四,石门二路街道综合行政执法队\n".encode("gb18030"))
    assert load_reviewers(csv_path) == [Reviewer("张三", "机动执法中队"), Reviewer("李四", "石门二路街道综合行政执法队")]
    yaml_path = tmp_path / "reviewers.yaml"
    yaml_path.write_text("reviewers:\n  - {name: 王五, squad: 机动执法中队}\n  - name: 赵六\n    squad: 甲\n",
                         encoding="utf-8")
    assert load_reviewers(yaml_path) == [Reviewer("王五", "机动执法中队"), Reviewer("赵六", "甲")]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,squad\n张三,机动执法中队\n李四,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="缺少所在中队") as info:
        load_reviewers(bad)
    assert (info.value.file, info.value.line) == (str(bad), 3)
    dup = tmp_path / "dup.yaml"
    dup.write_text("- {name: 王五, squad: 甲}\n- {name: 王五, squad: 甲}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="重复") as info:
        load_reviewers(dup)
    assert info.value.line == 2
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("张三,甲\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="表头"):
        load_reviewers(nohead)


def test_checklist_workbook(tmp_path):
    cases, recs = _tables()
    review = pick_sample(cases, recs, REVIEWERS, 5, seed=11)
    out, again = tmp_path / "c.xlsx", tmp_path / "d.xlsx"
    write_checklist(review, out)
    write_checklist(pick_sample(cases, recs, REVIEWERS, 5, seed=11), again)
    assert out.read_bytes() == again.read_bytes()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["抽查分配", "检查清单", "说明"]
    assign = list(wb["抽查分配"].iter_rows(values_only=True))
    assert assign[0][:3] == ("序号", "案件编号", "承办中队") and len(assign) == 6
    assert [r[1] for r in assign[1:]] == list(review.assignments["case_id"])
    checks = list(wb["检查清单"].iter_rows(values_only=True))
    assert len(checks) == 1 + 5 * len(CHECKS)
    assert {r[3] for r in checks[1:]} == {item for item, _ in CHECKS}
    assert "两名执法人员" in {r[3] for r in checks[1:]}
    validations = wb["检查清单"].data_validations.dataValidation
    assert validations and validations[0].formula1 == '"符合,不符合,不适用"'
    assert "随机种子：11" in wb["说明"]["A2"].value


def test_sample_review_command_on_a_generated_export(tmp_path):
    runner = CliRunner()
    gen = runner.invoke(main, ["generate", "--cases", "60", "--seed", "5", "--out", str(tmp_path / "x"), "--form", "csv"])
    assert gen.exit_code == 0, gen.output
    from auditor.ingest import load_exports

    squads = sorted(load_exports([tmp_path / "x" / "csv"]).tables["cases"]["squad"].unique())
    reviewers = tmp_path / "reviewers.csv"
    reviewers.write_text("name,squad\n" + "".join(f"检查员{i},{s}\n" for i, s in enumerate(squads)), encoding="utf-8")
    args = ["sample-review", "--export", str(tmp_path / "x" / "csv"), "--reviewers", str(reviewers), "--n", "8",
            "--seed", "S1", "--out"]
    first = runner.invoke(main, args + [str(tmp_path / "a.xlsx")])
    second = runner.invoke(main, args + [str(tmp_path / "b.xlsx")])
    assert first.exit_code == 0, first.output
    assert "抽取 8 件，随机种子 S1" in first.output
    assert first.output.replace("a.xlsx", "b.xlsx") == second.output
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    lines = [line.split() for line in first.output.splitlines() if "→" in line]
    assert len(lines) == 8
    for _, squad, _, reviewer in lines:
        assert not reviewer.endswith(f"（{squad}）")
