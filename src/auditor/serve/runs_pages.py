"""Pages about runs: the list, one run's data coverage, the diff between two runs, the downloads, and
audits started from the board (supervisors only)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auditor.errors import AuditorError
from auditor.history.status import compare_runs
from auditor.serve import downloads, queries
from auditor.serve.accounts import SUPERVISOR
from auditor.serve.context import Ctx, HttpError
from auditor.serve.coverage_view import run_coverage
from auditor.serve.rulebook import rule_info

RUN_KEYS = ("run_id", "label", "as_of", "recorded_at", "rule_pack_version", "profile_name", "squad_filter_json",
            "n_findings", "n_new", "n_persisting", "n_resolved", "n_reopened")


def _runs(ctx: Ctx) -> list[dict]:
    rows = ctx.conn.execute(f"SELECT {', '.join(RUN_KEYS)} FROM runs ORDER BY as_of DESC, run_id DESC").fetchall()
    return [dict(zip(RUN_KEYS, r)) for r in rows]


def runs_page(ctx: Ctx) -> Response:
    return ctx.render("runs.html.j2", runs=_runs(ctx))


def run_page(ctx: Ctx) -> Response:
    run_id = ctx.request.path_params["run_id"]
    run = next((r for r in _runs(ctx) if r["run_id"] == run_id), None)
    if run is None:
        raise HttpError(404, f"没有第 {run_id} 次审计")
    squads = [{"squad": s, "cases": n} for s, n in ctx.conn.execute(
        "SELECT squad, cases FROM run_squads WHERE run_id = ? ORDER BY squad", (run_id,)) if ctx.user.sees_squad(s)]
    inputs = [] if ctx.user.role == "中队" else [
        dict(zip(("path", "sha256", "table", "rows"), r)) for r in ctx.conn.execute(
            "SELECT path, sha256, table_name, rows FROM run_inputs WHERE run_id = ? ORDER BY path", (run_id,))]
    counts = json.loads(ctx.conn.execute("SELECT counts_json FROM runs WHERE run_id = ?", (run_id,)).fetchone()[0])
    coverage = run_coverage(ctx.conn, run_id, ctx.user,
                            rule_titles=lambda rule_id: (rule_info(ctx.config, rule_id) or {}).get("title"))
    return ctx.render("run.html.j2", run=run, squads=squads, inputs=inputs, counts=counts, coverage=coverage)


def compare_page(ctx: Ctx) -> Response:
    runs = _runs(ctx)
    try:
        a = int(ctx.query("a") or (runs[1]["run_id"] if len(runs) > 1 else 0))
        b = int(ctx.query("b") or (runs[0]["run_id"] if runs else 0))
    except ValueError:
        raise HttpError(400, "审计编号应为数字") from None
    comparison, rows, lists = None, [], {}
    if a and b:
        try:
            comparison = compare_runs(ctx.config.db_path, a, b)
        except AuditorError as exc:
            raise HttpError(404, exc.message) from None
        rows = [r for r in comparison.by_squad.to_dict("records") if ctx.user.sees_squad(r["squad"])]
        visible = _visible_fingerprints(ctx, comparison.new + comparison.resolved)
        lists = {"new": [fp for fp in comparison.new if fp in visible][:500],
                 "resolved": [fp for fp in comparison.resolved if fp in visible][:500]}
    return ctx.render("compare.html.j2", runs=runs, a=a, b=b, rows=rows, lists=lists,
                      titles=_titles(ctx, lists.get("new", []) + lists.get("resolved", [])))


def _visible_fingerprints(ctx: Ctx, fingerprints: list[str]) -> set[str]:
    out = set()
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start:start + 500]
        rows = ctx.conn.execute(f"SELECT fingerprint, squad FROM items WHERE fingerprint IN ({','.join('?' * len(chunk))})",
                                chunk)
        out |= {fp for fp, squad in rows if ctx.user.sees_squad(squad)}
    return out


def _titles(ctx: Ctx, fingerprints: list[str]) -> dict[str, dict]:
    out = {}
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start:start + 500]
        for fp, squad, case_id, title in ctx.conn.execute(
                f"SELECT fingerprint, squad, case_id, title_zh FROM items WHERE fingerprint IN"
                f" ({','.join('?' * len(chunk))})", chunk):
            out[fp] = {"squad": squad, "case_id": case_id, "title": title}
    return out


def download(ctx: Ctx) -> Response:
    fmt = ctx.request.path_params["fmt"]
    squad = ctx.query("squad")
    if squad and not ctx.user.sees_squad(squad):
        raise HttpError(403, "您只能下载本中队的整改清单")
    squads = [squad] if squad else queries.visible_squads(ctx.conn, ctx.user)
    rows = downloads.item_rows(ctx.conn, squads, queries.board_day(ctx.conn))
    name = f"整改清单-{squad or ('全区' if ctx.user.role != '中队' else ctx.user.squad)}-{date.today():%Y%m%d}.{fmt}"
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    if fmt == "csv":
        return Response(downloads.to_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": disposition})
    if fmt == "xlsx":
        issued_to = squad or (ctx.user.squad if ctx.user.role == "中队" else "全区")
        token = downloads.issue(ctx.conn, rows, squad or ctx.user.squad, name)
        return Response(downloads.to_xlsx(rows, token, f"{issued_to}（{ctx.user.name} 下载）"),
                        headers={"content-disposition": disposition},
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    raise HttpError(404, "只能下载 csv 或 xlsx")


def audit_page(ctx: Ctx, *, error: str | None = None, status: int = 200) -> Response:
    return ctx.render("audit.html.j2", status=status, choices=ctx.jobs.export_choices(),
                      root=ctx.config.exports_root, jobs=ctx.jobs.recent(ctx.conn, 20), error=error,
                      busy=ctx.jobs.busy(), today=date.today().isoformat())


def audit_submit(ctx: Ctx) -> Response:
    try:
        as_of = date.fromisoformat(ctx.field("as_of") or "")
    except ValueError:
        return audit_page(ctx, error="审计基准日应为 YYYY-MM-DD 格式的日期", status=422)
    latest = queries.latest_as_of(ctx.conn)
    if latest and as_of < latest:
        return audit_page(ctx, error=f"历史库已有截止 {latest} 的审计，基准日不能早于它", status=422)
    try:
        job_id = ctx.jobs.start(ctx.conn, ctx.user.name, ctx.field("export") or "", as_of)
    except AuditorError as exc:
        return audit_page(ctx, error=exc.message, status=409)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def job_page(ctx: Ctx) -> Response:
    job = ctx.jobs.get(ctx.conn, ctx.request.path_params["job_id"])
    if job is None:
        raise HttpError(404, "没有这个审计任务")
    return ctx.render("job.html.j2", job=job)


def routes(guarded) -> list[Route]:
    supervisors = (SUPERVISOR,)
    return [
        Route("/runs", guarded(runs_page), methods=["GET"]),
        Route("/runs/{run_id:int}", guarded(run_page), methods=["GET"]),
        Route("/compare", guarded(compare_page), methods=["GET"]),
        Route("/download/items.{fmt}", guarded(download), methods=["GET"]),
        Route("/audit", guarded(audit_page, roles=supervisors), methods=["GET"]),
        Route("/audit", guarded(audit_submit, roles=supervisors), methods=["POST"]),
        Route("/jobs/{job_id:int}", guarded(job_page, roles=supervisors), methods=["GET"]),
    ]
