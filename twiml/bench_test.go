package twiml_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/twimlharness/twimlharness/twiml"
)

// ivr is a realistic IVR document of about 1 KB: a menu <Gather> with
// <Say> and <Play>, a <Dial> to three numbers, voicemail and a redirect.
var ivr = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Gather input="dtmf speech" action="/ivr/menu" method="POST" numDigits="1" timeout="6" finishOnKey="#" speechTimeout="auto" language="en-US" hints="sales, support, billing">
    <Say voice="Polly.Joanna" language="en-US">Thank you for calling Example Corporation. For sales, press 1 or say sales.</Say>
    <Say voice="Polly.Joanna">For support, press 2 or say support. For billing, press 3.</Say>
    <Play loop="1">https://example.com/audio/menu-music.mp3</Play>
    <Pause length="2"/>
  </Gather>
  <Say>We did not receive any input. Connecting you to an operator.</Say>
  <Dial action="/ivr/dial-status" timeout="20" callerId="+15005550006" record="record-from-answer" recordingStatusCallback="/ivr/recording">
    <Number sendDigits="wwww1928" statusCallbackEvent="initiated ringing answered completed" statusCallback="/ivr/leg">+14155550100</Number>
    <Number>+14155550101</Number>
    <Number url="/ivr/whisper" method="GET">+14155550102</Number>
  </Dial>
  <Record action="/ivr/voicemail" maxLength="120" finishOnKey="#" playBeep="true" transcribe="false"/>
  <Redirect method="POST">/ivr/start</Redirect>
</Response>
`)

// BenchmarkParse1KB parses and validates the IVR document.
func BenchmarkParse1KB(b *testing.B) {
	b.SetBytes(int64(len(ivr)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := twiml.Parse(ivr)
		if err != nil || len(doc.Problems) != 0 {
			b.Fatalf("Parse: %v, %v", err, doc.Problems)
		}
	}
}

// BenchmarkXMLTokens1KB only reads the IVR document's tokens with
// encoding/xml, the floor under any parser built on it: compare
// BenchmarkParse1KB with it rather than with an absolute figure, which
// depends on the machine.
func BenchmarkXMLTokens1KB(b *testing.B) {
	b.SetBytes(int64(len(ivr)))
	b.ReportAllocs()
	for b.Loop() {
		dec := xml.NewDecoder(bytes.NewReader(ivr))
		for {
			if _, err := dec.RawToken(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
