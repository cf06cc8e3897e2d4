"""Export and import of a synthetic archive of 10,000 entries with the pure format functions
(editorial.canonical): time, and peak memory measured with tracemalloc in a separate pass."""

import resource
import statistics
import tracemalloc

from bench.common import PUBLICATION, emit, synthetic_issue, timed
from editorial.canonical import issue_to_markdown, markdown_to_issue

REPEAT = 3
SHAPES = {
    # name: (issues, sections per issue, entries per section)
    "100 issues × 100 entries": (100, 5, 20),
    "1 issue × 10,000 entries": (1, 10, 1000),
}


def export_all(issues):
    return [issue_to_markdown(issue) for issue in issues]


def import_all(files):
    return [markdown_to_issue(text, publication=PUBLICATION) for text in files]


def peak_bytes(function, *args) -> int:
    """Memory allocated at the peak of the call, above what was allocated before it."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = function(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak - before


def measure(issue_count: int, sections: int, per_section: int) -> dict:
    issues = [
        synthetic_issue(2000 + n // 50, n % 50 + 1, sections=sections, per_section=per_section)
        for n in range(issue_count)
    ]
    entries = sum(len(s.entries) for issue in issues for s in issue.sections)
    export_times, import_times = [], []
    for _ in range(REPEAT):
        seconds, files = timed(export_all, issues)
        export_times.append(seconds)
        seconds, parsed = timed(import_all, files)
        import_times.append(seconds)
    if parsed != issues:
        raise AssertionError("the archive did not read back to the same data")
    return {
        "issues": issue_count,
        "entries": entries,
        "bytes": sum(len(text.encode("utf-8")) for text in files),
        "export_s": round(statistics.median(export_times), 3),
        "import_s": round(statistics.median(import_times), 3),
        "export_entries_per_s": round(entries / statistics.median(export_times)),
        "import_entries_per_s": round(entries / statistics.median(import_times)),
        "export_peak_mib": round(peak_bytes(export_all, issues) / 2**20, 1),
        "import_peak_mib": round(peak_bytes(import_all, files) / 2**20, 1),
        "repeat": REPEAT,
    }


def main():
    results = {name: measure(*shape) for name, shape in SHAPES.items()}
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    emit({"shapes": results, "process_max_rss_mib": round(max_rss_kib / 1024, 1)})


if __name__ == "__main__":
    main()
