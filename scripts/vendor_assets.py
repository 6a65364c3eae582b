"""Fetch the JavaScript the website serves itself, so pages work offline.

The book's pages need two libraries in the browser: mermaid (the flowcharts)
and MathJax (the maths). Both are downloaded at build time as the npm registry's
own tarballs (a plain HTTPS download, no Node.js needed) and land in
``_assets/vendor/``, which Sphinx copies to ``_build/html/_static/vendor/``.
Each tarball's SHA-256 is checked before anything is unpacked, and only the
files the pages load are kept.

Run by ``make book``; a package whose files are already there is skipped.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "_assets" / "vendor"
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sha256: str
    strip: str  # prefix removed from paths inside the tarball
    keep: tuple[str, ...]  # files or folders (after stripping) to keep

    @property
    def url(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"

    @property
    def target(self) -> Path:
        return VENDOR / self.name

    @property
    def stamp(self) -> Path:
        return self.target / f".version-{self.version}"

    def wanted(self, name: str) -> bool:
        return any(name == k or name.startswith(k.rstrip("/") + "/") for k in self.keep)


PACKAGES = [
    Package(
        "mermaid", "11.12.1",
        "3bd65ddefe97fb2e01d976a01d4078f8d773bfc56c6a75a9abf08b564ce0f8b2",
        strip="package/dist/",
        keep=("mermaid.esm.min.mjs", "chunks/mermaid.esm.min/"),
    ),
    Package(
        "mathjax", "3.2.2",
        "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09",
        strip="package/es5/",
        # the component Sphinx loads, its fonts, and what its menu loads on demand
        keep=("tex-mml-chtml.js", "output/chtml/fonts/woff-v2/", "a11y/", "sre/", "ui/",
              "input/tex/extensions/"),
    ),
]


def download(url: str, sha256: str) -> bytes:
    """The bytes at ``url``, after checking that their SHA-256 is ``sha256``."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
    except OSError as exc:
        sys.exit(f"could not download {url} ({exc}); is the npm registry reachable?")
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        sys.exit(f"{url}: checksum mismatch, got {digest}, expected {sha256}")
    return data


def fetch(package: Package) -> None:
    data = download(package.url, package.sha256)
    if package.target.exists():
        shutil.rmtree(package.target)
    package.target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix(package.strip)
            if (member.isfile() and name != member.name and package.wanted(name)
                    and not name.endswith(".map")):
                path = package.target / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(tar.extractfile(member).read())
    package.stamp.touch()


def main() -> None:
    for package in PACKAGES:
        if package.stamp.exists():
            continue
        fetch(package)
        files = [f for f in package.target.rglob("*") if f.is_file() and f != package.stamp]
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"vendored {package.name} {package.version}: {len(files)} files, {size:.1f} MB")


if __name__ == "__main__":
    main()
