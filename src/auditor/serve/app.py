"""The Starlette application of `auditor serve`: routing, sessions, rights and CSRF on every request.

Every page goes through `guarded`: the session cookie is looked up in the store, the user's role is
checked against the page's roles, and every POST must carry the session's CSRF token. The handlers
(pages.py, runs_pages.py) then check squad rights on the object itself. Database work runs in the
thread pool so a slow write never blocks other requests.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from auditor.errors import AuditorError
from auditor.history.store import connect, transaction
from auditor.serve import filters, pages, runs_pages
from auditor.serve.accounts import ROLES, authenticate
from auditor.serve.context import Ctx, HttpError, ServeConfig
from auditor.serve.sessions import (
    COOKIE, LOGIN_CSRF_COOKIE, create_session, end_session, load_session, new_token,
    same_token,
)

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    # No inline script or style anywhere: a payload that slipped through escaping still could not run.
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                               " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    filters.install(env)
    return env


def guarded(handler: Callable[[Ctx], Response], roles: tuple[str, ...] = ROLES):
    """Wrap a sync handler: session, role and CSRF checks, then the handler in the thread pool."""

    async def endpoint(request: Request) -> Response:
        form = None
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=50, max_part_size=64 * 1024)
        return await run_in_threadpool(_dispatch, request, form, handler, roles)

    return endpoint


_THREAD = threading.local()


@contextlib.contextmanager
def store(config: ServeConfig):
    """This worker thread's connection to the store, opened once (opening checks the file's identity
    and values, which costs a table scan: too much for every request)."""
    conns = _THREAD.__dict__.setdefault("conns", {})
    key = str(config.db_path)
    conn = conns.get(key)
    if conn is None:
        conn = conns[key] = connect(config.db_path, create=False)
    elif conn.in_transaction:  # never expected: every transaction here ends in COMMIT or ROLLBACK
        conn.execute("ROLLBACK")
    try:
        yield conn
    except sqlite3.DatabaseError:
        conns.pop(key, None)
        conn.close()
        raise


def _dispatch(request: Request, form: FormData | None, handler, roles) -> Response:
    try:
        return _guarded_call(request, form, handler, roles)
    except (AuditorError, sqlite3.DatabaseError) as exc:
        # The store is locked past the busy timeout, the disk is full, the file was replaced: say so.
        return _error(request.app.state.env, 503, f"历史库暂时不可用，请稍后重试（{exc}）", None)


def _guarded_call(request: Request, form: FormData | None, handler, roles) -> Response:
    app = request.app.state
    with store(app.config) as conn:
        # Autocommit: the session lookup writes only to expire or touch it, each one statement.
        session = load_session(conn, request.cookies.get(COOKIE), app.config.policy)
        if session is None:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            return _error(app.env, 401, "登录已过期，请重新登录", None)
        ctx = Ctx(request, form, conn, session, app.config, app.env, app.jobs)
        if session.user.role not in roles:
            return _error(app.env, 403, "您的角色无权访问此页面", ctx)
        if request.method == "POST" and not same_token(session.csrf_token, ctx.field("csrf")):
            return _error(app.env, 403, "表单校验失败（CSRF 令牌缺失或不符），请刷新页面后重试", ctx)
        try:
            return handler(ctx)
        except HttpError as exc:
            return _error(app.env, exc.status, exc.message, ctx)


def _error(env: jinja2.Environment, status: int, message: str, ctx: Ctx | None) -> HTMLResponse:
    html = env.get_template("error.html.j2").render(
        user=ctx.user if ctx else None, csrf=ctx.session.csrf_token if ctx else "", path="", status=status,
        message=message)
    return HTMLResponse(html, status_code=status)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def login_page(request: Request) -> Response:
    token = new_token()
    html = request.app.state.env.get_template("login.html.j2").render(
        user=None, csrf=token, path="/login", next=_safe_next(request.query_params.get("next")), error=None)
    response = HTMLResponse(html)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        path="/login", max_age=3600)
    return response


async def login_submit(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    return await run_in_threadpool(_login_or_error, request, form)


def _login_or_error(request: Request, form: FormData) -> Response:
    try:
        return _login(request, form)
    except (AuditorError, sqlite3.DatabaseError) as exc:
        return _error(request.app.state.env, 503, f"历史库暂时不可用，请稍后重试（{exc}）", None)


def _login(request: Request, form: FormData) -> Response:
    app = request.app.state
    next_url = _safe_next(form.get("next"))
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf")):
        return _error(app.env, 403, "表单校验失败（CSRF 令牌缺失或不符），请刷新登录页后重试", None)
    name, password = str(form.get("name") or "").strip()[:64], str(form.get("password") or "")[:1024]
    with store(app.config) as conn:
        result = authenticate(conn, name, password)  # its own short transaction, after the hash check
        token = None
        if result.user:
            with transaction(conn):
                token = create_session(conn, result.user, app.config.policy)
    if token is None:
        html = app.env.get_template("login.html.j2").render(user=None, csrf=form.get("csrf"), path="/login",
                                                            next=next_url, error=result.error)
        return HTMLResponse(html, status_code=401)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/",
                        max_age=int(app.config.policy.lifetime.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _logout(ctx: Ctx) -> Response:
    with transaction(ctx.conn):
        end_session(ctx.conn, ctx.session.token_sha256)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _safe_next(value) -> str:
    """Only a path on this server: never another host (open redirect)."""
    value = value if isinstance(value, str) else ""
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return "/"
    return value


MAX_BODY = 256 * 1024  # the largest form is an item edit: two 2,000-character texts


class _Headers:
    """ASGI middleware adding the security headers to every response and refusing oversized bodies
    (the form parser would otherwise read any size into memory)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return await HTMLResponse("请求过大", status_code=413)(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY:  # a chunked body without a length: stop reading it
                return {"type": "http.disconnect"}
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                if scope["path"].startswith("/static/"):
                    extra = [(k, v) for k, v in extra if k != b"cache-control"]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


def _preload_rules(config: ServeConfig) -> None:
    from auditor.errors import AuditorError
    from auditor.serve.rulebook import rule_pack

    try:
        rule_pack(config)
    except AuditorError:
        pass  # the item page says the rule is unknown; `auditor serve --rules` names a bad pack at start


def create_app(config: ServeConfig) -> Starlette:
    from auditor.serve.jobs import JobRunner

    routes = [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", guarded(_logout), methods=["POST"]),
        *pages.routes(guarded),
        *runs_pages.routes(guarded),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.config = config
    app.state.env = _environment()
    app.state.jobs = JobRunner(config)
    app.state.jobs.mark_interrupted()
    # The rule pack (for the item pages' law and correction) loads in the background, not on a click.
    threading.Thread(target=_preload_rules, args=(config,), daemon=True).start()
    if config.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    app.add_middleware(_Headers)
    return app
