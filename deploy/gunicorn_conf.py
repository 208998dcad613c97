"""gunicorn's settings for one GreenPact process (`make serve`, the systemd unit and
the cluster all pass `--config deploy/gunicorn_conf.py`), read from the environment.

One worker of gevent-websocket's gunicorn worker, as Flask-SocketIO documents: a
Socket.IO session lives in the memory of the process that opened it, so more
workers behind one gunicorn socket would lose long-polling sessions. More capacity
comes from more processes behind nginx (deploy/README.md). Anything not set here can
be given in `GUNICORN_CMD_ARGS` (e.g. `--timeout 60`), which overrides this file."""

from __future__ import annotations

import logging
import os
from typing import Any

from core import redaction
from deploy.access_log import MaskingLogger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
workers = 1
# gunicorn's gevent worker serves at most this many connections at once (its default,
# 1000, would cap a kick-off board); each is a greenlet. Mind the open-files limit.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
# On SIGTERM, requests in flight get this long to finish. Board connections never
# finish by themselves: they are cut after it and reconnect through nginx elsewhere.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "10"))
# Several instances run side by side on one host; gunicorn's control socket has one
# path per user, and nothing here uses `gunicornc`.
control_socket_disable = True
errorlog = "-"
# nginx keeps the access log; one turned on here (`--access-logfile -`) masks
# personal tokens and e-mail addresses as nginx's does (deploy/access_log.py).
logger_class = MaskingLogger
# Every log record of the process (gunicorn's, the app's, the libraries') is masked
# the same way when it is made (core/redaction.py; create_app installs it too).
redaction.install()
# The app's own log lines beside gunicorn's, on stderr (the journal): GreenPact's at
# INFO, and the rate limits hit (which limit, on which page: never the key); the
# libraries' warnings and errors.
logging.basicConfig(
    level=logging.WARNING,
    format="%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s",
)
logging.getLogger("greenpact").setLevel(logging.INFO)
logging.getLogger("flask-limiter").setLevel(logging.INFO)


def post_worker_init(worker: Any) -> None:
    """As `python app.py` does at start-up, set the garbage collector for a long
    run and warn when PUBLIC_URL names this machine
    but not where this process listens; not behind a trusted proxy, whose address
    PUBLIC_URL then is (the cluster's nginx, on another port)."""
    from app import settle_memory
    from config import served_address
    from core.origins import warn_about_public_url

    settle_memory()
    app = worker.wsgi
    if not app.config["TRUSTED_PROXY_HOPS"]:
        warn_about_public_url(app, *served_address(os.environ))
