"""gunicorn runs each worker with several threads (digest/gunicorn.conf.py, worker_class gthread),
so code shared by the threads of one process must give every request its own, right answer.

Summaries are rendered for readers by editorial.text.linkify_summary; many requests render
at once when the page cache is cold (a new revision, a restart, a cache flush).
"""

import threading

from editorial.text import clean_text, linkify_summary

THREADS = 8
CALLS = 150


def run_at_once(work, count: int) -> list:
    """Start `count` threads at the same instant on work(k, problems); the problems found."""
    barrier = threading.Barrier(count)
    problems: list = []

    def run(k):
        barrier.wait()
        work(k, problems)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return problems


def test_summaries_rendered_in_many_threads_at_once_are_each_right():
    summaries = [
        " ".join(f"第 {k} 篇：见 https://example.org/{k}/{i} 与 <说明> & 文字" for i in range(12))
        for k in range(THREADS)
    ]
    expected = [str(linkify_summary(text)) for text in summaries]
    assert len(set(expected)) == THREADS

    def work(k, problems):
        for _ in range(CALLS):
            try:
                got = str(linkify_summary(summaries[k]))
            except Exception as error:  # noqa: BLE001 - what a reader would get as a 500
                problems.append(repr(error))
                continue
            if got != expected[k]:
                problems.append(f"thread {k} got another rendering")

    problems = run_at_once(work, THREADS)
    assert problems == [], f"{len(problems)} of {THREADS * CALLS} renderings went wrong"


def test_text_cleaned_in_many_threads_at_once_is_each_right():
    inputs = [f"<b>标题 {k}</b> &amp; <script>x()</script> 文字 {k}" for k in range(THREADS)]
    expected = [clean_text(text) for text in inputs]

    def work(k, problems):
        for _ in range(CALLS):
            try:
                got = clean_text(inputs[k])
            except Exception as error:  # noqa: BLE001
                problems.append(repr(error))
                continue
            if got != expected[k]:
                problems.append(f"thread {k} got {got!r}")

    assert run_at_once(work, THREADS) == []
