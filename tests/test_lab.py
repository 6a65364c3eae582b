"""The JupyterLab server extension that turns off Nagle's delay on kernel websockets."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

import selfattention_lab as lab


class _FakeHandler:
    def __init__(self):
        self.calls = []

    def set_nodelay(self, value):
        self.calls.append(("nodelay", value))


def test_kernel_websockets_open_with_nodelay(monkeypatch):
    async def original_open(self, kernel_id):
        self.calls.append(("open", kernel_id))

    monkeypatch.setattr(KernelWebsocketHandler, "open", original_open)
    assert lab.enable_nodelay()
    assert lab.enable_nodelay()  # a second call does not wrap twice
    handler = _FakeHandler()
    asyncio.run(KernelWebsocketHandler.open(handler, "kernel-1"))
    assert handler.calls == [("nodelay", True), ("open", "kernel-1")]


def test_extension_points_name_the_module():
    assert lab._jupyter_server_extension_points() == [{"module": "selfattention_lab"}]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_server_extension_does_not_import_torch():
    # JupyterLab's server imports the extension when it starts: torch would add seconds
    modules = _modules_after("import selfattention_lab")
    assert "torch" not in modules and "selfattention" not in modules
    assert "torch" in _modules_after("import selfattention")  # the check can fail
