"""Fixtures that run the Acme support app against `twimlharness serve`.

    app       the Flask app on 127.0.0.1, on a port of its own, in a thread
    harness   `twimlharness serve`, one per clock mode, with the app's public
              origin (https://acme.example.com) mapped to its loopback
              address; reset before every test, with the Acme number added
    client    the official twilio.rest.Client, its requests sent to the harness

Every test that takes `harness` runs twice: with the manual clock (time
moves only when the test says so) and with the scaled clock (virtual time
flows SCALED_RATE times faster than the wall clock). pytest runs all the
tests of one mode before it starts the other serve.

TWIMLHARNESS_BIN names the twimlharness command to run.
"""

import io
import threading
from urllib.parse import parse_qs

import pytest
from twilio.rest import Client
from werkzeug.serving import WSGIRequestHandler, make_server

from acme_config import ACCOUNT_SID, ACME_NUMBER, AUTH_TOKEN, PUBLIC_URL, SCALED_RATE, SUPPORT_NUMBER
from app import create_app
from harness_client import HarnessError, HarnessHttpClient, harness_binary, start_serve


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


class AppServer:
    """The app as the tests see it: its two URLs, and what reached it."""

    def __init__(self, wsgi_app):
        self.local_url = None  # where it really listens, once it does
        self.public_url = PUBLIC_URL  # where it believes it is
        self._app = wsgi_app
        self._lock = threading.Lock()
        self._seen = []

    def public(self, path):
        return self.public_url + path

    def local(self, path):
        return self.local_url + path

    def seen(self, call_sid):
        """The requests that reached the app for one call: path, the Host
        and X-Forwarded-* headers, and the status it answered."""
        with self._lock:
            return [r for r in self._seen if r["call_sid"] == call_sid]

    def forget(self):
        with self._lock:
            self._seen.clear()

    def __call__(self, environ, start_response):
        # WSGI middleware that notes each request, as a test's view of what
        # crossed the wire; the app itself is unchanged.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        form = parse_qs(body.decode("utf-8", "replace")) if body else parse_qs(environ.get("QUERY_STRING", ""))
        seen = {
            "path": environ.get("PATH_INFO"),
            "call_sid": (form.get("CallSid") or [None])[0],
            "host": environ.get("HTTP_HOST"),
            "x_forwarded_proto": environ.get("HTTP_X_FORWARDED_PROTO"),
            "x_forwarded_host": environ.get("HTTP_X_FORWARDED_HOST"),
        }

        def noting_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        try:
            return self._app(environ, noting_start_response)
        finally:
            with self._lock:
                self._seen.append(seen)


@pytest.fixture(scope="session")
def app():
    """The Acme app served on 127.0.0.1:<port>, in a thread. It reads its
    configuration from the environment, as in production."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
        mp.setenv("PUBLIC_URL", PUBLIC_URL)
        mp.setenv("SUPPORT_NUMBER", SUPPORT_NUMBER)
        app_server = AppServer(create_app())
    # threaded: the harness sends the webhooks due at one instant together.
    server = make_server("127.0.0.1", 0, app_server, threaded=True, request_handler=_QuietHandler)
    app_server.local_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="acme-app", daemon=True)
    thread.start()
    yield app_server
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session", params=["manual", "scaled"])
def serve(request, app, tmp_path_factory):
    """One `twimlharness serve` per clock mode, for the whole session."""
    mode = request.param
    flags = ["-public-url", f"{PUBLIC_URL}={app.local_url}", "-clock", mode]
    if mode == "scaled":
        flags += ["-clock-rate", str(SCALED_RATE)]
    try:
        binary = harness_binary()
    except HarnessError as err:
        pytest.fail(str(err), pytrace=False)
    h = start_serve(binary, ACCOUNT_SID, AUTH_TOKEN, *flags,
                    stderr_path=str(tmp_path_factory.mktemp("serve") / f"serve-{mode}.stderr"))
    h.mode = mode
    h.rate = SCALED_RATE if mode == "scaled" else None
    yield h
    h.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's report on the test, for the harness fixture to see
    # whether the test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


@pytest.fixture
def harness(request, serve, app):
    """The session's serve, reset (POST /_harness/reset), with the Acme
    number added. A test that fails shows every call's transcript."""
    reply = serve.reset()
    assert reply.get("status") == "reset", reply
    clock = serve.clock()
    assert (clock.get("mode"), clock.get("rate")) == (serve.mode, serve.rate), \
        f"after a reset the clock should be {serve.mode} again: {clock}"
    serve.add_number(ACME_NUMBER, app.public("/voice"))
    app.forget()  # SIDs start again from the seed after a reset
    yield serve
    if not serve.alive():
        raise HarnessError(f"twimlharness serve exited with {serve.proc.returncode}:\n{serve.stderr()}")
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(f"--- every call's transcript (GET /_harness/transcript, clock {serve.mode}) ---")
        print(serve.control("GET", "transcript", text=True))


@pytest.fixture
def client(harness):
    """The official client, as the app's own code would build it, with the
    harness in place of api.twilio.com."""
    return Client(ACCOUNT_SID, AUTH_TOKEN, http_client=HarnessHttpClient(harness.base))
