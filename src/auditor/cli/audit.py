"""`auditor audit`: audit exports, write the reports, exit with the verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.api import AuditConfig
from auditor.cli import main
from auditor.cli.options import (all_known_option, mapping_option, as_of_option, engine_option, limit_options, make_limits,
                                 parse_formats, rule_pack_options)
from auditor.job import ALL_FORMATS, AuditJob, run_job


@main.command("audit")
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@as_of_option
@all_known_option
@rule_pack_options
@mapping_option()
@click.option("--squad", "squads", multiple=True, help="只审计这个中队（可重复）。")
@click.option("--case", "case_ids", multiple=True,
              help="只审计这件案件（案件编号，可重复）。部分审计：只有用 --history 指定历史库时才记入，且不会销项其他案件的问题。")
@click.option("--cause", "causes", multiple=True,
              help="只审计这一类案件：案由（如 无证设摊）或案由编码（如 CG-SR-005），可重复。部分审计，记入方式同 --case。")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True,
              help="报告输出目录。")
@click.option("--format", "formats", default=",".join(ALL_FORMATS), show_default=True,
              help="报告格式，逗号分隔: xlsx,html,json,csv,sarif,junit。")
@click.option("--fail-on", default="严重", show_default=True, type=click.Choice(["严重", "一般", "提示"]),
              help="存在此严重程度及以上的问题时退出码为 1。")
@click.option("--lang", default="zh", show_default=True, type=click.Choice(["zh", "en"]), help="报告语言。")
@engine_option
@click.option("--check-parity", is_flag=True, help="用参照引擎和其他引擎评估同一批数据，结果不一致时报错（退出码 2）。")
@click.option("--show-personal-data", is_flag=True, help="报告中显示完整的当事人姓名和证件号码。")
@click.option("--strict", is_flag=True, help="有被拒绝的数据行时退出码为 3。")
@click.option("--accept-partial", is_flag=True,
              help="导出文件未能读完（如中途出现无法解码的字节）时仍审计已读取的部分，报告中注明；默认拒绝（退出码 3）。")
@click.option("--history", type=click.Path(path_type=Path),
              help="历史库（SQLite），记录本次审计并跟踪整改；默认为输出目录上一级的 auditor-history.sqlite。")
@click.option("--no-history", is_flag=True, help="不记录到历史库。")
@click.option("--force", is_flag=True,
              help="输出目录中有不是 auditor 报告的文件时仍整体替换该目录（默认拒绝）。")
@click.option("--baseline", help="基线：历史库中的运行编号、latest，或上次的 findings.json。")
@click.option("--new-only", is_flag=True, help="只以基线之后新出现的问题判定退出码。")
@click.option("--exceptions", type=click.Path(path_type=Path), help="豁免登记表（YAML）。")
@click.option("--rule", "rule_ids", multiple=True, help="只运行这条规则（可重复）。")
@click.option("--undetermined-as-findings", is_flag=True,
              help="把“无法判定（数据缺失，待核实）”的项目也作为问题计入评分、退出码和整改清单（默认单独列出，不计入）。")
@limit_options
def audit_command(exports, as_of, all_known, rules, profile, calendars, mapping, squads, case_ids, causes, out_dir, formats,
                  fail_on, lang, engine,
                  check_parity, show_personal_data, strict, accept_partial, history, no_history, force, baseline, new_only,
                  exceptions, rule_ids, undetermined_as_findings, max_file_mb, max_field_chars, max_rows):
    """审计案件导出文件，按中队输出问题清单和整改清单。

    Audit case exports and write per-squad findings and the corrections list. Exit codes: 0 no finding
    at or above --fail-on, 1 such findings, 2 usage/configuration/rule error, 3 unreadable input (with
    --strict: rejected rows too).

    示例:

        auditor audit fixtures/sample/xml --as-of 2026-11-25 --out reports/ --format xlsx,html,json

        auditor audit fixtures/sample/xml --as-of 2026-11-25 --cause 无证设摊 --out 检查前/ --no-history
    """
    config = AuditConfig(exports=tuple(exports), as_of=as_of, all_known=all_known, rules=rules, profile=profile,
                         mapping=mapping, calendars=tuple(calendars), squads=tuple(squads), engine=engine,
                         cases=tuple(case_ids), causes=tuple(causes),
                         show_personal_data=show_personal_data, rule_ids=tuple(rule_ids),
                         undetermined_as_findings=undetermined_as_findings,
                         limits=make_limits(max_file_mb, max_field_chars, max_rows))
    history_explicit = history is not None
    if no_history:
        history = None
    elif history is None:
        from auditor.history.store import default_history_path

        history = default_history_path(out_dir)
    job = AuditJob(config=config, out_dir=out_dir, formats=parse_formats(formats), fail_on=fail_on, lang=lang,
                   strict=strict, history=history, baseline=baseline, new_only=new_only, exceptions=exceptions,
                   check_parity=check_parity, history_explicit=history_explicit, accept_partial=accept_partial,
                   force=force)
    outcome = run_job(job)
    click.echo(summary_text(outcome, lang), err=False)
    sys.exit(outcome.exit_code)


def summary_text(outcome, lang: str) -> str:
    from auditor.findings import SEVERITY_EN
    from auditor.model.fields import TABLE_ZH

    result = outcome.result
    zh = lang == "zh"
    lines = []
    load = result.load
    if load is not None:  # a partial read heads the summary: it must not pass for a smaller export
        lines.extend(f"!! {'文件未读完' if zh else 'FILE NOT READ TO ITS END'}: {f.path}: {f.unread.describe(lang)}"
                     for f in load.incomplete)
    if load is not None:
        for table, c in load.counts.items():
            if c.rows_in:
                lines.append((f"{TABLE_ZH.get(table, table)}: 读入 {c.rows_in} 行 = 审计 {c.loaded} + 拒收 {c.rejected}"
                              if zh else f"{table}: {c.rows_in} rows in = {c.loaded} audited + {c.rejected} rejected"))
    by_sev: dict[str, int] = {}
    for f in result.findings:
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
    if zh:
        sev = "，".join(f"{k} {by_sev.get(k, 0)}" for k in ("严重", "一般", "提示"))
    else:
        sev = ", ".join(f"{SEVERITY_EN[k]} {by_sev.get(k, 0)}" for k in ("严重", "一般", "提示"))
    cases = len(result.cases) if result.cases is not None else 0
    lines.append(f"案件 {cases} 件，问题 {len(result.findings)} 个（{sev}），预警 {len(result.warnings)} 个"
                 if zh else f"{cases} cases, {len(result.findings)} findings ({sev}), {len(result.warnings)} warnings")
    from auditor.coverage import coverage_line

    if result.coverage is not None:
        lines.append(coverage_line(result.coverage, len(result.undetermined), lang))
    profile = result.metadata.get("profile", {})
    lines.append(("参数方案: " if zh else "Parameter profile: ") + str(profile.get("name")))
    for notice in result.notices:
        if notice.code == "partial_read":
            continue  # already the first lines
        lines.append(("注意: " if zh else "Notice: ") + notice.message[lang])
    lines.extend(outcome.notes)
    if outcome.exception_report is not None:
        lines.extend(outcome.exception_report.lines())
    if outcome.parity is not None:
        lines.append(outcome.parity.format(lang))
    if outcome.run_summary is not None:
        s = outcome.run_summary
        where = ("（默认位置：--out 的上一级目录，各月报告共用；--history 可另指定）" if zh else
                 " (the default place: beside the --out folder, shared by the monthly runs; --history names another)"
                 ) if outcome.history_default else ""
        lines.append(f"历史库 {outcome.history}: 运行 #{s.run_id}，新增 {s.new}，持续 {s.persisting}，销项 {s.resolved}，"
                     f"复现 {s.reopened}，未整改 {s.open_items}（超期 {s.overdue}）" if zh else
                     f"History store {outcome.history}: run #{s.run_id}, new {s.new}, persisting {s.persisting}, "
                     f"resolved {s.resolved}, reopened {s.reopened}, open {s.open_items} (overdue {s.overdue})")
        if where:
            lines.append(where.strip())
    folders: dict = {}  # the HTML report's pages: one line per folder, not one per page
    lists: dict = {}  # the squads' corrections lists (整改清单/): one line for the folder
    for path in outcome.written:
        if path.parent.name.endswith("_pages") and path.parent.with_name(path.parent.name[:-6] + ".html") \
                in outcome.written:
            folders[path.parent] = folders.get(path.parent, 0) + 1
            continue
        if path.parent.name == "整改清单" and path.suffix == ".xlsx":
            lists[path.parent] = lists.get(path.parent, 0) + 1
            continue
        lines.append(("已写入 " if zh else "Wrote ") + str(path))
    for folder, n in folders.items():
        lines.append((f"已写入 {folder}/（{n} 个页面）" if zh else f"Wrote {folder}/ ({n} pages)"))
    for folder, n in lists.items():
        lines.append((f"已写入 {folder}/（{n} 个中队的整改清单）" if zh else f"Wrote {folder}/ ({n} squad lists)"))
    lines.append((f"判定: {len(outcome.gating)} 个问题达到退出阈值" if zh else
                  f"Verdict: {len(outcome.gating)} findings at or above the fail-on level"))
    return "\n".join(lines)
