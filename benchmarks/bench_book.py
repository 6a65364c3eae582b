"""Time a cold strict book build and a cached rebuild, in a scratch copy of the repository.

The copy holds the files git tracks (plus the vendored JavaScript, so no
download is timed), so the reader's own _build and execution cache are left
alone. Cold: no _build, no execution cache, every notebook runs. Cached:
the same command again, with nothing changed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "-W", "-n", "--keep-going"]


def _copy_tree(target: Path) -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True)
    for name in files.stdout.splitlines():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    subprocess.run([sys.executable, "scripts/vendor_assets.py"], cwd=ROOT, check=True)
    shutil.copytree(ROOT / "_assets" / "vendor", target / "_assets" / "vendor")


def _timed_build(folder: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(BUILD, cwd=folder, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"book build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def main(then=None) -> dict:
    """Time both builds; ``then(site_folder)``, if given, runs on the built site before cleanup."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _copy_tree(folder)
        cold = _timed_build(folder)
        cached = _timed_build(folder)
        if then is not None:
            then(folder / "_build" / "html")
    print(f"Book build (strict, {len(list((ROOT / 'chapters').glob('*.ipynb')))} notebook(s))")
    print(f"  cold   (no _build, no execution cache): {cold:6.1f} s")
    print(f"  cached (nothing changed):               {cached:6.1f} s")
    return {"cold_s": cold, "cached_s": cached}


if __name__ == "__main__":
    main()
