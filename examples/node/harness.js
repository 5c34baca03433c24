// Helpers for testing a voice app against `twimlharness serve`, a fake of
// Twilio's voice API: start the app and the fake, aim the official twilio
// client at the fake, drive the fake through its control API, and wait for
// things while the clock runs.
"use strict";

const assert = require("node:assert");
const { spawn } = require("node:child_process");
const readline = require("node:readline");
const twilio = require("twilio");
const RequestClient = require("twilio/lib/base/RequestClient");

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "acmeAuthToken42";

// HarnessRequestClient sends the twilio library's requests for
// api.twilio.com to the fake instead, through the library's hook for a
// custom HTTP client. The app's code does not change.
class HarnessRequestClient extends RequestClient {
  constructor(base) {
    super();
    this.base = base;
  }
  request(opts) {
    opts.uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.base);
    return super.request(opts);
  }
}

// ControlError is a control API reply with a status other than 2xx.
class ControlError extends Error {
  constructor(method, path, status, body) {
    super(`${method} /_harness/${path}: ${status} ${typeof body === "string" ? body : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

// listen starts an HTTP app (an Express app or any request listener) on a
// free loopback port and resolves with the node http.Server.
function listen(app) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
    server.once("error", reject);
  });
}

// Harness is one `twimlharness serve` process.
class Harness {
  constructor(proc, base) {
    this.proc = proc;
    this.base = base;
    this.client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new HarnessRequestClient(base) });
  }

  // start runs `$TWIMLHARNESS_BIN serve` and resolves once it has printed
  // its URL. publicUrls maps the origins the app believes it is served at
  // to where it listens ({"https://acme.example.com": "http://127.0.0.1:3000"}):
  // the fake sends those webhooks to the real address, signed for the
  // public URL. clock is "auto", "manual" or "scaled" (with rate).
  static start({ publicUrls = {}, clock, rate, extraArgs = [] } = {}) {
    const bin = process.env.TWIMLHARNESS_BIN;
    assert.ok(bin, "set TWIMLHARNESS_BIN to a built twimlharness (go install ./cmd/twimlharness, then $(go env GOPATH)/bin/twimlharness)");
    const args = ["serve", "-account-sid", ACCOUNT_SID, "-auth-token", AUTH_TOKEN];
    for (const [pub, real] of Object.entries(publicUrls)) {
      args.push("-public-url", `${pub}=${real}`);
    }
    if (clock) args.push("-clock", clock);
    if (rate !== undefined) args.push("-clock-rate", String(rate));
    args.push(...extraArgs);

    const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (process.env.TWIMLHARNESS_VERBOSE) process.stderr.write(chunk);
    });
    const lines = readline.createInterface({ input: proc.stdout });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`twimlharness serve printed no URL within 15 s; its stderr:\n${stderr}`));
      }, 15_000);
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(new Harness(proc, line.trim()));
      });
      proc.once("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${bin}: ${err.message}`));
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`twimlharness serve ${args.slice(1).join(" ")} exited with ${code} before printing its URL; its stderr:\n${stderr}`));
      });
    });
  }

  // stop ends the serve process and resolves when it has gone.
  stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once("exit", () => resolve());
      this.proc.kill("SIGTERM");
    });
  }

  // control sends a request to the control API (/_harness/…) with the
  // account's credentials and a JSON body if one is given. It resolves with
  // the reply, parsed if it is JSON, and rejects with a ControlError for a
  // status other than 2xx.
  async control(method, path, body) {
    const headers = { Authorization: "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64") };
    const init = { method, headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${this.base}/_harness/${path}`, init);
    const text = await res.text();
    const json = (res.headers.get("content-type") || "").startsWith("application/json");
    const reply = json && text ? JSON.parse(text) : text;
    if (!res.ok) throw new ControlError(method, path, res.status, reply);
    return reply;
  }

  // The control API's endpoints used by the tests, by name.
  reset(keep) {
    return this.control("POST", "reset", keep ? { keep } : undefined);
  }
  clock() {
    return this.control("GET", "clock");
  }
  setClock(mode, rate) {
    return this.control("PUT", "clock", rate === undefined ? { mode } : { mode, rate });
  }
  advance(seconds) {
    return this.control("POST", "clock/advance", { seconds });
  }
  run() {
    return this.control("POST", "clock/run");
  }
  addNumber(number) {
    return this.control("POST", "numbers", number);
  }
  setParty(address, spec) {
    return this.control("PUT", `parties/${encodeURIComponent(address)}`, spec);
  }
  incomingCall(from, to, caller) {
    return this.control("POST", "calls", { from, to, caller });
  }
  transcript(sid) {
    return this.control("GET", `calls/${sid}/transcript`);
  }
  record(sid) {
    return this.control("GET", `calls/${sid}/record`);
  }

  // requests returns the webhook requests the fake sent for a call, from
  // its record, each with its params flattened to one value a name:
  // [{kind, method, url, target, params, reply_status, …}].
  async requests(sid) {
    const rec = await this.record(sid);
    return rec.events
      .filter((e) => e.kind === "request")
      .map((e) => ({
        ...e.request,
        params: Object.fromEntries(Object.entries(e.request.params || {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
      }));
  }
}

const ENDED = new Set(["completed", "busy", "no-answer", "failed", "canceled"]);

// waitFor calls check until it returns a value other than undefined or
// false, and resolves with that value; it rejects after timeoutMs. It is
// for a clock that runs on its own (scaled, auto): the condition is polled,
// never slept on for a fixed time.
async function waitFor(what, check, { timeoutMs = 10_000, intervalMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last !== undefined && last !== false) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

module.exports = { ACCOUNT_SID, AUTH_TOKEN, ENDED, Harness, HarnessRequestClient, ControlError, listen, waitFor };
