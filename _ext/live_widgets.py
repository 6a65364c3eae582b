"""Run the book's live widgets on the website: no kernel, no widget manager, no CDN.

A widget built on :class:`selfattention.widgets._base.LiveWidget` puts a container in
its ``text/html`` output: its state as JSON and its static snapshot. This extension

* copies the widgets' ES modules (``src/selfattention/widgets/js/*.js``, from the
  installed package) into ``_static/sa-widgets/``. Not into ``_static/`` itself, where
  every ``.js`` file would be added to every page;
* adds ``sa-widgets/host.js`` (a module script) only to the pages that hold such a
  container. The host imports each widget's module next to it and mounts it on a local
  model seeded with the state, in place of the snapshot.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

FOLDER = "sa-widgets"  # under _static/
MARKER = 'class="sa-live-widget"'  # what LiveWidget.page_html writes


def js_folder() -> Path:
    return Path(str(resources.files("selfattention.widgets") / "js"))


def _copy_modules(app) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / FOLDER
    if target.exists():
        shutil.rmtree(target)  # a module that no longer exists must not linger
    target.mkdir(parents=True)
    for source in sorted(js_folder().glob("*.js")):
        shutil.copy2(source, target / source.name)


def _add_host(app, pagename, templatename, context, doctree) -> None:
    if MARKER in context.get("body", ""):
        app.add_js_file(f"{FOLDER}/host.js", type="module")


def setup(app):
    # Copy before the pages are written, so Sphinx can version host.js by its checksum.
    app.connect("builder-inited", _copy_modules)
    app.connect("html-page-context", _add_host)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
