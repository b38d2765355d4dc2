"""Headless Firefox driven over WebDriver BiDi, for the board's tests in a second browser engine.

Firefox speaks WebDriver BiDi natively: started with `--remote-debugging-port=0` it prints the
WebSocket address it listens on, and the commands below (session.new, browsingContext.navigate,
script.evaluate, input.performActions, browsingContext.captureScreenshot) go over that socket with the
`websockets` client. No geckodriver, no downloaded browser: the system's firefox-esr (Debian package)
or firefox. Without it the tests skip with a reason, unless AUDITOR_REQUIRE_BROWSER=1 (as .ci/run
sets): then a missing Firefox is a failure, like a missing Chromium (tests/browser.py).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import browser_required

FIREFOX_NAMES = ("firefox-esr", "firefox")
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")
# A closed network and a quiet browser: no updates, telemetry, experiments, safe-browsing lists or
# captive-portal probes; one content process (two shared cores); Chinese pages first.
PREFS = {
    "app.update.auto": False, "app.update.disabledForTesting": True, "app.normandy.enabled": False,
    "browser.shell.checkDefaultBrowser": False, "browser.startup.homepage": "about:blank",
    "browser.startup.page": 0, "browser.newtabpage.enabled": False, "browser.aboutwelcome.enabled": False,
    "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False, "browser.download.useDownloadDir": True,
    "datareporting.policy.dataSubmissionEnabled": False, "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False, "toolkit.telemetry.server": "", "extensions.update.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False, "services.settings.server": "http://127.0.0.1:9/",
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True, "network.prefetch-next": False, "dom.ipc.processCount": 1,
    "intl.accept_languages": "zh-CN, zh", "browser.tabs.warnOnClose": False,
}


class BiDiError(AssertionError):
    """A command the browser answered with an error (its code and message)."""


def find_firefox() -> str | None:
    for name in FIREFOX_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_firefox() -> str:
    """The Firefox binary and the WebSocket client, or skip (fail where browser tests are required)."""
    why = None
    path = find_firefox()
    if path is None:
        why = ("Firefox 未安装，跳过 Firefox 浏览器测试（apt-get install -y firefox-esr 后可运行；"
               "设置 AUDITOR_REQUIRE_BROWSER=1 时缺少浏览器即为失败）")
    else:
        try:
            import websockets.sync.client  # noqa: F401
        except ImportError:
            why = "the websockets package is missing (test extras); the Firefox tests need it"
    if why is None:
        return path
    if browser_required():
        pytest.fail("AUDITOR_REQUIRE_BROWSER=1 but " + why)
    pytest.skip(why)


class Firefox:
    """One headless Firefox with one BiDi session; `tab()` opens a tab in a fresh user context (its
    own cookies), so two users can be signed in at once."""

    def __init__(self, profile: Path, timeout: float = 90):
        self.profile = Path(profile)
        self.timeout = timeout
        self.events: list[dict] = []  # every event received, in order (a test session is short)
        self.stderr: list[str] = []
        self._next_id = 0
        self.proc = None
        self.ws = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Firefox:
        from websockets.sync.client import connect

        self.profile.mkdir(parents=True, exist_ok=True)
        (self.profile / "user.js").write_text(
            "".join(f'user_pref("{k}", {json.dumps(v)});\n' for k, v in PREFS.items()), encoding="utf-8")
        env = {**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_HEADLESS": "1"}
        self.proc = subprocess.Popen(
            [require_firefox(), "--headless", "--no-remote", "--remote-debugging-port=0", "--profile",
             str(self.profile), "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
            start_new_session=True)  # its own process group: the content processes go with it at the end
        url = self._wait_for_endpoint()
        host = urlparse(url)
        # Our own socket: the client never consults proxy settings for a loopback browser.
        sock = socket.create_connection((host.hostname, host.port), timeout=self.timeout)
        self.ws = self._stack.enter_context(connect(url.rstrip("/") + "/session", sock=sock, max_size=64 * 2**20,
                                                    open_timeout=self.timeout))
        self.command("session.new", {"capabilities": {}})
        self.command("session.subscribe", {"events": ["browsingContext.load", "network.responseCompleted"]})
        return self

    def _wait_for_endpoint(self) -> str:
        found: list[str] = []
        ready = threading.Event()

        def drain():  # keeps reading stderr for the whole run, so the pipe never fills up
            for line in self.proc.stderr:
                self.stderr.append(line.rstrip())
                match = LISTENING.search(line)
                if match and not found:
                    found.append(match.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(self.timeout) or not found:
            self._stop()
            raise AssertionError("Firefox did not open its WebDriver BiDi port:\n" + "\n".join(self.stderr))
        return found[0]

    def __exit__(self, *exc) -> None:
        try:
            if self.ws is not None:
                try:
                    self.command("browser.close", {}, timeout=15)
                except Exception:  # noqa: BLE001 - closing a browser that is already gone
                    pass
                self._stack.close()
        finally:
            self._stop()

    def _stop(self) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        # Whatever Firefox left in its group (content processes, the crash helper) ends with it.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=15)

    # ---- the protocol --------------------------------------------------------------------------

    def command(self, method: str, params: dict, timeout: float | None = None) -> dict:
        self._next_id += 1
        ident = self._next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("type") == "event":
                self.events.append(message)
            elif message.get("id") == ident:
                if message.get("type") == "error":
                    raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
                return message["result"]

    def wait_event(self, method: str, predicate, since: int = 0, timeout: float | None = None) -> dict:
        """The first event of `method` from index `since` on whose params satisfy `predicate`; waits
        for it when none has arrived yet."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for event in self.events[since:]:
                if event.get("method") == method and predicate(event["params"]):
                    return event["params"]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {method} event within the timeout")
            try:
                self.events.append(json.loads(self.ws.recv(timeout=remaining)))
            except TimeoutError:
                continue

    def tab(self) -> Tab:
        user_context = self.command("browser.createUserContext", {})["userContext"]
        context = self.command("browsingContext.create", {"type": "tab", "userContext": user_context})["context"]
        return Tab(self, context)


def _value(remote: dict):
    """A BiDi remote value as Python (primitives, arrays, plain objects)."""
    kind = remote.get("type")
    if kind in ("undefined", "null"):
        return None
    if kind in ("string", "boolean"):
        return remote["value"]
    if kind == "number":
        value = remote["value"]
        return value if not isinstance(value, str) else float(value.replace("Infinity", "inf"))
    if kind == "array":
        return [_value(v) for v in remote.get("value", [])]
    if kind == "object":
        return {k if isinstance(k, str) else _value(k): _value(v) for k, v in remote.get("value", [])}
    return remote


class Tab:
    """One tab (browsing context) and what the tests do in it."""

    def __init__(self, browser: Firefox, context: str):
        self.browser = browser
        self.context = context

    def _document_status(self, before: int) -> int:
        """The HTTP status of the document the tab just loaded: the last document response of this
        context recorded after index `before` of the event log."""
        self.browser.wait_event("network.responseCompleted", self._is_document, since=before)
        events = self.browser.events[before:]
        responses = [e["params"] for e in events
                     if e.get("method") == "network.responseCompleted" and self._is_document(e["params"])]
        return responses[-1]["response"]["status"]

    def _is_document(self, params: dict) -> bool:
        return params.get("context") == self.context and bool(params.get("navigation"))

    def goto(self, url: str) -> int:
        """Navigate and wait for the page to load; the HTTP status of the document."""
        before = len(self.browser.events)
        self.browser.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})
        return self._document_status(before)

    def evaluate(self, expression: str, await_promise: bool = False):
        result = self.browser.command("script.evaluate", {
            "expression": expression, "target": {"context": self.context}, "awaitPromise": await_promise,
            "resultOwnership": "none"})
        if result["type"] == "exception":
            raise BiDiError(f"script error: {result['exceptionDetails'].get('text')}")
        return _value(result["result"])

    def url(self) -> str:
        return self.evaluate("location.href")

    def text(self, css: str) -> str:
        return self.evaluate(f"document.querySelector({json.dumps(css)}).innerText").strip()

    def count(self, css: str) -> int:
        return int(self.evaluate(f"document.querySelectorAll({json.dumps(css)}).length"))

    def _node(self, css: str) -> dict:
        nodes = self.browser.command("browsingContext.locateNodes", {
            "context": self.context, "locator": {"type": "css", "value": css}, "maxNodeCount": 1})["nodes"]
        assert nodes, f"no element matches {css}"
        return {"sharedId": nodes[0]["sharedId"]}

    def click(self, css: str) -> None:
        """A real mouse click in the middle of the element (input.performActions), scrolled into view
        first as a person would."""
        self.evaluate(f"document.querySelector({json.dumps(css)}).scrollIntoView({{block: 'center'}})")
        self.browser.command("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": self._node(css)}},
                {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})
        self.browser.command("input.releaseActions", {"context": self.context})

    def type(self, css: str, text: str) -> None:
        """Click into the field and type `text` key by key (input.performActions)."""
        self.click(css)
        keys = []
        for char in text:
            keys += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
        self.browser.command("input.performActions", {"context": self.context, "actions": [
            {"type": "key", "id": "keyboard", "actions": keys}]})
        self.browser.command("input.releaseActions", {"context": self.context})

    def select(self, css: str, value: str) -> None:
        """Choose an option of a <select> as a user's choice would (value set, change event fired)."""
        self.evaluate(f"(() => {{ const s = document.querySelector({json.dumps(css)}); s.value = {json.dumps(value)};"
                      " s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()")

    def click_and_wait(self, css: str) -> int:
        """Click something that navigates (a link, a submit button) and wait for the new page; the
        HTTP status of the document it ends on (after redirects)."""
        before = len(self.browser.events)
        self.click(css)
        self.browser.wait_event("browsingContext.load", lambda p: p.get("context") == self.context, since=before)
        return self._document_status(before)

    def fetch_status(self, path: str) -> tuple[int, str]:
        """GET `path` from the page with the tab's cookies (as a download link would): status and body."""
        return tuple(self.evaluate(
            f"fetch({json.dumps(path)}, {{credentials: 'same-origin'}}).then(async r => [r.status, await r.text()])",
            await_promise=True))

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.browser.command("browsingContext.captureScreenshot",
                                                     {"context": self.context, "origin": "document"})["data"])
        Path(path).write_bytes(data)
        return data
