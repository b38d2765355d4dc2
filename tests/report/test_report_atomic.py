"""Atomic writes: the target is replaced whole or not at all."""

from __future__ import annotations

import os

import pytest

from auditor.atomic import atomic_path, atomic_write_bytes, atomic_write_text


def test_write_creates_dirs_and_replaces(tmp_path):
    target = tmp_path / "sub" / "r.json"
    atomic_write_text(target, "一")
    assert target.read_text("utf-8") == "一"
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert oct(os.stat(target).st_mode & 0o777) == oct(0o644)
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]  # no temp file left behind


def test_failure_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("writer crashed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_temp_file_is_in_target_directory(tmp_path):
    with atomic_path(tmp_path / "x.bin") as tmp:
        assert tmp.parent == tmp_path
        tmp.write_bytes(b"ok")
    assert (tmp_path / "x.bin").read_bytes() == b"ok"
