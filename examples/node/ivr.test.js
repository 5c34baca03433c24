// Tests of the Acme support IVR (app.js) against `twimlharness serve`, run
// with `node --test`. The app runs as it would in production, on a private
// loopback port, believing it is served at https://acme.example.com; serve
// maps that public origin to the app's port (-public-url), so every webhook
// is signed for the public URL, as Twilio signs it behind a proxy.
//
// Every test runs twice: with the manual clock (virtual time moves only
// when the test says so: POST /_harness/clock/advance or /clock/run) and
// with the scaled clock (virtual time flows by itself, 50 times faster than
// the wall clock; the tests poll, with deadlines, for what they wait on).
"use strict";

const { describe, it, before, after, beforeEach } = require("node:test");
const assert = require("node:assert");
const { createApp } = require("./app");
const { AUTH_TOKEN, ENDED, Harness, listen, waitFor } = require("./harness");

const PUBLIC_URL = "https://acme.example.com";
const ACME = "+14155550100"; // Acme's support line: its voice URL is the app's /voice
const UNMAPPED = "+14155550109"; // a line whose voice URL skips the public URL (test e)
const SUPPORT = "+14155550142"; // where the app forwards support calls
const CUSTOMER = "+14155550123";

const CLOCKS = [
  { name: "manual", clock: "manual" },
  { name: "scaled", clock: "scaled", rate: 50 },
];

for (const mode of CLOCKS) {
  describe(`Acme support IVR, ${mode.name} clock`, () => {
    let harness;
    let server;
    let appURL; // where the app really listens: http://127.0.0.1:<port>
    const hits = []; // every webhook the app received, as createApp's onRequest saw it

    before(async () => {
      server = await listen(createApp({ authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, supportNumber: SUPPORT, onRequest: (r) => hits.push(r) }));
      appURL = `http://127.0.0.1:${server.address().port}`;
      harness = await Harness.start({ publicUrls: { [PUBLIC_URL]: appURL }, clock: mode.clock, rate: mode.rate });
    });

    after(async () => {
      await harness?.stop();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    });

    beforeEach(async () => {
      const reply = await harness.reset();
      assert.strictEqual(reply.status, "reset");
      const clock = await harness.clock();
      assert.strictEqual(clock.mode, mode.clock, "reset puts the clock back in the mode serve started with");
      hits.length = 0;
      await harness.addNumber({ phone_number: ACME, voice_url: `${PUBLIC_URL}/voice`, voice_method: "POST" });
    });

    // fetchStatus reads a call's status through the official client.
    const fetchStatus = async (sid) => (await harness.client.calls(sid).fetch()).status;

    // finish lets a call play to its end and resolves with the Call
    // resource: the manual clock is run until nothing is left to happen;
    // the scaled clock runs by itself, so the call is polled.
    async function finish(sid) {
      if (mode.clock === "manual") {
        await harness.run();
      } else {
        await waitFor(`call ${sid} to end`, async () => ENDED.has(await fetchStatus(sid)));
      }
      const call = await harness.client.calls(sid).fetch();
      assert.ok(ENDED.has(call.status), `call ${sid} has ended: ${call.status}\n${await harness.transcript(sid)}`);
      return call;
    }

    // untilStatus moves the call on until its status is want: a second of
    // virtual time at a time under the manual clock, by polling under the
    // scaled one.
    async function untilStatus(sid, want) {
      if (mode.clock === "manual") {
        for (let i = 0; i < 60; i++) {
          if ((await fetchStatus(sid)) === want) return;
          await harness.advance(1);
        }
        assert.fail(`call ${sid} is not ${want} after 60 s of virtual time\n${await harness.transcript(sid)}`);
      }
      await waitFor(`call ${sid} to be ${want}`, async () => (await fetchStatus(sid)) === want);
    }

    // hitsTo returns the webhooks the app received at path, for call sid.
    const hitsTo = (path, sid) => hits.filter((h) => h.path === path && (!sid || h.params.CallSid === sid));

    // requestsTo returns the requests the fake's record says it sent to
    // path (the record names them by their public URL).
    const requestsTo = async (sid, path) =>
      (await harness.requests(sid)).filter((r) => new URL(r.url).pathname === path);

    // assertSignedThroughProxy checks what the app saw of every webhook:
    // the signature matched the public URL, and the request came as from a
    // reverse proxy for acme.example.com. The fake's record shows the
    // public URLs, as Twilio's logs would, each answered 200.
    async function assertSignedThroughProxy(sid) {
      assert.ok(hits.length > 0, "the app received webhooks");
      for (const h of hits) {
        assert.ok(h.signatureValid, `the signature of ${h.method} ${h.path} matches ${PUBLIC_URL}${h.path}`);
        assert.strictEqual(h.headers.host, "acme.example.com", `Host of ${h.path}`);
        assert.strictEqual(h.headers["x-forwarded-proto"], "https", `X-Forwarded-Proto of ${h.path}`);
        assert.strictEqual(h.headers["x-forwarded-host"], "acme.example.com", `X-Forwarded-Host of ${h.path}`);
      }
      for (const r of await harness.requests(sid)) {
        assert.ok(r.url.startsWith(`${PUBLIC_URL}/`), `the record shows the public URL requested: ${r.url}`);
        assert.strictEqual(r.reply_status, 200, `${r.url} answered 200`);
      }
    }

    it("(a) takes a caller through two menu levels: sales, then an existing order", async () => {
      const { sid } = await harness.incomingCall(CUSTOMER, ACME, { steps: [{ press: "1" }, { press: "2" }] });
      const call = await finish(sid);

      assert.strictEqual(call.status, "completed");
      assert.strictEqual(call.direction, "inbound");
      assert.strictEqual(call.from, CUSTOMER);
      assert.strictEqual(call.to, ACME);

      // The app's side: the first menu got 1, the second got 2.
      assert.deepStrictEqual(hitsTo("/voice", sid).length, 1);
      assert.deepStrictEqual(hitsTo("/menu", sid).map((h) => h.params.Digits), ["1"]);
      assert.deepStrictEqual(hitsTo("/sales", sid).map((h) => h.params.Digits), ["2"]);

      // The fake's side: the same requests in its record, and what the
      // caller heard in its transcript.
      const sales = await requestsTo(sid, "/sales");
      assert.strictEqual(sales.length, 1);
      assert.strictEqual(sales[0].params.Digits, "2");
      assert.strictEqual(sales[0].method, "POST");
      const transcript = await harness.transcript(sid);
      assert.match(transcript, /Press 1 for sales, 2 for support/);
      assert.match(transcript, /Press 1 for a new order, 2 for an existing order/);
      assert.match(transcript, /Your existing order is on its way/);
      assert.doesNotMatch(transcript, /application error/);
      await assertSignedThroughProxy(sid);
    });

    it("(b) sends the caller to voicemail when support is busy", async () => {
      await harness.setParty(SUPPORT, { answer: "busy" });
      const { sid } = await harness.incomingCall(CUSTOMER, ACME, {
        steps: [{ press: "2" }, { at: "Record", talk_seconds: 4, text: "please call me back about my order" }],
      });
      const call = await finish(sid);
      assert.strictEqual(call.status, "completed");

      const transcript = await harness.transcript(sid);
      assert.deepStrictEqual(hitsTo("/menu", sid).map((h) => h.params.Digits), ["2"]);
      const afterDial = hitsTo("/after-dial", sid);
      assert.strictEqual(afterDial.length, 1, transcript);
      assert.strictEqual(afterDial[0].params.DialCallStatus, "busy");
      const recorded = hitsTo("/recorded", sid);
      assert.strictEqual(recorded.length, 1, transcript);
      assert.match(recorded[0].params.RecordingUrl, /^https?:\/\/\S+\/Recordings\/RE[0-9a-f]{32}$/);
      assert.ok(Number(recorded[0].params.RecordingDuration) > 0, `RecordingDuration ${recorded[0].params.RecordingDuration}`);

      // The fake dialled the support number, found it busy, and the caller
      // heard the voicemail prompt.
      assert.match(transcript, new RegExp(`dial.*\\${SUPPORT}`, "i"));
      assert.match(transcript, /leave a message/);
      assert.match(transcript, /Thanks, we got your message/);
      const [dialed] = await requestsTo(sid, "/after-dial");
      assert.strictEqual(dialed.params.DialCallStatus, "busy");
      const record = await harness.record(sid);
      assert.strictEqual(record.recordings.length, 1, "one recording in the record");
      await assertSignedThroughProxy(sid);
    });

    it("(c) cancels a queued call and hangs up one in progress", async () => {
      if (mode.clock !== "manual") {
        // A queued call can be caught only while time stands still: switch
        // this server to the manual clock (reset puts it back).
        const clock = await harness.setClock("manual");
        assert.strictEqual(clock.mode, "manual");
      }
      const { client } = harness;

      const queued = await client.calls.create({ to: CUSTOMER, from: ACME, url: `${PUBLIC_URL}/hold` });
      assert.strictEqual(queued.status, "queued");
      assert.strictEqual((await client.calls(queued.sid).fetch()).status, "queued", "the manual clock keeps a new call queued");
      const canceled = await client.calls(queued.sid).update({ status: "canceled" });
      assert.strictEqual(canceled.status, "canceled");
      await harness.advance(60);
      assert.strictEqual((await client.calls(queued.sid).fetch()).status, "canceled");
      assert.strictEqual(hitsTo("/hold", queued.sid).length, 0, "a canceled call never requests its URL");

      // The customer lets it ring twice: step through it a second at a time.
      await harness.setParty(CUSTOMER, { rings: 2 });
      const live = await client.calls.create({ to: CUSTOMER, from: ACME, url: `${PUBLIC_URL}/hold` });
      assert.strictEqual(live.status, "queued");
      const seen = [];
      for (let i = 0; i < 60; i++) {
        const { status } = await client.calls(live.sid).fetch();
        if (seen.at(-1) !== status) seen.push(status);
        if (status === "in-progress") break;
        await harness.advance(1);
      }
      assert.deepStrictEqual(seen, ["queued", "ringing", "in-progress"], await harness.transcript(live.sid));
      assert.strictEqual(hitsTo("/hold", live.sid).length, 1);

      // Canceling is only for calls not yet answered: Twilio leaves a call
      // in progress as it is. Completing hangs it up.
      const notCanceled = await client.calls(live.sid).update({ status: "canceled" });
      assert.strictEqual(notCanceled.status, "in-progress");
      const completed = await client.calls(live.sid).update({ status: "completed" });
      assert.strictEqual(completed.status, "completed");
      await harness.run();
      const fetched = await client.calls(live.sid).fetch();
      assert.strictEqual(fetched.status, "completed");
      assert.ok(Number(fetched.duration) < 600, `hung up during the 600 s pause: duration ${fetched.duration}`);
      assert.match(await harness.transcript(live.sid), /Please hold/);
      await assertSignedThroughProxy(live.sid);
    });

    it("(d) redirects a call out of a long <Pause>", async () => {
      const { client } = harness;
      await harness.setParty(CUSTOMER, { rings: 2 });
      const call = await client.calls.create({ to: CUSTOMER, from: ACME, url: `${PUBLIC_URL}/hold` });
      await untilStatus(call.sid, "in-progress");
      if (mode.clock === "manual") {
        await harness.advance(5); // into the pause
      } else {
        await waitFor("the app to put the call on hold", () => hitsTo("/hold", call.sid).length > 0);
      }
      assert.strictEqual(hitsTo("/moved", call.sid).length, 0);

      const updated = await client.calls(call.sid).update({ url: `${PUBLIC_URL}/moved`, method: "POST" });
      assert.strictEqual(updated.sid, call.sid);
      const ended = await finish(call.sid);

      assert.strictEqual(ended.status, "completed");
      assert.ok(Number(ended.duration) < 600, `left the 600 s pause early: duration ${ended.duration}`);
      assert.strictEqual(hitsTo("/hold", call.sid).length, 1);
      assert.strictEqual(hitsTo("/moved", call.sid).length, 1, "the app's /moved was requested");
      const [moved] = await requestsTo(call.sid, "/moved");
      assert.strictEqual(moved.method, "POST");
      const transcript = await harness.transcript(call.sid);
      assert.match(transcript, /Please hold/);
      assert.match(transcript, /You were moved/);
      assert.ok(transcript.indexOf("Please hold") < transcript.indexOf("You were moved"), transcript);
      await assertSignedThroughProxy(call.sid);
    });

    it("(e) rejects webhooks whose signature is not for its public URL", async () => {
      // This line's voice URL is the app's real address: the fake signs the
      // URL it requests, http://127.0.0.1:…, while the app checks the
      // signature against https://acme.example.com/voice.
      await harness.addNumber({ phone_number: UNMAPPED, voice_url: `${appURL}/voice`, voice_method: "POST" });
      const { sid } = await harness.incomingCall(CUSTOMER, UNMAPPED, { steps: [{ press: "1" }] });
      const call = await finish(sid);

      assert.strictEqual(hits.length, 1);
      assert.strictEqual(hits[0].path, "/voice");
      assert.strictEqual(hits[0].signatureValid, false);
      assert.strictEqual(hits[0].headers.host, appURL.replace("http://", ""), "no proxy headers: the request went straight to the app");

      // What Twilio does with a 403: an application error, logged as
      // notification 11200, and the caller hears the error message.
      assert.strictEqual(call.status, "completed");
      const record = await harness.record(sid);
      const [voice] = await harness.requests(sid);
      assert.strictEqual(voice.url, `${appURL}/voice`);
      assert.strictEqual(voice.reply_status, 403);
      assert.match(voice.reply_body, /X-Twilio-Signature does not match/);
      const errors = record.notifications.filter((n) => n.level === "error" && n.code === 11200);
      assert.strictEqual(errors.length, 1, JSON.stringify(record.notifications));
      assert.strictEqual(errors[0].url, `${appURL}/voice`);
      assert.match(errors[0].message, /403/);
      const transcript = await harness.transcript(sid);
      assert.match(transcript, /application error has occurred/);
      assert.match(transcript, /hangup\s+application error/);

      // The same app, through the public URL, takes the call.
      hits.length = 0;
      const ok = await harness.incomingCall(CUSTOMER, ACME, { steps: [{ press: "1" }, { press: "1" }] });
      assert.strictEqual((await finish(ok.sid)).status, "completed");
      assert.deepStrictEqual(hitsTo("/sales", ok.sid).map((h) => h.params.Digits), ["1"]);
      assert.match(await harness.transcript(ok.sid), /new order/);
      await assertSignedThroughProxy(ok.sid);
    });
  });
}
