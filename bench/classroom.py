"""A classroom on one server: N students at once, each a session of its own (Gradio's /call API
and the live figure's frame requests, over plain HTTP, as a page sends them) that opens the
1-D tab, sets its own preset and seed, presses Play and then asks for frames as a page does (the
live figure's frame about 10 times a second, the status once a second), for a fixed time.

    python bench/classroom.py --students 1 5 30 --seconds 60
    python bench/classroom.py --students 30 --seconds 180 --max-runs 40

    python bench/classroom.py --neighbours --seconds 30

--neighbours: one student alone, then the same student beside a greedy session (it asks first
for the largest settings the config accepts, refused by the run-cost limit, then plays the
largest batch the limit lets through, k = 5), then beside a session that asks for a frame every
10 ms: the student's rate and frame latency beside each, as ratios of alone, the greedy run's
Pause latency and the server's peak memory.

The presets differ in what an iteration costs (from 'saturating', about 50 iterations a second
on one core, to 'skewed', about 260), so the bench first runs each preset alone, one student
on the server (--alone-seconds each): every student's rate in a round is then also given as a
share of its preset's rate alone, and "all together" in students alone is the sum of those
shares (2.0: both cores train as fast as two students alone).

Only on 127.0.0.1 (it starts its own server), at most 60 students and 600 s a round. Prints per
round: iterations/s per student (median, slowest) and all together, the same as shares of each
preset alone, frame latency p50/p95 over every student, errors, cross-talk (a status that names
another student's run: each run's budget is unique), how many students waited for a place, the
CPU the web server's process and the workers used, and the server's memory (every process).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from running_app import start_app  # noqa: E402

BUDGET = 1_000_000  # each student's run has the budget BUDGET + its number: the status names it
PRESETS = ("goodfellow-fig1", "bimodal", "uniform", "skewed", "saturating")
FRAME_SECONDS, STATUS_SECONDS = 0.1, 1.0


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """(CPU seconds of process `pid`, of its child processes now alive): user + system."""
    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return own(pid), sum(own(c) for c in children)


def _memory_mib(pid: int) -> float:
    """Resident memory of a process and its children, MiB."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            pass
    return total / 2**20


class Student(threading.Thread):
    """One student: a session of its own, Play, then frames and status as a page asks for them."""

    def __init__(self, number: int, url: str, figure_id: int, seconds: float, greedy: bool = False,
                 flood: bool = False) -> None:
        """`greedy`: asks for the largest settings, then plays the costliest run the server
        accepts; `flood`: asks for a frame every 10 ms, whatever the server says."""
        super().__init__(daemon=True)
        self.number, self.url, self.figure_id, self.seconds = number, url, figure_id, seconds
        self.greedy, self.flood = greedy, flood
        self.refused = ""  # the greedy session's message for the largest settings
        self.pause_seconds = float("nan")
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.cross_talk = 0
        self.waited = False
        self.iterations: list[tuple[float, int]] = []
        self.session = ""
        self.status_seconds: list[float] = []  # the status timer's interval, as each tick set it

    def call(self, http, api_name: str, *data) -> list:
        """One event of the app's API in this student's session (Gradio's /call: a POST, then
        the answer streamed back), as a page's click sends it."""
        import json

        posted = http.post(f"{self.url}gradio_api/call/{api_name}",
                           json={"data": list(data), "session_hash": self.session})
        posted.raise_for_status()
        answer = http.get(f"{self.url}gradio_api/call/{api_name}/{posted.json()['event_id']}")
        answer.raise_for_status()
        event = None
        for line in answer.text.splitlines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "complete":
                return json.loads(line.split(":", 1)[1])
            elif line.startswith("data:") and event == "error":
                raise RuntimeError(line)
        raise RuntimeError(f"no answer from {api_name}")

    def run(self) -> None:
        import secrets

        import httpx

        from explorer.app.live_toy1d import controls_from_config
        from explorer.toy.presets import PRESETS_1D

        self.session = secrets.token_hex(8)
        http = httpx.Client(timeout=60.0)
        try:
            token = self.call(http, "toy1d_open", True, True)[-1]
            preset = PRESETS[self.number % len(PRESETS)]
            config = PRESETS_1D[preset].config.replace(seed=self.number, steps=BUDGET + self.number)
            if self.greedy:
                largest = config.replace(batch_size=65_536, d_width=1024, g_width=1024, d_layers=8, g_layers=8,
                                         k_d_steps=100)
                self.refused = self.call(http, "toy1d_reset", preset, True, True, *controls_from_config(largest))[1]
                config = greediest(config)
                self.call(http, "toy1d_reset", preset, True, True, *controls_from_config(config))
            played = self.call(http, "toy1d_play", preset, True, True, *controls_from_config(config))
            self.waited = "server is busy" in played[1]
        except Exception as err:  # noqa: BLE001 - counted and reported
            self.errors.append(f"start: {type(err).__name__}: {err}")
            return
        body = {"session_hash": self.session, "component_id": self.figure_id, "fn_name": "frame"}
        version, started, last_status, frame = None, time.monotonic(), 0.0, {}
        status_seconds = STATUS_SECONDS
        while time.monotonic() - started < self.seconds:
            asked = time.monotonic()
            try:
                reply = http.post(self.url + "gradio_api/component_server/",
                                  json=dict(body, data={"token": token, "version": version}))
                reply.raise_for_status()
                frame = reply.json()
                self.latencies.append(time.monotonic() - asked)
                if frame.get("version"):
                    version = frame["version"]
                    found = re.search(r"iteration (\d+)", frame.get("label", ""))
                    if found:
                        self.iterations.append((time.monotonic(), int(found.group(1))))
                if time.monotonic() - last_status >= status_seconds:
                    last_status = time.monotonic()
                    answer = self.call(http, "toy1d_frame", True, True)
                    status = answer[1]
                    # as a page's timer: the next tick when the server says (many pages: later)
                    timer = next((x for x in answer if isinstance(x, dict) and "active" in x), {})
                    status_seconds = float(timer.get("value") or STATUS_SECONDS)
                    self.status_seconds.append(status_seconds)
                    budget = re.search(r"iteration \d+ / (\d+)", status)
                    if budget and int(budget.group(1)) != BUDGET + self.number:
                        self.cross_talk += 1
            except Exception as err:  # noqa: BLE001 - counted and reported
                self.errors.append(f"{type(err).__name__}: {err}")
            # as a page: the next frame no sooner than the server asks (wait_ms), nor than 0.1 s
            wait = 0.01 if self.flood else max(FRAME_SECONDS, frame.get("wait_ms", 0) / 1000)
            time.sleep(max(0.0, wait - (time.monotonic() - asked)))
        try:
            asked = time.monotonic()
            self.call(http, "toy1d_pause", True, True)
            self.pause_seconds = time.monotonic() - asked
        except Exception as err:  # noqa: BLE001
            self.errors.append(f"pause: {type(err).__name__}: {err}")

    def rate(self) -> float:
        """Iterations per second while it was measured (from its frames)."""
        if len(self.iterations) < 2:
            return 0.0
        (t0, i0), (t1, i1) = self.iterations[0], self.iterations[-1]
        return (i1 - i0) / (t1 - t0) if t1 > t0 else 0.0


def greediest(config):
    """`config` with k = 5 and the largest batch size the server's run-cost limit accepts."""
    from explorer.toy.cost import TOY_LIMITS, toy_run_cost

    low, high = config.batch_size, 65_536
    while high - low > 1:
        middle = (low + high) // 2
        try:
            TOY_LIMITS.check(toy_run_cost(config.replace(batch_size=middle, k_d_steps=5)))
            low = middle
        except ValueError:
            high = middle
    return config.replace(batch_size=low, k_d_steps=5)


def neighbours(seconds: float, extra: list[str]) -> None:
    """One student alone, beside a greedy session, beside a frame flood (see the docstring)."""
    rows = []
    for kind in ("alone", "greedy", "flood"):
        server, url = start_app(extra)
        try:
            figure = figure_component_id(url)
            student = Student(0, url, figure, seconds)
            other = Student(1, url, figure, seconds, greedy=kind == "greedy", flood=kind == "flood")
            _, memory, _ = crowd_of([student] + ([other] if kind != "alone" else []), server.pid)
            latencies = sorted(student.latencies)
            p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
            rows.append((kind, student.rate(), statistics.median(latencies) if latencies else float("nan"), p95,
                         max(memory), other if kind != "alone" else None, len(student.errors) + len(other.errors)))
        finally:
            server.terminate()
            server.wait(20)
    _, rate0, p50_0, p95_0, _, _, _ = rows[0]
    for kind, rate, p50, p95, memory, other, errors in rows:
        line = (f"{kind:>6}: the student {rate:.1f} iterations/s ({rate / rate0:.2f} of alone), frame latency "
                f"p50 {p50:.3f} s ({p50 / p50_0:.2f}), p95 {p95:.3f} s ({p95 / p95_0:.2f}); server peak {memory:.0f} MiB; "
                f"errors {errors}")
        if other is not None and other.greedy:
            line += (f"\n        greedy: Reset with the largest settings answered {other.refused[:150]!r}; then it trained "
                     f"{other.rate():.1f} iterations/s; its Pause answered in {other.pause_seconds:.3f} s")
        if other is not None and other.flood:
            line += f"\n        flood: {len(other.latencies) / seconds:.0f} frame requests a second answered"
        print(line)


def figure_component_id(url: str) -> int:
    """The id of the 1-D live figure in the app's config (the page's frame requests name it)."""
    import json

    config = json.loads(urllib.request.urlopen(url + "config", timeout=10).read())
    return next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "toy1d-figure")


def crowd_of(crowd: list[Student], server_pid: int) -> tuple[list[Student], list[float], tuple[float, float]]:
    """The students of `crowd` at once, until each is done: (the students, the server's memory
    each second (MiB), the CPU cores its web server process and its workers used meanwhile)."""
    memory = [_memory_mib(server_pid)]
    cpu_before, started = _cpu_seconds(server_pid), time.monotonic()
    for student in crowd:
        student.start()
    while any(s.is_alive() for s in crowd):
        time.sleep(1.0)
        memory.append(_memory_mib(server_pid))
    cpu_after, elapsed = _cpu_seconds(server_pid), time.monotonic() - started
    cores = ((cpu_after[0] - cpu_before[0]) / elapsed, (cpu_after[1] - cpu_before[1]) / elapsed)
    return crowd, memory, cores


def alone_rates(seconds: float, extra: list[str]) -> dict[str, float]:
    """Each preset's iterations/s with its student alone on a fresh server (student i has preset
    PRESETS[i], as in a round)."""
    server, url = start_app(extra)
    try:
        figure = figure_component_id(url)
        rates = {}
        for number, preset in enumerate(PRESETS):
            (student,), _, _ = crowd_of([Student(number, url, figure, seconds)], server.pid)
            rates[preset] = student.rate()
            print(f"alone: {preset} {rates[preset]:.1f} iterations/s")
        return rates
    finally:
        server.terminate()
        server.wait(20)


def round_of(students: int, seconds: float, extra: list[str], alone: dict[str, float]) -> None:
    server, url = start_app(extra)
    try:
        figure = figure_component_id(url)
        crowd, memory, (server_cores, worker_cores) = crowd_of(
            [Student(n, url, figure, seconds) for n in range(students)], server.pid)
        running = [s for s in crowd if not s.waited]
        rates = sorted(s.rate() for s in running)
        shares = sorted(s.rate() / alone[PRESETS[s.number % len(PRESETS)]] for s in running
                        if alone.get(PRESETS[s.number % len(PRESETS)]))
        latencies = sorted(x for s in crowd for x in s.latencies)
        errors = [e for s in crowd for e in s.errors]
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")  # noqa: E731
        print(f"\n== {students} students, {seconds:g} s, server options {' '.join(extra) or '(defaults)'}")
        if rates:
            print(f"iterations/s per running student: median {statistics.median(rates):.1f}, slowest {rates[0]:.1f} "
                  f"({rates[0] / max(statistics.median(rates), 1e-9):.2f} of the median); all together {sum(rates):.1f}")
        if shares:
            print(f"as shares of each preset alone: median {statistics.median(shares):.3f}, slowest {shares[0]:.3f} "
                  f"({shares[0] / max(statistics.median(shares), 1e-9):.2f} of the median); "
                  f"all together {sum(shares):.2f} students alone")
        print(f"frame latency: p50 {p(0.5):.3f} s, p95 {p(0.95):.3f} s over {len(latencies)} frames "
              f"({len(latencies) / seconds / max(len(crowd), 1):.1f} a second per student)")
        ticks = [x for s in crowd for x in s.status_seconds[len(s.status_seconds) // 2:]]
        if ticks:
            print(f"status timer (as the server set it, second half): {min(ticks):g}-{max(ticks):g} s")
        print(f"waited for a place: {sum(s.waited for s in crowd)}; errors: {len(errors)}"
              + (f" (first: {errors[0][:160]})" if errors else "") + f"; cross-talk: {sum(s.cross_talk for s in crowd)}")
        print(f"CPU: web server process {server_cores:.2f} cores, workers {worker_cores:.2f} cores")
        print(f"server memory (all processes): start {memory[0]:.0f} MiB, peak {max(memory):.0f} MiB")
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, nargs="+", default=[1, 5, 30])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--alone-seconds", type=float, default=10.0,
                        help="each preset alone first, this long (0: skip; shares are then not given)")
    parser.add_argument("--max-runs", type=int, default=None, help="passed to launch.py")
    parser.add_argument("--neighbours", action="store_true",
                        help="a student alone, beside a greedy session, beside a frame flood (no rounds)")
    args = parser.parse_args()
    if any(not 1 <= n <= 60 for n in args.students) or not 1 <= args.seconds <= 600 or not 0 <= args.alone_seconds <= 60:
        parser.error("at most 60 students and 600 s a round")
    extra = ["--max-runs", str(args.max_runs)] if args.max_runs else []
    if args.neighbours:
        neighbours(args.seconds, extra)
        return
    alone = alone_rates(args.alone_seconds, extra) if args.alone_seconds > 0 else {}
    for students in args.students:
        round_of(students, args.seconds, extra, alone)


if __name__ == "__main__":
    main()
