// Acme support: an Express voice app (an IVR) as a Node team would write
// it. Twilio requests /voice when a call reaches Acme's number; the caller
// picks sales or support, sales asks one more question, and support is
// forwarded to a person, with voicemail when nobody picks up.
//
// Every webhook's X-Twilio-Signature is checked against the public URL the
// app believes it is served at (PUBLIC_URL, such as
// https://acme.example.com): behind a reverse proxy or a tunnel the app
// listens on a private address, but Twilio signs the URL it was given.
//
// Run it alone with:
//
//	TWILIO_AUTH_TOKEN=… PUBLIC_URL=https://acme.example.com PORT=3000 node app.js
"use strict";

const express = require("express");
const twilio = require("twilio");

const { VoiceResponse } = twilio.twiml;

const DEFAULT_SUPPORT_NUMBER = "+14155550142";

// createApp returns the Express app. Options (each falls back on an
// environment variable):
//
//	authToken      the account's auth token (TWILIO_AUTH_TOKEN)
//	publicUrl      the origin Twilio is told to request (PUBLIC_URL)
//	supportNumber  where support calls are forwarded (SUPPORT_NUMBER)
//	onRequest      called with {method, path, params, headers, signatureValid} for
//	               each webhook, before it is answered (for logs and tests)
function createApp(options = {}) {
  const authToken = options.authToken ?? process.env.TWILIO_AUTH_TOKEN;
  const publicUrl = (options.publicUrl ?? process.env.PUBLIC_URL ?? "").replace(/\/+$/, "");
  const supportNumber = options.supportNumber ?? process.env.SUPPORT_NUMBER ?? DEFAULT_SUPPORT_NUMBER;
  const onRequest = options.onRequest ?? (() => {});
  if (!authToken) {
    throw new Error("createApp: an auth token is needed to check X-Twilio-Signature (authToken or TWILIO_AUTH_TOKEN)");
  }
  if (!/^https?:\/\/[^/]+$/.test(publicUrl)) {
    throw new Error(`createApp: publicUrl must be an origin such as https://acme.example.com, not ${JSON.stringify(publicUrl)}`);
  }

  const app = express();
  app.disable("x-powered-by");
  app.use(express.urlencoded({ extended: false }));

  // Twilio signs the URL it requested (query string included) followed by
  // the POST parameters sorted by name. The app rebuilds that URL from its
  // public origin and the path it was asked for: the Host header it
  // receives is not to be trusted for this.
  app.use((req, res, next) => {
    const url = publicUrl + req.originalUrl;
    const params = req.method === "POST" ? req.body ?? {} : {};
    const signature = req.header("X-Twilio-Signature");
    const signatureValid = Boolean(signature) && twilio.validateRequest(authToken, signature, url, params);
    onRequest({ method: req.method, path: req.path, params: { ...req.query, ...params }, headers: req.headers, signatureValid });
    if (!signatureValid) {
      res.status(403).type("text/plain").send("X-Twilio-Signature does not match this request\n");
      return;
    }
    next();
  });

  const twiml = (res, response) => res.type("text/xml").send(response.toString());
  const param = (req, name) => (req.method === "POST" ? req.body?.[name] : req.query[name]) ?? "";

  app.all("/voice", (req, res) => {
    const response = new VoiceResponse();
    const gather = response.gather({ numDigits: 1, action: "/menu", method: "POST" });
    gather.say("Thanks for calling Acme support. Press 1 for sales, 2 for support.");
    response.say("We did not get your choice. Goodbye.");
    response.hangup();
    twiml(res, response);
  });

  app.all("/menu", (req, res) => {
    const response = new VoiceResponse();
    switch (param(req, "Digits")) {
      case "1": {
        const gather = response.gather({ numDigits: 1, action: "/sales", method: "POST" });
        gather.say("Sales. Press 1 for a new order, 2 for an existing order.");
        response.say("We did not get your choice. Goodbye.");
        response.hangup();
        break;
      }
      case "2": {
        response.say("Connecting you to support.");
        const dial = response.dial({ action: "/after-dial", method: "POST", timeout: 20 });
        dial.number(supportNumber);
        break;
      }
      default:
        response.say("Sorry, that is not an option.");
        response.redirect({ method: "POST" }, "/voice");
    }
    twiml(res, response);
  });

  app.all("/sales", (req, res) => {
    const response = new VoiceResponse();
    switch (param(req, "Digits")) {
      case "1":
        response.say("A sales person will call you back about your new order. Goodbye.");
        break;
      case "2":
        response.say("Your existing order is on its way. Goodbye.");
        break;
      default:
        response.say("Sorry, that is not an option. Goodbye.");
    }
    response.hangup();
    twiml(res, response);
  });

  app.all("/after-dial", (req, res) => {
    const response = new VoiceResponse();
    const status = param(req, "DialCallStatus");
    if (["busy", "no-answer", "failed"].includes(status)) {
      response.say("Support cannot take your call right now. Please leave a message after the tone.");
      response.record({ maxLength: 30, action: "/recorded", method: "POST" });
    } else {
      response.say("Thanks for calling Acme support. Goodbye.");
    }
    response.hangup();
    twiml(res, response);
  });

  app.all("/recorded", (req, res) => {
    const response = new VoiceResponse();
    response.say("Thanks, we got your message. Goodbye.");
    response.hangup();
    twiml(res, response);
  });

  app.all("/hold", (req, res) => {
    const response = new VoiceResponse();
    response.say("Please hold.");
    response.pause({ length: 600 });
    twiml(res, response);
  });

  app.all("/moved", (req, res) => {
    const response = new VoiceResponse();
    response.say("You were moved.");
    response.hangup();
    twiml(res, response);
  });

  return app;
}

module.exports = { createApp, DEFAULT_SUPPORT_NUMBER };

if (require.main === module) {
  const port = Number(process.env.PORT || 3000);
  createApp().listen(port, () => console.log(`Acme support listening on port ${port}`));
}
