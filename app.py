"""GreenPact's entry point: `create_app()` builds the Flask app (used by `flask --app
app` and the tests), and `python app.py` serves it with Socket.IO on gevent."""

if __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()

import gc
import logging
import os
import traceback
from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from config import (
    NODE_NAME_PATTERN,
    ROOT,
    SID_SEPARATOR,
    Config,
    TestConfig,
    https_settings,
    served_address,
)

log = logging.getLogger("greenpact")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` is a plain mapping of overrides; with TESTING set, the
    environment is not read at all."""
    overrides = dict(config or {})
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    if overrides.get("TESTING"):
        app.config.from_object(TestConfig)
    else:
        app.config.from_object(Config)
        app.config.update(Config.from_environment())
    app.config.update(overrides)
    derived = https_settings(app.config["PUBLIC_URL"])
    app.config.update({k: v for k, v in derived.items() if k not in overrides})
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    return app


def _init_extensions(app: Flask) -> None:
    from core import favicon, headers, locales, mail, passwords, redaction
    from core.origins import accepted_origins
    from extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
    from workshops.board.packets import BoardPacket

    redaction.install()
    import_models()
    db.init_app(app)
    mail.init_app(app)
    headers.init_app(app)
    favicon.init_app(app)
    passwords.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locales.select_locale)
    locales.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    # Flashed as a plain string, translated into the visitor's language on the way.
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    # Off: a person whose address changes (Wi-Fi to mobile data) stays logged in.
    # A stolen session is ended on the server instead (logout, password change:
    # stakeholders.logins), which binding to the address never did.
    login_manager.session_protection = None
    socketio.init_app(
        app,
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"] or None,
        # The page's own origin, PUBLIC_URL and SOCKETIO_ALLOWED_ORIGINS; never "*".
        cors_allowed_origins=accepted_origins(
            app.config["PUBLIC_URL"], app.config["SOCKETIO_ALLOWED_ORIGINS"]
        ),
        # The engine refuses anything over 1 MB outright; up to that size the board
        # answers an over-64 KB message with the protocol's `too_large` ack.
        max_http_buffer_size=1024 * 1024,
        # JSON written by orjson, once per frame (workshops.board.packets).
        serializer=BoardPacket,
    )
    _name_sessions_after_node(app.config["NODE_NAME"])
    # Outermost, around Socket.IO's middleware: the Engine.IO origin check, the rate
    # limits and the consent records all see the visitor, not the proxy.
    hops = app.config["TRUSTED_PROXY_HOPS"]
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
    )
    from workshops.board.broadcast import init_board_fanout
    from workshops.board.endings import init_endings
    from workshops.board.events import register_board_events
    from workshops.board.limits import init_board_limits

    init_board_fanout(app.config)
    init_endings(app.config)
    init_board_limits(app.config)
    register_board_events()


def _name_sessions_after_node(node: str) -> None:
    """Start every Engine.IO session id of this process with `<node>.`, so that
    nginx sends the requests of a long-polling session (`?sid=…`) to the process
    holding it (deploy/README.md). The rest of the id stays Engine.IO's own random
    one; its alphabet (URL-safe base64) has no `.`."""
    if not node:
        return
    if not NODE_NAME_PATTERN.fullmatch(node):
        raise ValueError(
            f"NODE_NAME {node!r}: use 1-32 letters, digits, '-' or '_' (e.g. app1)"
        )
    from extensions import socketio

    engine = socketio.server.eio
    generate = engine.generate_id
    engine.generate_id = lambda: f"{node}{SID_SEPARATOR}{generate()}"


def import_models() -> None:
    """Import every package's models so that relationships by name resolve."""
    import commitments.models  # noqa: F401
    import core.audit  # noqa: F401
    import core.mail  # noqa: F401
    import core.models  # noqa: F401
    import pacts.models  # noqa: F401
    import stakeholders.imports.models  # noqa: F401
    import stakeholders.models  # noqa: F401
    import workshops.models  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, and WAL so readers never block the writer."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still safe against corruption; it skips an fsync per commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    from core.urls import IdConverter
    from dashboards.audit import bp as audit_bp
    from dashboards.registrations import bp as staff_bp
    from demo.cli import bp as demo_commands_bp
    from pacts import bp as pacts_bp
    from pacts.admin.views import bp as admin_bp
    from pacts.member import bp as member_bp
    from pacts.my_data import bp as my_data_bp
    from pacts.staff import bp as pact_staff_bp
    from stakeholders import bp as stakeholders_bp
    from stakeholders.accounts.pages import bp as accounts_bp
    from stakeholders.accounts.views import bp as team_bp
    from stakeholders.auth import bp as auth_bp
    from stakeholders.delivery.views import bp as delivery_bp
    from stakeholders.imports.pages import bp as imports_bp
    from workshops import bp as workshops_bp
    from workshops.agenda_pages import bp as workshop_agenda_bp
    from workshops.board.pages import bp as board_pages_bp
    from workshops.board.screen import bp as board_screen_bp
    from workshops.cli import bp as workshop_commands_bp
    from workshops.staff import bp as workshop_staff_bp

    # Before any route: every `<int:…>` is then an id with an upper bound (404 past it).
    app.url_map.converters["int"] = IdConverter
    for blueprint in (
        pacts_bp,
        member_bp,
        my_data_bp,
        stakeholders_bp,
        auth_bp,
        accounts_bp,
        team_bp,
        staff_bp,
        audit_bp,
        delivery_bp,
        imports_bp,
        workshops_bp,
        workshop_staff_bp,
        workshop_agenda_bp,
        board_pages_bp,
        board_screen_bp,
        workshop_commands_bp,
        pact_staff_bp,
        admin_bp,
        demo_commands_bp,
    ):
        app.register_blueprint(blueprint)


def _register_error_pages(app: Flask) -> None:
    from core.mail import reply_to_address
    from extensions import db

    @app.context_processor
    def error_page_contact() -> dict[str, Any]:
        # Who to write to when an error page does not help (MAIL_REPLY_TO).
        return {"contact_address": reply_to_address}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        return render_template("error.html", error=exc), exc.code or 500

    @app.errorhandler(429)
    def too_many_requests(exc: HTTPException) -> tuple[str, int]:
        from core.ratelimits import retry_after_seconds
        from core.time import wait_in_words

        # The time the Retry-After header gives, in words.
        wait = wait_in_words(retry_after_seconds())
        return render_template("error.html", error=exc, wait=wait), 429

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> tuple[str, int]:
        # Operators get the type and the frames; not the message, which may quote
        # personal data (SQL parameters, form values). The visitor sees a plain page.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error(
            "unhandled %s on %s %s at\n%s",
            type(exc).__name__,
            request.method,
            request.url_rule.rule if request.url_rule else "(no route)",
            frames,
        )
        db.session.rollback()
        return render_template("error.html", error=None), 500


def _register_template_helpers(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    from core.countries import phone_example, registration_number_hint
    from core.locales import language_links
    from core.pacts import theme_label
    from core.time import local_date, local_datetime, local_day, local_time

    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(local_time)
    app.add_template_filter(local_day, "format_date")
    app.add_template_filter(format_number, "format_number")
    app.add_template_global(phone_example)
    app.add_template_global(registration_number_hint)

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale()),
            "languages": language_links,
            "csrf_token": generate_csrf,
            "theme_label": theme_label,
        }


def format_number(value: float | int) -> str:
    """A number in the visitor's language, without a pointless `.0`."""
    from flask_babel import format_decimal

    return str(format_decimal(value, format="#,##0.###"))


def settle_memory() -> None:
    """Before serving: what start-up made (modules, the app) is set aside from the
    garbage collector (`gc.freeze`), and its youngest generation is collected less
    often. With a thousand people on a board, a collection that walks everything is
    a pause of tens of milliseconds for all of them."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def serve(application: Flask, host: str, port: int) -> None:
    """Serve HTTP and Socket.IO (WebSocket and long-polling) on gevent. As
    `socketio.run` does, plus TCP_NODELAY: a board event and its ack are two small
    writes, and Nagle's algorithm would hold the second for the client's delayed ACK
    (40 ms on Linux)."""
    import socket

    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(
        socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
    )  # inherited on accept
    listener.bind((host, port))
    listener.listen(1024)
    settle_memory()
    pywsgi.WSGIServer(
        listener, application, handler_class=WebSocketHandler, log=None
    ).serve_forever()


if __name__ == "__main__":
    from core.origins import warn_about_public_url

    application = create_app()
    host, port = served_address(os.environ)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    warn_about_public_url(application, host, port)
    print(f"GreenPact is serving on http://{host}:{port}", flush=True)  # noqa: T201
    serve(application, host, port)
