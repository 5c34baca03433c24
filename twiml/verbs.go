package twiml

// Verb is one instruction of a document: one of the typed verbs of this
// package (*Say, *Gather, *Dial, …), or an *Element for an element that is
// not a TwiML voice verb. The interface is sealed: only this package's
// types implement it, so a switch over them can be complete.
type Verb interface {
	// VerbName returns the element name, as written in the document ("Say").
	VerbName() string
	verb()
}

// Noun is what a verb acts on: the nouns of <Dial>, <Connect>, <Start>,
// <Stop> and <Refer>, and nested <Parameter>s. Like [Verb], it is sealed.
type Noun interface {
	// NounName returns the element name ("Number").
	NounName() string
	noun()
}

// Parameter is a custom name and value passed along (<Parameter>).
type Parameter struct {
	Name  string
	Value string
}

// Say speaks its text. Defaults: voice "man", language "en-US", loop 1
// (0 repeats until the call ends, capped by Twilio at 1,000).
type Say struct {
	Text     string
	Voice    string
	Language string
	Loop     int
}

// Play plays audio from URL, or sends Digits as tones when Digits is set.
// Loop defaults to 1 (0: until the call ends, capped at 1,000).
type Play struct {
	URL    string
	Loop   int
	Digits string
}

// Pause waits silently for Length seconds (default 1).
type Pause struct {
	Length int
}

// Gather collects key presses or speech while its nested <Say>, <Play> and
// <Pause> run. Defaults: Action "" (the current document's URL), Method
// POST, FinishOnKey "#", NumDigits 0 (unlimited), Timeout 5, Input
// ["dtmf"], SpeechTimeout "" (the timeout), Language "en-US",
// ProfanityFilter true, PartialResultCallbackMethod POST, BargeIn true,
// MaxSpeechTime 60.
type Gather struct {
	Action                      string
	Method                      string
	ActionOnEmptyResult         bool
	FinishOnKey                 string
	NumDigits                   int
	Timeout                     int
	Input                       []string
	SpeechTimeout               string
	SpeechModel                 string
	Language                    string
	Hints                       string
	ProfanityFilter             bool
	PartialResultCallback       string
	PartialResultCallbackMethod string
	Enhanced                    bool
	BargeIn                     bool
	MaxSpeechTime               int
	Debug                       bool
	// Verbs are the nested <Say>, <Play> and <Pause>.
	Verbs []Verb
}

// Dial connects the call to another party. Defaults: Method POST, Timeout
// 30, TimeLimit 14400, Record "do-not-record", RecordingStatusCallbackMethod
// POST, RecordingStatusCallbackEvent ["completed"], RecordingTrack "both",
// Trim "do-not-trim", ReferMethod POST.
type Dial struct {
	Action                        string
	Method                        string
	Timeout                       int
	TimeLimit                     int
	CallerID                      string
	AnswerOnBridge                bool
	HangupOnStar                  bool
	Record                        string
	RecordingStatusCallback       string
	RecordingStatusCallbackMethod string
	RecordingStatusCallbackEvent  []string
	RecordingTrack                string
	Trim                          string
	RingTone                      string
	Sequential                    bool
	ReferURL                      string
	ReferMethod                   string
	CallReason                    string
	RecordingConfigurationID      string
	// Events are the events subscribed to ("call-progress-event").
	Events []string
	// Number is a phone number written as the text of <Dial>; empty when
	// the nouns say whom to dial.
	Number string
	// Nouns are the nested <Number>, <Client>, <Sip>, <Conference>,
	// <Queue>, <Application> and <Sim>.
	Nouns []Noun
}

// AMD is the answering machine detection of a <Number> or <Sip>. Defaults:
// Timeout 30, SpeechThreshold 2400, SpeechEndThreshold 1200, SilenceTimeout
// 5000, StatusCallbackMethod POST.
type AMD struct {
	MachineDetection     string // "", Enable or DetectMessageEnd
	Timeout              int
	SpeechThreshold      int
	SpeechEndThreshold   int
	SilenceTimeout       int
	StatusCallback       string
	StatusCallbackMethod string
}

// LegCallbacks are the URL and status callbacks of a dialed party: the
// whisper document run on the callee before the bridge, and the child
// leg's call progress events. Defaults: Method POST, StatusCallbackMethod
// POST, StatusCallbackEvent ["completed"].
type LegCallbacks struct {
	URL                  string
	Method               string
	StatusCallback       string
	StatusCallbackMethod string
	StatusCallbackEvent  []string
}

// Number is a phone number to dial.
type Number struct {
	Number     string
	SendDigits string
	Byoc       string
	LegCallbacks
	AMD
}

// Client is a Voice SDK client to dial.
type Client struct {
	Identity              string
	ClientNotificationURL string
	LegCallbacks
	Parameters []Parameter
}

// Sip is a SIP URI to dial.
type Sip struct {
	URI      string
	Username string
	Password string
	LegCallbacks
	AMD
}

// Sim is a Twilio SIM to dial.
type Sim struct {
	SimSID string
	LegCallbacks
}

// Application is a TwiML application to dial.
type Application struct {
	ApplicationSID string
	CustomerID     string
	CopyParentTo   bool
	LegCallbacks
	Parameters []Parameter
}

// Conference is a conference room to join. Defaults: Beep "true",
// StartConferenceOnEnter true, WaitMethod POST, MaxParticipants 250, Record
// "do-not-record", Trim "trim-silence", StatusCallbackMethod POST,
// RecordingStatusCallbackMethod POST, RecordingStatusCallbackEvent
// ["completed"], JitterBufferSize "large". WaitURL "" with WaitURLSet
// false means Twilio's hold music; with WaitURLSet, silence.
type Conference struct {
	Name                   string
	Muted                  bool
	Beep                   string
	StartConferenceOnEnter bool
	EndConferenceOnExit    bool
	WaitURL                string
	// WaitURLSet reports whether waitUrl was given: waitUrl="" is silence,
	// while no waitUrl is Twilio's hold music.
	WaitURLSet                    bool
	WaitMethod                    string
	MaxParticipants               int
	Record                        string
	Region                        string
	Trim                          string
	Coach                         string
	ParticipantLabel              string
	JitterBufferSize              string
	StatusCallback                string
	StatusCallbackMethod          string
	StatusCallbackEvent           []string
	RecordingStatusCallback       string
	RecordingStatusCallbackMethod string
	RecordingStatusCallbackEvent  []string
	EventCallbackURL              string
}

// Queue is a call queue to take a caller from. Method defaults to POST.
type Queue struct {
	Name                string
	URL                 string
	Method              string
	ReservationSID      string
	PostWorkActivitySID string
}

// Record records the caller. Defaults: Action "" (the current document's
// URL), Method POST, Timeout 5, FinishOnKey "1234567890*#", MaxLength 3600
// (120 when Transcribe is set), PlayBeep true, Trim "trim-silence", RecordingStatusCallbackMethod POST,
// RecordingStatusCallbackEvent ["completed"].
type Record struct {
	Action                        string
	Method                        string
	Timeout                       int
	FinishOnKey                   string
	MaxLength                     int
	PlayBeep                      bool
	Trim                          string
	RecordingStatusCallback       string
	RecordingStatusCallbackMethod string
	RecordingStatusCallbackEvent  []string
	Transcribe                    bool
	TranscribeCallback            string
	RecordingConfigurationID      string
}

// Redirect continues with the document at URL. Method defaults to POST.
type Redirect struct {
	URL    string
	Method string
}

// Hangup ends the call.
type Hangup struct {
	Parameters []Parameter
}

// Reject refuses an incoming call without answering it. Reason is
// "rejected" (the default) or "busy".
type Reject struct {
	Reason     string
	Parameters []Parameter
}

// Enqueue puts the caller in the queue Name. Defaults: Method POST,
// WaitURLMethod POST. WaitURL "" with WaitURLSet false means Twilio's hold
// music; with WaitURLSet, silence.
type Enqueue struct {
	Name    string
	Action  string
	Method  string
	WaitURL string
	// WaitURLSet reports whether waitUrl was given: waitUrl="" is silence,
	// while no waitUrl is Twilio's hold music.
	WaitURLSet    bool
	WaitURLMethod string
	WorkflowSID   string
	MaxQueueSize  int
	// Task is the TaskRouter task's JSON, from a nested <Task>.
	Task string
	// TaskPriority and TaskTimeout are the priority and timeout attributes
	// of the <Task>; 0 when not given.
	TaskPriority int
	TaskTimeout  int
}

// Leave takes the caller out of the queue.
type Leave struct{}

// Sms sends a text message during the call. Method defaults to POST.
type Sms struct {
	Message        string
	To             string
	From           string
	Action         string
	Method         string
	StatusCallback string
}

// Connect connects the call to a stream, a room or an AI agent. Method
// defaults to POST.
type Connect struct {
	Action string
	Method string
	Nouns  []Noun
}

// Stream forks or connects the call's audio to a WebSocket. Track defaults
// to "inbound_track", StatusCallbackMethod to POST.
type Stream struct {
	URL                  string
	Name                 string
	Track                string
	StatusCallback       string
	StatusCallbackMethod string
	ConnectorName        string
	Parameters           []Parameter
}

// Room connects the call to a Video room.
type Room struct {
	Name                string
	ParticipantIdentity string
}

// VirtualAgent connects the call to a virtual agent. StatusCallbackMethod
// defaults to POST.
type VirtualAgent struct {
	ConnectorName        string
	Language             string
	SentimentAnalysis    bool
	StatusCallback       string
	StatusCallbackMethod string
	Config               []Parameter
	Parameters           []Parameter
}

// ConversationRelay connects the call to an AI application over a
// WebSocket. Attrs holds its attributes other than url, in document order.
type ConversationRelay struct {
	URL        string
	Attrs      []Attr
	Parameters []Parameter
	// Languages are the nested <Language> elements, as written.
	Languages []*Element
}

// Start starts background work on the call (a stream, a SIPREC session, a
// transcription, a recording) and continues at once. Method defaults to
// POST.
type Start struct {
	Action string
	Method string
	Nouns  []Noun
}

// Stop stops background work started by <Start>, by name.
type Stop struct {
	Nouns []Noun
}

// Siprec forks the call to a SIPREC recorder. Track defaults to
// "inbound_track", StatusCallbackMethod to POST.
type Siprec struct {
	Name                 string
	ConnectorName        string
	Track                string
	StatusCallback       string
	StatusCallbackMethod string
	Parameters           []Parameter
}

// Transcription transcribes the call in real time. Defaults: Track
// "both_tracks", ProfanityFilter true, StatusCallbackMethod POST.
type Transcription struct {
	Name                 string
	Track                string
	LanguageCode         string
	TranscriptionEngine  string
	SpeechModel          string
	ProfanityFilter      bool
	PartialResults       bool
	Hints                string
	StatusCallbackURL    string
	StatusCallbackMethod string
	Attrs                []Attr // the other attributes, in document order
	Config               []Parameter
	Parameters           []Parameter
}

// Recording records the call in the background. Defaults: Channels "mono",
// Track "both", Trim "do-not-trim", RecordingStatusCallbackMethod POST,
// RecordingStatusCallbackEvent ["completed"].
type Recording struct {
	Channels                      string
	Track                         string
	Trim                          string
	RecordingStatusCallback       string
	RecordingStatusCallbackMethod string
	RecordingStatusCallbackEvent  []string
	RecordingConfigurationID      string
}

// Refer transfers a SIP call with a SIP REFER to the URI of its <Sip>.
// Method defaults to POST.
type Refer struct {
	Action string
	Method string
	SipURI string
}

// Pay collects a payment. Defaults: Method POST, PaymentConnector
// "Default", Currency "usd", Input "dtmf", MaxAttempts 1, PaymentMethod
// "credit-card", PostalCode "true", SecurityCode true, Timeout 5,
// TokenType "reusable", ValidCardTypes ["visa", "mastercard", "amex"],
// StatusCallbackMethod POST.
type Pay struct {
	Action               string
	Method               string
	PaymentConnector     string
	ChargeAmount         string
	Currency             string
	Description          string
	Input                string
	Language             string
	MaxAttempts          int
	MinPostalCodeLength  int
	PaymentMethod        string
	BankAccountType      string
	PostalCode           string
	SecurityCode         bool
	StatusCallback       string
	StatusCallbackMethod string
	Timeout              int
	TokenType            string
	ValidCardTypes       []string
	Prompts              []*Prompt
	Parameters           []Parameter
}

// Prompt customises what <Pay> says for one step.
type Prompt struct {
	For                   string
	Attempt               []int
	CardType              []string
	ErrorType             []string
	RequireMatchingInputs bool
	Verbs                 []Verb // <Say>, <Play> and <Pause>
}

// Echo plays the caller's audio back until the call ends.
type Echo struct{}

// Element is an element kept as written: an element that is not a TwiML
// voice verb, with its attributes in document order, text and children.
type Element struct {
	Name     string
	Attrs    []Attr
	Text     string
	Children []*Element
}

// Attr is one attribute of an [Element].
type Attr struct {
	Name  string
	Value string
}

// Attr returns the value of the attribute named key and whether it is set.
func (e *Element) Attr(key string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name == key {
			return a.Value, true
		}
	}
	return "", false
}

// VerbName returns "Say".
func (*Say) VerbName() string { return "Say" }

// VerbName returns "Play".
func (*Play) VerbName() string { return "Play" }

// VerbName returns "Pause".
func (*Pause) VerbName() string { return "Pause" }

// VerbName returns "Gather".
func (*Gather) VerbName() string { return "Gather" }

// VerbName returns "Dial".
func (*Dial) VerbName() string { return "Dial" }

// VerbName returns "Record".
func (*Record) VerbName() string { return "Record" }

// VerbName returns "Redirect".
func (*Redirect) VerbName() string { return "Redirect" }

// VerbName returns "Hangup".
func (*Hangup) VerbName() string { return "Hangup" }

// VerbName returns "Reject".
func (*Reject) VerbName() string { return "Reject" }

// VerbName returns "Enqueue".
func (*Enqueue) VerbName() string { return "Enqueue" }

// VerbName returns "Leave".
func (*Leave) VerbName() string { return "Leave" }

// VerbName returns "Sms".
func (*Sms) VerbName() string { return "Sms" }

// VerbName returns "Connect".
func (*Connect) VerbName() string { return "Connect" }

// VerbName returns "Start".
func (*Start) VerbName() string { return "Start" }

// VerbName returns "Stop".
func (*Stop) VerbName() string { return "Stop" }

// VerbName returns "Refer".
func (*Refer) VerbName() string { return "Refer" }

// VerbName returns "Pay".
func (*Pay) VerbName() string { return "Pay" }

// VerbName returns "Echo".
func (*Echo) VerbName() string { return "Echo" }

// VerbName returns the element's name as written, with its namespace
// prefix if it has one.
func (e *Element) VerbName() string { return e.Name }

// NounName returns "Number".
func (*Number) NounName() string { return "Number" }

// NounName returns "Client".
func (*Client) NounName() string { return "Client" }

// NounName returns "Sip".
func (*Sip) NounName() string { return "Sip" }

// NounName returns "Sim".
func (*Sim) NounName() string { return "Sim" }

// NounName returns "Application".
func (*Application) NounName() string { return "Application" }

// NounName returns "Conference".
func (*Conference) NounName() string { return "Conference" }

// NounName returns "Queue".
func (*Queue) NounName() string { return "Queue" }

// NounName returns "Stream".
func (*Stream) NounName() string { return "Stream" }

// NounName returns "Room".
func (*Room) NounName() string { return "Room" }

// NounName returns "VirtualAgent".
func (*VirtualAgent) NounName() string { return "VirtualAgent" }

// NounName returns "ConversationRelay".
func (*ConversationRelay) NounName() string { return "ConversationRelay" }

// NounName returns "Siprec".
func (*Siprec) NounName() string { return "Siprec" }

// NounName returns "Transcription".
func (*Transcription) NounName() string { return "Transcription" }

// NounName returns "Recording".
func (*Recording) NounName() string { return "Recording" }

// NounName returns the element's name as written, with its namespace
// prefix if it has one.
func (e *Element) NounName() string { return e.Name }

func (*Say) verb()      {}
func (*Play) verb()     {}
func (*Pause) verb()    {}
func (*Gather) verb()   {}
func (*Dial) verb()     {}
func (*Record) verb()   {}
func (*Redirect) verb() {}
func (*Hangup) verb()   {}
func (*Reject) verb()   {}
func (*Enqueue) verb()  {}
func (*Leave) verb()    {}
func (*Sms) verb()      {}
func (*Connect) verb()  {}
func (*Start) verb()    {}
func (*Stop) verb()     {}
func (*Refer) verb()    {}
func (*Pay) verb()      {}
func (*Echo) verb()     {}
func (*Element) verb()  {}

func (*Number) noun()            {}
func (*Client) noun()            {}
func (*Sip) noun()               {}
func (*Sim) noun()               {}
func (*Application) noun()       {}
func (*Conference) noun()        {}
func (*Queue) noun()             {}
func (*Stream) noun()            {}
func (*Room) noun()              {}
func (*VirtualAgent) noun()      {}
func (*ConversationRelay) noun() {}
func (*Siprec) noun()            {}
func (*Transcription) noun()     {}
func (*Recording) noun()         {}
func (*Element) noun()           {}
