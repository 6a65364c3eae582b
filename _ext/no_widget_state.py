"""Leave the widgets' saved state out of the book's pages.

After executing a notebook, myst-nb embeds the state of every widget in the
page (a ``application/vnd.jupyter.widget-state+json`` script) so that a
widget manager could redraw them. This book loads no widget manager: each
widget shows its ``text/html`` (a static snapshot, or for a live widget its
own state and module, see ``live_widgets.py``), so the saved state would be
dead weight: a third or more of each chapter's HTML.
This handler runs just before myst-nb's own and drops that one entry.
"""

from __future__ import annotations

WIDGET_STATE_KEY = "ipywidgets_state"  # the key myst-nb files the state script under


def _drop_widget_state(app, pagename, templatename, context, doctree) -> None:
    page_data = getattr(app.env, "nb_metadata", {}).get(pagename, {})
    page_data.get("js_files", {}).pop(WIDGET_STATE_KEY, None)


def setup(app):
    # myst-nb adds its per-page scripts at the default priority (500); run first.
    app.connect("html-page-context", _drop_widget_state, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
