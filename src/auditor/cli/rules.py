"""`auditor rules ...`: list, show, validate, test and document the rule pack."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli import main
from auditor.cli.options import EngineChoice
from auditor.errors import EXIT_FINDINGS, AuditorError


@main.group("rules")
def rules_group():
    """规则包：列出、查看、校验、运行示例、生成目录。

    示例:

        auditor rules validate rules/
    """


def _pack(rules: Path | None):
    from auditor.rules.loader import load_rule_pack

    return load_rule_pack(rules)


rules_option = click.option("--rules", type=click.Path(path_type=Path), help="规则包目录（默认：内置规则包）。")


@rules_group.command("list")
@rules_option
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]))
def list_command(rules, lang):
    """列出全部规则（编号、主题、严重程度、标题）。

    示例:

        auditor rules list
    """
    pack = _pack(rules)
    for r in pack.rules:
        click.echo(f"{r.id:<24} {r.theme:<6} {r.severity:<3} {r.title[lang]}")
    click.echo(f"共 {len(pack.rules)} 条规则（{pack.name} {pack.version}）" if lang == "zh" else
               f"{len(pack.rules)} rules ({pack.name} {pack.version})")


@rules_group.command("show")
@click.argument("rule_id")
@rules_option
def show_command(rule_id, rules):
    """显示一条规则：依据、条件、参数、整改措施和示例数。

    示例:

        auditor rules show CX-SERVICE-LATE
    """
    from auditor.rules.catalogue import rule_markdown
    from auditor.suggest import did_you_mean

    pack = _pack(rules)
    try:
        rule = pack.get(rule_id)
    except KeyError:
        raise AuditorError(f"没有规则 {rule_id}{did_you_mean(rule_id, [r.id for r in pack.rules])}") from None
    click.echo(rule_markdown(rule, pack))
    click.echo(f"定义于 {rule.file}:{rule.line}")


@rules_group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--laws", "laws_dir", type=click.Path(path_type=Path),
              help="法规文本目录（每部法律一个 Markdown 文件）：核对每条依据的引文是否见于所引法律的条文。")
def validate_command(paths, laws_dir):
    """校验规则文件或规则目录（schema、字段、运算符、参数、模板、示例字段）。

    Exits 2 naming file, line, rule and key on the first error. With --laws, also checks every
    basis quote against the cited law and article (whitespace and full/half-width punctuation
    ignored); quotes from documents not in the directory must name their `source`.

    示例:

        auditor rules validate rules/disclosure.yaml rules/review.yaml
    """
    from auditor.rules.loader import default_pack_path, load_rule_pack

    targets = list(paths) or [default_pack_path()]
    total = 0
    for target in targets:
        if target.is_file():
            pack = load_rule_pack(default_pack_path(), extra_files=[target]) if not (
                target.parent / "params.yaml").exists() else load_rule_pack(target)
        else:
            pack = load_rule_pack(target)
        # Every condition must be judged alike by every registered engine (e.g. regexes durable_rules matches
        # the same way).
        from auditor.evaluate.registry import pack_problems

        errors = pack_problems(pack)
        if errors:
            raise errors[0]
        total += len(pack.rules)
        click.echo(f"✓ {target}: {len(pack.rules)} 条规则有效")
        if laws_dir is not None:
            _check_quotes(target, laws_dir)
    click.echo(f"校验通过（{total} 条规则）")


def _check_quotes(target: Path, laws_dir: Path) -> None:
    """Every basis quote against the statute texts; each mismatch printed with file:line, then exit 2."""
    from auditor.errors import RuleError
    from auditor.rules.loader import rule_files
    from auditor.rules.quotecheck import check_quotes

    report = check_quotes(rule_files(target), laws_dir)
    for err in report.errors:
        click.echo(f"✗ {err}", err=True)
    if report.errors:
        raise RuleError(f"{len(report.errors)} 条依据引文核对未通过（见上）", file=str(target), key="basis")
    click.echo(f"✓ 引文核对：{len(report.verified)} 条与法规原文一致；{len(report.unverifiable)} 条出自法规文本目录以外的"
               f"文件，已注明出处（source），无法核对")


@rules_group.command("test")
@rules_option
@click.option("--profile", type=click.Path(path_type=Path), help="区参数配置（YAML）。")
@click.option("--engine", "engines", multiple=True, type=EngineChoice(), help="评估引擎（可重复；默认参照引擎）。")
@click.option("--rule", "rule_ids", multiple=True, help="只测试这条规则（可重复）。")
def test_command(rules, profile, engines, rule_ids):
    """运行每条规则内嵌的示例：fire 示例必须触发，pass 示例不得触发，unknown 示例必须无法判定。

    示例:

        auditor rules test --engine vectorized --engine rete
    """
    from auditor.pipeline.examples import run_examples
    from auditor.rules.params import load_profile

    pack = _pack(rules)
    prof = load_profile(profile, pack.params, Path(pack.path))
    failed = 0
    total = 0
    from auditor.evaluate.registry import default_name

    for engine in engines or (default_name(),):
        outcomes = run_examples(pack, prof, engine=engine, rule_ids=tuple(rule_ids))
        for o in outcomes:
            total += 1
            if not o.ok:
                failed += 1
                want = {"fire": "应触发但未触发", "unknown": f"应为无法判定，实为{o.verdict or '合规或不适用'}"}.get(
                    o.kind, "不应触发但触发了" if o.fired else "应可判定，实为无法判定")
                click.echo(f"✗ [{engine}] {o.rule_id} {o.kind}#{o.index + 1} ({o.file}:{o.line}): "
                           f"{o.error or want}{' — ' + o.note if o.note else ''}")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else 0)


@rules_group.command("docs")
@rules_option
@click.option("--out", type=click.Path(path_type=Path), help="写入文件（默认输出到终端）。")
def docs_command(rules, out):
    """生成规则目录（Markdown），即 docs/rules.md。

    示例:

        auditor rules docs --out docs/rules.md
    """
    from auditor.atomic import atomic_write_text
    from auditor.rules.catalogue import render_catalogue

    text = render_catalogue(_pack(rules))
    if out:
        atomic_write_text(out, text)
        click.echo(f"已写入 {out}")
    else:
        click.echo(text, nl=False)


@rules_group.command("fields")
@click.option("--scope", default="case", type=click.Choice(["case", "recording"]))
def fields_command(scope):
    """列出规则可以引用的字段（导出字段和派生字段）。

    示例:

        auditor rules fields --scope recording
    """
    from auditor.model.fact_fields import case_fact_fields, recording_fact_fields

    fields = case_fact_fields() if scope == "case" else recording_fact_fields()
    for f in fields.values():
        choices = f"  [{'、'.join(f.choices)}]" if f.choices else ""
        click.echo(f"{f.name:<32} {f.kind:<9} {f.zh}{choices}")



