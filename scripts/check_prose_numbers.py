"""Find numbers in the chapters' prose that no code produced.

Every number a chapter states must come from a computation (myst-nb glue), so that
the prose and the code cannot disagree. This scans the markdown cells of notebooks
and reports each run of digits that is not inside maths, code, a glue role, a link
target or HTML, and is not a structural reference (chapter 5, step 2, exercise 3,
layer 2 head 7, a year, a list number, a name such as all-MiniLM-L6-v2).

Figure alt texts (a cell's ``mystnb.image.alt``) are prose too: their numbers must be
``{glued.NAME:SPEC}`` placeholders, which the book fills in (``_ext/glued_numbers.py``).

Usage: python scripts/check_prose_numbers.py chapters/*.ipynb  (exit 1 if any found)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

# Pieces of markdown whose digits are not prose. Order matters: fences first.
_STRIP = [
    re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.S | re.M),  # fenced code, mermaid
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),  # amsmath environments
    re.compile(r"(?<![\\$])\$(?!\s)(?:[^$\n]|\n(?!\n))+?(?<!\s)\$"),  # inline maths
    re.compile(r"\{glued\.[^{}]*\}"),  # alt-text placeholders: {glued.coref1_w:.2f}
    re.compile(r"\{[a-z:-]+\}`[^`]*`"),  # roles: {glue:text}`x:.3f`, {term}`...`, {ref}`...`
    re.compile(r"`[^`\n]+`"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<[^>\n]+>"),  # HTML tags and autolinks
    re.compile(r"https?://\S+"),  # bare URLs
    re.compile(r"^\s*:[\w-]+:.*$", re.M),  # directive options (:class: tip)
    re.compile(r"^\s*(:::+|```+)\{[^}]*\}.*$", re.M),  # directive openers and their titles' syntax
    re.compile(r"^\*\*Time:\*\*.*$", re.M),  # the time estimate
    re.compile(r"\[\^\w+\]"),  # footnote markers
]

_REFERENCE_WORDS = (
    r"chapters?|sections?|§|parts?|steps?|exercises?|questions?|layers?|heads?|figures?|"
    r"tables?|equations?|mistakes?|problems?|items?|hooks?|slides?|rows?|columns?|positions?|"
    r"words?|tokens?"
)
_NUMBER = r"\d+(?:\.\d+)?"
_LIST = rf"{_NUMBER}(?:\s*(?:,|and|or|to|–|-)\s*{_NUMBER})*"

# Contexts in which a number is structural, not a claim.
_ALLOWED = [
    re.compile(rf"\b(?:{_REFERENCE_WORDS})\s+\(?{_LIST}\)?", re.I),  # chapter 5, steps 3 and 4
    re.compile(rf"\b(?:{_REFERENCE_WORDS})\s+\({_NUMBER},\s*{_NUMBER}\)", re.I),  # head (5, 11)
    re.compile(r"\b(?:19|20)\d\d[a-z]?\b"),  # years, in citations
    re.compile(r"^\s*\d+\.\s", re.M),  # ordered-list numbers
    re.compile(r"\*\*\d+\.\*\*"),  # exercise numbers: **2.**
    re.compile(r"(?<![\d.,])[01](?![\d.,]*\d)"),  # 0 and 1 as such: "sum to 1"
    re.compile(r"\b\d-D\b"),  # 2-D, 3-D
    re.compile(r"\b\d+-bit\b"),  # 32-bit floats
    re.compile(r"\b\d+(?:st|nd|rd|th)\b"),  # ordinals
    re.compile(r"[A-Za-z]+-?\d+(?:-v\d+)?[A-Za-z]*"),  # names with digits: GPT-2, T5, fp16, L6
    re.compile(r"\b\d+[A-Za-z]+\b"),  # 3Blue1Brown-style names, d2l
]


@dataclass(frozen=True)
class Finding:
    path: str
    cell: int
    number: str
    context: str
    where: str = "markdown cell"

    def __str__(self) -> str:
        return f"{self.path}: {self.where} {self.cell}: {self.number!r} in …{self.context}…"


def prose_of(markdown: str) -> str:
    """The markdown with maths, code, roles, links and HTML blanked out (same length)."""
    for pattern in _STRIP:
        markdown = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    return markdown


def typed_numbers(markdown: str) -> list[tuple[str, str]]:
    """The (number, context) pairs of the digits in ``markdown``'s prose that no rule allows."""
    text = prose_of(markdown)
    allowed = [False] * len(text)
    for pattern in _ALLOWED:
        for match in pattern.finditer(text):
            for i in range(match.start(), match.end()):
                allowed[i] = True
    found = []
    for match in re.finditer(r"\d+(?:[.,]\d+)*", text):
        if not all(allowed[match.start():match.end()]):
            start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
            context = " ".join(markdown[start:end].split())
            found.append((match.group(0), context))
    return found


def scan_notebook(path: Path) -> list[Finding]:
    cells = json.loads(Path(path).read_text())["cells"]
    findings = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for number, context in typed_numbers("".join(cell["source"])):
                findings.append(Finding(Path(path).name, index, number, context))
        alt = alt_text(cell)
        if alt:
            for number, context in typed_numbers(alt):
                findings.append(Finding(Path(path).name, index, number, context, "alt text of cell"))
    return findings


def alt_text(cell: dict) -> str:
    """The figure alt text in a cell's metadata (``mystnb.image.alt``), or ''."""
    return cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")


def main(paths: list[str]) -> int:
    findings = [f for path in paths for f in scan_notebook(Path(path))]
    for finding in findings:
        print(finding)
    print(f"{len(findings)} typed number(s) in {len(paths)} notebook(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
