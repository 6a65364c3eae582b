"""A tiny Jupyter server extension that makes widgets answer faster in JupyterLab.

Widget updates travel between the kernel and the browser as many small
websocket messages. By default the server's websocket leaves Nagle's
algorithm on, so a small message can sit in the operating system's send
buffer until the browser acknowledges the previous one; with delayed
acknowledgements that adds tens of milliseconds to every round trip. This
extension turns it off (TCP_NODELAY) for kernel websockets, the usual setting
for interactive traffic. `make setup` enables it (jupyter-config/), by hand:

    jupyter lab --ServerApp.jpserver_extensions="{'selfattention_lab': True}"

It is a top-level module, not part of the `selfattention` package, because the
server imports it when it starts: importing the package would import torch,
which adds seconds to JupyterLab's start.
"""

from __future__ import annotations

import functools

__all__ = ["enable_nodelay"]


def enable_nodelay() -> bool:
    """Patch the kernel websocket handler to open with TCP_NODELAY. Returns False if absent."""
    try:
        from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
    except ImportError:
        return False
    original = KernelWebsocketHandler.open
    if getattr(original, "_selfattention_nodelay", False):
        return True

    @functools.wraps(original)
    async def open_without_delay(self, *args, **kwargs):
        self.set_nodelay(True)
        return await original(self, *args, **kwargs)

    open_without_delay._selfattention_nodelay = True
    KernelWebsocketHandler.open = open_without_delay
    return True


def _jupyter_server_extension_points():
    return [{"module": "selfattention_lab"}]


def _load_jupyter_server_extension(serverapp) -> None:
    if enable_nodelay():
        serverapp.log.info("selfattention: kernel websockets send without delay (TCP_NODELAY)")
