"""Untrusted XML never reaches the network: a local HTTP server counts requests while every way an XML
document can ask for a URL (external DTD, external general and parameter entities, XInclude, a
stylesheet PI, xsi:schemaLocation) is loaded in-process and through `auditor inspect`."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from auditor.ingest import load_exports

SECRET = "LEAKED-FROM-THE-SERVER"
CASE = "<case><case_id>{id}</case_id><squad>一中队</squad><party_name>{party}</party_name></case>\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        _Handler.hits.append(self.path)
        body = f'<!ENTITY leak "{SECRET}">'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    _Handler.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def documents(url: str) -> dict[str, str]:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return {
        "external_dtd.xml": f'{head}<!DOCTYPE cases SYSTEM "{url}/evil.dtd">\n<cases>\n'
                            + CASE.format(id="A1", party="&leak;") + "</cases>\n",
        "external_entity.xml": f'{head}<!DOCTYPE cases [<!ENTITY leak SYSTEM "{url}/leak.txt">]>\n<cases>\n'
                               + CASE.format(id="A1", party="&leak;") + "</cases>\n",
        "parameter_entity.xml": f'{head}<!DOCTYPE cases [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n<cases>\n'
                                + CASE.format(id="A1", party="&leak;") + "</cases>\n",
        "xinclude.xml": f'{head}<cases xmlns:xi="http://www.w3.org/2001/XInclude">\n'
                        + CASE.format(id="A1", party=f'<xi:include href="{url}/x.txt" parse="text"/>')
                        + "</cases>\n",
        "stylesheet.xml": f'{head}<?xml-stylesheet type="text/xsl" href="{url}/x.xsl"?>\n<cases>\n'
                          + CASE.format(id="A1", party="张三") + "</cases>\n",
        "schema_location.xml": f'{head}<cases xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                               f'xsi:noNamespaceSchemaLocation="{url}/cases.xsd">\n'
                               + CASE.format(id="A1", party="张三") + "</cases>\n",
    }


def write(tmp_path: Path, url: str) -> list[Path]:
    paths = []
    for name, text in documents(url).items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def test_the_server_works(server):
    # The check below is only meaningful if a fetch would be seen.
    from urllib.request import ProxyHandler, build_opener

    with build_opener(ProxyHandler({})).open(f"{server}/probe") as r:
        assert SECRET in r.read().decode()
    assert _Handler.hits == ["/probe"]


@pytest.mark.parametrize("name", sorted(documents("http://x")))
def test_library_fetches_nothing(name, server, tmp_path):
    path = tmp_path / name
    path.write_text(documents(server)[name], encoding="utf-8")
    try:
        result = load_exports(path)
    except Exception as exc:  # a refusal is fine, as long as it is a clean one
        from auditor.errors import AuditorError

        assert isinstance(exc, AuditorError), repr(exc)
        text = str(exc)
    else:
        count = result.counts["cases"]
        assert count.rows_in == count.loaded + count.rejected == 1
        text = repr(result.rejected) + result.tables["cases"].astype(str).to_csv()
    assert SECRET not in text
    assert _Handler.hits == [], f"fetched {_Handler.hits}"


def test_cli_fetches_nothing(server, tmp_path):
    paths = write(tmp_path, server)
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "inspect", *map(str, paths)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and SECRET not in proc.stdout
    assert _Handler.hits == [], f"fetched {_Handler.hits}"
