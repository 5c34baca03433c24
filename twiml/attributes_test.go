package twiml_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/twiml"
)

// TestAttributes checks each verb and noun with its documented attributes
// set: every value lands in its field, with no problem.
func TestAttributes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want twiml.Verb
	}{
		{
			name: "Say",
			in:   `<Say voice="Google.en-US-Standard-C" language="en-GB" loop="3">Hi</Say>`,
			want: &twiml.Say{Text: "Hi", Voice: "Google.en-US-Standard-C", Language: "en-GB", Loop: 3},
		},
		{
			name: "Play digits",
			in:   `<Play loop="0" digits="wW1234#*ABCD"/>`,
			want: &twiml.Play{Loop: 0, Digits: "wW1234#*ABCD"},
		},
		{
			name: "Pause",
			in:   `<Pause length="600"/>`,
			want: &twiml.Pause{Length: 600},
		},
		{
			name: "Gather",
			in: `<Gather action="https://example.com/menu" method="get" actionOnEmptyResult="TRUE" finishOnKey=""
				numDigits="4" timeout="10" input="dtmf speech" speechTimeout="auto" speechModel="phone_call"
				language="fr-FR" hints="yes,no" profanityFilter="false" partialResultCallback="/partial"
				partialResultCallbackMethod="GET" enhanced="true" bargeIn="False" maxSpeechTime="30" debug="true">
				<Say>Enter your PIN</Say><Play>/beep.mp3</Play><Pause length="2"/></Gather>`,
			want: &twiml.Gather{
				Action: "https://example.com/menu", Method: "GET", ActionOnEmptyResult: true, FinishOnKey: "",
				NumDigits: 4, Timeout: 10, Input: []string{"dtmf", "speech"}, SpeechTimeout: "auto", SpeechModel: "phone_call",
				Language: "fr-FR", Hints: "yes,no", ProfanityFilter: false, PartialResultCallback: "/partial",
				PartialResultCallbackMethod: "GET", Enhanced: true, BargeIn: false, MaxSpeechTime: 30, Debug: true,
				Verbs: []twiml.Verb{
					&twiml.Say{Text: "Enter your PIN", Voice: "man", Language: "en-US", Loop: 1},
					&twiml.Play{URL: "/beep.mp3", Loop: 1},
					&twiml.Pause{Length: 2},
				},
			},
		},
		{
			name: "Gather speech timeout in seconds",
			in:   `<Gather input="speech" speechTimeout="3" speechModel="googlev2_telephony"/>`,
			want: func() *twiml.Gather {
				g := gatherDefaults()
				g.Input, g.SpeechTimeout, g.SpeechModel = []string{"speech"}, "3", "googlev2_telephony"
				return g
			}(),
		},
		{
			name: "Dial",
			in: `<Dial action="/dial-done" method="GET" timeout="600" timeLimit="60" callerId="+15005550006"
				answerOnBridge="true" hangupOnStar="true" record="record-from-ringing-dual"
				recordingStatusCallback="/rec" recordingStatusCallbackMethod="GET"
				recordingStatusCallbackEvent="in-progress completed absent" recordingTrack="inbound"
				trim="trim-silence" ringTone="uk" sequential="true" referUrl="/refer" referMethod="GET"
				callReason="Support" recordingConfigurationId="JZ01" events="call-progress-event">(415) 555-0100</Dial>`,
			want: &twiml.Dial{
				Action: "/dial-done", Method: "GET", Timeout: 600, TimeLimit: 60, CallerID: "+15005550006",
				AnswerOnBridge: true, HangupOnStar: true, Record: "record-from-ringing-dual",
				RecordingStatusCallback: "/rec", RecordingStatusCallbackMethod: "GET",
				RecordingStatusCallbackEvent: []string{"in-progress", "completed", "absent"}, RecordingTrack: "inbound",
				Trim: "trim-silence", RingTone: "uk", Sequential: true, ReferURL: "/refer", ReferMethod: "GET",
				CallReason: "Support", RecordingConfigurationID: "JZ01", Events: []string{"call-progress-event"},
				Number: "(415) 555-0100",
			},
		},
		{
			name: "Dial record true",
			in:   `<Dial record="true">415-555-0100</Dial>`,
			want: func() *twiml.Dial {
				d := dialDefaults()
				d.Record, d.Number = "record-from-answer", "415-555-0100"
				return d
			}(),
		},
		{
			name: "Dial record false",
			in:   `<Dial record="False" callerId="client:alice">+14155550100</Dial>`,
			want: func() *twiml.Dial {
				d := dialDefaults()
				d.Record, d.CallerID, d.Number = "do-not-record", "client:alice", "+14155550100"
				return d
			}(),
		},
		{
			name: "Number",
			in: `<Dial><Number sendDigits="ww1234#" url="/whisper" method="GET" byoc="BY01"
				statusCallbackEvent="initiated ringing answered completed" statusCallback="/leg" statusCallbackMethod="GET"
				machineDetection="DetectMessageEnd" machineDetectionTimeout="45" machineDetectionSpeechThreshold="3000"
				machineDetectionSpeechEndThreshold="1000" machineDetectionSilenceTimeout="4000"
				amdStatusCallback="/amd" amdStatusCallbackMethod="GET">+44 20 7946 0000</Number></Dial>`,
			want: dialWith(&twiml.Number{
				Number: "+44 20 7946 0000", SendDigits: "ww1234#", Byoc: "BY01",
				LegCallbacks: twiml.LegCallbacks{
					URL: "/whisper", Method: "GET", StatusCallback: "/leg", StatusCallbackMethod: "GET",
					StatusCallbackEvent: []string{"initiated", "ringing", "answered", "completed"},
				},
				AMD: twiml.AMD{
					MachineDetection: "DetectMessageEnd", Timeout: 45, SpeechThreshold: 3000, SpeechEndThreshold: 1000,
					SilenceTimeout: 4000, StatusCallback: "/amd", StatusCallbackMethod: "GET",
				},
			}),
		},
		{
			name: "Client with Identity and Parameters",
			in: `<Dial><Client url="/w" clientNotificationUrl="https://example.com/push" statusCallbackEvent="ringing">
				<Identity>alice</Identity><Parameter name="ticket" value="42"/></Client></Dial>`,
			want: dialWith(&twiml.Client{
				Identity: "alice", ClientNotificationURL: "https://example.com/push",
				LegCallbacks: twiml.LegCallbacks{URL: "/w", Method: "POST", StatusCallbackMethod: "POST", StatusCallbackEvent: []string{"ringing"}},
				Parameters:   []twiml.Parameter{{Name: "ticket", Value: "42"}},
			}),
		},
		{
			name: "Sip",
			in:   `<Dial><Sip username="u" password="p" method="GET" machineDetection="Enable">sips:bob@example.com?X-Ticket=42</Sip></Dial>`,
			want: dialWith(&twiml.Sip{
				URI: "sips:bob@example.com?X-Ticket=42", Username: "u", Password: "p",
				LegCallbacks: twiml.LegCallbacks{Method: "GET", StatusCallbackMethod: "POST", StatusCallbackEvent: []string{"completed"}},
				AMD:          twiml.AMD{MachineDetection: "Enable", Timeout: 30, SpeechThreshold: 2400, SpeechEndThreshold: 1200, SilenceTimeout: 5000, StatusCallbackMethod: "POST"},
			}),
		},
		{
			name: "Application",
			in: `<Dial><Application customerId="cust" copyParentTo="true" url="/w">
				<ApplicationSid>AP0123</ApplicationSid><Parameter name="a" value="1"/><Parameter name="b" value=""/></Application></Dial>`,
			want: dialWith(&twiml.Application{
				ApplicationSID: "AP0123", CustomerID: "cust", CopyParentTo: true,
				LegCallbacks: twiml.LegCallbacks{URL: "/w", Method: "POST", StatusCallbackMethod: "POST", StatusCallbackEvent: []string{"completed"}},
				Parameters:   []twiml.Parameter{{Name: "a", Value: "1"}, {Name: "b"}},
			}),
		},
		{
			name: "Conference",
			in: `<Dial><Conference muted="true" beep="onEnter" startConferenceOnEnter="false" endConferenceOnExit="true"
				waitUrl="https://example.com/hold" waitMethod="GET" maxParticipants="10" record="record-from-start"
				region="ie1" trim="do-not-trim" coach="CA0123" participantLabel="agent" jitterBufferSize="small"
				statusCallback="/conf" statusCallbackMethod="GET" statusCallbackEvent="start end join leave"
				recordingStatusCallback="/crec" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress"
				eventCallbackUrl="/events">Sales</Conference></Dial>`,
			want: dialWith(&twiml.Conference{
				Name: "Sales", Muted: true, Beep: "onEnter", StartConferenceOnEnter: false, EndConferenceOnExit: true,
				WaitURL: "https://example.com/hold", WaitURLSet: true, WaitMethod: "GET", MaxParticipants: 10, Record: "record-from-start",
				Region: "ie1", Trim: "do-not-trim", Coach: "CA0123", ParticipantLabel: "agent", JitterBufferSize: "small",
				StatusCallback: "/conf", StatusCallbackMethod: "GET", StatusCallbackEvent: []string{"start", "end", "join", "leave"},
				RecordingStatusCallback: "/crec", RecordingStatusCallbackMethod: "GET", RecordingStatusCallbackEvent: []string{"in-progress"},
				EventCallbackURL: "/events",
			}),
		},
		{
			name: "Queue",
			in:   `<Dial><Queue url="/about-to-connect" method="GET" reservationSid="WR01" postWorkActivitySid="WA01">support</Queue></Dial>`,
			want: dialWith(&twiml.Queue{Name: "support", URL: "/about-to-connect", Method: "GET", ReservationSID: "WR01", PostWorkActivitySID: "WA01"}),
		},
		{
			name: "Dial rings ten numbers and clients",
			in: `<Dial><Number>+14155550100</Number><Number>+14155550101</Number><Number>+14155550102</Number>
				<Number>+14155550103</Number><Number>+14155550104</Number><Client>a</Client><Client>b</Client>
				<Client>c</Client><Client>d</Client><Sip>sip:e@example.com</Sip><Client>f</Client></Dial>`,
			want: func() *twiml.Dial {
				d := dialDefaults()
				for i := range 5 {
					d.Nouns = append(d.Nouns, &twiml.Number{Number: "+1415555010" + string(rune('0'+i)), LegCallbacks: legDefaults, AMD: amdDefaults})
				}
				for _, id := range []string{"a", "b", "c", "d"} {
					d.Nouns = append(d.Nouns, &twiml.Client{Identity: id, LegCallbacks: legDefaults})
				}
				d.Nouns = append(d.Nouns, &twiml.Sip{URI: "sip:e@example.com", LegCallbacks: legDefaults, AMD: amdDefaults},
					&twiml.Client{Identity: "f", LegCallbacks: legDefaults})
				return d
			}(),
		},
		{
			name: "Record",
			in: `<Record action="/vm" method="GET" timeout="0" finishOnKey="*#" maxLength="14400" playBeep="false"
				trim="do-not-trim" recordingStatusCallback="/rs" recordingStatusCallbackMethod="GET"
				recordingStatusCallbackEvent="in-progress completed" transcribe="false" transcribeCallback="/tc"
				recordingConfigurationId="JZ01"/>`,
			want: &twiml.Record{
				Action: "/vm", Method: "GET", Timeout: 0, FinishOnKey: "*#", MaxLength: 14400, PlayBeep: false,
				Trim: "do-not-trim", RecordingStatusCallback: "/rs", RecordingStatusCallbackMethod: "GET",
				RecordingStatusCallbackEvent: []string{"in-progress", "completed"}, TranscribeCallback: "/tc",
				RecordingConfigurationID: "JZ01",
			},
		},
		{
			name: "Record transcribed defaults to 120 seconds",
			in:   `<Record transcribe="true"/>`,
			want: &twiml.Record{
				Method: "POST", Timeout: 5, FinishOnKey: "1234567890*#", MaxLength: 120, PlayBeep: true, Transcribe: true,
				Trim: "trim-silence", RecordingStatusCallbackMethod: "POST", RecordingStatusCallbackEvent: []string{"completed"},
			},
		},
		{
			name: "Redirect",
			in:   `<Redirect method="GET"> https://example.com/next?step=2 </Redirect>`,
			want: &twiml.Redirect{URL: "https://example.com/next?step=2", Method: "GET"},
		},
		{
			name: "Hangup with parameters",
			in:   `<Hangup><Parameter name="reason" value="done"/></Hangup>`,
			want: &twiml.Hangup{Parameters: []twiml.Parameter{{Name: "reason", Value: "done"}}},
		},
		{
			name: "Reject busy",
			in:   `<Reject reason="busy"><Parameter name="a" value="b"/></Reject>`,
			want: &twiml.Reject{Reason: "busy", Parameters: []twiml.Parameter{{Name: "a", Value: "b"}}},
		},
		{
			name: "Enqueue with Task",
			in: `<Enqueue action="/left" method="GET" waitUrl="/wait" waitUrlMethod="GET" workflowSid="WW01" maxQueueSize="50">
				<Task priority="5" timeout="200">{"language": "fr"}</Task></Enqueue>`,
			want: &twiml.Enqueue{
				Action: "/left", Method: "GET", WaitURL: "/wait", WaitURLSet: true, WaitURLMethod: "GET", WorkflowSID: "WW01", MaxQueueSize: 50,
				Task: `{"language": "fr"}`, TaskPriority: 5, TaskTimeout: 200,
			},
		},
		{
			name: "Sms",
			in:   `<Sms to="+14155550100" from="+15005550006" action="/sms" method="GET" statusCallback="/sms-status">Your code is 1234</Sms>`,
			want: &twiml.Sms{Message: "Your code is 1234", To: "+14155550100", From: "+15005550006", Action: "/sms", Method: "GET", StatusCallback: "/sms-status"},
		},
		{
			name: "Connect with Stream, VirtualAgent and ConversationRelay",
			in: `<Connect action="/connected" method="GET">
				<Stream url="wss://example.com/s" name="s1" track="both_tracks" statusCallback="/ss" statusCallbackMethod="GET" connectorName="c">
					<Parameter name="a" value="1"/></Stream>
				<VirtualAgent connectorName="dialogflow" language="en-US" sentimentAnalysis="true" statusCallback="/va" statusCallbackMethod="GET">
					<Config name="k" value="v"/><Parameter name="p" value="q"/></VirtualAgent>
				<ConversationRelay url="wss://example.com/r" welcomeGreeting="Hi" ttsProvider="ElevenLabs">
					<Language code="fr-FR" voice="x"/><Parameter name="n" value="m"/></ConversationRelay>
				<Room participantIdentity="alice">lobby</Room></Connect>`,
			want: &twiml.Connect{Action: "/connected", Method: "GET", Nouns: []twiml.Noun{
				&twiml.Stream{URL: "wss://example.com/s", Name: "s1", Track: "both_tracks", StatusCallback: "/ss", StatusCallbackMethod: "GET",
					ConnectorName: "c", Parameters: []twiml.Parameter{{Name: "a", Value: "1"}}},
				&twiml.VirtualAgent{ConnectorName: "dialogflow", Language: "en-US", SentimentAnalysis: true, StatusCallback: "/va",
					StatusCallbackMethod: "GET", Config: []twiml.Parameter{{Name: "k", Value: "v"}}, Parameters: []twiml.Parameter{{Name: "p", Value: "q"}}},
				&twiml.ConversationRelay{URL: "wss://example.com/r",
					Attrs:      []twiml.Attr{{Name: "welcomeGreeting", Value: "Hi"}, {Name: "ttsProvider", Value: "ElevenLabs"}},
					Parameters: []twiml.Parameter{{Name: "n", Value: "m"}},
					Languages:  []*twiml.Element{{Name: "Language", Attrs: []twiml.Attr{{Name: "code", Value: "fr-FR"}, {Name: "voice", Value: "x"}}}}},
				&twiml.Room{Name: "lobby", ParticipantIdentity: "alice"},
			}},
		},
		{
			name: "Start with Siprec, Transcription and Recording",
			in: `<Start action="/started" method="GET">
				<Siprec name="rec" connectorName="SR" track="both_tracks" statusCallback="/sr" statusCallbackMethod="GET"><Parameter name="a" value="b"/></Siprec>
				<Transcription name="t" track="inbound_track" languageCode="es-US" transcriptionEngine="google" speechModel="telephony"
					profanityFilter="false" partialResults="true" hints="x" statusCallbackUrl="/ts" statusCallbackMethod="GET"
					enableAutomaticPunctuation="true" inboundTrackLabel="caller"><Config name="c" value="d"/></Transcription>
				<Recording channels="dual" track="inbound" trim="trim-silence" recordingStatusCallback="/r"
					recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed absent" recordingConfigurationId="JZ"/>
				</Start>`,
			want: &twiml.Start{Action: "/started", Method: "GET", Nouns: []twiml.Noun{
				&twiml.Siprec{Name: "rec", ConnectorName: "SR", Track: "both_tracks", StatusCallback: "/sr", StatusCallbackMethod: "GET",
					Parameters: []twiml.Parameter{{Name: "a", Value: "b"}}},
				&twiml.Transcription{Name: "t", Track: "inbound_track", LanguageCode: "es-US", TranscriptionEngine: "google",
					SpeechModel: "telephony", ProfanityFilter: false, PartialResults: true, Hints: "x", StatusCallbackURL: "/ts",
					StatusCallbackMethod: "GET",
					Attrs:                []twiml.Attr{{Name: "enableAutomaticPunctuation", Value: "true"}, {Name: "inboundTrackLabel", Value: "caller"}},
					Config:               []twiml.Parameter{{Name: "c", Value: "d"}}},
				&twiml.Recording{Channels: "dual", Track: "inbound", Trim: "trim-silence", RecordingStatusCallback: "/r",
					RecordingStatusCallbackMethod: "GET", RecordingStatusCallbackEvent: []string{"in-progress", "completed", "absent"},
					RecordingConfigurationID: "JZ"},
			}},
		},
		{
			name: "Stop",
			in:   `<Stop><Stream name="s1"/><Siprec name="rec"/><Transcription name="t"/></Stop>`,
			want: &twiml.Stop{Nouns: []twiml.Noun{
				&twiml.Stream{Name: "s1", Track: "inbound_track", StatusCallbackMethod: "POST"},
				&twiml.Siprec{Name: "rec", Track: "inbound_track", StatusCallbackMethod: "POST"},
				&twiml.Transcription{Name: "t", Track: "both_tracks", ProfanityFilter: true, StatusCallbackMethod: "POST"},
			}},
		},
		{
			name: "Refer",
			in:   `<Refer action="/referred" method="GET"><Sip>sip:alice@example.com?User-to-User=123</Sip></Refer>`,
			want: &twiml.Refer{Action: "/referred", Method: "GET", SipURI: "sip:alice@example.com?User-to-User=123"},
		},
		{
			name: "Pay",
			in: `<Pay action="/paid" method="GET" paymentConnector="Stripe" chargeAmount="10.50" currency="eur" description="order"
				input="dtmf" language="fr-FR" maxAttempts="3" minPostalCodeLength="5" paymentMethod="ach-debit"
				bankAccountType="commercial-savings" postalCode="false" securityCode="false" statusCallback="/ps"
				statusCallbackMethod="GET" timeout="10" tokenType="one-time" validCardTypes="visa amex discover">
				<Prompt for="payment-card-number" attempt="1 2" cardType="visa" errorType="timeout invalid-card-number" requireMatchingInputs="true">
					<Say>Card number, please</Say><Pause/><Play>/a.mp3</Play></Prompt>
				<Parameter name="order" value="42"/></Pay>`,
			want: &twiml.Pay{
				Action: "/paid", Method: "GET", PaymentConnector: "Stripe", ChargeAmount: "10.50", Currency: "eur", Description: "order",
				Input: "dtmf", Language: "fr-FR", MaxAttempts: 3, MinPostalCodeLength: 5, PaymentMethod: "ach-debit",
				BankAccountType: "commercial-savings", PostalCode: "false", SecurityCode: false, StatusCallback: "/ps",
				StatusCallbackMethod: "GET", Timeout: 10, TokenType: "one-time", ValidCardTypes: []string{"visa", "amex", "discover"},
				Prompts: []*twiml.Prompt{{
					For: "payment-card-number", Attempt: []int{1, 2}, CardType: []string{"visa"},
					ErrorType: []string{"timeout", "invalid-card-number"}, RequireMatchingInputs: true,
					Verbs: []twiml.Verb{
						&twiml.Say{Text: "Card number, please", Voice: "man", Language: "en-US", Loop: 1},
						&twiml.Pause{Length: 1},
						&twiml.Play{URL: "/a.mp3", Loop: 1},
					},
				}},
				Parameters: []twiml.Parameter{{Name: "order", Value: "42"}},
			},
		},
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

// dialWith returns a <Dial> with Twilio's defaults and nouns.
func dialWith(nouns ...twiml.Noun) *twiml.Dial {
	d := dialDefaults()
	d.Nouns = nouns
	return d
}
