"""Browser tests skip with a reason where no browser is installed, and fail instead where the
environment requires them (AUDITOR_REQUIRE_BROWSER=1, as .ci/run sets): for Chromium and Firefox alike."""

from __future__ import annotations

import pytest

import browser
import firefox


@pytest.mark.parametrize("require, module", [(browser.require_chromium, browser), (firefox.require_firefox, firefox)])
def test_a_missing_browser_skips_with_a_reason_or_fails_when_required(monkeypatch, require, module):
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    monkeypatch.delenv("AUDITOR_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="未安装"):
        require()
    monkeypatch.setenv("AUDITOR_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="AUDITOR_REQUIRE_BROWSER=1"):
        require()


def test_firefox_needs_its_websocket_client_too(monkeypatch):
    monkeypatch.setattr(firefox.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setitem(__import__("sys").modules, "websockets.sync.client", None)  # import fails
    monkeypatch.setenv("AUDITOR_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="websockets"):
        firefox.require_firefox()
    monkeypatch.delenv("AUDITOR_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="websockets"):
        firefox.require_firefox()
