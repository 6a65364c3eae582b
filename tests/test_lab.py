"""The JupyterLab server extension that turns off Nagle's delay on kernel websockets."""

from __future__ import annotations

import asyncio

from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from selfattention import lab


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
    assert lab._jupyter_server_extension_points() == [{"module": "selfattention.lab"}]
