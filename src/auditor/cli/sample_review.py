"""`auditor sample-review`: 双随机 cross-check of recordings (random cases, random reviewers)."""

from __future__ import annotations

from pathlib import Path

import click

from auditor.cli import main
from auditor.cli.options import mapping_option
from auditor.history.sample_review import sample_review


@main.command("sample-review")
@click.option("--export", "exports", multiple=True, required=True, type=click.Path(exists=True),
              help="案卷导出文件或目录（可多次指定）")
@click.option("--reviewers", required=True, type=click.Path(dir_okay=False, exists=True),
              help="检查人员名单：CSV（name,squad 或 姓名,中队）或 YAML")
@click.option("--n", "n", type=click.IntRange(min=1), default=20, show_default=True, help="抽查案件数")
@click.option("--seed", required=True, help="随机种子（记入清单，便于复核）")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的检查清单（.xlsx）")
@mapping_option(old_profile_spelling=True)
def sample_review_cmd(exports: tuple[str, ...], reviewers: str, n: int, seed: str, out: str,
                      mapping: Path | None) -> None:
    """全过程记录双随机交叉检查：从已决定 / 执行中 / 已结案且有音视频记录的案件中随机抽取 N 件，
    每件随机分配给其他中队的一名检查人员，生成逐项检查清单（关联性、两名执法人员、亮证、告知权利、
    记录完整无剪辑、送达过程等）。同一数据、名单和种子得到同一结果。

    示例:

    \b
        auditor sample-review --export fixtures/sample/csv --reviewers fixtures/reviewers.csv --n 20 --seed 202611 --out 双随机-2026-11.xlsx
    """
    review = sample_review(list(exports), reviewers, n, seed, out, mapping=mapping)
    click.echo(f"已生成 {out}：从 {review.eligible} 件符合条件的案件中抽取 {len(review.assignments)} 件，随机种子 {review.seed}")
    for note in review.notes:
        click.echo(note)
    for r in review.assignments.itertuples():
        click.echo(f"  {r.case_id}  {r.squad} → {r.reviewer}（{r.reviewer_squad}）")
