"""What every widget in the book shares: a static snapshot for the website.

A live widget needs a running kernel. On the static website, a frozen copy of
it would have sliders that move and figures that never change, which is worse
than no widget at all. So each widget's display bundle also carries a
``text/html`` snapshot: the figure of its current state, its alt text, and a
line on how to make it live. JupyterLab, Binder and Colab pick the live
widget view; the book is configured (``nb_mime_priority_overrides`` in
``_config.yml``) to drop the widget view and show the snapshot instead.
"""

from __future__ import annotations

import base64
import html

LIVE_HINT = (
    "This is a snapshot of an interactive widget. To use it, run the chapter live: "
    "the rocket button at the top of the page opens it on Binder or Colab, or run "
    "<code>make lab</code> in a local copy of the book."
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


def alert_html(exc: Exception, kept: str = "") -> str:
    """The message a widget shows when an update fails and it keeps its previous state.

    ``kept`` says what is still shown, e.g. "The previous vectors are kept."
    """
    suffix = f". {kept}" if kept else ""
    return f'<span role="alert">Could not update: {html.escape(str(exc))}{suffix}</span>'


class SnapshotMixin:
    """Adds the static snapshot to an ipywidgets container's display bundle.

    Subclasses implement :meth:`snapshot` returning the HTML of their state.
    """

    def snapshot(self) -> str:  # pragma: no cover - every widget overrides it
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        parent = getattr(super(), "_repr_mimebundle_", None)
        if parent is None:  # ipywidgets 7 (Colab) displays through _ipython_display_ instead
            return None
        bundle = parent(**kwargs)
        if bundle is not None:
            bundle["text/html"] = self.snapshot()
        return bundle
