"""Start the review app: bind the socket (loopback unless told otherwise), print the address, serve until Ctrl-C."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.model import Glossary
from pipeline.webapp.app import LOOPBACK, Settings, create_app
from pipeline.webapp.store import Store


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from exc
    sock.listen(64)
    return sock


def serve(
    root: Path,
    glossary: Glossary | None,
    host: str,
    port: int,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Serve ``root``'s review files until interrupted."""
    import uvicorn

    if not root.is_dir():
        raise UsageError(f"no such folder {str(root)!r}; give the folder `pipeline run --out` wrote (default locales/)")
    sock = bind(host, port)
    actual_port = sock.getsockname()[1]
    token = "" if is_loopback(host) else secrets.token_urlsafe(24)
    shown_host = "127.0.0.1" if host in LOOPBACK else host
    shown = f"[{shown_host}]" if ":" in shown_host else shown_host
    url = f"http://{shown}:{actual_port}/" + (f"?token={token}" if token else "")
    app = create_app(Store(root, glossary), Settings(host=host, port=actual_port, token=token))
    say(f"reviewing {root} at {url}  (Ctrl-C stops)")
    if token:
        say("this address is reachable from other machines: only people with the URL above (it holds the access token) get in")
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
