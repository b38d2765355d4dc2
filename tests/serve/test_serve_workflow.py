"""The board end to end on a real export: a supervisor audits a folder from the board (in the
background), the board, run, diff and case (explain) pages show it, a squad downloads its workbook,
the workbook import lands in the same item history, and a form made before the import is stale."""

from __future__ import annotations

import io
import re
import shutil
import time
import warnings
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from auditor.history import import_corrections
from auditor.history.store import open_store, transaction
from auditor.serve import ServeConfig, create_app
from auditor.serve.accounts import add_user

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample" / "xml"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(c: TestClient, name: str, password: str):
    r = c.post("/login", data={"name": name, "password": password, "csrf": csrf_of(c.get("/login").text), "next": "/"})
    assert r.status_code == 200, r.text
    return r


@pytest.fixture
def setup(tmp_path):
    exports = tmp_path / "exports"
    shutil.copytree(SAMPLE, exports / "2026-11")
    (exports / "link").symlink_to(exports / "2026-11")  # a symlink is never offered
    db = tmp_path / "h.sqlite"
    with open_store(db) as conn, transaction(conn):
        add_user(conn, "sup", "监督", "supervisor-pass-1")
    app = create_app(ServeConfig(db_path=db, exports_root=exports))
    return db, app


def wait_for_job(c: TestClient, url: str) -> str:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        page = c.get(url).text
        state = re.search(r'data-state="(\w+)"', page).group(1)
        if state in ("done", "failed"):
            return page
        time.sleep(0.5)
    raise AssertionError("the audit job did not finish")


def test_audit_from_board_then_pages_download_and_import(setup, tmp_path):
    db, app = setup
    sup = TestClient(app)
    login(sup, "sup", "supervisor-pass-1")
    form = sup.get("/audit")
    assert "2026-11" in form.text and ">link<" not in form.text
    bad = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "../../etc", "as_of": "2026-11-25"})
    assert bad.status_code == 409
    r = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "2026-11", "as_of": "2026-11-25"})
    assert r.status_code == 200 and r.url.path == "/jobs/1"
    page = wait_for_job(sup, "/jobs/1")
    assert 'data-state="done"' in page, page
    assert "已记入历史库" in page

    with open_store(db, create=False) as conn:
        squad, n_items = conn.execute("SELECT squad, COUNT(*) FROM items GROUP BY squad ORDER BY 2 DESC").fetchone()
        (case_id, fp), (_, fp2) = conn.execute(
            "SELECT case_id, fingerprint FROM items WHERE squad = ? AND status = '待整改' ORDER BY fingerprint LIMIT 2",
            (squad,)).fetchall()
        n_runs = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        add_user(conn, "team", "中队", "squad-team-pass", squad)
    assert n_runs == 1 and n_items > 0
    board = sup.get("/").text
    assert f'data-squad="{squad}"' in board and "全区合计" in board
    run_page = sup.get("/runs/1").text
    # The board-launched audit recorded its data coverage like a CLI audit: shown on the run page.
    assert 'id="coverage-tables"' in run_page and "数据覆盖：" in run_page and "没有数据覆盖记录" not in run_page
    assert 'id="coverage-summary"' in board
    assert sup.get("/compare?a=1&b=1").status_code == 200
    case = sup.get(f"/cases/{case_id}")
    assert case.status_code == 200 and "规则判定" in case.text and "违规" in case.text

    team = TestClient(app)
    login(team, "team", "squad-team-pass")
    stale = team.get(f"/items/{fp}").text  # a form opened before the import
    workbook = team.get("/download/items.xlsx")
    assert workbook.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(workbook.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert ws.title.startswith(squad[:20]) and wb.sheetnames[1:] == ["说明"]  # only the squad's own sheet
    stamp = next(r[1].value for r in wb["说明"].iter_rows() if r[0].value == "发放标记")
    assert stamp.startswith("R1-")
    # After the download, the squad moves another item on the board; the workbook still shows 待整改.
    edit = team.get(f"/items/{fp2}").text
    team.post(f"/items/{fp2}", data={"csrf": csrf_of(edit), "status": "整改中",
                                     "version": re.search(r'name="version" value="(\d+)"', edit).group(1)})
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("问题编号")].value == fp)
    row[header.index("整改状态")].value = "整改中"
    row[header.index("备注")].value = "已组织补正"
    path = tmp_path / "returned.xlsx"
    wb.save(path)
    report = import_corrections(path, db, on=date.today(), actor="内勤 王某")
    assert [u[0] for u in report.updated] == [fp] and not report.rejected and report.issued
    with open_store(db, create=False) as conn:  # the row copied back unchanged did not undo the board edit
        assert conn.execute("SELECT status FROM items WHERE fingerprint = ?", (fp2,)).fetchone()[0] == "整改中"

    item = team.get(f"/items/{fp}").text
    assert "整改清单导入" in item and "内勤 王某" in item and "已组织补正" in item
    version = re.search(r'name="version" value="(\d+)"', stale).group(1)
    r = team.post(f"/items/{fp}", data={"csrf": csrf_of(stale), "version": version, "status": "已销项"})
    assert r.status_code == 409
    with open_store(db, create=False) as conn:
        assert conn.execute("SELECT status FROM items WHERE fingerprint = ?", (fp,)).fetchone()[0] == "整改中"


def test_audit_job_failure_and_backdated_as_of_are_reported(setup):
    db, app = setup
    exports = app.state.config.exports_root
    (exports / "empty").mkdir()
    sup = TestClient(app)
    login(sup, "sup", "supervisor-pass-1")
    form = sup.get("/audit")
    r = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "empty", "as_of": "2026-11-25"})
    page = wait_for_job(sup, r.url.path)
    assert 'data-state="failed"' in page and "没有 .xml 或 .csv 导出文件" in page
    with open_store(db, create=False) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    r = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "2026-11", "as_of": "2026-11-25"})
    assert 'data-state="done"' in wait_for_job(sup, r.url.path)
    r = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "2026-11", "as_of": "2026-10-31"})
    assert r.status_code == 422 and "不能早于" in r.text
    r = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "2026-11", "as_of": "not-a-date"})
    assert r.status_code == 422


def test_an_internal_error_in_a_job_ends_it_as_failed(setup, monkeypatch):
    import auditor.api

    def broken(config):
        raise RuntimeError("boom")

    monkeypatch.setattr(auditor.api, "run_audit", broken)
    db, app = setup
    sup = TestClient(app)
    login(sup, "sup", "supervisor-pass-1")
    form = sup.get("/audit")
    r = sup.post("/audit", data={"csrf": csrf_of(form.text), "export": "2026-11", "as_of": "2026-11-25"})
    page = wait_for_job(sup, r.url.path)
    assert 'data-state="failed"' in page and "内部错误: RuntimeError: boom" in page
    assert not app.state.jobs.busy()  # the next audit may start
