"""`make bench`: every benchmark, printed as tables. Not tests: nothing here fails a build."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster
import glossary_match
import review_app
import review_scale
import robustness
import segmentation
import term_corpus
import terms
import translation

BENCHES = {
    "Sentence segmentation (seeds/)": segmentation.run,
    "Glossary term matching (synthetic glossaries, 1 MB)": glossary_match.run,
    "Terms in the translation: the independent corpus (precision, recall, baselines)": term_corpus.run,
    "Terms in the translation: speed (verification and enforcement)": terms.run,
    "Review app (pipeline review): first render and save round trip": review_app.run,
    "Review files for a huge article (no sentence ends; PO, XLIFF, TSV, HTML)": review_scale.run,
    "Growth with the input: long paragraphs, many articles, big catalogs to merge": robustness.run,
    "Translation (Argos-sized model, en→ru)": translation.run,
    "Translation on Ray workers (--cluster: 2-node local cluster; 2,000 articles end to end)": cluster.run,
}


def main(selected: list[str]) -> None:
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    for title, bench in BENCHES.items():
        if selected and not any(word.lower() in title.lower() for word in selected):
            continue
        rows = bench()
        width = max(len(name) for name, _ in rows)
        print(f"\n## {title}")
        for name, value in rows:
            print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
