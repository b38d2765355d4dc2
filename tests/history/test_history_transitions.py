"""The status rules shared by the workbook import and the web board (auditor.history.transitions)."""

import pytest

from auditor.history import transitions as t


@pytest.mark.parametrize("old,new", [("待整改", "整改中"), ("待整改", "已销项"), ("整改中", "已销项"),
                                     ("整改中", "待整改")])
def test_people_may_move_open_items(old, new):
    for role in (t.ROLE_SQUAD, t.ROLE_SUPERVISOR):
        t.check_transition(old, new, role)
        assert t.can_transition(old, new, role)


@pytest.mark.parametrize("old,new,code", [
    ("已销项", "待整改", "closed_final"), ("已销项", "整改中", "closed_final"),
    ("待整改", "已豁免", "exempt_by_register"), ("已销项", "已豁免", "exempt_by_register"),
    ("已豁免", "待整改", "exempt_locked"), ("已豁免", "已销项", "exempt_locked"),
])
def test_squad_refusals_carry_a_code_and_chinese_reason(old, new, code):
    with pytest.raises(t.TransitionError) as info:
        t.check_transition(old, new, t.ROLE_SQUAD)
    assert info.value.code == code
    assert (info.value.old, info.value.new, info.value.role) == (old, new, "中队")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.reason)
    assert not t.can_transition(old, new, t.ROLE_SQUAD)
    assert t.transition_error(old, new) == info.value.reason


def test_read_only_changes_nothing_but_may_repeat_the_status():
    with pytest.raises(t.TransitionError) as info:
        t.check_transition("待整改", "整改中", t.ROLE_READ_ONLY)
    assert info.value.code == "read_only"
    assert t.allowed_targets("待整改", t.ROLE_READ_ONLY) == ("待整改",)


def test_invalid_status_and_unknown_role():
    with pytest.raises(t.TransitionError) as info:
        t.check_transition("待整改", "done")
    assert info.value.code == "invalid_status" and "待整改 / 整改中 / 已销项" in info.value.reason
    with pytest.raises(t.TransitionError) as info:
        t.check_transition("待整改", "整改中", "admin")
    assert info.value.code == "unknown_role"


def test_system_roles():
    assert t.can_transition("已销项", "待整改", t.ROLE_AUDIT)  # found again
    assert t.can_transition("整改中", "已销项", t.ROLE_AUDIT)  # no longer found
    assert not t.can_transition("待整改", "整改中", t.ROLE_AUDIT)  # progress is the squad's word
    assert t.can_transition("整改中", "已豁免", t.ROLE_EXCEPTION)
    assert t.can_transition("已豁免", "待整改", t.ROLE_EXCEPTION)


def test_allowed_targets_and_table():
    assert t.allowed_targets("待整改") == ("待整改", "整改中", "已销项")
    assert t.allowed_targets("已销项") == ("已销项",)
    assert t.allowed_targets("已豁免") == ("已豁免",)
    rows = t.transition_table()
    assert ("待整改", "整改中", "中队、监督") in rows
    assert len(rows) == len(t.TRANSITIONS)


def test_docs_show_the_transition_table():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "history.md").read_text(encoding="utf-8")
    for old, new, roles in t.transition_table():
        assert f"| {old} | {new} | {roles} |" in doc
