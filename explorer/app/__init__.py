"""The Gradio app: `server` assembles the tabs, `tab_*` lay each out, `engine` and `worker` train
the runs in worker processes, and `live_*` build each tab's runs and frames there.

Importing this package imports nothing heavy (a worker process imports `explorer.app.worker`
through it, without gradio); `build_app` and `launch` import the server when called.
"""

from __future__ import annotations

from typing import Any


def build_app(*args: Any, **kwargs: Any) -> Any:
    """The app's gr.Blocks (see server.build_app)."""
    from .server import build_app as build

    return build(*args, **kwargs)


def launch(*args: Any, **kwargs: Any) -> Any:
    """Start the workers and serve the app (see server.launch)."""
    from .server import launch as serve

    return serve(*args, **kwargs)
