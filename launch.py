"""Start GAN Explorer: python launch.py [--host 127.0.0.1] [--port 7860] [--share] [--workers N]
[--data-root DIR] [--allow-downloads | --no-allow-downloads] [--max-run-cost X] [--max-runs N]
[--lecture FILE].

The host and port default to the environment a host such as a Hugging Face Space sets
(GRADIO_SERVER_NAME, GRADIO_SERVER_PORT, or PORT), and otherwise to 127.0.0.1:7860."""

import argparse
import os
import sys


def parse_args(argv=None, environ=None) -> argparse.Namespace:
    """The command line's settings, its host and port defaulting to the environment's."""
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(description="GAN Explorer: watch GANs learn, live.")
    default_port = environ.get("GRADIO_SERVER_PORT") or environ.get("PORT") or "7860"
    parser.add_argument("--host", default=environ.get("GRADIO_SERVER_NAME") or "127.0.0.1",
                        help="address to listen on (default $GRADIO_SERVER_NAME, else 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None,
                        help="port (default $GRADIO_SERVER_PORT, else $PORT, else 7860)")
    parser.add_argument("--share", action="store_true", help="also open a public Gradio share link (needs a network)")
    parser.add_argument("--workers", type=int, default=None,
                        help="training processes (default: one per CPU core); every run trains in one of them")
    parser.add_argument("--data-root", default=None, metavar="DIR",
                        help="the only folder (and those inside it) whose MNIST IDX files the DCGAN tab may read; "
                             "default: any folder on 127.0.0.1, none on any other --host or with --share")
    parser.add_argument("--allow-downloads", action=argparse.BooleanOptionalAction, default=None,
                        help="whether the DCGAN tab may download full MNIST when a user asks; "
                             "default: yes on 127.0.0.1, no on any other --host or with --share")
    parser.add_argument("--max-run-cost", type=float, default=1.0, metavar="X",
                        help="each run's estimated memory and arithmetic may reach X times the default limits "
                             "(1 GiB and a few GFLOP an iteration for a toy run, 2 GiB for a DCGAN); 0: no limit")
    parser.add_argument("--lecture", default=None, metavar="FILE",
                        help="the lecture mode's sequence of steps, a TOML file (default: assets/lecture.toml)")
    parser.add_argument("--max-runs", type=int, default=None, metavar="N",
                        help="runs trained at once (default: 8 per CPU core); a Play beyond them waits its turn, "
                             "and its page shows its place in the queue")
    args = parser.parse_args(argv)
    if args.port is None:
        try:
            args.port = int(default_port)
        except ValueError:
            parser.error(f"the environment's port must be a number; got {default_port[:40]!r}")
    if args.max_runs is not None and not 1 <= args.max_runs <= 10_000:
        parser.error(f"--max-runs must be between 1 and 10000; got {args.max_runs}")
    if not 0 <= args.max_run_cost <= 1000:
        parser.error(f"--max-run-cost must be between 0 and 1000; got {args.max_run_cost:g}")
    if args.data_root is not None and not os.path.isdir(args.data_root):
        parser.error(f"--data-root must be a folder; {args.data_root} is not one")
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535; got {args.port}")
    if args.workers is not None and not 1 <= args.workers <= 256:
        parser.error(f"--workers must be between 1 and 256; got {args.workers}")
    if args.lecture is not None:
        from explorer.app.lecture import load_lecture
        from explorer.core.errors import ConfigError

        try:
            args.lecture = load_lecture(args.lecture)
        except ConfigError as err:
            parser.error(str(err))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from explorer.app import launch

    launch(host=args.host, port=args.port, share=args.share, workers=args.workers, data_root=args.data_root,
           allow_downloads=args.allow_downloads, max_run_cost=args.max_run_cost, max_runs=args.max_runs,
           lecture=args.lecture)
    return 0


if __name__ == "__main__":
    sys.exit(main())
