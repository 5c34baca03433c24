// Media Streams from Node against `twimlharness serve`: a tiny app serves
// the voice webhook and, on the same loopback port, a WebSocket server
// (the `ws` package) for <Connect><Stream>; the official twilio library
// places the call. The harness, as Twilio would, dials the app's ws://
// URL, signs the upgrade, sends connected, start (with the <Parameter>s)
// and 20 ms media frames, echoes the app's mark once its audio has played,
// sends the far end's key as dtmf; when the app closes the socket it
// requests the Connect's action.
//
// The clock. serve runs with -clock auto by default: virtual time jumps to
// the next event. A stream is a run of 20 ms turns; each writes Twilio's
// messages of the turn, then pings the app and waits for its pong before
// the next turn. `ws` answers pings by itself, after it has emitted the
// messages read before the ping, so whatever a synchronous 'message'
// handler sends in answer is on the wire before the pong, and the harness
// applies it at that turn: a second of call takes a few milliseconds, the
// same every run. (A handler that awaits something before it answers is
// applied a turn or more later.) Since nothing paces the stream but the
// app, an app that never closes it, and a far end that never hangs up,
// would run the call to its time limit at full speed: this app closes the
// socket on the far end's key, or after ten seconds of audio at the
// latest. Under -clock manual the same happens once clock/run or
// clock/advance moves time. Under -clock scaled the turns come at the wall
// clock's pace (times the rate), as on Twilio, and the app's audio starts
// playing at the instant it arrived, a little after its turn: its marks
// may then come back a frame (20 ms) later than under auto.
//
// Run from .ci/run with TWIMLHARNESS_BIN set to a built twimlharness.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert");
const http = require("node:http");
const twilio = require("twilio");
const { WebSocketServer } = require("ws");
const { ACCOUNT_SID, AUTH_TOKEN, control, startServe, callToTheEnd, assertOneSignedUpgrade } = require("./harness");

// The far end of the call, and who calls it.
const CALLEE = "+14155550166";
const CALLER = "+15005550006";

// GREETING is the app's audio: half a second of μ-law (a square wave).
const GREETING = Buffer.alloc(4000);
for (let i = 0; i < GREETING.length; i++) GREETING[i] = i % 16 < 8 ? 0x20 : 0xa0;

// MAX_FRAMES is when the app gives up on the far end's key and closes the
// stream: ten seconds of audio.
const MAX_FRAMES = 500;

// startStreamApp runs the app on a loopback port: POST /voice answers with
// <Connect><Stream>, POST /after (the Connect's action) says goodbye, and
// GET /media is the WebSocket, whose upgrade is refused with 403 unless
// its X-Twilio-Signature is the one Twilio computes for the stream's URL
// with no parameters. What the app saw is in the returned `seen`.
async function startStreamApp() {
  const seen = { requests: [], upgrades: [], messages: [], closed: null };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = `http://${req.headers.host}${req.url}`;
      seen.requests.push({ path: req.url, params, valid: twilio.validateRequest(AUTH_TOKEN, req.headers["x-twilio-signature"], url, params) });
      const twiml = new twilio.twiml.VoiceResponse();
      if (req.url === "/voice") {
        const stream = twiml.connect({ action: `${base}/after` }).stream({ url: streamURL });
        stream.parameter({ name: "caller", value: params.From });
      } else {
        twiml.say("Goodbye");
      }
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(twiml.toString());
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const sig = req.headers["x-twilio-signature"];
    const valid = twilio.validateRequest(AUTH_TOKEN, sig, streamURL, {});
    seen.upgrades.push({ path: req.url, sig, valid, userAgent: req.headers["user-agent"] });
    if (req.url !== "/media" || !valid) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => converse(ws, seen));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const streamURL = `ws://127.0.0.1:${server.address().port}/media`;
  return { server, base, streamURL, seen };
}

// converse is the app's side of the stream. Each handler answers at once,
// before the next message is read: on start it sends its greeting and the
// mark "greeting"; on the far end's key, or after MAX_FRAMES frames, it
// closes the socket.
function converse(ws, seen) {
  let frames = 0;
  ws.on("message", (data, isBinary) => {
    const m = JSON.parse(data.toString());
    seen.messages.push({ ...m, binary: isBinary, framesBefore: frames });
    switch (m.event) {
      case "start":
        ws.send(JSON.stringify({ event: "media", streamSid: m.streamSid, media: { payload: GREETING.toString("base64") } }));
        ws.send(JSON.stringify({ event: "mark", streamSid: m.streamSid, mark: { name: "greeting" } }));
        break;
      case "media":
        if (++frames >= MAX_FRAMES) ws.close(1000);
        break;
      case "dtmf":
        ws.close(1000);
        break;
    }
  });
  ws.on("close", (code) => (seen.closed = code));
}

test("a Node WebSocket app on <Connect><Stream> against serve", { timeout: 60_000 }, async (t) => {
  const { proc, base } = await startServe();
  t.after(() => proc.kill("SIGTERM"));
  const app = await startStreamApp();
  t.after(() => app.server.close());

  // The far end says something a tenth of a second into the stream, and
  // presses 5 a tenth of a second after the app's mark has played.
  const party = await control(base, "PUT", `parties/${encodeURIComponent(CALLEE)}`, {
    steps: [
      { say: "hello there", at: "Stream", after_seconds: 0.1 },
      { press: "5", after_mark: "greeting", after_seconds: 0.1 },
    ],
  });
  assert.strictEqual(party.status, 200, await party.text());

  const { call } = await callToTheEnd(base, { to: CALLEE, from: CALLER, url: `${app.base}/voice` });

  // The upgrade: one, signed for the stream's URL as the TwiML wrote it.
  const seen = app.seen;
  const up = assertOneSignedUpgrade(seen.upgrades, "/media", app.streamURL);

  // connected, then start.
  const [connected, start, ...rest] = seen.messages;
  assert.deepStrictEqual(connected, { event: "connected", protocol: "Call", version: "1.0.0", binary: false, framesBefore: 0 });
  assert.strictEqual(start.event, "start");
  assert.strictEqual(start.sequenceNumber, "1");
  assert.match(start.streamSid, /^MZ[0-9a-f]{32}$/);
  assert.deepStrictEqual(start.start, {
    accountSid: ACCOUNT_SID,
    streamSid: start.streamSid,
    callSid: call.sid,
    tracks: ["inbound"],
    customParameters: { caller: CALLER },
    mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
  });

  // Every later message: one sequence, in text frames, for this stream.
  rest.forEach((m, i) => {
    assert.strictEqual(m.sequenceNumber, String(i + 2), `message ${i + 3} (${m.event})`);
    assert.strictEqual(m.streamSid, start.streamSid);
    assert.strictEqual(m.binary, false);
  });

  // The media: inbound frames of 20 ms, chunks counted from 1, timestamps
  // 20 ms apart from 0; the far end's speech is in them, silence around it.
  const media = rest.filter((m) => m.event === "media");
  assert.ok(media.length >= 30, `${media.length} media frames`);
  media.forEach((m, i) => {
    assert.deepStrictEqual(Object.keys(m.media), ["track", "chunk", "timestamp", "payload"]);
    assert.strictEqual(m.media.track, "inbound");
    assert.strictEqual(m.media.chunk, String(i + 1));
    assert.strictEqual(m.media.timestamp, String(20 * i));
    assert.strictEqual(Buffer.from(m.media.payload, "base64").length, 160);
  });
  const silent = (m) => Buffer.from(m.media.payload, "base64").every((b) => b === 0xff);
  assert.ok(silent(media[0]), "silence before the far end speaks");
  assert.ok(!silent(media[10]), "the far end's voice 200 ms in");

  // The mark comes back once the half second of greeting has played: 25
  // frames later.
  const marks = rest.filter((m) => m.event === "mark");
  assert.deepStrictEqual(marks.map((m) => m.mark), [{ name: "greeting" }]);
  assert.strictEqual(marks[0].framesBefore, GREETING.length / 160);

  // The far end's key, then the app closed the socket.
  const dtmf = rest.filter((m) => m.event === "dtmf");
  assert.deepStrictEqual(dtmf.map((m) => m.dtmf), [{ track: "inbound_track", digit: "5" }]);
  assert.strictEqual(seen.closed, 1000);
  assert.ok(!rest.some((m) => m.event === "stop"), "no stop message when the app closes the stream");

  // The Connect's action ran, signed, with the call still in progress.
  assert.deepStrictEqual(seen.requests.map((r) => [r.path, r.params.CallStatus, r.valid]), [
    ["/voice", "in-progress", true],
    ["/after", "in-progress", true],
  ]);

  const transcript = await (await control(base, "GET", `calls/${call.sid}/transcript`)).text();
  assert.match(transcript, /stopped: the application closed the WebSocket/);
  assert.match(transcript, /mark "greeting" played/);
  assert.match(transcript, /say\s+"Goodbye"/);
});
