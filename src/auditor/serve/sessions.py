"""Browser sessions and CSRF tokens.

The cookie carries a random token; the store keeps only its SHA-256, so a copy of the store does not
hand out live sessions. Each session has its own CSRF token (synchronizer pattern), checked on every
POST. Sessions expire after an absolute lifetime and after a period without requests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from auditor.serve.accounts import User, now_utc, parse_stamp, stamp, user_by_id

COOKIE = "auditor_session"
LOGIN_CSRF_COOKIE = "auditor_login_csrf"


@dataclass(frozen=True)
class SessionPolicy:
    lifetime: timedelta = timedelta(hours=8)  # a working day
    idle: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    token_sha256: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def create_session(conn: sqlite3.Connection, user: User, policy: SessionPolicy) -> str:
    """Store a new session for `user`; returns the cookie token."""
    token = new_token()
    now = now_utc()
    conn.execute(
        "INSERT INTO sessions (token_sha256, user_id, csrf_token, created_at, expires_at, last_seen)"
        " VALUES (?,?,?,?,?,?)",
        (_digest(token), user.user_id, new_token(), stamp(now), stamp(now + policy.lifetime), stamp(now)))
    # Expired sessions of anyone are swept here, so the table does not grow without bound.
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (stamp(now),))
    return token


def load_session(conn: sqlite3.Connection, token: str | None, policy: SessionPolicy,
                 *, now: datetime | None = None) -> Session | None:
    """The live session of a cookie token, touching its idle clock; None when absent or expired."""
    if not token or len(token) > 200:
        return None
    now = now or now_utc()
    digest = _digest(token)
    row = conn.execute("SELECT user_id, csrf_token, expires_at, last_seen FROM sessions WHERE token_sha256 = ?",
                       (digest,)).fetchone()
    if row is None:
        return None
    user_id, csrf, expires_at, last_seen = row
    if parse_stamp(expires_at) <= now or parse_stamp(last_seen) + policy.idle <= now:
        conn.execute("DELETE FROM sessions WHERE token_sha256 = ?", (digest,))
        return None
    user = user_by_id(conn, user_id)
    if user is None:  # disabled since
        return None
    if (now - parse_stamp(last_seen)).total_seconds() >= 30:  # spare the store a write per request
        conn.execute("UPDATE sessions SET last_seen = ? WHERE token_sha256 = ?", (stamp(now), digest))
    return Session(user, csrf, digest)


def end_session(conn: sqlite3.Connection, token_sha256: str) -> None:
    conn.execute("DELETE FROM sessions WHERE token_sha256 = ?", (token_sha256,))


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing token on either side never matches."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
