"""The JupyterLab server extension: no Nagle's delay on kernel websockets, trusted saves."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
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


def _saved_notebook_is_trusted(tmp_path, hooks, notary, expression_data) -> bool:
    """Save a chapter as JupyterLab sends it (each cell's trust flag included), read it back.

    True if the server signed it, i.e. it reopens trusted (widgets drawn, not snapshots).
    """
    import nbformat
    from jupyter_server.services.contents.filemanager import FileContentsManager

    (tmp_path / "root").mkdir(parents=True)
    (tmp_path / "notary").mkdir()
    manager = FileContentsManager(root_dir=str(tmp_path / "root"))
    manager.notary = notary(data_dir=str(tmp_path / "notary"))
    for hook in hooks:
        manager.register_pre_save_hook(hook)
    notebook = nbformat.v4.new_notebook()
    evaluated = [{"expression": 'f"{glued.w:.2f}"',
                  "result": {"status": "ok", "data": expression_data, "metadata": {}}}]
    shown = nbformat.v4.new_output("display_data", data={"text/html": "<b>widget</b>"})
    notebook.cells = [  # the flags JupyterLab 4.6 sends after Run All
        nbformat.v4.new_markdown_cell("weight {eval}`f\"{glued.w:.2f}\"`",
                                      metadata={"trusted": False, "user_expressions": evaluated}),
        nbformat.v4.new_markdown_cell("no numbers here", metadata={"trusted": False}),
        nbformat.v4.new_code_cell("show()", outputs=[shown], metadata={"trusted": True}),
    ]
    manager.save({"type": "notebook", "format": "json", "content": notebook}, "chapter.ipynb")
    return manager.get("chapter.ipynb")["content"].cells[2].metadata.get("trusted", False)


def _notaries():
    from jupyterlab_myst.notary import MySTNotebookNotary
    from nbformat.sign import NotebookNotary

    return [NotebookNotary, MySTNotebookNotary]


@pytest.mark.parametrize("notary", _notaries(), ids=lambda n: n.__name__)
def test_a_saved_chapter_reopens_trusted(tmp_path, notary):
    plain = {"text/plain": "'0.25'"}
    # without the hook the chapter, numbers filled in, was never signed
    assert not _saved_notebook_is_trusted(tmp_path / "before", [], notary, plain)
    assert _saved_notebook_is_trusted(tmp_path / "after", [lab.keep_trust], notary, plain)


def test_a_markdown_result_that_could_run_code_is_not_trusted(tmp_path):
    from jupyterlab_myst.notary import MySTNotebookNotary

    html = {"text/plain": "x", "text/html": "<script>alert(1)</script>"}
    assert not _saved_notebook_is_trusted(tmp_path, [lab.keep_trust], MySTNotebookNotary, html)


def test_the_hook_leaves_code_cells_and_other_files_alone():
    cells = [
        {"cell_type": "markdown", "metadata": {"trusted": True}, "source": ""},
        {"cell_type": "raw", "metadata": {"trusted": False}, "source": ""},
        {"cell_type": "code", "metadata": {"trusted": False}, "source": "", "outputs": []},
    ]
    model = {"type": "notebook", "content": {"cells": cells}}
    lab.keep_trust(model=model, path="a.ipynb")  # the server's own notary: flags dropped
    assert [c["metadata"] for c in cells] == [{}, {}, {"trusted": False}]
    text = {"type": "file", "content": "not a notebook"}
    lab.keep_trust(model=text, path="notes.txt")
    assert text == {"type": "file", "content": "not a notebook"}
