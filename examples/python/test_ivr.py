"""The Acme support IVR, tested against `twimlharness serve`.

Each test runs twice, with the manual clock and with the scaled clock (see
conftest.py). What a test checks, it reads from the harness: the call's
record and transcript through the control API, the Call resource through
the official twilio client.
"""

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from acme_config import (ACCOUNT_SID, ACME_NUMBER, AUTH_TOKEN, CALLER, CUSTOMER, PUBLIC_URL, SCALED_RATE,
                         SUPPORT_NUMBER)
from harness_client import FINAL_STATUSES, notification_codes, param, webhook_requests


def assert_every_webhook_passed(record):
    """Every webhook went to the public URL and passed the app's signature
    check."""
    reqs = webhook_requests(record)
    assert reqs, "the call made no webhook"
    for req in reqs:
        assert req["url"].startswith(PUBLIC_URL + "/"), req["url"]
        assert req.get("reply_status") == 200, (req["url"], req.get("reply_status"), req.get("reply_body"))
    # No error notification either: an application error, a TwiML warning,
    # or a step of the far end's script the call never used (99003).
    assert notification_codes(record) == [], record["notifications"]


def only(reqs, what):
    assert len(reqs) == 1, f"want one {what}, got {len(reqs)}: {[r['url'] for r in reqs]}"
    return reqs[0]


def wait_until_on_hold(harness, sid):
    """Until the call is in progress, the app has answered /hold and the
    <Pause> has begun: moving the manual clock a second at a time, or
    polling while the scaled clock runs."""
    def on_hold():
        record = harness.record(sid)
        if record["status"] in FINAL_STATUSES:
            raise AssertionError(f"the call ended before it was on hold:\n{harness.transcript(sid)}")
        hold = webhook_requests(record, "/hold")
        return (record["status"] == "in-progress" and hold and hold[0].get("reply_status") == 200
                and any(e["kind"] == "pause" for e in record["events"]))

    if harness.clock().get("mode") == "manual":
        harness.advance_until("the caller on hold", on_hold)
    else:
        harness.wait_for("the caller on hold", on_hold)


def test_two_menu_levels(harness, client):
    sid = harness.incoming_call(CALLER, ACME_NUMBER, {"steps": [{"press": "1"}, {"press": "2"}]})
    record = harness.finish(sid)

    assert record["status"] == "completed", harness.transcript(sid)
    menu = only(webhook_requests(record, "/menu"), "/menu request")
    assert menu["kind"] == "action" and menu["method"] == "POST"
    assert param(menu, "Digits") == "1"
    sales = only(webhook_requests(record, "/sales"), "/sales request")
    assert sales["kind"] == "action"
    assert param(sales, "Digits") == "2"
    assert param(sales, "CallSid") == sid
    assert_every_webhook_passed(record)

    transcript = harness.transcript(sid)
    assert "Press 1 for a new order, 2 for an existing order" in transcript
    assert "Your existing order has shipped" in transcript
    assert "new order today" not in transcript

    call = client.calls(sid).fetch()
    assert call.status == "completed"
    assert call.direction == "inbound"
    assert call.to == ACME_NUMBER and call.from_ == CALLER
    assert int(call.duration) >= 8  # two prompts and the answer were spoken


def test_busy_support_line_goes_to_voicemail(harness, client):
    harness.set_party(SUPPORT_NUMBER, {"answer": "busy"})
    caller = {"steps": [
        {"press": "2"},
        # The next step would default to the <Dial>; the message is for the <Record>.
        {"talk_seconds": 6, "text": "Hi, my order never arrived, please call me back.", "at": "Record"},
    ]}
    sid = harness.incoming_call(CALLER, ACME_NUMBER, caller)
    record = harness.finish(sid)

    assert record["status"] == "completed", harness.transcript(sid)
    after_dial = only(webhook_requests(record, "/after-dial"), "/after-dial request")
    assert param(after_dial, "DialCallStatus") == "busy"
    recorded = only(webhook_requests(record, "/recorded"), "/recorded request")
    assert recorded["kind"] == "action"
    assert param(recorded, "RecordingUrl"), recorded["params"]
    assert param(recorded, "RecordingUrl").startswith("https://")
    assert int(param(recorded, "RecordingDuration")) >= 6
    assert len(record["recordings"]) == 1, record["recordings"]
    assert_every_webhook_passed(record)

    transcript = harness.transcript(sid)
    assert "Please leave a message after the beep" in transcript
    assert "we got your message" in transcript

    # The forward was a call of its own, a child of the caller's.
    legs = client.calls.list(parent_call_sid=sid)
    assert [leg.status for leg in legs] == ["busy"]
    assert legs[0].to == SUPPORT_NUMBER
    assert client.calls(sid).fetch().status == "completed"

    # The voicemail is a recording of the call: listed through the official
    # client, and its media downloads as a WAV as long as the message.
    recordings = client.recordings.list(call_sid=sid)
    assert [(r.source, r.status, r.channels) for r in recordings] == [("RecordVerb", "completed", 1)]
    assert client.calls(sid).recordings.list()[0].sid == recordings[0].sid
    media = requests.get(harness.base + param(recorded, "RecordingUrl")[len("https://api.twilio.com"):],
                         auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10)
    assert media.status_code == 200 and media.headers["Content-Type"] == "audio/x-wav"
    assert media.content[:4] == b"RIFF" and media.content[8:16] == b"WAVEfmt "
    # 8 kHz, 16-bit mono: 16,000 bytes a second after the 44-byte header.
    assert (len(media.content) - 44) // 16000 == int(recordings[0].duration)
    assert requests.get(media.url, timeout=10).status_code == 401


def test_support_answers_no_voicemail(harness):
    # The default party answers at once and stays on the line: the agent
    # hangs up after a short conversation instead.
    harness.set_party(SUPPORT_NUMBER, {"hang_up_after_seconds": 45})
    sid = harness.incoming_call(CALLER, ACME_NUMBER, {"steps": [{"press": "2"}]})
    record = harness.finish(sid)

    after_dial = only(webhook_requests(record, "/after-dial"), "/after-dial request")
    assert param(after_dial, "DialCallStatus") == "completed"
    assert webhook_requests(record, "/recorded") == []
    assert "leave a message" not in harness.transcript(sid)
    assert_every_webhook_passed(record)
    assert 45 <= int(param(after_dial, "DialCallDuration")) <= 46


def test_live_call_cancel_and_complete(harness, client, app):
    # A queued call can only be caught with the clock stopped: switch to
    # manual whatever mode serve started in (the reset between tests puts
    # it back).
    clock = harness.set_clock("manual")
    assert clock["mode"] == "manual", clock

    call = client.calls.create(to=CUSTOMER, from_=ACME_NUMBER, url=app.public("/hold"))
    assert call.status == "queued"
    assert client.calls(call.sid).fetch().status == "queued"
    canceled = client.calls(call.sid).update(status="canceled")
    assert canceled.status == "canceled"
    harness.run()
    assert client.calls(call.sid).fetch().status == "canceled"
    # A call canceled while queued never reached the app.
    assert webhook_requests(harness.record(call.sid)) == []

    # A call in progress is ended with status=completed.
    live = client.calls.create(to=CUSTOMER, from_=ACME_NUMBER, url=app.public("/hold"))
    assert client.calls(live.sid).fetch().status == "queued"
    if harness.mode == "scaled":
        # Back to a flowing clock, at a rate of the test's own (the next
        # reset puts serve's back).
        clock = harness.set_clock("scaled", 2 * SCALED_RATE)
        assert clock["mode"] == "scaled" and clock["rate"] == 2 * SCALED_RATE, clock
    wait_until_on_hold(harness, live.sid)
    assert client.calls(live.sid).fetch().status == "in-progress"
    # Canceling is only for queued and ringing calls: Twilio leaves a call
    # in progress as it is.
    assert client.calls(live.sid).update(status="canceled").status == "in-progress"
    ended = client.calls(live.sid).update(status="completed")
    assert ended.status == "completed"
    record = harness.finish(live.sid)
    assert record["status"] == "completed"
    fetched = client.calls(live.sid).fetch()
    assert fetched.status == "completed"
    assert fetched.end_time is not None
    # Ended on hold, long before the 10-minute pause was over.
    assert int(fetched.duration) < 60, fetched.duration
    only(webhook_requests(record, "/hold"), "/hold request")
    assert_every_webhook_passed(record)
    assert "hung up with the REST API" in harness.transcript(live.sid)


def test_redirect_during_hold(harness, client, app):
    call = client.calls.create(to=CUSTOMER, from_=ACME_NUMBER, url=app.public("/hold"))
    wait_until_on_hold(harness, call.sid)
    if harness.clock().get("mode") == "manual":
        harness.advance(5)  # well into the <Pause length="600">

    updated = client.calls(call.sid).update(url=app.public("/moved"), method="POST")
    assert updated.sid == call.sid
    record = harness.finish(call.sid)

    assert record["status"] == "completed", harness.transcript(call.sid)
    moved = only(webhook_requests(record, "/moved"), "/moved request")
    assert moved["method"] == "POST"
    assert param(moved, "CallSid") == call.sid
    assert_every_webhook_passed(record)
    transcript = harness.transcript(call.sid)
    assert "You were moved" in transcript
    assert int(client.calls(call.sid).fetch().duration) < 60  # the pause was cut short


def test_clock_run_plays_out_the_hold(harness, client, app):
    """POST /_harness/clock/run runs until nothing is left to happen, in
    any mode: the ten minutes on hold take no time at all, even when the
    scaled clock has the first webhook in flight."""
    call = client.calls.create(to=CUSTOMER, from_=ACME_NUMBER, url=app.public("/hold"))
    harness.run()
    record = harness.record(call.sid)
    assert record["status"] == "completed", harness.transcript(call.sid)
    assert "end of document" in harness.transcript(call.sid)
    assert_every_webhook_passed(record)
    fetched = client.calls(call.sid).fetch()
    assert fetched.status == "completed"
    assert 600 <= int(fetched.duration) <= 605, fetched.duration


def test_signatures_pass_through_the_public_url(harness, app):
    """With the public-url mapping, webhooks are signed for the public URL
    the app checks, and reach its real address as through a reverse proxy."""
    sid = harness.incoming_call(CALLER, ACME_NUMBER, {"steps": [{"press": "1"}, {"press": "1"}]})
    record = harness.finish(sid)
    assert record["status"] == "completed"
    # The record shows the public URLs, as Twilio's request log would.
    assert [r["url"] for r in webhook_requests(record)] == [
        app.public("/voice"), app.public("/menu"), app.public("/sales")]
    assert_every_webhook_passed(record)
    assert "new order today" in harness.transcript(sid)

    # What reached the app: its loopback port, with the public host in
    # Host and the public scheme and host in X-Forwarded-*.
    seen = app.seen(sid)
    assert [r["path"] for r in seen] == ["/voice", "/menu", "/sales"]
    for r in seen:
        assert r["status"] == 200, r
        assert r["host"] == "acme.example.com", r
        assert r["x_forwarded_proto"] == "https", r
        assert r["x_forwarded_host"] == "acme.example.com", r


def test_signature_fails_without_the_mapping(harness, client, app):
    """A number whose voice URL is the app's loopback address: the harness
    signs that URL, the app checks its public one, and answers 403."""
    direct = "+15005550101"
    harness.add_number(direct, app.local("/voice"))
    sid = harness.incoming_call(CALLER, direct, {"steps": [{"press": "1"}]})
    record = harness.finish(sid)

    voice = only(webhook_requests(record), "webhook")
    assert voice["url"] == app.local("/voice")
    assert voice["reply_status"] == 403
    assert 11200 in notification_codes(record), record["notifications"]
    notice = next(n for n in record["notifications"] if n["code"] == 11200)
    assert notice["url"] == app.local("/voice")
    transcript = harness.transcript(sid)
    assert "11200" in transcript and "403" in transcript
    assert "application error" in transcript
    assert client.calls(sid).fetch().status in FINAL_STATUSES
    # The app saw the request and refused it itself.
    assert [(r["path"], r["status"], r["host"]) for r in app.seen(sid)] == [
        ("/voice", 403, app.local_url[len("http://"):])]


def test_reset_forgets_numbers_and_parties(harness, app):
    """What the harness fixture relies on: a reset forgets what a test
    set up, unless told to keep it."""
    harness.set_party(SUPPORT_NUMBER, {"answer": "busy"})
    harness.control("PUT", "numbers/%2B15005550102", {"voice_url": app.public("/hold")})
    numbers = [n["phone_number"] for n in harness.control("GET", "numbers")["numbers"]]
    assert sorted(numbers) == [ACME_NUMBER, "+15005550102"]
    assert harness.control("GET", "parties")["parties"] == {SUPPORT_NUMBER: {"answer": "busy"}}

    assert harness.reset(keep=["numbers"]) == {"status": "reset", "kept": ["numbers"]}
    assert len(harness.control("GET", "numbers")["numbers"]) == 2
    assert harness.control("GET", "parties")["parties"] == {}

    assert harness.reset() == {"status": "reset", "kept": []}
    assert harness.control("GET", "numbers")["numbers"] == []
    # serve's -public-url mapping is not something a test set up: it stays.
    assert harness.control("GET", "public_urls")["public_urls"] == [
        {"public": PUBLIC_URL, "real": app.local_url}]
    harness.add_number(ACME_NUMBER, app.public("/voice"))
    sid = harness.incoming_call(CALLER, ACME_NUMBER, {"steps": [{"press": "1"}, {"press": "1"}]})
    assert_every_webhook_passed(harness.finish(sid))


def test_control_api_refuses_without_credentials(harness):
    reply = requests.get(f"{harness.base}/_harness/clock", timeout=10)
    assert reply.status_code == 401
    assert "credentials" in reply.json()["error"]


def test_rest_errors_reach_the_client(harness, client):
    with pytest.raises(TwilioRestException) as err:
        client.calls("CA00000000000000000000000000000000").fetch()
    assert err.value.status == 404
    assert err.value.code == 20404
