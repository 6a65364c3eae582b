"""The locked environment: every package pinned with hashes, one source for both locks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
BINDER_LOCK = ROOT / "binder" / "requirements.txt"


def entries(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for each package of a pip-compile lock."""
    text = re.sub(r"\\\n\s*", " ", lock.read_text())  # join continuation lines
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        spec, *options = [part.strip() for part in line.split(" --hash=")]
        requirement = Requirement(spec.strip())
        (specifier,) = requirement.specifier
        found[canonicalize_name(requirement.name)] = (specifier.version, options)
    return found


def direct(source: Path) -> dict[str, str]:
    """name -> pinned version for each line of a hand-written ``.in`` file."""
    found = {}
    for line in source.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{source.name}: pin {line} exactly"
            found[canonicalize_name(requirement.name)] = specifier.version
    return found


@pytest.mark.parametrize("lock", [LOCK, BINDER_LOCK], ids=["requirements", "binder"])
def test_every_locked_package_is_pinned_with_a_hash(lock):
    locked = entries(lock)
    assert len(locked) > 50  # the full set, not only the direct dependencies
    for name, (version, hashes) in locked.items():
        assert version, name
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), name


@pytest.mark.parametrize(
    ("source", "lock"),
    [(ROOT / "requirements.in", LOCK), (ROOT / "binder" / "requirements.in", BINDER_LOCK)],
    ids=["requirements", "binder"],
)
def test_the_lock_holds_each_direct_pin(source, lock):
    locked = entries(lock)
    for name, version in direct(source).items():
        assert name in locked, f"{name} is in {source.name} but not in the lock: run make lock"
        # torch's pin 2.13.0 resolves to the CPU build 2.13.0+cpu
        assert locked[name][0].split("+")[0] == version, name


def test_binder_agrees_with_the_full_lock():
    full, binder = entries(LOCK), entries(BINDER_LOCK)
    assert set(binder) <= set(full)
    assert {n: v for n, (v, _) in binder.items()} == {n: full[n][0] for n in binder}


def test_torch_is_the_cpu_build_from_pytorchs_index():
    assert entries(LOCK)["torch"][0] == "2.13.0+cpu"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in BINDER_LOCK.read_text()


def test_unused_dependencies_are_not_requested():
    # sentence-transformers is never imported: the model is loaded with transformers
    assert "sentence-transformers" not in direct(ROOT / "requirements.in")
    assert "sentence-transformers" not in (ROOT / "pyproject.toml").read_text()
