"""Start GAN Explorer: python launch.py [--host 127.0.0.1] [--port 7860] [--share]."""

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="GAN Explorer: watch GANs learn, live.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument("--share", action="store_true", help="also open a public Gradio share link (needs a network)")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535; got {args.port}")
    from explorer.app import launch

    launch(host=args.host, port=args.port, share=args.share)
    return 0


if __name__ == "__main__":
    sys.exit(main())
