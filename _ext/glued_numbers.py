"""The book's ``{eval}`` role: glued values, formatted as Python formats them.

The chapters quote computed values with ``{eval}`f"{glued.NAME:SPEC}"``` (or
``{eval}`glued.NAME```). In JupyterLab and Binder, jupyterlab-myst evaluates that
expression in the kernel, where ``selfattention.book.glued`` holds the value. The book
builds with myst-nb's execution cache, which has no live kernel to evaluate it, so this
role replaces myst-nb's own ``{eval}``: it reads the value myst-nb recorded for ``NAME``
(its ``text/plain``, which is ``repr(value)``), turns it back into the value with
``literal_value`` (``ast.literal_eval`` plus nan and inf; ``selfattention.book.glue`` accepts only values for which that is
exact) and applies ``format(value, SPEC)``, as the f-string does in the kernel.

Any other expression, or a name nothing glued, is a build warning (an error in the
strict build).

Figure alt texts (the ``mystnb.image.alt`` of a figure's cell) quote computed values the
same way, as a Python format string on ``glued``: ``"it gives animal {glued.coref1_w:.2f}"``
(indexing works too: ``{glued.rows[0][1]:.2f}``). When a page is read, each image's alt is
formatted with the values glued on that page. A placeholder naming nothing glued is a
build warning. (JupyterLab draws a figure without its cell's alt, so only the book needs
this.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.utils import retrieve_glue_data
from myst_nb.ext.utils import RoleBase
from sphinx.util import logging

from selfattention.book import literal_value, parse_expression


def _warning(message: str, document, line) -> nodes.system_message:
    return document.reporter.warning(message, line=line)


class GluedRole(RoleBase):
    def run(self):
        try:
            name, spec = parse_expression(self.text)
            data = retrieve_glue_data(self.document, name).data
            value = literal_value(data["text/plain"])
            text = format(value, spec)
        except (ValueError, SyntaxError, KeyError, TypeError, RetrievalError) as exc:
            return [], [_warning(f"{{eval}}`{self.text}`: {exc}", self.document, self.line)]
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


class _PageValues:
    """``glued`` for an alt text: the values glued on one page, by attribute."""

    def __init__(self, records: dict[str, Any], docname: str):
        self._records, self._docname = records, docname

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name not in self._records:
            raise KeyError(f"nothing is glued under {name!r} on {self._docname}")
        return literal_value(self._records[name]["data"]["text/plain"])


def fill_alt_texts(app, doctree) -> None:
    """Format each image's alt text with the values glued on its page."""
    images = [node for node in doctree.findall(nodes.image) if "{" in node.get("alt", "")]
    if not images:
        return
    docname = app.env.docname
    # myst-nb has just written the page's glue records next to its executed notebook
    folder = Path(app.env.mystnb_config.output_folder)
    path = folder.joinpath(*docname.split("/")).with_suffix(".glue.json")
    records = json.loads(path.read_text()) if path.exists() else {}
    values = _PageValues(records, docname)
    for node in images:
        try:
            node["alt"] = node["alt"].format(glued=values)
        except (ValueError, SyntaxError, KeyError, IndexError, TypeError, AttributeError) as exc:
            _LOGGER.warning(f"figure alt text {node['alt']!r}: {exc}", location=node)


_LOGGER = logging.getLogger(__name__)


def setup(app):
    # Registered after myst-nb's own {eval} role, which needs a live kernel.
    app.add_role("eval", GluedRole(), override=True)
    app.connect("doctree-read", fill_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
