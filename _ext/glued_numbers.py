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
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.utils import retrieve_glue_data
from myst_nb.ext.utils import RoleBase

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


def setup(app):
    # Registered after myst-nb's own {eval} role, which needs a live kernel.
    app.add_role("eval", GluedRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
