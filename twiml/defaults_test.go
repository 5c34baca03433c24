package twiml_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/twiml"
)

// Twilio's defaults of the parts that several verbs and nouns share.
var (
	legDefaults = twiml.LegCallbacks{Method: "POST", StatusCallbackMethod: "POST", StatusCallbackEvent: []string{"completed"}}
	amdDefaults = twiml.AMD{Timeout: 30, SpeechThreshold: 2400, SpeechEndThreshold: 1200, SilenceTimeout: 5000, StatusCallbackMethod: "POST"}
)

// gatherDefaults returns a <Gather> with Twilio's defaults.
func gatherDefaults() *twiml.Gather {
	return &twiml.Gather{
		Method: "POST", FinishOnKey: "#", Timeout: 5, Input: []string{"dtmf"}, Language: "en-US",
		ProfanityFilter: true, PartialResultCallbackMethod: "POST", BargeIn: true, MaxSpeechTime: 60,
	}
}

// dialDefaults returns a <Dial> with Twilio's defaults.
func dialDefaults() *twiml.Dial {
	return &twiml.Dial{
		Method: "POST", Timeout: 30, TimeLimit: 14400, Record: "do-not-record",
		RecordingStatusCallbackMethod: "POST", RecordingStatusCallbackEvent: []string{"completed"},
		RecordingTrack: "both", Trim: "do-not-trim", ReferMethod: "POST",
	}
}

// TestDefaults checks each verb and noun written with no attributes: it
// gets Twilio's defaults and no problem.
func TestDefaults(t *testing.T) {
	dial := func(nouns ...twiml.Noun) *twiml.Dial {
		d := dialDefaults()
		d.Nouns = nouns
		return d
	}
	tests := []struct {
		name string
		in   string
		want twiml.Verb
	}{
		{"Say", `<Say>Hello</Say>`, &twiml.Say{Text: "Hello", Voice: "man", Language: "en-US", Loop: 1}},
		{"Play", `<Play>https://example.com/a.mp3</Play>`, &twiml.Play{URL: "https://example.com/a.mp3", Loop: 1}},
		{"Pause", `<Pause/>`, &twiml.Pause{Length: 1}},
		{"Gather", `<Gather/>`, gatherDefaults()},
		{"Dial with a number", `<Dial>+14155550100</Dial>`, func() *twiml.Dial {
			d := dialDefaults()
			d.Number = "+14155550100"
			return d
		}()},
		{"Record", `<Record/>`, &twiml.Record{
			Method: "POST", Timeout: 5, FinishOnKey: "1234567890*#", MaxLength: 3600, PlayBeep: true,
			Trim: "trim-silence", RecordingStatusCallbackMethod: "POST", RecordingStatusCallbackEvent: []string{"completed"},
		}},
		{"Redirect", `<Redirect>/next</Redirect>`, &twiml.Redirect{URL: "/next", Method: "POST"}},
		{"Hangup", `<Hangup/>`, &twiml.Hangup{}},
		{"Reject", `<Reject/>`, &twiml.Reject{Reason: "rejected"}},
		{"Enqueue", `<Enqueue>support</Enqueue>`, &twiml.Enqueue{Name: "support", Method: "POST", WaitURLMethod: "POST"}},
		{"Leave", `<Leave/>`, &twiml.Leave{}},
		{"Echo", `<Echo/>`, &twiml.Echo{}},
		{"Sms", `<Sms>On my way</Sms>`, &twiml.Sms{Message: "On my way", Method: "POST"}},
		{"Connect", `<Connect/>`, &twiml.Connect{Method: "POST"}},
		{"Start", `<Start/>`, &twiml.Start{Method: "POST"}},
		{"Stop", `<Stop/>`, &twiml.Stop{}},
		{"Refer", `<Refer><Sip>sip:alice@example.com</Sip></Refer>`, &twiml.Refer{Method: "POST", SipURI: "sip:alice@example.com"}},
		{"Pay", `<Pay/>`, &twiml.Pay{
			Method: "POST", PaymentConnector: "Default", Currency: "usd", Input: "dtmf", MaxAttempts: 1,
			PaymentMethod: "credit-card", PostalCode: "true", SecurityCode: true, StatusCallbackMethod: "POST",
			Timeout: 5, TokenType: "reusable", ValidCardTypes: []string{"visa", "mastercard", "amex"},
		}},
		{"Number", `<Dial><Number>+14155550100</Number></Dial>`, dial(&twiml.Number{Number: "+14155550100", LegCallbacks: legDefaults, AMD: amdDefaults})},
		{"Client", `<Dial><Client>alice</Client></Dial>`, dial(&twiml.Client{Identity: "alice", LegCallbacks: legDefaults})},
		{"Sip", `<Dial><Sip>sip:bob@example.com</Sip></Dial>`, dial(&twiml.Sip{URI: "sip:bob@example.com", LegCallbacks: legDefaults, AMD: amdDefaults})},
		{"Sim", `<Dial><Sim>DE0123</Sim></Dial>`, dial(&twiml.Sim{SimSID: "DE0123", LegCallbacks: legDefaults})},
		{"Application", `<Dial><Application><ApplicationSid>AP0123</ApplicationSid></Application></Dial>`, dial(&twiml.Application{ApplicationSID: "AP0123", LegCallbacks: legDefaults})},
		{"Conference", `<Dial><Conference>room</Conference></Dial>`, dial(&twiml.Conference{
			Name: "room", Beep: "true", StartConferenceOnEnter: true, WaitMethod: "POST", MaxParticipants: 250, JitterBufferSize: "large",
			Record: "do-not-record", Trim: "trim-silence", StatusCallbackMethod: "POST",
			RecordingStatusCallbackMethod: "POST", RecordingStatusCallbackEvent: []string{"completed"},
		})},
		{"Queue", `<Dial><Queue>support</Queue></Dial>`, dial(&twiml.Queue{Name: "support", Method: "POST"})},
		{"Stream", `<Connect><Stream url="wss://example.com/s"/></Connect>`, &twiml.Connect{Method: "POST", Nouns: []twiml.Noun{
			&twiml.Stream{URL: "wss://example.com/s", Track: "inbound_track", StatusCallbackMethod: "POST"},
		}}},
		{"Room", `<Connect><Room>lobby</Room></Connect>`, &twiml.Connect{Method: "POST", Nouns: []twiml.Noun{&twiml.Room{Name: "lobby"}}}},
		{"VirtualAgent", `<Connect><VirtualAgent/></Connect>`, &twiml.Connect{Method: "POST", Nouns: []twiml.Noun{&twiml.VirtualAgent{StatusCallbackMethod: "POST"}}}},
		{"ConversationRelay", `<Connect><ConversationRelay url="wss://example.com/r"/></Connect>`, &twiml.Connect{Method: "POST", Nouns: []twiml.Noun{&twiml.ConversationRelay{URL: "wss://example.com/r"}}}},
		{"Siprec", `<Start><Siprec/></Start>`, &twiml.Start{Method: "POST", Nouns: []twiml.Noun{&twiml.Siprec{Track: "inbound_track", StatusCallbackMethod: "POST"}}}},
		{"Transcription", `<Start><Transcription/></Start>`, &twiml.Start{Method: "POST", Nouns: []twiml.Noun{
			&twiml.Transcription{Track: "both_tracks", ProfanityFilter: true, StatusCallbackMethod: "POST"},
		}}},
		{"Recording", `<Start><Recording/></Start>`, &twiml.Start{Method: "POST", Nouns: []twiml.Noun{&twiml.Recording{
			Channels: "mono", Track: "both", Trim: "do-not-trim", RecordingStatusCallbackMethod: "POST", RecordingStatusCallbackEvent: []string{"completed"},
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, "<Response>"+tt.in+"</Response>")
			if diff := cmp.Diff([]twiml.Verb{tt.want}, doc.Verbs); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if len(doc.Problems) != 0 {
				t.Errorf("problems: %v", doc.Problems)
			}
		})
	}
}
