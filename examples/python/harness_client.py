"""A small Python client for `twimlharness serve`: start and stop it, call
its control API, read its records, and point the official twilio library
at it. conftest.py builds the pytest fixtures from these.
"""

import os
import queue
import subprocess
import threading
import time
from urllib.parse import quote, urlparse

import requests
from twilio.http.http_client import TwilioHttpClient

FINAL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}
API_BASE = "https://api.twilio.com"


class HarnessError(AssertionError):
    pass


def start_serve(binary, account_sid, auth_token, *flags, stderr_path, start_timeout=30):
    """Starts `twimlharness serve` with the account and flags given, and
    returns its Harness once it has printed its base URL (alone, on the
    first line of stdout). Its stderr goes to stderr_path."""
    args = [binary, "serve", "-account-sid", account_sid, "-auth-token", auth_token, *flags]
    with open(stderr_path, "w") as stderr:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True)
    lines = queue.Queue()

    def read_stdout():
        # The first line to the queue, the rest drained, so that serve
        # never blocks on a full pipe.
        lines.put(proc.stdout.readline().strip())
        proc.stdout.read()

    threading.Thread(target=read_stdout, name="serve-stdout", daemon=True).start()
    try:
        first = lines.get(timeout=start_timeout)
    except queue.Empty:
        first = None
    if not first or not first.startswith("http://"):
        proc.kill()
        proc.wait()
        with open(stderr_path) as f:
            raise HarnessError(f"{' '.join(args)} printed no URL within {start_timeout} s "
                               f"(first line {first!r}, exit status {proc.returncode}); stderr:\n{f.read()}")
    return Harness(first, account_sid, auth_token, proc, stderr_path)


class Harness:
    """One running `twimlharness serve`, and its control API."""

    def __init__(self, base, account_sid, auth_token, proc=None, stderr_path=None):
        self.base = base
        self.proc = proc
        self.stderr_path = stderr_path
        self.http = requests.Session()
        # The control API takes the account's SID and token as HTTP Basic
        # credentials, as the REST API does.
        self.http.auth = (account_sid, auth_token)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise HarnessError("twimlharness serve did not stop within 10 s of SIGTERM")

    def alive(self):
        return self.proc is None or self.proc.poll() is None

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- the control API: JSON in, JSON (or text) out ----------------------

    def control(self, method, path, body=None, expect=200, text=False):
        kwargs = {"timeout": 30}
        if body is not None:
            kwargs["json"] = body  # sent with Content-Type: application/json
        reply = self.http.request(method, f"{self.base}/_harness/{path}", **kwargs)
        if reply.status_code != expect:
            raise HarnessError(f"{method} /_harness/{path} {body!r}: want {expect}, got "
                               f"{reply.status_code}: {reply.text[:2000]}")
        return reply.text if text else reply.json()

    def reset(self, keep=None):
        return self.control("POST", "reset", None if keep is None else {"keep": keep})

    def clock(self):
        return self.control("GET", "clock")

    def set_clock(self, mode, rate=None):
        body = {"mode": mode}
        if rate is not None:
            body["rate"] = rate
        return self.control("PUT", "clock", body)

    def advance(self, seconds):
        return self.control("POST", "clock/advance", {"seconds": seconds})

    def run(self):
        return self.control("POST", "clock/run")

    def add_number(self, phone_number, voice_url, **settings):
        return self.control("POST", "numbers", dict(phone_number=phone_number, voice_url=voice_url, **settings))

    def set_party(self, address, spec):
        return self.control("PUT", "parties/" + quote(address, safe=""), spec)

    def incoming_call(self, from_, to, caller=None):
        """Someone calls the number to: the harness requests its voice URL.
        caller is a PartySpec ({"steps": [{"press": "1"}]})."""
        body = {"from": from_, "to": to}
        if caller is not None:
            body["caller"] = caller
        return self.control("POST", "calls", body)["sid"]

    def record(self, sid):
        return self.control("GET", f"calls/{sid}/record")

    def transcript(self, sid):
        return self.control("GET", f"calls/{sid}/transcript", text=True)

    def status(self, sid):
        return self.record(sid)["status"]

    # -- time --------------------------------------------------------------

    def wait_for(self, what, probe, deadline=15.0):
        """Polls probe() until it returns something true, for at most
        deadline seconds of wall time, and returns that. For the scaled
        clock: with the manual clock nothing changes between two polls."""
        end = time.monotonic() + deadline
        while True:
            got = probe()
            if got:
                return got
            if time.monotonic() > end:
                raise HarnessError(f"waited {deadline} s for {what}")
            time.sleep(0.02)

    def advance_until(self, what, probe, step=1.0, limit=120):
        """With the manual clock: moves time step seconds at a time, at most
        limit virtual seconds, until probe() returns something true."""
        moved = 0.0
        while True:
            got = probe()
            if got:
                return got
            if moved >= limit:
                raise HarnessError(f"{limit} virtual seconds went by without {what}")
            self.advance(step)
            moved += step

    def finish(self, sid):
        """Lets the call play to its end and returns its record. With the
        manual clock, one POST clock/run must leave it ended (it runs until
        nothing is left to happen); with the scaled clock, the test waits
        for time to bring the end."""
        if self.clock().get("mode") == "manual":
            self.run()
            record = self.record(sid)
            if record["status"] not in FINAL_STATUSES:
                raise HarnessError(f"after POST clock/run the call is still {record['status']}:\n"
                                   + self.transcript(sid))
            return record
        self.wait_for(f"call {sid} to end", lambda: self.status(sid) in FINAL_STATUSES)
        return self.record(sid)


class HarnessHttpClient(TwilioHttpClient):
    """The twilio library's own HTTP client, with its requests for
    https://api.twilio.com sent to the harness instead. Pass it as
    twilio.rest.Client(sid, token, http_client=HarnessHttpClient(base)):
    the library's hook for a custom HTTP client; nothing else changes."""

    def __init__(self, base):
        super().__init__()
        self.base = base.rstrip("/")

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        if url.startswith(API_BASE):
            url = self.base + url[len(API_BASE):]
        return super().request(method, url, params=params, data=data, headers=headers, auth=auth,
                               timeout=timeout, allow_redirects=allow_redirects)


# -- reading a call's record (GET /_harness/calls/{sid}/record) -------------

def webhook_requests(record, path=None):
    """The webhooks of a call's record (its events of kind "request"), in
    order; only those whose URL has this path, if given."""
    out = []
    for event in record["events"]:
        if event.get("kind") != "request":
            continue
        req = event["request"]
        if path is None or urlparse(req["url"]).path == path:
            out.append(req)
    return out


def param(req, name):
    """One form parameter of a recorded webhook (the record keeps lists)."""
    values = (req.get("params") or {}).get(name)
    return values[0] if values else None


def notification_codes(record):
    return [n["code"] for n in record.get("notifications") or []]


def harness_binary():
    """The command named by TWIMLHARNESS_BIN, or an error saying how to get one."""
    binary = os.environ.get("TWIMLHARNESS_BIN")
    if not binary:
        raise HarnessError("TWIMLHARNESS_BIN must name a built twimlharness command "
                           "(go build -o /tmp/twimlharness ./cmd/twimlharness)")
    if not os.access(binary, os.X_OK):
        raise HarnessError(f"TWIMLHARNESS_BIN={binary} is not an executable file")
    return binary
