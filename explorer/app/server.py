"""The Gradio app: one module per tab; this module only assembles them and starts the workers."""

from __future__ import annotations

import os

from .offline import make_offline

make_offline()

import gradio as gr  # noqa: E402  (after the environment is made offline)

from . import tab_dirac, tab_mnist, tab_toy1d, tab_toy2d  # noqa: E402
from .engine import WorkerPool  # noqa: E402
from .lecture import (  # noqa: E402
    LECTURE_CSS,
    LECTURE_SWITCH_JS,
    LectureStep,
    lecture_bar,
    lecture_on_load_js,
    lecture_step,
    load_lecture,
)
from .links import link_tab  # noqa: E402

TITLE = "GAN Explorer"
INTRO = (
    "# GAN Explorer\n"
    "Watch generative adversarial networks learn, live. Everything trains on this machine, "
    "in your browser session only."
)


def select_linked_tab(request: gr.Request):
    """The tab a link is for (links.link_tab), selected when the page opens."""
    tab = link_tab(str(getattr(request, "query_params", "") or ""))
    return gr.Tabs(selected=tab) if tab else gr.skip()


def build_app(pool: WorkerPool | None = None, lecture: list[LectureStep] | None = None) -> gr.Blocks:
    """The app's page; its runs train in `pool`'s worker processes (a pool of one per core,
    started on first use, when none is given)."""
    pool = pool if pool is not None else WorkerPool()
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        steps = lecture if lecture is not None else load_lecture()
        # one row: the title (hidden in lecture mode), the lecture's step (shown only then), the switch
        with gr.Row(equal_height=False):
            gr.Markdown(INTRO, elem_classes=["lecture-hide"])
            lecture_bar_html = gr.HTML(elem_id="lecture-bar")
            lecture_switch = gr.Checkbox(False, label="lecture mode: the controls fold away, the text grows",
                                         elem_id="lecture-switch", scale=0, min_width=220)
        with gr.Tabs() as tabs:
            timers = {}  # each tab's status timer, by the tab's name in the engine
            with gr.Tab("1-D: Goodfellow Figure 1", id="toy1d", elem_id="tab-toy1d"):
                timers["toy1d"] = tab_toy1d.build_tab(demo, pool)
            with gr.Tab("2-D: mode collapse", id="toy2d", elem_id="tab-toy2d"):
                timers["toy2d"] = tab_toy2d.build_tab(demo, pool)
            with gr.Tab("Why GANs circle", id="dirac", elem_id="tab-dirac"):
                timers["dirac"] = tab_dirac.build_tab(demo, pool)
            with gr.Tab("MNIST GANs: DCGAN, InfoGAN", id="mnist", elem_id="tab-mnist") as mnist:
                timers["mnist"] = tab_mnist.build_tab(demo, pool, mnist)
        # a link opens its tab (?tab=toy2d&..., or a preset's tab): the tab takes the settings
        demo.load(select_linked_tab, None, tabs, show_progress="hidden", queue=False)

        def show_lecture_step(request: gr.Request) -> str:
            """In lecture mode (?lecture=1&step=N), the step's words and its neighbours' links."""
            return lecture_bar(steps, lecture_step(str(getattr(request, "query_params", "") or ""), steps))

        demo.load(show_lecture_step, None, lecture_bar_html, show_progress="hidden", queue=False)
        demo.load(None, None, lecture_switch, js=lecture_on_load_js(steps))
        lecture_switch.input(None, lecture_switch, None, js=LECTURE_SWITCH_JS)

        def switch_projector(on: bool, request: gr.Request):
            """Lecture mode on or off (from the switch, or a lecture link on load): the figures of
            this page's runs are sized for a projector, or not; each tab that has a run ticks once,
            which sends its charts again (the live figures follow by themselves)."""
            session = getattr(request, "session_hash", None)
            pool.set_projector(session, bool(on))
            held = {engine.tab for engine in pool.sessions.get(session or "", ())}
            return [gr.Timer(active=True) if name in held else gr.skip() for name in timers]

        lecture_switch.change(switch_projector, lecture_switch, list(timers.values()), show_progress="hidden",
                              queue=False)
        # a page closed (Gradio keeps its state an hour): its runs are freed at once

        def on_page_closed(request: gr.Request) -> None:
            pool.close_session(getattr(request, "session_hash", None))

        demo.unload(on_page_closed)
    demo.worker_pool = pool
    return demo


# Gradio's queue looks for new events every millisecond when it has none (and for progress
# updates every 10 ms): 0.06 of a core for an idle server, taken from training. Every 5 ms (and
# every 100 ms: no handler here reports progress) is 0.02, and an event waits at most 5 ms more.
QUEUE_POLL_SECONDS = 0.005
PROGRESS_POLL_SECONDS = 0.1


def quiet_queue(demo: gr.Blocks) -> None:
    """Let Gradio's queue poll less often when idle (a no-op if Gradio's internals change)."""
    queue = getattr(demo, "_queue", None)
    if queue is not None and hasattr(queue, "sleep_when_free"):
        queue.sleep_when_free = QUEUE_POLL_SECONDS
    if queue is not None and hasattr(queue, "progress_update_sleep_when_free"):
        queue.progress_update_sleep_when_free = PROGRESS_POLL_SECONDS


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


# runs trained at once by default, per core (beyond: a queue, each page told its place)
RUNS_PER_CORE = 8


def server_settings(host: str = "127.0.0.1", share: bool = False, data_root: str | None = None,
                    allow_downloads: bool | None = None, max_run_cost: float = 1.0,
                    max_runs: int | None = None, workers: int = 1) -> dict:
    """What the workers' tabs allow the users (worker.Worker's settings). A server for one user
    (on a loopback address, no share link) reads any folder of IDX files and downloads full
    MNIST on request; a server others reach reads folders only inside `data_root` (none without
    it) and downloads only when `allow_downloads` (mnist.data.DataAccess). Every run's estimated
    cost is held to its family's limits times `max_run_cost` (core.cost.RunLimits; 0: none). At
    most `max_runs` runs train at once (default RUNS_PER_CORE per core), shared out among the
    `workers`; the next wait their turn (places.Places)."""
    private = host in LOOPBACK_HOSTS and not share
    access = {"root": data_root, "anywhere": private and data_root is None,
              "downloads": private if allow_downloads is None else allow_downloads}
    runs = max_runs if max_runs is not None else RUNS_PER_CORE * (os.cpu_count() or 1)
    return {"data_access": access, "run_cost_scale": max_run_cost, "max_runs": max(1, -(-runs // workers))}


def launch(host: str = "127.0.0.1", port: int = 7860, share: bool = False, workers: int | None = None,
           data_root: str | None = None, allow_downloads: bool | None = None, max_run_cost: float = 1.0,
           max_runs: int | None = None, lecture: list[LectureStep] | None = None, **kwargs) -> None:
    """Start `workers` training processes (default: one per core) and serve the app; what its
    users may make it read or fetch is `server_settings`; lecture mode steps through `lecture`
    (default: assets/lecture.toml)."""
    size = WorkerPool.default_size(workers)
    pool = WorkerPool(size, settings=server_settings(host, share, data_root, allow_downloads, max_run_cost,
                                                     max_runs, size))
    pool.start()  # the workers import torch while Gradio starts
    demo = build_app(pool, lecture)
    demo.queue(default_concurrency_limit=None)
    quiet_queue(demo)
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            share=share,
            ssr_mode=False,
            footer_links=[],
            theme=gr.themes.Default(),
            css=LECTURE_CSS,
            **kwargs,
        )
    finally:
        pool.close()
