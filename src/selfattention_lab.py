"""A tiny Jupyter server extension for the book in JupyterLab: faster widgets, trusted saves.

Widget updates travel between the kernel and the browser as many small
websocket messages. By default the server's websocket leaves Nagle's
algorithm on, so a small message can sit in the operating system's send
buffer until the browser acknowledges the previous one; with delayed
acknowledgements that adds tens of milliseconds to every round trip. This
extension turns it off (TCP_NODELAY) for kernel websockets, the usual setting
for interactive traffic. `make setup` enables it (jupyter-config/), by hand:

    jupyter lab --ServerApp.jpserver_extensions="{'selfattention_lab': True}"

It also keeps a saved chapter trusted, so that it reopens with its widgets drawn.
JupyterLab saves each cell's ``trusted`` flag, and the server signs the notebook only if
every cell it checks is trusted. jupyterlab-myst replaces the server's notary with one
that also checks markdown cells: a markdown cell holding evaluated ``{eval}`` results
must be flagged trusted, and JupyterLab sends ``trusted: false`` for every markdown cell,
so a chapter whose numbers had been filled in was never signed. Without jupyterlab-myst,
the flag on a non-code cell breaks the signature instead (it is signed in, then dropped
from the file). :func:`keep_trust`, a pre-save hook, marks a markdown cell trusted when
every result it holds is plain text (which cannot run anything, as a code cell's printed
output cannot), and drops the flag where the notary does not read it.

It is a top-level module, not part of the `selfattention` package, because the
server imports it when it starts: importing the package would import torch,
which adds seconds to JupyterLab's start.
"""

from __future__ import annotations

import functools

__all__ = ["enable_nodelay", "keep_trust"]


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


def _plain_text_only(metadata: dict) -> bool:
    """Whether every evaluated expression of a markdown cell is plain text (or an error)."""
    for expression in metadata.get("user_expressions", []):
        result = expression.get("result", {}) if isinstance(expression, dict) else {}
        if result.get("status") != "error" and set(result.get("data", {})) - {"text/plain"}:
            return False
    return True


def keep_trust(model: dict, contents_manager=None, **_) -> None:
    """Pre-save hook: set the non-code cells' ``trusted`` flags as the notary reads them."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notary = getattr(contents_manager, "notary", None)
    checks_markdown = type(notary).__name__ == "MySTNotebookNotary"  # jupyterlab-myst's
    for cell in model["content"].get("cells", []):
        metadata = cell.setdefault("metadata", {})
        if cell.get("cell_type") == "code":
            continue  # the front end's flag: outputs of this session, or of a trusted file
        if cell.get("cell_type") == "markdown" and checks_markdown:
            if _plain_text_only(metadata):
                metadata["trusted"] = True
        else:
            metadata.pop("trusted", None)


def _jupyter_server_extension_points():
    return [{"module": "selfattention_lab"}]


def _load_jupyter_server_extension(serverapp) -> None:
    if enable_nodelay():
        serverapp.log.info("selfattention: kernel websockets send without delay (TCP_NODELAY)")
    serverapp.contents_manager.register_pre_save_hook(keep_trust)
    serverapp.log.info("selfattention: saved notebooks keep their trust (pre-save hook)")
