"""Acme support: a small Flask IVR, the application under test.

Every webhook must carry a valid X-Twilio-Signature. The app checks it for
the public URL it believes it is served at (PUBLIC_URL, such as
https://acme.example.com), not for the URL the request arrived on: behind a
reverse proxy or a tunnel the two differ, and Twilio signs the public one.
In the tests, `twimlharness serve -public-url https://acme.example.com=http://127.0.0.1:PORT`
plays that proxy.

    /voice       the greeting: press 1 for sales, 2 for support
    /menu        1: the sales menu; 2: forward to support
    /sales       1: new order, 2: existing order; both say something and hang up
    /after-dial  the forward was busy, not answered or failed: voicemail
    /recorded    thanks, goodbye
    /hold        a long hold (a live call's update moves the caller on)
    /moved       where a live update sends a held caller
"""

import os

from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

UNANSWERED = {"busy", "no-answer", "failed"}


def create_app(auth_token=None, public_url=None, support_number=None):
    """Returns the Flask app. Arguments left out come from the environment:
    TWILIO_AUTH_TOKEN, PUBLIC_URL and SUPPORT_NUMBER."""
    auth_token = auth_token or os.environ["TWILIO_AUTH_TOKEN"]
    public_url = (public_url or os.environ["PUBLIC_URL"]).rstrip("/")
    support_number = support_number or os.environ.get("SUPPORT_NUMBER", "+15005550199")
    validator = RequestValidator(auth_token)

    app = Flask("acme_support")

    @app.before_request
    def check_signature():
        # The URL Twilio signed: the public origin, then the path and query
        # string exactly as they arrived.
        url = public_url + request.full_path if request.query_string else public_url + request.path
        params = request.form.to_dict() if request.method == "POST" else {}
        signature = request.headers.get("X-Twilio-Signature", "")
        if not validator.validate(url, params, signature):
            abort(403)

    def twiml(response):
        return Response(str(response), mimetype="text/xml")

    @app.route("/voice", methods=["POST"])
    def voice():
        r = VoiceResponse()
        gather = r.gather(num_digits=1, action="/menu", method="POST")
        gather.say("Thanks for calling Acme. Press 1 for sales, 2 for support.")
        r.say("We did not get your choice. Goodbye.")
        r.hangup()
        return twiml(r)

    @app.route("/menu", methods=["POST"])
    def menu():
        digits = request.form.get("Digits", "")
        r = VoiceResponse()
        if digits == "1":
            gather = r.gather(num_digits=1, action="/sales", method="POST")
            gather.say("Sales. Press 1 for a new order, 2 for an existing order.")
            r.say("We did not get your choice. Goodbye.")
            r.hangup()
        elif digits == "2":
            r.say("Connecting you to support.")
            r.dial(support_number, action="/after-dial", method="POST", timeout=20)
        else:
            r.say("Sorry, that is not an option.")
            r.redirect("/voice", method="POST")
        return twiml(r)

    @app.route("/sales", methods=["POST"])
    def sales():
        digits = request.form.get("Digits", "")
        r = VoiceResponse()
        if digits == "1":
            r.say("A sales agent will email you a quote for your new order today. Goodbye.")
        elif digits == "2":
            r.say("Your existing order has shipped and arrives on Thursday. Goodbye.")
        else:
            r.say("Sorry, that is not an option. Goodbye.")
        r.hangup()
        return twiml(r)

    @app.route("/after-dial", methods=["POST"])
    def after_dial():
        r = VoiceResponse()
        if request.form.get("DialCallStatus") in UNANSWERED:
            r.say("Support is not available. Please leave a message after the beep.")
            r.record(max_length=30, action="/recorded", method="POST")
        else:
            r.say("Thanks for calling Acme. Goodbye.")
        r.hangup()
        return twiml(r)

    @app.route("/recorded", methods=["POST"])
    def recorded():
        r = VoiceResponse()
        r.say("Thanks, we got your message. Goodbye.")
        r.hangup()
        return twiml(r)

    @app.route("/hold", methods=["POST"])
    def hold():
        r = VoiceResponse()
        r.say("Please hold.")
        r.pause(length=600)
        return twiml(r)

    @app.route("/moved", methods=["POST"])
    def moved():
        r = VoiceResponse()
        r.say("You were moved to an agent. Goodbye.")
        r.hangup()
        return twiml(r)

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "3000")))
