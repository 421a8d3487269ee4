"""The benchmark harness: each scenario is measured next to a bare baseline in the same run.

A scenario module under bench/scenarios/ exposes `run(bench: Bench)`. It loads the data it needs
(idempotently, in bulk) and calls `bench.compare(...)` or `bench.throughput(...)`, each of which prints
one line with the absolute figures and the ratio to the baseline. Server time is measured in-process
through Django's test client (request → middleware → view → template → response), so the numbers are
the server's own work without network noise.
"""

import collections
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client


@dataclass
class Timing:
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples_ms)


def time_calls(call: Callable[[], object], n: int, warmup: int) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(samples)


class Bench:
    def __init__(self, *, quick: bool = False, out=print):
        self.quick = quick
        self.out = out
        self.results: list[dict] = []

    def client(self, user=None) -> Client:
        client = Client()
        if user is not None:
            from accounts.tests.helpers import force_login_verified

            force_login_verified(client, user)
        return client

    def compare(
        self,
        name: str,
        *,
        subject: Callable,
        baseline: Callable,
        baseline_name: str,
        n: int = 200,
        warmup: int = 20,
        target: str = "",
    ) -> dict:
        """Alternate subject and baseline calls so that both see the same machine state."""
        n = max(20, n // 5) if self.quick else n
        for _ in range(warmup):
            subject()
            baseline()
        subject_samples, baseline_samples = [], []
        for _ in range(n):
            for call, samples in ((subject, subject_samples), (baseline, baseline_samples)):
                started = time.perf_counter()
                call()
                samples.append((time.perf_counter() - started) * 1000)
        s, b = Timing(subject_samples), Timing(baseline_samples)
        result = {
            "scenario": name,
            "p50_ms": s.p50,
            "p95_ms": s.p95,
            "baseline": baseline_name,
            "baseline_p50_ms": b.p50,
            "baseline_p95_ms": b.p95,
            "ratio_p50": s.p50 / b.p50,
            "ratio_mean": s.mean / b.mean,
            "target": target,
        }
        self.results.append(result)
        self.out(
            f"{name:<44} p50 {s.p50:7.2f} ms  p95 {s.p95:7.2f} ms | {baseline_name:<24} p50 {b.p50:6.2f} ms "
            f"p95 {b.p95:6.2f} ms | ratio(mean) {s.mean / b.mean:5.2f}" + (f" | target: {target}" if target else "")
        )
        return result

    def throughput(
        self,
        name: str,
        *,
        subject: Callable[[int], None],
        baseline: Callable[[int], None],
        baseline_name: str,
        clients: int = 50,
        seconds: float = 5.0,
        target: str = "",
    ) -> dict:
        """Calls per second with `clients` concurrent clients, each calling f(client_index) again as soon as
        its previous call is answered.

        The server is modelled as production runs it: worker processes (one per core by default), each
        answering one request at a time and taking the clients' requests in turn as they wait, as a
        prefork server does. Threads of one Python process would measure the interpreter's lock instead.
        A client index belongs to one process, so a scenario may give each client data of its own."""
        seconds = min(seconds, 2.0) if self.quick else seconds
        processes = max(1, min(int(os.environ.get("BENCH_PROCESSES", 0)) or os.cpu_count() or 1, clients))

        def run_clients(call: Callable[[int], None], indices: list[int]) -> tuple[int, int, float]:
            from django.db import connection

            count, errors, waiting = 0, 0, collections.deque(indices)
            started = time.perf_counter()
            stop = started + seconds
            while waiting and time.perf_counter() < stop:
                index = waiting.popleft()
                try:
                    call(index)
                    count += 1
                except StopIteration:  # this client has done all the work its scenario gave it
                    continue
                except Exception:
                    errors += 1
                waiting.append(index)
            connection.close()
            return count, errors, time.perf_counter() - started

        def rate(call: Callable[[int], None]) -> tuple[float, int]:
            from django.db import connections

            context = multiprocessing.get_context("fork")
            results = context.Queue()
            connections.close_all()  # each process opens its own

            def child(indices: list[int]) -> None:
                results.put(run_clients(call, indices))

            children = [context.Process(target=child, args=(list(range(p, clients, processes)),)) for p in range(processes)]
            for process in children:
                process.start()
            outcomes = [results.get(timeout=seconds + 120) for _ in children]
            for process in children:
                process.join()
            return sum(count / elapsed for count, _, elapsed in outcomes), sum(errors for _, errors, _ in outcomes)

        subject_rate, subject_errors = rate(subject)
        baseline_rate, _ = rate(baseline)
        result = {
            "scenario": name,
            "per_second": subject_rate,
            "errors": subject_errors,
            "baseline": baseline_name,
            "baseline_per_second": baseline_rate,
            "ratio": subject_rate / baseline_rate,
            "target": target,
        }
        self.results.append(result)
        self.out(
            f"{name:<44} {subject_rate:8.1f}/s (errors {subject_errors}, {processes} processes) | "
            f"{baseline_name:<24} {baseline_rate:8.1f}/s "
            f"| ratio {subject_rate / baseline_rate:5.2f}" + (f" | target: {target}" if target else "")
        )
        return result
