"""Correction-item statuses (整改状态) and the status changes each role may make.

One pure module, shared by the returned-workbook import (`auditor corrections import`) and the web
board (`auditor serve`), so that a squad can do exactly the same thing on paper and on screen.

    check_transition(old, new, role)   raises TransitionError (a Chinese reason) or returns None
    can_transition(old, new, role)     the same as a bool
    allowed_targets(old, role)         the statuses `role` may move an item in `old` to

Human roles: 中队 (a squad: only its own items; the caller checks the squad), 监督 (the supervision
section), 只读 (leaders: no change at all). System roles: 审计 (a recorded audit run opens, closes and
reopens items) and 豁免登记 (the approved-exception register exempts and un-exempts).
Setting the status an item already has is not a transition and is always allowed (a note may change).

销项 (closed) has two forms: 已销项 (the audit no longer finds it, or the squad reports it done) and 已豁免
(closed by an approved exemption, with its reason, approver and dates in the status history). Both count
as closed in the 销项率 (`CLOSED_STATUSES`), everywhere: reports, the monthly form, the board.
"""

from __future__ import annotations

OPEN_TODO = "待整改"
IN_PROGRESS = "整改中"
CLOSED = "已销项"
EXEMPT = "已豁免"
STATUSES = (OPEN_TODO, IN_PROGRESS, CLOSED, EXEMPT)
OPEN_STATUSES = (OPEN_TODO, IN_PROGRESS)
CLOSED_STATUSES = (CLOSED, EXEMPT)  # both are 销项: counted as closed in the 销项率

ROLE_SQUAD = "中队"
ROLE_SUPERVISOR = "监督"
ROLE_READ_ONLY = "只读"
ROLE_AUDIT = "审计"
ROLE_EXCEPTION = "豁免登记"
HUMAN_ROLES = (ROLE_SQUAD, ROLE_SUPERVISOR, ROLE_READ_ONLY)
ROLES = (*HUMAN_ROLES, ROLE_AUDIT, ROLE_EXCEPTION)

# Statuses a person may set (a workbook row, a board form). 已豁免 only comes from the register.
SETTABLE = (OPEN_TODO, IN_PROGRESS, CLOSED)

# (old, new) -> roles allowed. A squad may report 已销项 itself: the next audit checks the claim and
# puts the item back to 待整改 if the problem is still found.
_PEOPLE = (ROLE_SQUAD, ROLE_SUPERVISOR)
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (OPEN_TODO, IN_PROGRESS): _PEOPLE,
    (OPEN_TODO, CLOSED): (*_PEOPLE, ROLE_AUDIT),
    (IN_PROGRESS, OPEN_TODO): _PEOPLE,
    (IN_PROGRESS, CLOSED): (*_PEOPLE, ROLE_AUDIT),
    (CLOSED, OPEN_TODO): (ROLE_AUDIT,),  # the audit finds it again (reopened, or a premature 已销项)
    (OPEN_TODO, EXEMPT): (ROLE_EXCEPTION,),
    (IN_PROGRESS, EXEMPT): (ROLE_EXCEPTION,),
    (CLOSED, EXEMPT): (ROLE_EXCEPTION,),
    (EXEMPT, OPEN_TODO): (ROLE_EXCEPTION, ROLE_AUDIT),  # the exemption expired or was withdrawn
}


class TransitionError(ValueError):
    """A refused status change. `code` is stable (for programs), `reason` is Chinese (for people)."""

    def __init__(self, code: str, reason: str, *, old: str | None, new: str | None, role: str | None):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.old = old
        self.new = new
        self.role = role


def check_transition(old: str, new: str, role: str = ROLE_SQUAD) -> None:
    """Raise TransitionError unless `role` may move an item from `old` to `new`."""
    if role not in ROLES:
        raise TransitionError("unknown_role", f"未知角色 {role!r}（应为 {' / '.join(ROLES)}）",
                              old=old, new=new, role=role)
    if new not in STATUSES:
        choices = SETTABLE if role in HUMAN_ROLES else STATUSES
        raise TransitionError("invalid_status", f"无效的整改状态 {new!r}（应为 {' / '.join(choices)}）",
                              old=old, new=new, role=role)
    if old not in STATUSES:
        raise TransitionError("invalid_status", f"历史库中的整改状态 {old!r} 无效", old=old, new=new, role=role)
    if old == new:
        return
    if role == ROLE_READ_ONLY:
        raise TransitionError("read_only", "只读用户不能变更整改状态", old=old, new=new, role=role)
    if role in TRANSITIONS.get((old, new), ()):
        return
    raise TransitionError(*_refusal(old, new, role), old=old, new=new, role=role)


def _refusal(old: str, new: str, role: str) -> tuple[str, str]:
    if new == EXEMPT:
        return "exempt_by_register", "已豁免 只能由豁免登记表设置，不能通过整改清单或看板变更"
    if old == EXEMPT:
        return "exempt_locked", "该问题已豁免，状态只能通过豁免登记表变更"
    if old == CLOSED:
        return "closed_final", f"不可能的状态变更 已销项 → {new}：已销项的问题只有在审计再次发现时才会重新打开"
    return "not_allowed", f"角色 {role} 不能把整改状态从 {old} 改为 {new}"


def can_transition(old: str, new: str, role: str = ROLE_SQUAD) -> bool:
    try:
        check_transition(old, new, role)
    except TransitionError:
        return False
    return True


def transition_error(old: str, new: str, role: str = ROLE_SQUAD) -> str | None:
    """The Chinese reason a change is refused, or None when it is allowed."""
    try:
        check_transition(old, new, role)
    except TransitionError as exc:
        return exc.reason
    return None


def allowed_targets(old: str, role: str = ROLE_SQUAD) -> tuple[str, ...]:
    """The statuses `role` may set on an item now in `old` (`old` itself included: a note-only change)."""
    return tuple(s for s in STATUSES if can_transition(old, s, role))


def transition_table() -> list[tuple[str, str, str]]:
    """(from, to, roles) rows for the documentation, in status order."""
    return [(old, new, "、".join(roles)) for (old, new), roles in
            sorted(TRANSITIONS.items(), key=lambda kv: (STATUSES.index(kv[0][0]), STATUSES.index(kv[0][1])))]


__all__ = [
    "CLOSED", "CLOSED_STATUSES", "EXEMPT", "HUMAN_ROLES", "IN_PROGRESS", "OPEN_STATUSES", "OPEN_TODO", "ROLES", "ROLE_AUDIT",
    "ROLE_EXCEPTION", "ROLE_READ_ONLY", "ROLE_SQUAD", "ROLE_SUPERVISOR", "SETTABLE", "STATUSES", "TRANSITIONS",
    "TransitionError", "allowed_targets", "can_transition", "check_transition", "transition_error",
    "transition_table",
]
