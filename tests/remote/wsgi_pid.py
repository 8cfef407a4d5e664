"""The app for gunicorn in the tests, with the worker's PID in a response header so that a test
can tell which process answered (only here: production runs `service.app:create_app()`)."""

from __future__ import annotations

import os

from flask import Flask

from service.app import create_app as service_app


def create_app() -> Flask:
    app = service_app()

    @app.after_request
    def _worker(response):
        response.headers["X-Test-Worker"] = str(os.getpid())
        return response

    return app
