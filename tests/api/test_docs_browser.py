"""/docs and /redoc work offline: their JS/CSS come from the store itself, and headless
Chromium (Debian's package), with every network request but the store's refused,
renders the operations of the OpenAPI document."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import httpx
import pytest

from tests.api.helpers import unavailable


def test_docs_pages_reference_only_local_assets(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        urls = re.findall(r'(?:src|href)="([^"]+)"', page.text) + re.findall(
            r"url: '([^']+)'", page.text
        )
        assert urls and all(u.startswith("/") for u in urls), urls
        for url in urls:
            if url.startswith("/docs-assets/"):
                asset = client.get(url)
                assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert "http" not in client.get("/docs").text.split("<body>")[0].replace("http-equiv", "")


@pytest.fixture
def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("Chromium", "no chromium on PATH (apt-get install chromium)")
    return path


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_headless_chromium_shows_the_operations_offline(live_url, chromium, tmp_path):
    port = live_url.rsplit(":", 1)[1]
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--no-first-run",
        "--metrics-recording-only",
        # Offline: every host but the store's address resolves nowhere.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        f"--proxy-bypass-list=127.0.0.1:{port}",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=15000",
        "--dump-dom",
        f"{live_url}/docs",
    ]
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    dom = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    # Swagger UI rendered the document: one operation block per operation.
    document = httpx.get(f"{live_url}/openapi.json", timeout=10).json()
    operations = sum(
        1
        for item in document["paths"].values()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )
    assert operations >= 70
    assert dom.count('class="opblock ') == operations, dom[-3000:]
    for path in ("/synesthetic-assets/", "/search/assets", "/shader_libs/", "/embeddings/"):
        assert f'data-path="{path}"' in dom or f">{path}<" in dom, path
