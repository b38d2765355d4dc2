"""What a page handler of the board gets and raises: the server's configuration, the request context
(`Ctx`) and `HttpError`. A leaf of `auditor.serve`: the page modules import it, `app.py` imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse

from auditor.serve.accounts import User
from auditor.serve.sessions import Session, SessionPolicy


@dataclass
class ServeConfig:
    db_path: Path
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    exports_root: Path | None = None  # folder whose subfolders supervisors may audit from the board
    rules: Path | None = None
    profile: Path | None = None
    # Host headers accepted (None = any). On loopback this refuses DNS-rebinding pages that reach the
    # server under another name.
    allowed_hosts: tuple[str, ...] | None = None


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Ctx:
    """What a handler gets: the request, its form, an open store connection and the signed-in user."""

    request: Request
    form: FormData | None
    conn: Any
    session: Session
    config: ServeConfig
    env: jinja2.Environment
    jobs: Any

    @property
    def user(self) -> User:
        return self.session.user

    def render(self, template: str, status: int = 200, **values) -> HTMLResponse:
        html = self.env.get_template(template).render(user=self.user, csrf=self.session.csrf_token,
                                                      path=self.request.url.path, **values)
        return HTMLResponse(html, status_code=status)

    def query(self, name: str, default: str = "") -> str:
        return (self.request.query_params.get(name) or default).strip()[:200]

    def field(self, name: str) -> str | None:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else None
