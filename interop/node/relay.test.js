// ConversationRelay from Node against `twimlharness serve`: a tiny AI
// voice agent serves the voice webhook and, on the same loopback port, a
// WebSocket server (the `ws` package) for <Connect><ConversationRelay>;
// the official twilio library writes its TwiML, checks signatures and
// places the call. The harness, as Twilio would, dials the app's ws://
// URL, signs the upgrade, sends setup, speaks the welcome greeting, sends
// the far end's speech as prompts, its barge-in as interrupt and its key as
// dtmf; when the app sends end it closes the socket and requests the
// Connect's action with HandoffData.
//
// The clock. serve runs with -clock auto: virtual time jumps to the next
// event. Each message of Twilio's is an exchange: written, then a ping
// whose pong the harness waits for; after a final prompt it also waits
// (up to its relay patience, real time) for the app's answer, a text with
// last set. `ws` answers pings by itself, after it has emitted the messages
// read before the ping, so what a synchronous 'message' handler sends in
// answer is on the wire before the pong: the whole conversation takes a
// few milliseconds, the same every run. The agent "speaks" on the virtual
// clock, 0.4 s a word, which is what the far end's barge-in is timed
// against.
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
const CALLEE = "+14155550167";
const CALLER = "+15005550006";

// What the agent and the caller say.
const GREETING = "Hi, this is the booking line. Which day would you like?";
const ASKS = "I'd like to book Tuesday";
const SLOTS = "Tuesday works. We have slots at nine, ten, eleven and two. Which one would you like?";
const CUTS_IN = "Ten please";
const CONFIRM = "Ten o'clock on Tuesday. Press 1 to confirm, or 0 to talk to a person.";
const HANDOFF = { reason: "person", day: "Tuesday", time: "10:00" };

// startRelayApp runs the agent on a loopback port: POST /voice answers
// with <Connect action="/handoff"><ConversationRelay> (keys on, a custom
// parameter), POST /handoff (the Connect's action) says it connects the
// caller and hangs up, and GET /relay is the WebSocket, whose upgrade is
// refused with 403 unless its X-Twilio-Signature is the one Twilio computes
// for the relay's URL with no parameters. What the app saw is in `seen`.
async function startRelayApp() {
  const seen = { requests: [], upgrades: [], messages: [], history: [], closed: null };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = `http://${req.headers.host}${req.url}`;
      seen.requests.push({ path: req.url, params, valid: twilio.validateRequest(AUTH_TOKEN, req.headers["x-twilio-signature"], url, params) });
      const twiml = new twilio.twiml.VoiceResponse();
      if (req.url === "/voice") {
        const relay = twiml.connect({ action: `${base}/handoff` }).conversationRelay({
          url: relayURL,
          welcomeGreeting: GREETING,
          dtmfDetection: "true",
          interruptible: "any",
        });
        relay.language({ code: "en-US", ttsProvider: "ElevenLabs", transcriptionProvider: "Deepgram" });
        relay.parameter({ name: "caller", value: params.From });
      } else {
        twiml.say("Connecting you to a person.");
        twiml.hangup();
      }
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(twiml.toString());
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const sig = req.headers["x-twilio-signature"];
    const valid = twilio.validateRequest(AUTH_TOKEN, sig, relayURL, {});
    seen.upgrades.push({ path: req.url, sig, valid });
    if (req.url !== "/relay" || !valid) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => converse(ws, seen));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const relayURL = `ws://127.0.0.1:${server.address().port}/relay`;
  return { server, base, relayURL, seen };
}

// converse is the agent's side of the session. Each handler answers at
// once, before the next message is read: a final prompt with its reply,
// streamed a word at a time as a language model's tokens would come; an
// interrupt by cutting its history to what the caller heard; the key 0 by
// ending the session with handoff data for a person.
function converse(ws, seen) {
  const speak = (text) => {
    seen.history.push({ role: "agent", text });
    const words = text.split(" ");
    words.forEach((w, i) => {
      const last = i === words.length - 1;
      ws.send(JSON.stringify({ type: "text", token: last ? w : w + " ", last }));
    });
  };
  ws.on("message", (data, isBinary) => {
    const m = JSON.parse(data.toString());
    seen.messages.push({ ...m, binary: isBinary });
    switch (m.type) {
      case "setup":
        seen.history.push({ role: "agent", text: GREETING });
        break;
      case "prompt":
        if (!m.last) break;
        seen.history.push({ role: "caller", text: m.voicePrompt });
        speak(seen.history.length <= 2 ? SLOTS : CONFIRM);
        break;
      case "interrupt": {
        const said = seen.history.findLast((h) => h.role === "agent");
        said.text = m.utteranceUntilInterrupt;
        said.interrupted = true;
        break;
      }
      case "dtmf":
        seen.history.push({ role: "caller", digit: m.digit });
        if (m.digit === "0") ws.send(JSON.stringify({ type: "end", handoffData: JSON.stringify(HANDOFF) }));
        break;
    }
  });
  ws.on("close", (code, reason) => (seen.closed = { code, reason: reason.toString() }));
}

test("a Node WebSocket app on <Connect><ConversationRelay> against serve", { timeout: 60_000 }, async (t) => {
  const { proc, base } = await startServe();
  t.after(() => proc.kill("SIGTERM"));
  const app = await startRelayApp();
  t.after(() => app.server.close());

  // The far end answers the greeting, cuts in a second into the agent's
  // answer, then presses 0 once the agent has asked.
  const party = await control(base, "PUT", `parties/${encodeURIComponent(CALLEE)}`, {
    steps: [
      { say: ASKS, at: "ConversationRelay" },
      { say: CUTS_IN, at: "ConversationRelay", barge_in: true, after_seconds: 1 },
      { press: "0", at: "ConversationRelay" },
    ],
  });
  assert.strictEqual(party.status, 200, await party.text());

  const { call } = await callToTheEnd(base, { to: CALLEE, from: CALLER, url: `${app.base}/voice` });

  // The upgrade: one, signed for the relay's URL as the TwiML wrote it.
  const seen = app.seen;
  const up = assertOneSignedUpgrade(seen.upgrades, "/relay", app.relayURL);

  // Every message in a text frame; setup first, its fields all strings in
  // Twilio's order, customParameters from the <Parameter>.
  assert.ok(seen.messages.every((m) => !m.binary));
  const [setup, ...rest] = seen.messages.map(({ binary, ...m }) => m);
  assert.deepStrictEqual(Object.keys(setup), [
    "type", "sessionId", "accountSid", "parentCallSid", "callSid", "from", "to", "forwardedFrom",
    "callType", "callerName", "direction", "callStatus", "customParameters",
  ]);
  assert.match(setup.sessionId, /^VX[0-9a-f]{32}$/);
  assert.deepStrictEqual(setup, {
    type: "setup",
    sessionId: setup.sessionId,
    accountSid: ACCOUNT_SID,
    parentCallSid: "",
    callSid: call.sid,
    from: CALLER,
    to: CALLEE,
    forwardedFrom: "",
    callType: "PSTN",
    callerName: "",
    direction: "outbound-api",
    callStatus: "IN_PROGRESS",
    customParameters: { caller: CALLER },
  });

  // Then the conversation: the caller's words as a final prompt; the
  // barge-in a second (two words at 0.4 s) into the agent's answer, as
  // interrupt, then its words; the key as dtmf, detection being on.
  assert.deepStrictEqual(rest, [
    { type: "prompt", voicePrompt: ASKS, lang: "en-US", last: true },
    { type: "interrupt", utteranceUntilInterrupt: "Tuesday works.", durationUntilInterruptMs: 1000 },
    { type: "prompt", voicePrompt: CUTS_IN, lang: "en-US", last: true },
    { type: "dtmf", digit: "0" },
  ]);

  // The agent's history: its long answer cut to what the caller heard.
  assert.deepStrictEqual(seen.history, [
    { role: "agent", text: GREETING },
    { role: "caller", text: ASKS },
    { role: "agent", text: "Tuesday works.", interrupted: true },
    { role: "caller", text: CUTS_IN },
    { role: "agent", text: CONFIRM },
    { role: "caller", digit: "0" },
  ]);

  // end: Twilio closed the socket normally, and requested the Connect's
  // action, signed, with the session's result and the handoff data as sent.
  assert.deepStrictEqual(seen.closed, { code: 1000, reason: "" });
  assert.deepStrictEqual(seen.requests.map((r) => [r.path, r.params.CallStatus, r.valid]), [
    ["/voice", "in-progress", true],
    ["/handoff", "in-progress", true],
  ]);
  const action = seen.requests[1].params;
  assert.strictEqual(action.SessionId, setup.sessionId);
  assert.strictEqual(action.SessionStatus, "ended");
  assert.match(action.SessionDuration, /^\d+$/);
  assert.strictEqual(action.HandoffData, JSON.stringify(HANDOFF));
  assert.deepStrictEqual(JSON.parse(action.HandoffData), HANDOFF);
  assert.ok(!("ErrorCode" in action), "no ErrorCode for an ended session");

  // The harness's transcript: the greeting, the agent's streamed answer as
  // one utterance, the interruption, and the action's TwiML after the end.
  const transcript = await (await control(base, "GET", `calls/${call.sid}/transcript`)).text();
  assert.ok(transcript.includes(`the agent greets: "${GREETING}"`), transcript);
  assert.ok(transcript.includes(`the agent says "${SLOTS}"`), transcript);
  assert.ok(transcript.includes(`the caller interrupted the agent (speech) after 1000ms, having heard "Tuesday works."`), transcript);
  assert.ok(transcript.includes(`the agent says "${CONFIRM}"`), transcript);
  assert.match(transcript, /ended: the application sent end/);
  assert.match(transcript, /say\s+"Connecting you to a person\."/);
});
