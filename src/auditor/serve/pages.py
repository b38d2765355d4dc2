"""The board's pages: district board, a squad's items, an item (view and edit), a case's explain view.

Every handler checks the object's squad against the user before reading or changing it.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auditor.history.transitions import allowed_targets
from auditor.serve import queries
from auditor.serve.accounts import SQUAD, SUPERVISOR, transition_role
from auditor.serve.context import Ctx, HttpError
from auditor.serve.coverage_view import latest_line
from auditor.serve.edits import EditRefused, apply_edit
from auditor.serve.explain_view import explain_for_board
from auditor.serve.rulebook import rule_info


def board(ctx: Ctx) -> Response:
    day = queries.board_day(ctx.conn)
    rows = queries.squad_rows(ctx.conn, ctx.user, day)
    trend = queries.run_trend(ctx.conn, ctx.user)
    score_run, score_model, scores = queries.case_scores(ctx.conn, ctx.user)
    jobs = ctx.jobs.recent(ctx.conn) if ctx.user.role == SUPERVISOR else []
    return ctx.render("board.html.j2", day=day, rows=rows, trend=trend, squads=[r["squad"] for r in rows],
                      score_run=score_run, score_model=score_model, scores=scores, jobs=jobs, coverage=latest_line(ctx.conn, ctx.user))


def squad_page(ctx: Ctx) -> Response:
    squad = ctx.request.path_params["squad"]
    if not ctx.user.sees_squad(squad):
        raise HttpError(403, "您只能查看本中队的整改事项")
    try:
        page = max(1, int(ctx.query("page", "1")))
    except ValueError:
        page = 1
    flt = queries.ItemFilter(rule=ctx.query("rule"), theme=ctx.query("theme"), severity=ctx.query("severity"),
                             status=ctx.query("status"), overdue=ctx.query("overdue") == "1", page=page)
    day = queries.board_day(ctx.conn)
    total, items = queries.squad_items(ctx.conn, squad, flt, day)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    query = "&".join(f"{k}={quote(v)}" for k, v in (("rule", flt.rule), ("theme", flt.theme),
                                                     ("severity", flt.severity), ("status", flt.status),
                                                     ("overdue", "1" if flt.overdue else "")) if v)
    return ctx.render("squad.html.j2", squad=squad, flt=flt, day=day, total=total, items=items, page=page,
                      pages=pages, query=query, choices=queries.filter_choices(ctx.conn, squad))


def _visible_item(ctx: Ctx, fingerprint: str) -> dict:
    item = queries.item_detail(ctx.conn, fingerprint)
    if item is None:
        raise HttpError(404, "没有这个问题编号")
    if not ctx.user.sees_squad(item["squad"]):
        raise HttpError(403, "您只能查看本中队的整改事项")
    return item


def item_page(ctx: Ctx, *, error: str | None = None, status: int = 200, saved: bool = False) -> Response:
    fingerprint = ctx.request.path_params["fingerprint"]
    item = _visible_item(ctx, fingerprint)
    day = queries.board_day(ctx.conn)
    item["overdue_days"] = queries.overdue_days(item["status"], item["due"], day)
    return ctx.render("item.html.j2", status=status, item=item, rule=rule_info(ctx.config, item["rule_id"]),
                      events=queries.item_events(ctx.conn, fingerprint),
                      statuses=allowed_targets(item["status"], transition_role(ctx.user)),
                      error=error, saved=saved or ctx.query("saved") == "1", day=day)


def item_submit(ctx: Ctx) -> Response:
    fingerprint = ctx.request.path_params["fingerprint"]
    try:
        outcome = apply_edit(ctx.conn, ctx.user, fingerprint, version=ctx.field("version"),
                             status=ctx.field("status"), note=ctx.field("note"), evidence=ctx.field("evidence"))
    except EditRefused as exc:
        if exc.status in (403, 404):
            raise HttpError(exc.status, exc.message) from None
        return item_page(ctx, error=exc.message, status=exc.status)
    del outcome
    # Post/redirect/get: a reload does not submit the edit twice.
    return RedirectResponse(f"/items/{quote(fingerprint)}?saved=1", status_code=303)


def case_page(ctx: Ctx) -> Response:
    case_id = ctx.request.path_params["case_id"]
    squad = queries.squad_of_case(ctx.conn, case_id)
    if squad is not None and not ctx.user.sees_squad(squad):
        raise HttpError(403, "您只能查看本中队的案件")
    if squad is None and ctx.user.role == SQUAD:
        raise HttpError(403, "您只能查看本中队的案件")
    view = explain_for_board(ctx.conn, ctx.config, case_id)
    if view.explanation is not None and not ctx.user.sees_squad(view.explanation.case.get("squad")):
        raise HttpError(403, "您只能查看本中队的案件")
    return ctx.render("case.html.j2", case_id=case_id, squad=squad, view=view,
                      items=queries.case_items(ctx.conn, case_id))


def routes(guarded) -> list[Route]:
    return [
        Route("/", guarded(board), methods=["GET"]),
        Route("/squads/{squad}", guarded(squad_page), methods=["GET"]),
        Route("/items/{fingerprint}", guarded(item_page), methods=["GET"]),
        Route("/items/{fingerprint}", guarded(item_submit, roles=(SUPERVISOR, SQUAD)), methods=["POST"]),
        Route("/cases/{case_id}", guarded(case_page), methods=["GET"]),
    ]
