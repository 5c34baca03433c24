// What the interop tests share: the account, `twimlharness serve` started
// and its URL read, the twilio library aimed at it, and the control API.
"use strict";

const assert = require("node:assert");
const { spawn } = require("node:child_process");
const readline = require("node:readline");
const RequestClient = require("twilio/lib/base/RequestClient");

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "nodeInteropToken42";

// HarnessRequestClient sends the library's requests for api.twilio.com to
// the harness instead: the library's documented hook for a custom HTTP
// client, the same as twilio-go's ClientParams.Client.
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

// control sends a request to the control API with the account's
// credentials, as HTTP Basic auth like the REST API's, and a JSON body if
// one is given.
function control(base, method, path, body) {
  const headers = { Authorization: "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64") };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return fetch(`${base}/_harness/${path}`, init);
}

// startServe runs the harness (with extra command-line arguments, if
// any) and resolves with its base URL, read from the first line of its
// output.
function startServe(...args) {
  const bin = process.env.TWIMLHARNESS_BIN;
  assert.ok(bin, "TWIMLHARNESS_BIN must name a built twimlharness command");
  const proc = spawn(bin, ["serve", "-account-sid", ACCOUNT_SID, "-auth-token", AUTH_TOKEN, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    lines.once("line", (line) => resolve({ proc, base: line.trim() }));
    proc.once("exit", (code) => reject(new Error(`twimlharness serve exited with ${code} before printing its URL`)));
  });
}

// callToTheEnd places a call through the twilio library aimed at base,
// runs the clock until nothing is left to happen (clock/run), and returns
// the library's client and the call as fetched then, which must have
// completed.
async function callToTheEnd(base, params) {
  const twilio = require("twilio");
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new HarnessRequestClient(base) });
  const call = await client.calls.create(params);
  const run = await control(base, "POST", "clock/run");
  assert.strictEqual(run.status, 200, await run.text());
  const done = await client.calls(call.sid).fetch();
  assert.strictEqual(done.status, "completed");
  return { client, call: done };
}

// assertOneSignedUpgrade checks that an app saw one WebSocket upgrade, on
// path, signed for wsURL as the TwiML wrote it with no parameters
// (up.valid: the app checked it with twilio.validateRequest(token, sig,
// url, {})), and that the same signature does not check out for the URL's
// http:// form (what a webhook's recipe would sign). It returns the upgrade.
function assertOneSignedUpgrade(upgrades, path, wsURL) {
  const twilio = require("twilio");
  assert.strictEqual(upgrades.length, 1, JSON.stringify(upgrades));
  const up = upgrades[0];
  assert.strictEqual(up.path, path);
  assert.ok(up.valid, "the upgrade's X-Twilio-Signature validates with twilio.validateRequest(token, sig, url, {})");
  assert.ok(!twilio.validateRequest(AUTH_TOKEN, up.sig, wsURL.replace(/^ws:/, "http:"), {}));
  return up;
}

module.exports = { ACCOUNT_SID, AUTH_TOKEN, HarnessRequestClient, control, startServe, callToTheEnd, assertOneSignedUpgrade };
