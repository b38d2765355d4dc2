"""English help for every command and option (the Chinese text lives with the command itself).

Keys are the command path ("history items") and, for options, the path plus the option's first
flag ("history items --squad"); an option key without a path ("--as-of") serves every command
that has no entry of its own. A test walks the command tree and requires an entry for each.
"""

from __future__ import annotations

import click

COMMANDS = {
    "": "auditor: compliance audit of 城管执法 case-file exports.\n\nExample:\n\n"
        "    auditor audit fixtures/sample/xml --as-of 2026-11-25 --out reports",
    "audit": "Audit case-file exports and write findings and corrections lists per squad.",
    "explain": "Explain one case: timeline, computed deadlines, every rule's verdict and its evidence.",
    "inspect": "Read exports (XML / CSV, or folders holding them) and list rows in, loaded and rejected per "
               "table, cases per squad, every rejected row with file:line, field and reason, and warnings.",
    "generate": "Generate a realistic sample district export (XML and CSV), disclosure records and truth.csv "
                "listing each case's injected violations.",
    "rules": "The rule pack: list, show, validate, run the examples, write the catalogue.",
    "rules list": "List every rule (id, theme, severity, title).",
    "rules show": "Show one rule: basis, condition, parameters, correction and examples.",
    "rules validate": "Validate rule files or a pack folder (schema, fields, operators, parameters, templates, "
                      "example fields).",
    "rules test": "Run every rule's embedded examples: fire examples must fire, pass examples must not.",
    "rules docs": "Write the rule catalogue (Markdown), i.e. docs/rules.md.",
    "rules fields": "List the fields rules may refer to (export fields and derived facts).",
    "history": "Audit history: recorded runs, changes between two runs, closure rate and overdue corrections "
               "per squad, monthly trend.",
    "history list": "List recorded audits (by as-of date and run number) with new / persisting / resolved / "
                    "reopened / determined (undecidable before, shown now; not counted as new) / undecidable "
                    "counts.",
    "history compare": "Compare two audits: new, resolved and persisting findings per squad (squads audited in "
                       "both runs only). A finding one of the runs could not decide (无法判定: its export lacked "
                       "the data) is neither new nor resolved: it is counted apart.",
    "history squads": "Corrections per squad: total, open, in progress, resolved, exempted, overdue, closure "
                      "rate (overall / this month) and month-on-month change.",
    "history trend": "Monthly trend per squad: findings at month end, new, resolved, overdue and closure rate.",
    "history items": "The corrections board: each item's id, squad, case, rule, status, due date and days overdue.",
    "history item": "One item's status history: when, by whom (audit run / workbook import / exception "
                    "register), from which status to which, and why.",
    "corrections": "Corrections lists: import the statuses and notes squads return.",
    "corrections import": "Import a returned corrections workbook: update status and notes by item id.",
    "monthly": "Write the monthly feedback form (annex 3): one for the district, one per squad.",
    "serve": "Open the corrections board (挂图作战) in the browser: the supervision section sees the district, "
             "each squad sees and updates only its own items.",
    "users": "Manage board users (supervisor / squad / leader). Passwords are stored only as argon2id hashes.",
    "users add": "Create a user.",
    "users list": "List users, roles, squads and lock-out state.",
    "users passwd": "Reset a password (also lifts a lock-out and ends the user's sessions).",
    "users disable": "Disable a user (or re-enable with --enable); disabling ends their sessions at once.",
    "sample-review": "Double-random cross-check of full-process recordings: draw N decided, executing or closed "
                     "cases with audio-video records and assign reviewers from other squads.",
}

OPTIONS = {
    "--version": "Show the version of auditor and of its rule pack, and exit.",
    "--help": "Show this message and exit.",
    "--as-of": "Audit date (deadlines of open cases are counted to it); default today.",
    "--rules": "Rule pack folder (default: the built-in pack).",
    "--profile": "District parameter profile (YAML) overriding the pack's parameter defaults.",
    "--calendar": "Extra working-day calendar file (YAML, repeatable) for years chinese-calendar does not cover.",
    "--mapping": "Mapping profile (YAML) for exports with other column names, values or date formats.",
    "--lang": "Language of the output (zh or en).",
    "(main) --lang": "Language of the command line and its help (default Chinese; also AUDITOR_LANG or LANG).",
    "--squad": "Only this squad (repeatable).",
    "--out": "Output folder.",
    "--history": "History store (SQLite).",
    "--strict": "Exit 3 when any row was rejected.",
    "--show-personal-data": "Show full party names and ID numbers.",
    "--max-file-mb": "Largest export file read (MB); a larger file is refused.",
    "--max-field-chars": "Longest field accepted; a row with a longer one is rejected.",
    "--max-rows": "Most rows read per table; more are refused (protects memory against broken files).",
    "--seed": "Random seed (recorded, so the draw can be repeated).",
    "--rule": "Only this rule (repeatable).",
    "--engine": "Rule evaluation engine.",
    "(main) --progress": "Show / hide progress (default: only on a terminal and not in CI).",
    "--all-known": "Audit with everything the export knows, including events and cases after the as-of date "
                   "(default: each case as it stood on the as-of date).",
    "--accept-partial": "When an export could not be read to its end (e.g. an undecodable byte), still audit "
                        "what was read and say so in every report; by default exit 3.",
    "inspect --accept-partial": "Exit normally even when an export could not be read to its end; by default exit 3.",
    "generate --view-as-of": "Export the same district as it looked on an earlier day (YYYY-MM-DD, not after "
                             "--as-of): one seed exported month by month gives a growing export.",
    "rules validate --laws": "Folder of statute texts (one Markdown file per law): check that every basis quote "
                             "appears in the cited law and article.",
    "serve --host": "Address to listen on. Default: this machine only; for the office network give the "
                    "machine's intranet address (e.g. 10.1.2.3) or 0.0.0.0.",
    "serve --port": "Port to listen on.",
    "serve --exports": "Export root: supervisors may start audits of its sub-folders from the board.",
    "serve --history": "History store (written by auditor audit --history).",
    "serve --certfile": "HTTPS certificate (PEM); use with --keyfile.",
    "serve --keyfile": "HTTPS private key (PEM).",
    "users add --role": "监督: whole district, may edit; 中队: sees and edits its own squad only; 领导: whole "
                        "district, read-only.",
    "users add --squad": "The squad of a 中队 user (as squads are named in the audit results).",
    "users add --password-stdin": "Read the password from standard input (one line), for scripts.",
    "users passwd --password-stdin": "Read the new password from standard input (one line).",
    "users disable --enable": "Re-enable instead.",
    "audit --force": "Replace the output folder as a whole even when it holds files that are not auditor "
                     "reports (refused by default).",
    "monthly --allow-no-audit": "When the month has no recorded audit, report the state of the latest audit "
                                "(refused by default).",
    "history squads --out": "Also write the table to a file: .xlsx or .csv (by its extension).",
    "history trend --out": "Also write the table to a file: .xlsx or .csv (by its extension).",
    "history items --out": "Also write the table to a file: .xlsx or .csv (by its extension).",
    "audit --undetermined-as-findings": "Also count the verdicts the export cannot decide (无法判定) as findings: "
                                        "in the score, severity counts, --fail-on, SARIF/JUnit and the lists.",
    "audit --format": "Report formats, comma-separated: xlsx,html,json,csv,sarif,junit.",
    "audit --fail-on": "Exit 1 when there is a finding of this severity or higher.",
    "audit --check-parity": "Evaluate with both engines and fail (exit 2) if they disagree.",
    "audit --no-history": "Do not record this run in the history store.",
    "audit --history": "History store (SQLite) that records this run and tracks corrections.",
    "audit --baseline": "Baseline: a run number in the history store, 'latest', or an earlier findings.json.",
    "audit --new-only": "Judge the exit code on findings new since the baseline only.",
    "audit --exceptions": "Exception register (YAML).",
    "monthly --sources": "Register of problems referred by a complaint, 信访 or a superior (CSV: 案件编号,规则编号,"
                         "问题线索来源,依据); every problem not listed is counted as found by the audit (主动排查发现).",
    "audit --case": "Only this case (case number; repeatable). A partial audit: recorded only in a store named "
                    "with --history, and it never closes items of other cases.",
    "audit --cause": "Only the cases of this case type: the 案由 (cause) as exported, or its 案由编码 (cause code) "
                     "(repeatable). A partial audit, recorded like --case.",
    "audit --out": "Report folder.",
    "explain --all-rules": "Also list the rules that do not apply.",
    "generate --cases": "Number of cases.",
    "generate --seed": "Random seed; the same arguments give byte-identical output.",
    "generate --violation-rate": "Use a flat rate instead: that share of cases gets one injected violation, "
                                 "the kind drawn uniformly (fixtures/sample uses 0.1); without it the built-in "
                                 "violation profile, calibrated to Shanghai's published figures (docs/generate.md).",
    "generate --violation-scale": "Multiplies every group share of the violation profile (2 = twice the "
                                  "violation rate); not with --violation-rate.",
    "generate --as-of": "Export date (YYYY-MM-DD); no event is generated after it.",
    "generate --form": "Export form: xml, csv or xml,csv.",
    "corrections import --date": "Date the import takes effect (default today).",
    "corrections import --by": "Who imports (recorded in the status history).",
    "corrections import --dry-run": "Check and report only; write nothing to the store.",
    "history items --squad": "Only one squad.",
    "history items --status": "Only one status.",
    "history items --overdue": "Only items past their due date.",
    "history items --as-of": "Count up to this date (default: the latest run's as-of date).",
    "history squads --as-of": "Count up to this date (default: the latest run's as-of date).",
    "history trend --squad": "Only one squad (default: all).",
    "inspect --profile": "Mapping profile (YAML) for exports with other column names, values or date formats.",
    "monthly --month": "Month, e.g. 2025-05.",
    "monthly --out": "Output workbook (.xlsx).",
    "monthly --authority": "Authority named in the form's header.",
    "rules docs --out": "Write to this file (default: the terminal).",
    "rules fields --scope": "Which fields: export fields, derived facts, or all.",
    "rules test --profile": "District parameter profile (YAML).",
    "rules test --engine": "Engine (repeatable; default vectorized).",
    "sample-review --export": "Case-file export file or folder (repeatable).",
    "sample-review --reviewers": "Reviewers: CSV (name,squad or 姓名,中队) or YAML.",
    "sample-review --n": "Number of cases to draw.",
    "sample-review --out": "Output checklist (.xlsx).",
    "sample-review --profile": "Mapping profile for the export (default: the built-in one).",
}


EXAMPLE_MARKERS = ("Example:", "示例:", "示例：")


def examples_of(help_text: str) -> str:
    """The example block of a help text (from its marker to the end), or ''."""
    for marker in EXAMPLE_MARKERS:
        at = help_text.find(marker)
        if at >= 0:
            return "\n\n" + help_text[at:]
    return ""


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """Every (path, command) below and including `command`, in a stable order."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], path + (name,))


def option_key(path: tuple[str, ...], param: click.Parameter) -> tuple[str, str]:
    flag = max(param.opts, key=len) if param.opts else param.name
    return " ".join((path or ("(main)",)) + (flag,)), flag


def english_for_option(path: tuple[str, ...], param: click.Parameter) -> str | None:
    specific, generic = option_key(path, param)
    return OPTIONS.get(specific) or OPTIONS.get(generic)


def apply_help_language(root: click.Command, lang: str) -> None:
    """Set every command's and option's help to `lang`; the Chinese original is kept aside."""
    for path, command in walk(root):
        if not hasattr(command, "_help_zh"):
            command._help_zh = (command.help, command.short_help)
        help_zh, short_zh = command._help_zh
        english = COMMANDS.get(" ".join(path)) if lang == "en" else None
        if english and help_zh and "\n\n" + EXAMPLE_MARKERS[0] not in english:
            english += examples_of(help_zh)
        command.help = english or help_zh
        command.short_help = None if english else short_zh
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            if not hasattr(param, "_help_zh"):
                param._help_zh = param.help
            text = english_for_option(path, param) if lang == "en" else None
            param.help = text or param._help_zh
