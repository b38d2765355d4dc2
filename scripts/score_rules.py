"""Score the rule pack against the generator's ground truth: precision and recall per rule.

Generates a sample export with injected violations (`auditor.generate.export.generate_export`, which
writes `truth.csv` beside the export), audits it with `auditor.api.run_audit`, and compares the
(rule, case) pairs found with the pairs injected. A clean case must produce no finding at all, so
every finding on a case that did not receive that rule's violation is a false positive.

    python scripts/score_rules.py                      # 10,000 cases, seed 7, 80 % injected
    python scripts/score_rules.py --cases 2000 --rate 0.5 --keep /tmp/scored --as-of 2026-02-20

Exit code 0 when every rule with an injector scores 100 % / 100 % and every rule has an injector,
1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass
class RuleScore:
    rule_id: str
    injected: int = 0  # cases that received this rule's violation
    found: int = 0  # cases the rule fired on
    tp: int = 0
    false_positives: list = field(default_factory=list)  # case ids
    missed: list = field(default_factory=list)  # case ids

    @property
    def precision(self) -> float | None:
        return self.tp / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.injected if self.injected else None


@dataclass
class Scoring:
    cases: int
    seconds: dict
    scores: dict[str, RuleScore]  # every rule of the pack and every injector id
    rules: set[str]  # rule ids in the pack
    injectors: set[str]  # violation kinds in the generator's registry
    clean_findings: list = field(default_factory=list)  # (rule id, case id) on cases with nothing injected
    injected_cases: int = 0

    @property
    def rules_without_injector(self) -> list[str]:
        return sorted(self.rules - self.injectors)

    @property
    def injectors_without_rule(self) -> list[str]:
        return sorted(self.injectors - self.rules)

    @property
    def imperfect(self) -> list[RuleScore]:
        """Rules with an injector whose precision or recall is below 100 % (or never injected)."""
        out = []
        for rid in sorted(self.rules & self.injectors):
            s = self.scores[rid]
            if s.injected == 0 or s.false_positives or s.missed:
                out.append(s)
        return out

    @property
    def stray(self) -> list[RuleScore]:
        """Rules without an injector that fired anyway (every such finding is a false positive)."""
        return [self.scores[r] for r in self.rules_without_injector if self.scores[r].found]


def read_truth(path: Path) -> dict[str, set[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["case_id"]: {v for v in row["violations"].split(";") if v} for row in csv.DictReader(fh)}


def score(out_dir: Path, cases: int, seed: int, rate: float, rules: Path | None = None, as_of=None) -> Scoring:
    from auditor.api import AuditConfig, run_audit
    from auditor.generate.export import DEFAULT_AS_OF, generate_export
    from auditor.generate.violations import REGISTRY
    from auditor.rules.loader import load_rule_pack

    as_of = as_of or DEFAULT_AS_OF
    t0 = time.perf_counter()
    generate_export(out_dir, cases, seed, violation_rate=rate, as_of=as_of, forms=("csv",))
    t1 = time.perf_counter()
    result = run_audit(AuditConfig(exports=(str(out_dir / "csv"),), as_of=as_of, rules=rules))
    t2 = time.perf_counter()
    pack_rules = {r.id for r in load_rule_pack(rules).rules}
    truth = read_truth(out_dir / "truth.csv")
    injected: dict[str, set[str]] = defaultdict(set)
    for case_id, kinds in truth.items():
        for kind in kinds:
            injected[kind].add(case_id)
    found: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        found[f.rule_id].add(f.case_id)
    scores = {}
    for rid in sorted(pack_rules | set(REGISTRY) | set(found)):
        inj, hit = injected.get(rid, set()), found.get(rid, set())
        scores[rid] = RuleScore(rid, injected=len(inj), found=len(hit), tp=len(inj & hit),
                                false_positives=sorted(hit - inj), missed=sorted(inj - hit))
    clean = {c for c, kinds in truth.items() if not kinds}
    clean_findings = sorted({(f.rule_id, f.case_id) for f in result.findings if f.case_id in clean})
    return Scoring(cases=len(truth), seconds={"generate": t1 - t0, "audit": t2 - t1}, scores=scores,
                   rules=pack_rules, injectors=set(REGISTRY), clean_findings=clean_findings,
                   injected_cases=len(truth) - len(clean))


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:6.1f}"


def report(s: Scoring) -> str:
    lines = [f"cases: {s.cases} ({s.injected_cases} with an injected violation); generate "
             f"{s.seconds['generate']:.1f} s, audit {s.seconds['audit']:.1f} s",
             f"{'rule':34} {'injected':>8} {'found':>6} {'tp':>6} {'prec %':>7} {'recall %':>8}  note"]
    for rid, sc in s.scores.items():
        note = ("no injector" if rid not in s.injectors else
                "injector without rule" if rid not in s.rules else "")
        if sc.false_positives:
            note += f" FP e.g. {', '.join(sc.false_positives[:3])}"
        if sc.missed:
            note += f" missed e.g. {', '.join(sc.missed[:3])}"
        lines.append(f"{rid:34} {sc.injected:8d} {sc.found:6d} {sc.tp:6d} {_pct(sc.precision):>7} "
                     f"{_pct(sc.recall):>8}  {note.strip()}")
    lines.append(f"findings on clean cases: {len(s.clean_findings)}"
                 + (f" e.g. {s.clean_findings[:3]}" if s.clean_findings else ""))
    lines.append(f"rules without an injector: {', '.join(s.rules_without_injector) or 'none'}")
    lines.append(f"injectors without a rule: {', '.join(s.injectors_without_rule) or 'none'}")
    bad = s.imperfect
    lines.append("all rules with an injector at 100 % / 100 %" if not bad else
                 f"below 100 % / 100 % (or never injected): {', '.join(x.rule_id for x in bad)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rate", type=float, default=0.8,
                    help="share of cases with an injected violation (high, so rare kinds are drawn too)")
    ap.add_argument("--rules", type=Path, default=None, help="rule pack directory (default: the bundled pack)")
    ap.add_argument("--keep", type=Path, default=None, help="write the export here instead of a temp dir")
    ap.add_argument("--as-of", type=date.fromisoformat, default=None, help="as-of date (default 2026-11-25)")
    args = ap.parse_args(argv)
    if args.keep:
        s = score(args.keep, args.cases, args.seed, args.rate, args.rules, args.as_of)
    else:
        with tempfile.TemporaryDirectory(prefix="score-rules-") as tmp:
            s = score(Path(tmp), args.cases, args.seed, args.rate, args.rules, args.as_of)
    print(report(s))
    return 0 if not s.imperfect and not s.rules_without_injector and not s.injectors_without_rule else 1


if __name__ == "__main__":
    sys.exit(main())
