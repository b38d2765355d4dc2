"""Local accounts of the board: roles, password hashing (argon2id) and lock-out after failed logins.

Accounts live in the history store (`users`, migration serve_0001). Passwords are never stored, only
their argon2id hash (argon2-cffi, the PHC string with its own salt and cost parameters).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from auditor.errors import UsageError
from auditor.history import transitions

SUPERVISOR = "监督"  # 执法监督科: sees and changes every squad's items, starts audits
SQUAD = "中队"  # a squad: sees and changes only its own squad's items
LEADER = "领导"  # bureau leadership: sees everything, changes nothing
ROLES = (SUPERVISOR, SQUAD, LEADER)

MIN_PASSWORD = 10
MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked
LOCK_MINUTES = 15

_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified against when the name is unknown, so both answers take the same time.
_DUMMY_HASH = _HASHER.hash("auditor-dummy-password")


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: str
    squad: str | None

    @property
    def can_edit(self) -> bool:
        return self.role in (SUPERVISOR, SQUAD)

    def sees_squad(self, squad: str | None) -> bool:
        """Whether this user may read (and, if `can_edit`, change) the items of `squad`."""
        return self.role != SQUAD or (squad is not None and squad == self.squad)


def transition_role(user: User) -> str:
    """The user's role in `auditor.history.transitions` (leaders are its read-only role)."""
    return {SUPERVISOR: transitions.ROLE_SUPERVISOR, SQUAD: transitions.ROLE_SQUAD}.get(user.role,
                                                                                         transitions.ROLE_READ_ONLY)


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def add_user(conn: sqlite3.Connection, name: str, role: str, password: str, squad: str | None = None) -> User:
    """Create an account (refuses a duplicate name, an unknown role, a 中队 without squad, a short password)."""
    name = (name or "").strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise UsageError("用户名不能为空、不能含空白字符，且不超过 64 个字符")
    if role not in ROLES:
        raise UsageError(f"角色只能是 {' / '.join(ROLES)}，而不是 {role!r}")
    if role == SQUAD and not squad:
        raise UsageError("中队用户必须用 --squad 指定所属中队")
    if role != SQUAD and squad:
        raise UsageError(f"{role} 用户看全区，不属于某个中队：请去掉 --squad")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码至少 {MIN_PASSWORD} 个字符")
    if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise UsageError(f"用户 {name} 已存在")
    user_id = conn.execute(
        "INSERT INTO users (name, role, squad, password_hash, created_at) VALUES (?,?,?,?,?)",
        (name, role, squad if role == SQUAD else None, _HASHER.hash(password), stamp(now_utc()))).lastrowid
    return User(user_id, name, role, squad if role == SQUAD else None)


def set_password(conn: sqlite3.Connection, name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码至少 {MIN_PASSWORD} 个字符")
    cur = conn.execute("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE name = ?",
                       (_HASHER.hash(password), name))
    if cur.rowcount == 0:
        raise UsageError(f"用户 {name} 不存在")
    conn.execute("DELETE FROM sessions WHERE user_id = (SELECT user_id FROM users WHERE name = ?)", (name,))


def set_disabled(conn: sqlite3.Connection, name: str, disabled: bool) -> None:
    cur = conn.execute("UPDATE users SET disabled = ?, failed_logins = 0, locked_until = NULL WHERE name = ?",
                       (1 if disabled else 0, name))
    if cur.rowcount == 0:
        raise UsageError(f"用户 {name} 不存在")
    if disabled:
        conn.execute("DELETE FROM sessions WHERE user_id = (SELECT user_id FROM users WHERE name = ?)", (name,))


def list_users(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT name, role, squad, disabled, failed_logins, locked_until, created_at FROM users"
                        " ORDER BY role, squad, name").fetchall()
    keys = ("name", "role", "squad", "disabled", "failed_logins", "locked_until", "created_at")
    return [dict(zip(keys, r)) for r in rows]


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    row = conn.execute("SELECT user_id, name, role, squad FROM users WHERE user_id = ? AND disabled = 0",
                       (user_id,)).fetchone()
    return User(*row) if row else None


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None  # Chinese message for the login page


def authenticate(conn: sqlite3.Connection, name: str, password: str, *, now: datetime | None = None) -> LoginResult:
    """Check a name and password, counting failures. `conn` is in autocommit mode: the slow hash check
    runs outside any transaction (it must not hold the store's write lock), the bookkeeping after it in
    one short transaction.

    After MAX_FAILURES consecutive failures the account is locked for LOCK_MINUTES, and while locked
    even the right password is refused."""
    now = now or now_utc()
    row = conn.execute("SELECT user_id, name, role, squad, password_hash, disabled, locked_until"
                       " FROM users WHERE name = ?", (name,)).fetchone()
    wrong = LoginResult(None, "用户名或密码错误")
    if row is None:
        _verify(_DUMMY_HASH, password)
        return wrong
    user_id, name, role, squad, password_hash, disabled, locked_until = row
    if _locked(locked_until, now):
        return _locked_result(locked_until)
    if disabled:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None, "账户已停用，请联系管理员")
    good = _verify(password_hash, password)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: concurrent attempts may have counted failures meanwhile.
        failures, locked_until = conn.execute("SELECT failed_logins, locked_until FROM users WHERE user_id = ?",
                                              (user_id,)).fetchone()
        if _locked(locked_until, now):
            result = _locked_result(locked_until)
        elif not good:
            failures += 1
            lock = stamp(now + timedelta(minutes=LOCK_MINUTES)) if failures >= MAX_FAILURES else None
            conn.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE user_id = ?",
                         (0 if lock else failures, lock, user_id))
            result = LoginResult(None, f"连续 {MAX_FAILURES} 次密码错误，账户已锁定 {LOCK_MINUTES} 分钟") if lock else wrong
        else:
            conn.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE user_id = ?", (user_id,))
            result = LoginResult(User(user_id, name, role, squad), None)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if result.user is not None and _HASHER.check_needs_rehash(password_hash):
        conn.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", (_HASHER.hash(password), user_id))
    return result


def _locked(locked_until: str | None, now: datetime) -> bool:
    return bool(locked_until) and parse_stamp(locked_until) > now


def _locked_result(locked_until: str) -> LoginResult:
    return LoginResult(None, f"连续 {MAX_FAILURES} 次密码错误，账户已锁定至 {_local(locked_until)}（北京时间），"
                             "请稍后再试或联系管理员")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _local(text: str) -> str:
    """A stored UTC stamp as Beijing time for messages (the bureaus read local time)."""
    return (parse_stamp(text) + timedelta(hours=8)).strftime("%H:%M")
