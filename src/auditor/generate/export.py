"""`generate_export`: the sample district's export for N cases, case by case (constant memory).

Case i is planned from its own RNG `Random(f"{seed}:{i}")`, so the output is byte-identical for the
same arguments, and a case does not change when N does. Whether case i gets a violation, and which,
is drawn from a second RNG `Random(f"{seed}:{i}:v")`: by the calibrated violation profile (shares
per group of kinds, times `violation_scale`; `profile.py`), or, when `violation_rate` is given, with
that probability one kind drawn uniformly among the registry's kinds that apply to that case.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from auditor.enrich.calendar import WorkCalendar
from auditor.errors import UsageError
from auditor.generate.export_view import finalize
from auditor.generate.lifecycle import make_context, plan_case
from auditor.generate.profile import check_scale, inject_flat, inject_profile, load_profile
from auditor.generate.writers import ExportWriter
from auditor.progress import progress

DEFAULT_AS_OF = date(2026, 11, 25)
FORMS = ("xml", "csv")


@dataclass
class GenerateSummary:
    out_dir: Path
    cases: int = 0
    recordings: int = 0
    disclosures: int = 0
    statuses: Counter = field(default_factory=Counter)
    injected: Counter = field(default_factory=Counter)
    files: list[Path] = field(default_factory=list)


def generate_export(out_dir: str | Path, cases: int, seed: int, violation_rate: float | None = None,
                    as_of: date = DEFAULT_AS_OF, forms: tuple[str, ...] = FORMS,
                    view_as_of: date | None = None, violation_scale: float = 1.0) -> GenerateSummary:
    """Write the export forms and `truth.csv` (case_id, status, injected violation ids) to `out_dir`.

    `view_as_of` (not after `as_of`) writes the same district as its systems showed it on that earlier
    day: the cases are planned up to `as_of`, those discovered later are left out and later events are
    not yet there, so exports of one seed at several view dates grow month by month. truth.csv still
    lists the violations planned up to `as_of` (some may not be visible yet)."""
    if cases < 0:
        raise UsageError(f"案件数须为非负整数: {cases}")
    if violation_rate is not None and not 0 <= violation_rate <= 1:
        raise UsageError(f"违规注入比例须在 0 与 1 之间: {violation_rate}")
    groups = load_profile() if violation_rate is None else ()
    check_scale(violation_scale)
    bad = [f for f in forms if f not in FORMS]
    if bad or not forms:
        raise UsageError(f"导出形式须为 xml、csv 或两者: {','.join(bad) or '(空)'}")
    covered = WorkCalendar().covered_years
    if not (covered[0] + 2 <= as_of.year <= covered[-1]):
        raise UsageError(f"基准日 {as_of} 超出节假日数据覆盖范围（{covered[0] + 2}–{covered[-1]} 年）")
    ctx = make_context(seed, as_of)
    if view_as_of is not None and view_as_of > as_of:
        raise UsageError(f"导出视图日期 {view_as_of} 不能晚于基准日 {as_of}")
    view = dataclasses.replace(ctx, as_of=view_as_of) if view_as_of is not None else ctx
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建输出目录 {out}: {exc.strerror or exc}") from None
    summary = GenerateSummary(out)
    exported_at = datetime.combine(view.as_of, time(18, 0))
    with ExportWriter(out, tuple(f for f in FORMS if f in forms), exported_at) as writer, \
            open(out / "truth.csv", "w", encoding="utf-8", newline="") as truth_fh, \
            progress(cases, "生成案件") as bar:
        truth = csv.writer(truth_fh)
        truth.writerow(["case_id", "status", "violations"])
        for i in range(cases):
            rng = random.Random(f"{seed}:{i}")
            plan = plan_case(ctx, i, rng)
            vrng = random.Random(f"{seed}:{i}:v")
            if violation_rate is None:
                injected = inject_profile(plan, vrng, ctx, groups, violation_scale)
            else:
                injected = inject_flat(plan, vrng, ctx, violation_rate)
            if plan["discovery_date"] > view.as_of:
                continue  # not known to the systems yet on the view date
            case, recordings, disclosure = finalize(plan, view, rng)
            writer.write(case, recordings, disclosure)
            truth.writerow([case["case_id"], case["status"], ";".join(injected)])
            summary.cases += 1
            summary.recordings += len(recordings)
            summary.disclosures += disclosure is not None
            summary.statuses[case["status"]] += 1
            summary.injected.update(injected)
            bar.advance()
        summary.files = [*writer.paths, out / "truth.csv"]
    return summary
