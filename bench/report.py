"""docs/performance.md from the benchmarks' results: tables of numbers and how they were taken."""

READER_ROWS = [
    ("page_cold", "issue page, rendered on every request"),
    ("page_warm", "issue page, full-response cache warm"),
    ("page_304", "issue page, conditional (If-None-Match) → 304"),
    ("static", "the same bytes as a static file (whitenoise)"),
]
RENDER_ROWS = [
    ("after_publication", "after another issue's publication (article kept)"),
    ("article", "article rendered again (revision contents kept)"),
    ("first", "first render of the revision (nothing cached)"),
]


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _machine(facts: dict, results: dict) -> list[str]:
    before = ", ".join(f"{x:.2f}" for x in results["load_average"]["before"])
    after = ", ".join(f"{x:.2f}" for x in results["load_average"]["after"])
    rows = [[name, value] for name, value in facts.items()]
    rows.append(["load average (1, 5, 15 min) before / after", f"{before} / {after}"])
    rows.append(["whole run", f"{results['duration_s']} s"])
    return ["## Machine", "", *_table(["", ""], rows), ""]


def _reader(name: str, reader: dict) -> list[str]:
    results = reader["results"]
    ratio = reader["ratio_to_static"]
    targets = reader.get("targets", {})
    rows = []
    for key, label in READER_ROWS:
        result = results[key]
        latency = result["latency_ms"]
        target = targets.get(key)
        verdict = "–"
        if target is not None:
            verdict = f"≥ {target}: {'met' if ratio[key] >= target else 'NOT met'}"
        rows.append(
            [
                label,
                f"{result['requests_per_s']:.1f}",
                latency.get("50", "–"),
                latency.get("90", "–"),
                latency.get("99", "–"),
                ratio.get(key, "1" if key == "static" else "–"),
                verdict,
                result["non_2xx_3xx"],
            ]
        )
    load = results["page_warm"]
    return [
        f"### {name}",
        "",
        f"`{reader['page']}`: {reader['page_bytes']:,} bytes, 60 entries; static copy "
        f"{reader['static_bytes']:,} bytes. gunicorn {reader['workers']} workers × "
        f"{reader['threads_per_worker']} threads; wrk {load['threads']} threads, "
        f"{load['connections']} connections, {load['seconds']} s per row after a 2 s warm-up.",
        "",
        *_table(
            [
                "request",
                "requests/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "ratio to static",
                "target",
                "non-2xx/3xx",
            ],
            rows,
        ),
        "",
        *_rounds(reader),
        *_errors(reader["server_errors"]),
        *_render(reader),
    ]


def _rounds(reader: dict) -> list[str]:
    rounds = reader.get("ratio_rounds")
    if not rounds:
        return []
    parts = [f"{name} {', '.join(str(x) for x in values)}" for name, values in rounds.items()]
    return [
        "Ratios to static in each of the rounds (the table shows the round of the median "
        "warm ratio; the ratio column is the median of each): " + "; ".join(parts) + ".",
        "",
    ]


def _render(reader: dict) -> list[str]:
    render = reader.get("render")
    if not render:
        return []
    target = reader["cold_render_target_ms"]
    rows = []
    for key, label in RENDER_ROWS:
        r = render[key]
        verdict = "–"
        if key == "article":
            verdict = f"≤ {target:g} ms: {'met' if r['median_ms'] <= target else 'NOT met'}"
        rows.append([label, r["n"], r["median_ms"], r["p95_ms"], r["max_ms"], verdict])
    return [
        "Cold render, server time in-process (ms):",
        "",
        *_table(["issue page", "n", "median ms", "p95 ms", "max ms", "target"], rows),
        "",
    ]


def _errors(errors: dict[str, int]) -> list[str]:
    if not errors:
        return ["No server errors in gunicorn's log during this run.", ""]
    lines = ["Server errors in gunicorn's log during this run (each a 500 to the client):", ""]
    lines += [f"- {count} × `{text}`" for text, count in errors.items()]
    return [*lines, ""]


def _editing(databases: dict) -> list[str]:
    rows = []
    for name, result in databases.items():
        editing = result["editing"]
        for key, label in (("save", "entry save (htmx)"), ("reorder", "reorder (htmx)")):
            r = editing[key]
            rows.append(
                [
                    label,
                    name,
                    r["n"],
                    r["median_ms"],
                    r["p95_ms"],
                    r["max_ms"],
                    r["queries"],
                    f"{r['bytes']:,}",
                ]
            )
    header = ["operation", "database", "n", "median ms", "p95 ms", "max ms", "queries", "bytes"]
    return _table(header, rows)


# The composer's speed targets at 500 entries: (what, database, how to read it, limit, unit).
def _page(name: str, key: str):
    return lambda result: result["queries"]["500"][name][key]


def _edit(operation: str, key: str):
    return lambda result: result["editing"][operation][key]


def _composer_queries(result) -> int:
    return max(result["queries"][size]["composer"]["warm"] for size in ("10", "500"))


COMPOSER_TARGETS = [
    # The budget is on what travels (gzip): whitespace that makes templates readable costs
    # little once compressed. The uncompressed size is shown for information (no target).
    ("composer page size, gzip", "SQLite", _page("composer", "gzip_bytes"), 25_000, "bytes"),
    ("composer page size, uncompressed", "SQLite", _page("composer", "bytes"), None, "bytes"),
    ("composer server time", "SQLite", _page("composer", "ms"), 150, "ms"),
    ("composer queries (warm), 10 and 500 entries", "SQLite", _composer_queries, 10, "queries"),
    ("review page size", "SQLite", _page("review page", "bytes"), 400_000, "bytes"),
    ("htmx move size", "SQLite", _edit("reorder", "bytes"), 10_000, "bytes"),
    ("htmx move, median", "SQLite", _edit("reorder", "median_ms"), 30, "ms"),
    ("entry save, median", "SQLite", _edit("save", "median_ms"), 10, "ms"),
    ("entry save, p95", "SQLite", _edit("save", "p95_ms"), 30, "ms"),
    ("entry save, median", "PostgreSQL", _edit("save", "median_ms"), 20, "ms"),
]


def _composer_targets(databases: dict) -> list[str]:
    rows = []
    for label, database, read, limit, unit in COMPOSER_TARGETS:
        target = "information" if limit is None else f"≤ {limit:,} {unit}"
        if database not in databases:
            rows.append([label, database, "not measured", target, "—"])
            continue
        value = read(databases[database])
        met = "—" if limit is None else "yes" if value <= limit else "**no**"
        shown = f"{value:,}" if isinstance(value, int) else value
        rows.append([label, database, f"{shown} {unit}", target, met])
    return _table(["measure", "database", "measured", "target", "met"], rows)


def _format(fmt: dict) -> list[str]:
    rows = [
        [
            shape,
            f"{r['entries']:,}",
            f"{r['bytes'] / 2**20:.1f} MiB",
            r["export_s"],
            f"{r['export_entries_per_s']:,}",
            r["export_peak_mib"],
            r["import_s"],
            f"{r['import_entries_per_s']:,}",
            r["import_peak_mib"],
        ]
        for shape, r in fmt["shapes"].items()
    ]
    return _table(
        [
            "archive",
            "entries",
            "markdown",
            "export s",
            "entries/s",
            "export peak MiB",
            "import s",
            "entries/s",
            "import peak MiB",
        ],
        rows,
    )


def _archive(databases: dict) -> list[str]:
    rows = [
        [
            name,
            f"{r['archive']['entries']:,}",
            r["archive"]["issues"],
            r["archive"]["import_s"],
            r["archive"]["export_s"],
        ]
        for name, r in databases.items()
    ]
    return _table(
        ["database", "entries", "files", "import s (parse + rules + store)", "export --all s"], rows
    )


def _queries(databases: dict) -> list[str]:
    names = list(databases)
    first = databases[names[0]]["queries"]
    header = ["page"]
    for name in names:
        header += [f"{name} 10", f"{name} 500"]
    header += [
        f"bytes at 500 ({names[0]})",
        f"gzip bytes at 500 ({names[0]})",
        f"ms at 500 ({names[0]})",
    ]
    rows = []
    for page in first["10"]:
        row = [page]
        for name in names:
            for size in ("10", "500"):
                counts = databases[name]["queries"][size][page]
                cell = str(counts["cold"])
                if counts["warm"] != counts["cold"]:
                    cell += f" ({counts['warm']} warm)"
                row.append(cell)
        at_500 = first["500"][page]
        row += [f"{at_500['bytes']:,}", f"{at_500['gzip_bytes']:,}", at_500["ms"]]
        rows.append(row)
    return _table(header, rows)


def _search(databases: dict) -> list[str]:
    names = [name for name in databases if "search" in databases[name]]
    if not names:
        return []
    header = ["query", "hits"]
    for name in names:
        header += [f"{name} selector median / p95 ms", f"{name} page median / p95 ms"]
    rows = []
    first = databases[names[0]]["search"]["queries"]
    target = databases[names[0]]["search"].get("page_target_ms")
    met = []
    for label, result in first.items():
        row = [f"{label}: `{result['query']}`", result["hits"]]
        for name in names:
            r = databases[name]["search"]["queries"][label]
            row += [
                f"{r['selector']['median_ms']} / {r['selector']['p95_ms']}",
                f"{r['page']['median_ms']} / {r['page']['p95_ms']}",
            ]
            met.append(r["page"]["median_ms"] <= target if target else True)
        rows.append(row)
    lines = _table(header, rows)
    if target:
        lines += ["", f"Target, every search page's median at most {target:g} ms: "
                  f"{'met' if all(met) else 'not met'} on this run."]  # fmt: skip
    homes = [
        f"{name} {databases[name]['search']['home_cold']['median_ms']} ms"
        for name in names
        if databases[name]["search"].get("home_cold")
    ]
    if homes:
        lines += ["", "The home page (the newest issue, 1,000 entries) with the cache emptied "
                  "first, in-process, median: " + ", ".join(homes) + "."]  # fmt: skip
    return lines


def _inbox(databases: dict) -> list[str]:
    header = ["database", "save: median / p95 ms", "inbox page idle: median / p95 ms",
              "with 20 fetches running: median / p95 ms", "busy / idle"]  # fmt: skip
    rows = []
    for name, result in databases.items():
        inbox = result.get("inbox")
        if not inbox:
            continue
        save, idle, busy = inbox["save"], inbox["serving_idle"], inbox["serving_busy"]
        rows.append(
            [
                name,
                f"{save['median_ms']} / {save['p95_ms']}",
                f"{idle['median_ms']} / {idle['p95_ms']}",
                f"{busy['median_ms']} / {busy['p95_ms']}",
                f"{inbox['slowdown']}×",
            ]
        )
    return _table(header, rows)


FETCH_LIMITS_TITLE = "## Inbox: one poll per page, and the fetch's deadline"


def fetch_limits_section(results: dict) -> list[str]:
    """The inbox poll's requests per minute and the deadlines under a drip
    (bench/inbox_poll_bench.py, bench/deadline_bench.py)."""
    poll, deadline = results["poll"], results["deadline"]
    minutes = poll["poll_requests_per_minute"]
    others = poll["other_requests_per_minute"]
    stopped = poll["stopped_after_s"]
    poll_rows = [
        [f"{n + 1}", polls, other]
        for n, (polls, other) in enumerate(zip(minutes, others, strict=True))
    ]
    deadline_rows = [
        [
            row["case"],
            f"{row['configured_s']:g}",
            " / ".join(f"{seconds:g}" for seconds in row["measured_s"]),
            f"{row['ratio']:.3f}",
            ", ".join(row["codes"]),
        ]
        for row in deadline["cases"]
    ]
    alone = []
    if results.get("measured_alone"):
        alone = [
            f"Measured on its own with `bench/run.py --only fetch-limits` on "
            f"{results['measured_alone']}; the rest of this file is from the run named at its top.",
            "",
        ]
    return [
        FETCH_LIMITS_TITLE,
        "",
        *alone,
        f"bench/inbox_poll_bench.py. **Poll**: the inbox page with {poll['pending']} links "
        "being fetched, open in one tab of Chromium (Playwright) and served by gunicorn (the "
        "production settings, over plain HTTP). The "
        "page's clock is Playwright's, paused and moved on a second at a time for "
        f"{poll['simulated_minutes']} simulated minutes, each question the page asks answered "
        "before the clock moves again: the count is exactly what the page's script sends over "
        "that period, however fast the machine. No fetch finishes meanwhile, so the page backs "
        "off (2, 4, 8, 16, then every 30 s) and stops two minutes after its last change"
        + (f" (here after {stopped} s)" if stopped else "")
        + f". Each question asks about all {', '.join(map(str, poll['items_per_request']))} "
        "cards at once. Before, every such card asked for itself every 2 s: "
        f"{poll['per_card_before_per_minute']:,} requests a minute (computed from that "
        "schedule, not measured).",
        "",
        *_table(["simulated minute", "poll requests", "other requests"], poll_rows),
        "",
        "bench/deadline_bench.py. **Deadline**: a fetch of a local server that sends one "
        "header line a second, or its headers at once and then one byte of body a second, for "
        "a minute; and of a name whose DNS never answers (the resolver replaced, as in the "
        f"tests). Each case fetched {deadline['rounds']} times; the ratio is the slowest "
        "fetch's time to the limit configured (DIGEST_FETCH_TOTAL_TIMEOUT for the drips, "
        "DIGEST_FETCH_DNS_TIMEOUT for DNS): 1.0 is the fetch ending at its deadline.",
        "",
        *_table(["case", "configured s", "measured s", "ratio", "failure code"], deadline_rows),
        "",
    ]


def replace_section(document: str, section: list[str]) -> str:
    """`document` with the section titled like `section`'s first line replaced by it (up to
    the next "## " heading), or with it added at the end when it has none."""
    lines = document.rstrip("\n").split("\n")
    title = section[0]
    if title in lines:
        start = lines.index(title)
        end = next(
            (n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")), len(lines)
        )
        combined = [*lines[:start], *section, *lines[end:]]
    else:
        combined = [*lines, "", *section]
    return "\n".join(combined).rstrip("\n") + "\n"


MAIL_INTRO = (
    "bench/mail_bench.py. One issue sent to 10,000 confirmed subscribers (five receiving "
    "domains, two languages) by `run_mailing`, the task worker's loop, in a process of its own, "
    "through a local SMTP sink (aiosmtpd's Sink, in another process) with the rates off "
    "(`DIGEST_MAIL_RATE=0`, `DIGEST_MAIL_DOMAIN_RATE=0`): batches of 50 over one connection, "
    "every message recorded as sent when the server accepted it. **Memory**: the peak of "
    "Python's allocations (tracemalloc) while sending 1,000 and 10,000 deliveries, and the "
    "process's peak resident size; the same for both means it is flat. **Serving while "
    "sending**: GET of the reader's front page and of the Send by mail page's progress fragment "
    "(its htmx poll, as a signed-in reviewer) from gunicorn, idle, then back to back for as "
    "long as the 10,000 are being sent."
)


def _mail(databases: dict) -> list[str]:
    lines = []
    for name, result in databases.items():
        mail = result.get("mail")
        if not mail:
            continue
        small, large, send = mail["memory"]["1000"], mail["memory"]["10000"], mail["send"]
        lines += [
            f"**{name}**: {send['sent']:,} messages in {send['seconds']} s: "
            f"**{send['per_second']} messages a second** (while serving the requests below).",
            "",
            *_table(
                ["deliveries", "tracemalloc peak MiB", "peak resident MiB", "seconds (traced)"],
                [
                    [f"{count:,}", run["tracemalloc_peak_mib"], run["maxrss_mib"], run["seconds"]]
                    for count, run in ((1000, small), (10000, large))
                ],
            ),
            "",
            *_table(
                [
                    "page",
                    "idle: median / p95 ms",
                    "while sending: median / p95 ms",
                    "requests while sending",
                    "busy / idle",
                ],  # fmt: skip
                [
                    [
                        page,
                        f"{mail[key]['idle']['median_ms']} / {mail[key]['idle']['p95_ms']}",
                        f"{mail[key]['busy']['median_ms']} / {mail[key]['busy']['p95_ms']}",
                        mail[key]["requests_while_sending"],
                        f"{mail[key]['slowdown']}×",
                    ]
                    for page, key in (("reader front page", "reader"), ("progress", "progress"))
                ],
            ),
            "",
        ]
    return lines


def render(facts: dict, results: dict) -> str:
    databases = results["databases"]
    lines = [
        "# Performance",
        "",
        f"Written by `make bench` (bench/run.py) on {results['date']}. One run; numbers move by "
        "tens of percent between runs on a shared machine (see the load average below), so "
        "compare runs on the same machine. Every benchmark runs with the production settings "
        "(DEBUG off, hashed static files, HTTPS as seen behind a proxy) on a database it creates "
        "and drops.",
        "",
        *_machine(facts, results),
    ]
    if results.get("postgres_problem"):
        lines += [f"PostgreSQL was skipped: {results['postgres_problem']}", ""]
    lines += [
        "## Reader throughput",
        "",
        "gunicorn (digest/gunicorn.conf.py, access log off) on a loopback port, wrk on the same "
        "machine (so wrk and the server share the CPU cores). Each request carries "
        "`X-Forwarded-Proto: https`, as from the TLS proxy, and no cookie (an anonymous "
        "reader). **Rendered on every request**: a server started with "
        "`DIGEST_PAGE_CACHE_SECONDS=0`, which keeps no response and no article, so every "
        "request renders the page (the revision's contents, which never change, are still "
        "kept). **Full-response cache warm**: the default 600 s; the page is answered before "
        "sessions, auth, CSRF and locale, with the publication state kept by each process for a "
        "second (one query a second, none per request). **304**: "
        "the request carries the ETag from an earlier response (the same for every visitor). "
        "**Static**: the rendered page saved under `/static/bench/issue.html` before "
        "`collectstatic` and served by whitenoise from the same server; its ratio is the "
        "ceiling a page can reach in this stack. The warm page, the 304 and the static file are "
        "measured back to back, three rounds, and each ratio is the median of the three "
        "rounds' ratios (the load of others on a shared machine moves single rows by tens of "
        "percent). The targets: the warm page at least 0.9 × "
        "static, the 304 at least 0.95 ×. Latency percentiles are wrk's, at that concurrency. "
        "**Cold render**: the server time of one request in-process (the test client, no "
        "network) when the full-response cache misses; the target, at most 10 ms median, is "
        "for the page whose article is rendered again (a correction of this issue), with the "
        "revision's contents kept.",
        "",
    ]
    for name, result in databases.items():
        lines += _reader(name, result["reader"])
    lines += [
        "## The composer's targets at 500 entries",
        "",
        "From the tables below (server time in-process, one run on this machine).",
        "",
        *_composer_targets(databases),
        "",
        "## Editing an issue of 500 entries",
        "",
        "Server time of one POST with `HX-Request: true` through the whole Django stack "
        "(middleware, view, template, database) in-process with the test client, no network. "
        "The issue has 5 sections × 100 entries, in review. A save changes an entry's title "
        "(with its version); a reorder moves a random entry to a random other position in its "
        "section. Saves and reorders alternate until each has had its time budget (at least 10 "
        "of each). queries: the most SQL queries one request made; response bytes: the "
        "largest response.",
        "",
        *_editing(databases),
        "",
        "## Format: export and import of 10,000 entries",
        "",
        "The pure functions `issue_to_markdown` and `markdown_to_issue` (editorial.canonical), "
        "on synthetic issues with realistic text (about 30-character titles, 150-character "
        "summaries, characters that need escaping). Times are the median of "
        f"{next(iter(results['format']['shapes'].values()))['repeat']} runs; peak memory is "
        "measured with tracemalloc in a separate run, as the peak above what was allocated "
        "before (the input data). Every run reads back to the same data. Process peak RSS: "
        f"{results['format']['process_max_rss_mib']} MiB.",
        "",
        *_format(results["format"]),
        "",
        "Through the database, as `import_issue` and `export_issue --all` do it (the app's "
        "input rules on every entry, one transaction per file; the export compared byte for "
        "byte with the files):",
        "",
        *_archive(databases),
        "",
        "## SQL queries per page",
        "",
        "Queries of one GET, with the cache emptied first (in parentheses: the same request "
        "again, when different); the size (as written, and gzip-compressed at level 5 as "
        "nginx sends it, docs/deploy.md) and server time of that second request at 500 "
        "entries (in-process test client). 10 and 500 entries: the pages of an issue of that "
        "size (the reader pages show a published issue, the editorial pages an issue in "
        "review, built through the services so that its history has a row per entry). Search "
        "asks for a word in every title.",
        "",
        *_queries(databases),
        "",
        "## Search over the archive",
        "",
        "The reader's search (`search_entries`: the NFKC case-folded query inside the folded "
        "titles and summaries) over an archive of 100,000 entries (100 published issues of "
        "1,000, stored by bench/search_bench.py on a database of its own; then `VACUUM "
        "ANALYZE` on PostgreSQL, `ANALYZE` on SQLite, as autovacuum would have done in "
        "service), and the whole search page through the test client, warm (at most 500 hits "
        "are counted and listed, 20 per page). The index is SQLite's FTS5 trigram table or "
        "PostgreSQL's pg_trgm GIN index; a query of fewer than three characters cannot use a "
        "trigram index and reads the stored folded text. Every query's hits were checked "
        "against the rule computed in Python. The goal: every search page at most 50 ms.",
        "",
        *_search(databases),
        "",
        "## Inbox: saving, and serving while pages are fetched",
        "",
        "bench/inbox_bench.py. **Save**: server time of one htmx POST to the inbox's save "
        "form (in-process test client), each a new link to a local page that takes 3 s to "
        "answer; the fetch is queued in the database, not waited for (target: 50 ms median). "
        "**Serving**: GET of the inbox page (60 saved links) from gunicorn, idle, then while "
        "twenty fetches of such pages run at once beside a `db_worker` (target: no slowdown).",
        "",
        *_inbox(databases),
        "",
        "## Sending an issue by mail",
        "",
        MAIL_INTRO,
        "",
        *_mail(databases),
    ]
    if results.get("fetch_limits"):
        lines += fetch_limits_section(results["fetch_limits"])
    return "\n".join(lines)
