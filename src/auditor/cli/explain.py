"""`auditor explain`: one case's timeline, its computed deadlines and every rule's verdict."""

from __future__ import annotations

from pathlib import Path

import click

from auditor.api import AuditConfig, explain_case
from auditor.cli import main
from auditor.cli.options import all_known_option, as_of_option, engine_option, mapping_option, rule_pack_options
import pandas as pd

from auditor.model.fields import field_of
from auditor.report.common import evidence_items
from auditor.rules.conditions import UNIT_EN, UNIT_ZH
from auditor.rules.template import format_value
from auditor.textwidth import ljust

_STATUS_ZH = {"met": "按期", "late": "超期", "early": "过早", "overdue": "已超期（未办理）", "due_soon": "即将到期",
              "open": "未到期", "unknown": "日历缺失，无法计算", "na": "不适用"}
_VERDICT = {"fires": ("✗ 违规", "✗ fires"), "passes": ("✓ 合规", "✓ passes"), "not_applicable": ("· 不适用", "· n/a"),
            "unknown": ("? 无法判定", "? undetermined")}


@main.command("explain")
@click.argument("case_id")
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@as_of_option
@all_known_option
@rule_pack_options
@mapping_option()
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]))
@click.option("--all-rules", is_flag=True, help="也列出不适用的规则。")
@click.option("--show-personal-data", is_flag=True, help="显示完整的当事人姓名和证件号码。")
@engine_option
def explain_command(case_id, exports, as_of, all_known, rules, profile, calendars, mapping, lang, all_rules,
                    show_personal_data, engine):
    """解释一个案件：时间线、计算出的各项期限、每条规则的判定和证据。

    示例:

        auditor explain 3101062025020000002 fixtures/sample/xml --as-of 2026-11-25
    """
    config = AuditConfig(exports=tuple(exports), as_of=as_of, all_known=all_known, rules=rules, profile=profile,
                         mapping=mapping, calendars=tuple(calendars), show_personal_data=show_personal_data,
                         engine=engine)
    ex = explain_case(config, case_id)
    zh = lang == "zh"
    click.secho(f"案件 {case_id}（审计基准日 {as_of}，参数方案 {ex.profile}）" if zh else
                f"Case {case_id} (as of {as_of}, profile {ex.profile})", bold=True)
    for key in ("squad", "cause", "procedure", "party_type", "party_name", "status", "fine_amount", "decision_type"):
        if key in ex.case:
            label = field_of("cases", key).zh if zh else key
            click.echo(f"  {ljust(label, 16)} {format_value(ex.case[key], lang)}")
    click.secho("\n时间线" if zh else "\nTimeline", bold=True)
    for day, name, label in ex.timeline:
        click.echo(f"  {format_value(day, lang)}  {label if zh else name}")
    if len(ex.recordings):
        click.echo(("  全过程记录 " if zh else "  recordings ") + str(len(ex.recordings)) + (" 条" if zh else ""))
    click.secho("\n期限" if zh else "\nDeadlines", bold=True)
    fired = {v.rule_id for v in ex.verdicts if v.verdict == "fires"}
    undecided = {v.rule_id for v in ex.verdicts if v.verdict == "unknown"}
    for d in ex.deadlines.itertuples():
        label = d.label_zh if zh else d.label_en
        status = _STATUS_ZH.get(d.status, d.status) if zh else d.status
        if d.rule_id in undecided:  # the export does not give what the verdict needs: no claim either way
            status += "（数据缺失，无法判定）" if zh else " (data missing: undetermined)"
        elif d.status in ("late", "overdue", "early") and d.rule_id not in fired:
            status += "（本案未构成问题）" if zh else " (no finding: the rule's other conditions do not hold)"
        done = ("未记载" if zh else "not recorded") if d.rule_id in undecided else ("未办理" if zh else "not done")
        end = format_value(d.end, lang) if not pd.isna(d.end) else done
        if zh:
            click.echo(f"  {label}（{d.rule_id}）: {format_value(d.start, lang)} 起 {d.limit}{UNIT_ZH[d.unit]}，"
                       f"届满 {format_value(d.due, lang)}，实际 {end} — {status}")
        else:
            click.echo(f"  {label} ({d.rule_id}): from {format_value(d.start, lang)}, {d.limit} {UNIT_EN[d.unit]}, "
                       f"due {format_value(d.due, lang)}, actual {end} — {status}")
    click.secho("\n规则判定" if zh else "\nRule verdicts", bold=True)
    for v in ex.verdicts:
        if v.verdict == "not_applicable" and not all_rules:
            continue
        mark = _VERDICT[v.verdict][0 if zh else 1]
        click.echo(f"  {mark} {v.rule_id} [{v.severity}] {v.title[lang]}")
        if v.message:
            click.echo(f"      {v.message[lang]}")
            for label, text in evidence_items(v.finding, lang, show_personal_data, v.rule):
                click.echo(f"        {label}：{text}" if zh else f"        {label}: {text}")
    click.echo((f"\n{len(fired)} 条规则判定违规" + (f"，{len(undecided)} 条无法判定（数据缺失，待核实）" if undecided else ""))
               if zh else f"\n{len(fired)} rules fire" + (f", {len(undecided)} undetermined (data missing)"
                                                           if undecided else ""))

