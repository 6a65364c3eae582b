"""The static snapshot every widget carries, for readers without JavaScript and for print.

On the website each widget runs live from its own front-end module (see ``_base.py``);
the ``text/html`` of its display bundle holds its state and this snapshot, which the
live widget replaces on screen. With JavaScript off, in print and in a PDF, the
snapshot stays: the figure of the widget's state, its alt text, and how to run it.
"""

from __future__ import annotations

import base64
import html

LIVE_HINT = (
    "This is a picture of an interactive widget. With JavaScript on, it runs on this "
    "page; it also runs live in the notebook: the rocket button at the top of the page "
    "opens it on Binder or Colab, or run <code>make lab</code> in a local copy of the book."
)


def snapshot_html(png: bytes, alt: str, title: str, details: str = "") -> str:
    """HTML for a widget's static snapshot: figure, alt text, how to go live."""
    data = base64.b64encode(png).decode("ascii")
    return (
        '<figure class="sa-widget-snapshot">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto" />'
        f"<figcaption><strong>{html.escape(title)}</strong> (static snapshot). {LIVE_HINT}"
        f"{details}</figcaption></figure>"
    )
