"""Chapter 1's embedding explorer, live in JupyterLab with a kernel (headless chromium).

The same front end as on the website draws the bars, the view and the tables; each
change also reaches the kernel, where the package recomputes ``explorer.state`` with
``embed`` and ``embed_sentence``. Bad input shows a message and goes nowhere; the next
good input clears it.
"""

from __future__ import annotations

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.embeddings import SENTENCES
from selfattention.widgets.embedding_explorer import EmbeddingExplorer

NOTEBOOK = "live_embedding.ipynb"
REPORT = ("print('state', explorer.word, '|', explorer.sentence, '|', explorer.x_feature, "
          "explorer.y_feature, explorer.state.word.known, explorer.state.word.vector.tolist(), "
          "explorer.state.points.tolist(), repr(explorer.error))")


def _expected(**state) -> str:
    reference = EmbeddingExplorer(**state)
    s = reference.state
    return (f"state {reference.word} | {reference.sentence} | {reference.x_feature} "
            f"{reference.y_feature} {s.word.known} {s.word.vector.tolist()} "
            f"{s.points.tolist()} ''")


def _type(page, label, text):
    box = page.locator(".sa-live").get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")


def test_the_embedding_explorer_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import EmbeddingExplorer\n"
        "explorer = EmbeddingExplorer()\nexplorer",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live table.sa-heatmap", "embedding")
    assert page.locator(".sa-live rect.sa-emb-bar").count() == 8

    # controls reach the kernel's reference; an unknown word gets the package's fallback
    _type(page, "word", "zebra")
    _type(page, "sentence", SENTENCES["cat"])
    page.locator(".sa-live").get_by_label("across (x)", exact=True).select_option("animal")
    page.locator(".sa-live").get_by_label("up (y)", exact=True).select_option("feeling")
    assert "“zebra” is not in the toy vocabulary" in page.locator(
        ".sa-live p.sa-emb-status").inner_text()
    page.wait_for_timeout(1000)
    state = dict(word="zebra", sentence=SENTENCES["cat"], x_feature="animal",
                 y_feature="feeling")
    run_report(page, _expected(**state))
    bars = page.locator(".sa-live rect.sa-emb-bar").evaluate_all(
        "bars => bars.map(b => Number(b.dataset.value))")
    assert bars == EmbeddingExplorer(**state).state.word.vector.tolist()

    # bad input: a message, the kernel keeps the last good state; the next good one clears it
    _type(page, "sentence", "   ")
    assert "the sentence has no words" in page.locator(".sa-live [role=alert]").inner_text()
    _type(page, "word", "two words")
    assert "word must be a single word" in page.locator(".sa-live [role=alert]").inner_text()
    _type(page, "word", "cat")
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    run_report(page, _expected(**{**state, "word": "cat"}))
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-embedding-explorer.png"))
    page.close()
