// The official twilio Node.js library, unmodified, against `twimlharness
// serve`: it creates, fetches and lists calls; the control API (with the
// account's credentials, as it requires) makes the callee busy; a small
// loopback app receives the voice and status callbacks and checks their
// signatures with twilio.validateRequest.
//
// Run from .ci/run with TWIMLHARNESS_BIN set to a built twimlharness.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert");
const http = require("node:http");
const twilio = require("twilio");
const { ACCOUNT_SID, AUTH_TOKEN, HarnessRequestClient, control, startServe } = require("./harness");

// startApp runs the loopback voice app. It answers /voice with TwiML and
// /status with 204, and hands each request (with whether its signature is
// valid) to onRequest.
function startApp(onRequest) {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = `http://${req.headers.host}${req.url}`;
      const valid = twilio.validateRequest(AUTH_TOKEN, req.headers["x-twilio-signature"], url, params);
      onRequest({ path: req.url, params, valid });
      if (req.url.startsWith("/voice")) {
        res.writeHead(200, { "Content-Type": "text/xml" });
        res.end("<Response><Say>Hello from Node</Say></Response>");
      } else {
        res.writeHead(204);
        res.end();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("twilio-node creates, fetches and lists calls against serve", async (t) => {
  const { proc, base } = await startServe();
  t.after(() => proc.kill("SIGTERM"));
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);

  const completed = {};
  const requests = [];
  let notify = () => {};
  const app = await startApp((r) => {
    requests.push(r);
    if (r.path === "/status" && r.params.CallStatus) {
      completed[r.params.CallSid] = r;
      notify();
    }
  });
  t.after(() => app.close());
  const appURL = `http://127.0.0.1:${app.address().port}`;
  const waitForStatus = (sid) =>
    new Promise((resolve) => {
      const check = () => (completed[sid] ? resolve(completed[sid]) : (notify = check));
      check();
    });

  // The control API refuses a request without credentials, and one whose
  // body is not JSON (fetch sends a string as text/plain), as it would a
  // web page's.
  const busy = "+14155550188";
  const anonymous = await fetch(`${base}/_harness/clock`);
  assert.strictEqual(anonymous.status, 401);
  assert.match((await anonymous.json()).error, /HTTP Basic credentials/);
  const plain = await fetch(`${base}/_harness/parties/${encodeURIComponent(busy)}`, {
    method: "PUT",
    headers: { Authorization: "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64") },
    body: JSON.stringify({ answer: "busy" }),
  });
  assert.strictEqual(plain.status, 415, await plain.text());

  // The control API makes one callee busy.
  const put = await control(base, "PUT", `parties/${encodeURIComponent(busy)}`, { answer: "busy" });
  assert.strictEqual(put.status, 200, await put.text());

  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new HarnessRequestClient(base) });

  const busyCall = await client.calls.create({
    to: busy,
    from: "+15005550006",
    url: `${appURL}/voice`,
    statusCallback: `${appURL}/status`,
  });
  assert.match(busyCall.sid, /^CA[0-9a-f]{32}$/);
  assert.strictEqual(busyCall.status, "queued");
  assert.strictEqual(busyCall.direction, "outbound-api");
  assert.strictEqual(busyCall.toFormatted, "(415) 555-0188");

  const answered = await client.calls.create({
    to: "+14155550199",
    from: "+15005550006",
    url: `${appURL}/voice`,
    statusCallback: `${appURL}/status`,
  });

  const busyStatus = await waitForStatus(busyCall.sid);
  assert.strictEqual(busyStatus.params.CallStatus, "busy");
  assert.ok(busyStatus.valid, "the status callback's X-Twilio-Signature validates with twilio.validateRequest");
  const doneStatus = await waitForStatus(answered.sid);
  assert.strictEqual(doneStatus.params.CallStatus, "completed");
  assert.strictEqual(doneStatus.params.CallDuration, "1");

  const voice = requests.filter((r) => r.path === "/voice");
  assert.strictEqual(voice.length, 1, "only the call that was answered fetched its TwiML");
  assert.ok(voice[0].valid, "the voice request's signature validates");
  assert.strictEqual(voice[0].params.CallSid, answered.sid);

  const fetched = await client.calls(busyCall.sid).fetch();
  assert.strictEqual(fetched.status, "busy");
  // The Call resource page: duration is "empty for busy, failed, unanswered"
  // calls, end_time "empty if the call did not complete successfully".
  assert.strictEqual(fetched.duration, null);
  assert.strictEqual(fetched.endTime, null);

  const listed = await client.calls.list({ to: busy, pageSize: 1 });
  assert.deepStrictEqual(listed.map((c) => c.sid), [busyCall.sid]);
  const all = await client.calls.list({ pageSize: 1 });
  assert.deepStrictEqual(all.map((c) => c.sid), [answered.sid, busyCall.sid], "paging over two pages, newest first");

  await assert.rejects(client.calls("CA00000000000000000000000000000000").fetch(), (err) => {
    assert.strictEqual(err.status, 404);
    assert.strictEqual(err.code, 20404);
    return true;
  });

  const transcript = await (await control(base, "GET", `calls/${busyCall.sid}/transcript`)).text();
  assert.match(transcript, /status\s+busy/);
});

test("twilio-node lists a call's recordings and downloads one", async (t) => {
  const { proc, base } = await startServe();
  t.after(() => proc.kill("SIGTERM"));
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new HarnessRequestClient(base) });

  // The callee leaves a 4-second message into a <Record>, on a call that
  // Record=true records whole too.
  const callee = "+14155550177";
  const party = await control(base, "PUT", `parties/${encodeURIComponent(callee)}`, {
    steps: [{ talk_seconds: 4, then_press: "#" }],
  });
  assert.strictEqual(party.status, 200, await party.text());
  const call = await client.calls.create({
    to: callee,
    from: "+15005550006",
    record: true,
    twiml: '<Response><Say>Leave a message</Say><Record finishOnKey="#" action="http://127.0.0.1:9/done"/></Response>',
  });
  const run = await control(base, "POST", "clock/run");
  assert.strictEqual(run.status, 200, await run.text());

  const recordings = await client.calls(call.sid).recordings.list();
  assert.deepStrictEqual(recordings.map((r) => r.source).sort(), ["OutboundAPI", "RecordVerb"]);
  const message = recordings.find((r) => r.source === "RecordVerb");
  assert.strictEqual(message.status, "completed");
  assert.strictEqual(message.duration, "4");
  const byAccount = await client.recordings.list({ callSid: call.sid, pageSize: 1 });
  assert.strictEqual(byAccount.length, 2, "two pages of one");

  // The media, as a client downloads it from media_url: a WAV behind the
  // account's credentials, 8 kHz 16-bit mono, as long as the message.
  const fetched = await client.recordings(message.sid).fetch();
  const mediaURL = fetched.mediaUrl.replace(/^https:\/\/api\.twilio\.com/, base);
  const auth = { Authorization: "Basic " + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64") };
  const wav = await fetch(mediaURL, { headers: auth });
  assert.strictEqual(wav.status, 200);
  assert.strictEqual(wav.headers.get("content-type"), "audio/x-wav");
  const bytes = Buffer.from(await wav.arrayBuffer());
  assert.strictEqual(bytes.toString("ascii", 0, 4), "RIFF");
  assert.strictEqual(bytes.readUInt16LE(22), 1, "channels");
  assert.strictEqual(bytes.readUInt32LE(24), 8000, "sample rate");
  assert.strictEqual(bytes.readUInt32LE(40), 4 * 16000, "data bytes: 4 s at 16,000 bytes a second");
  const mp3 = await fetch(`${mediaURL}.mp3`, { headers: auth });
  assert.strictEqual(mp3.headers.get("content-type"), "audio/mpeg");
  assert.strictEqual((await fetch(mediaURL)).status, 401, "the media needs credentials");
});
