"""Torch's intra-op thread count in the app's threads: every handler the page can call computes
with one thread, and each training thread with the count its tab asks for, whatever another
thread set last (a frame drawn with two threads beside a DCGAN training thread slowed training
by a fifth to a quarter; `bench/bench_app_dcgan.py` measures it)."""

import threading

import torch

from explorer.app import build_app, tab_mnist, tab_toy1d, tab_toy2d
from explorer.app.engine import WorkerPool
from explorer.app.session import LiveSession, one_torch_thread


def _in_a_fresh_thread(function):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(function()))
    thread.start()
    thread.join()
    return seen[0]


def test_every_handler_that_trains_in_the_server_is_wired_through_one_torch_thread():
    """The tabs whose runs still train in the server's threads; the toy tabs' train in worker
    processes and their handlers only pass numbers on."""
    wrapper_code = one_torch_thread(lambda: None).__code__
    handlers = [block_fn.fn for block_fn in build_app(WorkerPool(1, in_process=True)).fns.values()
                if block_fn.fn is not None]
    in_server = [fn for fn in handlers if fn.__module__ not in (tab_toy1d.__name__, tab_toy2d.__name__)]
    assert len(in_server) > 10 and len(handlers) > len(in_server)
    unwired = [getattr(fn, "__name__", repr(fn)) for fn in in_server if fn.__code__ is not wrapper_code]
    assert unwired == []


def test_a_wired_handler_uses_one_thread_whatever_was_set_before():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)  # as a DCGAN training thread leaves it
        assert _in_a_fresh_thread(torch.get_num_threads) == 2  # what an unwired handler would use
        assert _in_a_fresh_thread(one_torch_thread(torch.get_num_threads)) == 1
    finally:
        torch.set_num_threads(before)


def test_training_threads_use_the_count_of_their_tab():
    assert LiveSession.training_threads == 1
    assert tab_mnist.MnistSession.training_threads == tab_mnist.TRAINING_THREADS

    class CountingRun:  # a probe: records the thread count the training thread trains with
        def __init__(self):
            self.iteration, self.seen = 0, []

        def advance_for(self, seconds, until=None, stop=None):
            self.seen.append(torch.get_num_threads())
            self.iteration += 1

    before = torch.get_num_threads()
    try:
        for session, expected in ((LiveSession(), 1), (tab_mnist.MnistSession(), tab_mnist.TRAINING_THREADS)):
            torch.set_num_threads(expected + 1)  # another thread set something else last
            session.run = CountingRun()
            session.start(until=3, on_error=RuntimeError)
            session.thread.join(timeout=10)
            assert session.run.seen and set(session.run.seen) == {expected}
    finally:
        torch.set_num_threads(before)
