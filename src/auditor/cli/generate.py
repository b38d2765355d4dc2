"""`auditor generate`: write a deterministic sample export with injected violations."""

from __future__ import annotations

from datetime import date

import click

from auditor.cli import main
from auditor.errors import UsageError
from auditor.generate import DEFAULT_AS_OF, generate_export


def _parse_date(text: str) -> date:
    from auditor.cli.options import iso_date

    try:
        return iso_date(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None


@main.command("generate")
@click.option("--cases", "-n", type=click.IntRange(min=0), required=True, help="案件数 (number of cases)")
@click.option("--seed", type=int, default=20251, show_default=True, help="随机种子；同参数输出逐字节一致")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="输出目录")
@click.option("--violation-rate", type=click.FloatRange(0, 1), default=None,
              help="改用固定比例：该比例的案件各注入一项违规（种类均匀抽取；fixtures/sample 用 0.1）；"
                   "不给时按内置的违规画像（依据上海市城管执法公开数据校准，见 docs/generate.md）")
@click.option("--violation-scale", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="违规画像各组比例的倍数（2 = 两倍违规率；与 --violation-rate 不同用）")
@click.option("--as-of", "as_of", default=DEFAULT_AS_OF.isoformat(), show_default=True,
              help="导出基准日 (YYYY-MM-DD)；不生成晚于此日的事件")
@click.option("--form", "forms", default="xml,csv", show_default=True, help="导出形式: xml、csv 或 xml,csv")
@click.option("--view-as-of", "view_as_of", default=None,
              help="导出同一个区在更早某日的样子 (YYYY-MM-DD，不晚于 --as-of)：同一种子按月导出即为逐月增长的导出")
def generate(cases: int, seed: int, out_dir: str, violation_rate: float | None, violation_scale: float,
             as_of: str, forms: str, view_as_of: str | None) -> None:
    """生成静安区模拟案卷导出（XML 与 CSV）、公示数据及注入违规的真值表 truth.csv。

    Generate a sample export of a Shanghai district (静安区, 16 squads): cases with recordings,
    disclosure records, and truth.csv listing each case's injected violations (rule ids).

    示例:

    \b
        auditor generate --cases 10000 --seed 7 --out district
        auditor generate --cases 10000 --seed 7 --violation-scale 2 --out district-x2
        auditor generate --cases 400 --seed 20251 --as-of 2026-11-25 --violation-rate 0.1 --out fixtures/sample
    """
    form_list = tuple(f.strip() for f in forms.split(",") if f.strip())
    if violation_rate is not None and violation_scale != 1.0:
        raise UsageError("--violation-scale 只作用于违规画像，不能与 --violation-rate 同用")
    summary = generate_export(out_dir, cases, seed, violation_rate, _parse_date(as_of), form_list,
                              view_as_of=_parse_date(view_as_of) if view_as_of else None,
                              violation_scale=violation_scale)
    injected = "，".join(f"{k} {v}" for k, v in sorted(summary.injected.items())) or "无"
    click.echo(f"已生成 {summary.cases} 件案件、{summary.recordings} 条全过程记录、"
               f"{summary.disclosures} 条公示信息 → {summary.out_dir}")
    click.echo(f"注入违规: {injected}")
