"""coverage.empty_mask: a list cell is empty unless it is a non-empty tuple, on the fast path and off it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.coverage import empty_mask


def _per_cell(values) -> list[bool]:
    return [not (isinstance(v, tuple) and len(v) > 0) for v in values]


def test_canonical_tuples_take_the_fast_path_with_the_same_answer():
    values = [(), ("张三",), ("a", "b"), (), ("",)]
    mask = empty_mask(pd.Series(values, dtype=object), "list")
    assert mask.dtype == np.bool_ and mask.tolist() == _per_cell(values) == [True, False, False, True, False]


def test_cells_that_are_not_tuples_count_as_empty():
    values = [(), None, ("x",), "text", float("nan"), ["a"], ("y", "z")]
    mask = empty_mask(pd.Series(values, dtype=object), "enum_list")
    assert mask.tolist() == _per_cell(values) == [True, True, False, True, True, True, False]


def test_no_rows_and_other_kinds():
    assert empty_mask(pd.Series([], dtype=object), "list").tolist() == []
    assert empty_mask(pd.Series(["", "a", None], dtype=object), "str").tolist() == [True, False, True]
