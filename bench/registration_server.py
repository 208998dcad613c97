"""Scenario 6 of `make bench-board`: the product's public registration form served
as `python app.py` serves it (gevent, `app.serve`, the environment's DATABASE_URL:
the SQLite default), from an app built with one override, rate limits off: a
benchmark's hundreds of registrations a second from one address would otherwise be
refused after the first 20 an hour. The schema and a pact come from the operator
commands first.

usage: python -m bench.registration_server PORT SLUG"""

if __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()

import argparse
import os


def main() -> None:
    from app import create_app, serve
    from bench.board_setup import command

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("slug")
    options = parser.parse_args()
    app = create_app({"RATELIMIT_ENABLED": False})
    command(app, "init-db")
    command(
        app,
        "create-pact",
        "--slug",
        options.slug,
        "--title",
        "Bench",
        "--territory",
        "B",
    )
    print(f"registration bench on {os.environ.get('PUBLIC_URL')}", flush=True)
    serve(app, "127.0.0.1", options.port)


if __name__ == "__main__":
    main()
