"""The shared base of the book's live widgets: one front end, two hosts.

Each widget is an :class:`anywidget.AnyWidget` with

* Python traits for its state (synced with the front end), checked on every change;
* one ES module in ``widgets/js/`` (``softmax.js`` for the softmax explorer) that draws
  it and computes what it shows with ``js/attention_math.js``, so a change redraws
  within one frame;
* the package's own computation of the same state on the Python side (``.weights``,
  ``.describe()``): the reference that chapters assert on and tests compare with.

The front end runs in two hosts. In JupyterLab, Binder, Colab or VS Code, anywidget
gives the module a model that talks to the kernel. On the book's website there is no
kernel: the display bundle's ``text/html`` holds a container with the widget's state
(JSON) and its static snapshot, and ``js/host.js`` mounts the same module on a local
model seeded with that state, replacing the snapshot. With JavaScript off, and in
print, the snapshot stays.

What the base owns, so the widgets don't repeat it:

* the frame (title, controls, message, figure, table), drawn by ``js/frame.js``;
* errors: a state the front end sends that fails its checks is refused, the last good
  state stays (and is sent back to the front end), and :attr:`error` says why. The
  front end shows it as "Not applied: ..." (``role="alert"``); the next good change
  clears it;
* the ``text/html`` entry of the display bundle (:meth:`page_html`).

A subclass sets ``_module`` (the name of its JS module), ``_state_traits`` (the traits
that make up its state), and implements :meth:`_refresh` (compute the reference from
the traits, raising if it cannot) and :meth:`snapshot` (the static HTML).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any, ClassVar

import anywidget
import traitlets

from .._arrays import check_int as _check_int
from .._arrays import check_number as _check_number

__all__ = [
    "Checked",
    "InvalidState",
    "InvalidType",
    "LiveWidget",
    "bundle_esm",
    "check_number",
    "check_whole",
    "check_numbers",
    "check_words",
    "js_source",
]


class InvalidState(traitlets.TraitError, ValueError):
    """A value outside what a widget accepts.

    It is a :class:`ValueError` for the reader, and a :class:`traitlets.TraitError`
    so that traitlets rolls back every change of the same update.
    """


class InvalidType(traitlets.TraitError, TypeError):
    """A value of the wrong type (a string where a number belongs, say)."""


def js_source(name: str) -> str:
    """The text of ``widgets/js/<name>``, shipped inside the package."""
    return resources.files(__package__).joinpath("js", name).read_text(encoding="utf-8")


_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([a-z_]+\.js)";\s*$', re.MULTILINE)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)",
                     re.MULTILINE)


def _inline(name: str, seen: set[str]) -> str:
    """Turn ``js/<name>`` into an expression: its exports as an object."""
    if name in seen:
        raise ValueError(f"{name} imports itself, directly or not")
    source = js_source(name)
    if _IMPORT.search(source):
        raise ValueError(f"{name}: shared modules must not import other modules")
    exported = [m.group(2) for m in _EXPORT.finditer(source)]
    body = _EXPORT.sub(lambda m: f"{m.group(1)} {m.group(2)}", source)
    if re.search(r"^export\b", body, re.MULTILINE):
        raise ValueError(f"{name}: only `export function/const/let/class NAME` can be inlined")
    return f"(() => {{\n{body}\nreturn {{ {', '.join(exported)} }};\n}})()"


def bundle_esm(name: str) -> str:
    """One self-contained ES module for anywidget: ``js/<name>`` with its imports inlined.

    In JupyterLab anywidget loads a widget's module from a string, where a relative
    ``import`` has nothing to resolve against. So each ``import { a, b } from "./x.js";``
    line becomes ``const { a, b } = (() => { ...x.js... })();`` (each shared module in its
    own scope). On the website the files are served as they are and import each other.
    """
    source = js_source(name)

    def replace(match: re.Match) -> str:
        names = match.group(1).replace(" as ", ": ")
        return f"const {{{names}}} = {_inline(match.group(2), {name})};"

    return _IMPORT.sub(replace, source)


# -- checking what the reader (or a chapter) passes in -------------------------------


def check_number(value: Any, name: str, low: float, high: float) -> float:
    """``value`` as a float, if it is a real number in [low, high].

    The package's own :func:`selfattention._arrays.check_number`, with its errors
    raised as the trait-aware kinds below, so that traitlets rolls the update back.

    Raises
    ------
    InvalidType (a TypeError)
        For a string, a bool, None or anything else that is not a real number.
    InvalidState (a ValueError)
        For NaN, infinity or a number outside [low, high].
    """
    try:
        return _check_number(value, name, minimum=low, maximum=high)
    except TypeError as exc:
        raise InvalidType(str(exc)) from None
    except ValueError as exc:
        raise InvalidState(str(exc)) from None


def check_whole(value: Any, name: str, low: int, high: int) -> int:
    """``value`` as an int, if it is a whole number in [low, high] (a bool is not).

    :func:`selfattention._arrays.check_int`, with the trait-aware errors of
    :func:`check_number`.
    """
    try:
        return _check_int(value, name, minimum=low, maximum=high)
    except TypeError as exc:
        raise InvalidType(str(exc)) from None
    except ValueError as exc:
        raise InvalidState(str(exc)) from None


class Checked(traitlets.Any):
    """A trait whose every value, None included, goes to its validator.

    (``traitlets.Any`` lets None past the validator.)
    """

    allow_none = False


def check_numbers(values: Any, name: str, low: float, high: float) -> list[float]:
    """A list of floats, each in [low, high]; a string or a lone number is a TypeError."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, _array_types())):
        raise InvalidType(
            f"{name} must be a sequence of numbers, such as [1.0, 3.0], "
            f"got {type(values).__name__} {values!r}"
        )
    return [check_number(v, f"{name}[{i}]", low, high) for i, v in enumerate(list(values))]


def check_words(words: Any, name: str, most: int) -> list[str]:
    """A list of 1 to ``most`` non-empty words; a single string is a TypeError."""
    if isinstance(words, (str, bytes)) or not isinstance(words, (Sequence, _array_types())):
        raise InvalidType(
            f"{name} must be a sequence of words, such as ['love', 'Apple'], "
            f"got {type(words).__name__} {words!r}"
        )
    words = list(words)
    for i, word in enumerate(words):
        if not isinstance(word, str):
            raise InvalidType(f"{name}[{i}] must be a str, got {type(word).__name__} {word!r}")
        if not word.strip():
            raise InvalidState(f"{name}[{i}] is empty: every token needs a word")
    if not 1 <= len(words) <= most:
        raise InvalidState(f"{name} must hold 1 to {most} words, got {len(words)}")
    return words


def _array_types() -> tuple[type, ...]:
    import numpy as np

    return (np.ndarray,)


def _json_for_script(state: dict) -> str:
    """JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(state, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class LiveWidget(anywidget.AnyWidget):
    """Base of the widgets that run live both in a kernel and on the static website.

    Attributes
    ----------
    title : str
        Shown at the top of the frame.
    error : str
        Why the last change was not applied; empty when it was.
    """

    title = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    _module: ClassVar[str] = ""
    """The widget's front-end module, ``widgets/js/<_module>.js``."""
    _state_traits: ClassVar[tuple[str, ...]] = ()
    """The traits that make up the state; changing one recomputes the reference."""

    def __init_subclass__(cls, **kwargs):
        if cls.__dict__.get("_module"):
            cls._esm = bundle_esm(f"{cls._module}.js")
        super().__init_subclass__(**kwargs)

    def __init__(self, **state):
        super().__init__(**state)
        self._refresh()  # a constructor with unusable arguments fails here, loudly
        self.observe(self._on_state, names=list(self._state_traits))

    # -- what a subclass provides -------------------------------------------------

    def _refresh(self) -> None:  # pragma: no cover - every widget overrides it
        """Compute the reference results for the current traits; raise if impossible."""
        raise NotImplementedError

    def snapshot(self) -> str:  # pragma: no cover - every widget overrides it
        """The static HTML of the current state (figure, alt text, table)."""
        raise NotImplementedError

    # -- errors -----------------------------------------------------------------

    def _on_state(self, change) -> None:
        try:
            self._refresh()
        except Exception as exc:  # keep the last good results and say what went wrong
            self.error = str(exc)
        else:
            self.error = ""

    def set_state(self, sync_data):
        """Apply a state sent by the front end; refuse it whole if any value is unusable.

        A good state clears the message even when it changes nothing (say, the state the
        kernel kept after refusing another): it fires no observer, so the error is cleared
        first, and set again if this state is refused too.
        """
        with self.hold_sync():
            if any(key in self._state_traits for key in sync_data):
                self.error = ""
            try:
                super().set_state(sync_data)
            except traitlets.TraitError as exc:  # traitlets has rolled the update back
                self.error = str(exc)
                self.send_state([key for key in sync_data if key in self.keys])

    # -- the page ---------------------------------------------------------------

    def page_state(self) -> dict:
        """The state the website's host seeds its local model with (JSON-ready)."""
        names = ("title", "error", *self._state_traits, *self._fixed_traits())
        return {name: _plain(getattr(self, name)) for name in names}

    def _fixed_traits(self) -> tuple[str, ...]:
        """Synced traits the front end reads but never changes (a widget's tokens, say)."""
        return ()

    def page_html(self) -> str:
        """The ``text/html`` the website shows: state for the live widget, and the snapshot."""
        return (
            f'<div class="sa-live-widget" data-sa-widget="{html.escape(self._module)}">'
            f'<script type="application/json" class="sa-widget-state">'
            f"{_json_for_script(self.page_state())}</script>"
            f"{self.snapshot()}</div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data["text/html"] = self.page_html()
        return data, metadata


def _plain(value: Any) -> Any:
    """Traits as JSON values: tuples and lists become lists, floats stay floats."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
