"""Make Gradio and its helpers work with no network: no telemetry, no version check, no hub."""

import os

OFFLINE_ENVIRONMENT = {
    "GRADIO_ANALYTICS_ENABLED": "False",  # usage telemetry and the version check at launch
    "HF_HUB_OFFLINE": "1",  # gradio_client / huggingface_hub make no requests
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


def make_offline() -> None:
    """Set the variables (unless the user set them) before gradio is imported."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
