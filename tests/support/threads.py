"""Races in tests: jobs run in threads released at the same moment, each on its own database
connection (tests marked django_db(transaction=True))."""

import threading

from django.db import connection


def run_together(*jobs):
    """Run the jobs in threads started at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test looks at what was raised
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
