"""Headless Chromium for the tests that must see a page as a person would.

Tests marked `browser` skip with a reason when no Chromium is installed, unless the environment
requires them (AUDITOR_REQUIRE_BROWSER=1, set by .ci/run, which installs Chromium): then a missing
browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags for a closed network: without the background-networking ones Chromium keeps dialling out.
HEADLESS_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                  "--disable-quic")


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def browser_required() -> bool:
    return os.environ.get("AUDITOR_REQUIRE_BROWSER", "") == "1"


def require_chromium() -> str:
    """The Chromium binary, or skip (fail where the environment requires browser tests)."""
    path = find_chromium()
    if path:
        return path
    reason = ("Chromium 未安装，跳过浏览器测试（apt-get install -y chromium fonts-noto-cjk 后可运行；"
              "设置 AUDITOR_REQUIRE_BROWSER=1 时缺少浏览器即为失败）")
    if browser_required():
        pytest.fail("AUDITOR_REQUIRE_BROWSER=1 but no Chromium was found: " + reason)
    pytest.skip(reason)


def dump_dom(url: str, profile: Path, timeout: int = 120) -> str:
    """The DOM after the page's scripts ran, as Chromium serialises it."""
    cmd = [require_chromium(), *HEADLESS_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout
