"""Curator sessions: log in and out, the signed session cookie, CSRF protection.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax) holding the login and a CSRF
token; the signing secret is `SOCLE_SECRET_KEY`, or a random one generated once into
`<data>/socle-secret.key` (mode 600) so sessions survive a restart. Every POST of the curator
pages must carry the session's CSRF token in a hidden field (`csrf_token`): a form posted
from another site has the cookie but not the token, and is refused with 400.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from functools import wraps
from math import ceil
from typing import Any
from urllib.parse import urlparse

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from service.auth.curators import Curator, authenticate, get_curator
from service.auth.sessions import close_session, open_session, session_login
from service.errors import SocleError
from service.ops.logs import event
from service.ops.throttle import LoginThrottle
from service.services import services, services_of
from service.store import files_dir
from service.web.errors import html_errors
from service.web.i18n import t

SECRET_FILE = "socle-secret.key"
bp = Blueprint("session", __name__)
html_errors(bp)


class CsrfError(SocleError):
    status = 400
    title = "Missing or invalid CSRF token"
    type_slug = "csrf"


def secret_key(settings: Any, store: Any) -> str:
    if getattr(settings, "secret_key", ""):
        return settings.secret_key
    path = files_dir(store)
    if not path:
        return secrets.token_hex(32)
    file = os.path.join(path, SECRET_FILE)
    try:
        with open(file, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        pass
    # Several processes may start at once (gunicorn workers): the key is written whole to a
    # private file, then linked into place, which only one process can do; the others read it.
    key = secrets.token_hex(32)
    fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key)
        os.link(tmp, file)
    except FileExistsError:
        with open(file, encoding="utf-8") as f:
            key = f.read().strip()
    finally:
        os.unlink(tmp)
    return key


def init_app(app: Flask) -> None:
    svc = services_of(app)
    app.secret_key = secret_key(svc.settings, svc.store)
    app.config.update(SESSION_COOKIE_NAME="socle_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=svc.settings.base_url.startswith("https://"))

    @app.context_processor
    def _inject() -> dict:
        return {"csrf_token": csrf_token, "curator": current_curator}


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfError(
            "Jeton de sécurité du formulaire manquant ou périmé : rechargez la page et "
            "renvoyez le formulaire.",
            "Form security token missing or stale: reload the page and submit again.")


def current_curator() -> Curator | None:
    if "curator" not in g:
        login = session.get("login")
        if login and session_login(services().files, session.get("sid")) != login:
            login = None  # logged out (or expired) on the server: the cookie is not enough
        g.curator = get_curator(services().files, login) if login else None
    return g.curator


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_curator() is None:
            return redirect(url_for("session.login", next=request.full_path.rstrip("?")))
        if request.method == "POST":
            check_csrf()
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    """Only a local path: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlparse(target).netloc:
        return target
    return url_for("curator.dashboard")


def _throttle() -> LoginThrottle:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault("socle_login_throttle", LoginThrottle())


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status, headers = None, 200, {}
    if request.method == "POST":
        check_csrf()
        name, address = request.form.get("login", "").strip(), request.remote_addr or ""
        wait = _throttle().retry_after(name, address)
        if wait > 0:
            event("login_throttled", logging.WARNING, login=name, client=address,
                  retry_after=round(wait))
            error = t(f"Trop d'essais : réessayez dans {ceil(wait / 60)} min.",
                      f"Too many attempts: try again in {ceil(wait / 60)} min.")
            status, headers = 429, {"Retry-After": str(ceil(wait))}
        else:
            found = authenticate(services().files, name, request.form.get("password", ""))
            if found is not None:
                _throttle().succeeded(name)
                event("login_succeeded", login=found.login, client=address)
                token = session.get("csrf")
                session.clear()
                session["login"] = found.login
                session["sid"] = open_session(services().files, found.login)
                session["csrf"] = token or secrets.token_urlsafe(32)
                return redirect(_safe_next(request.form.get("next")))
            _throttle().failed(name, address)
            event("login_failed", logging.WARNING, login=name, client=address)
            error = t("Identifiant ou mot de passe incorrect.", "Wrong login or password.")
            status = 401
    return render_template("curator/login.html", error=error,
                           next=request.values.get("next", "")), status, headers


@bp.post("/logout")
def logout():
    check_csrf()
    close_session(services().files, session.get("sid"))
    session.clear()
    return redirect(url_for("web.home"))
