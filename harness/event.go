package harness

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// EventKind is the kind of an [Event] in a call's history.
type EventKind string

// The kinds of event in a call's history.
const (
	EventStatus       EventKind = "status"       // the call's status changed
	EventAPI          EventKind = "api"          // a REST request concerned the call
	EventRequest      EventKind = "request"      // the fake made a request for the call
	EventSay          EventKind = "say"          // <Say> spoke
	EventPause        EventKind = "pause"        // <Pause> waited
	EventHangup       EventKind = "hangup"       // the application or the far end hung up
	EventNotification EventKind = "notification" // an error or warning was logged
	EventNote         EventKind = "note"         // something else worth knowing, in words
	EventPlay         EventKind = "play"         // <Play> played audio or tones
	EventInput        EventKind = "input"        // the far end pressed keys, spoke, or will
	EventGather       EventKind = "gather"       // a <Gather> ended, with what it collected
	EventRecord       EventKind = "record"       // a <Record> started or ended
	EventDial         EventKind = "dial"         // a <Dial> started, bridged or ended
	EventSms          EventKind = "sms"          // <Sms> sent a message
	EventFork         EventKind = "fork"         // <Start> or <Stop> changed a transcription, SIPREC session or recording (a stream is EventStream)
	EventConference   EventKind = "conference"   // the call joined, left or heard something in a conference, or its flags changed
	EventQueue        EventKind = "queue"        // the call joined, waited in, was taken from or left a queue
	EventStream       EventKind = "stream"       // a media stream was dialed, started, stopped or failed; a mark played; the application's audio played or was cleared
	EventRelay        EventKind = "relay"        // a ConversationRelay session was dialed, started, ended or failed; the agent spoke, played, sent digits, switched language, or was interrupted
)

// What a participant of a conference hears, besides other participants
// (whose call SID is the Source of what they said).
const (
	SourceBeep         = "beep"         // the beep of a participant joining or leaving (in [Call.Heard] only: a call's history does not keep them)
	SourceWaitMusic    = "wait-music"   // the waitUrl, until the conference starts
	SourceHoldMusic    = "hold-music"   // the HoldUrl, while on hold
	SourceAnnouncement = "announcement" // an AnnounceUrl
	SourceDequeueURL   = "dequeue-url"  // the url of the <Dial><Queue> that took the caller
)

// EventAction says what happened within an event's kind: which input the
// far end gave, how a <Gather> ended, which step of a <Dial> this is. It is
// empty where the kind says it all.
type EventAction string

// The actions of events.
const (
	ActionPlanned    EventAction = "planned"     // EventInput: what the far end will do at the verb starting (Step)
	ActionPressed    EventAction = "pressed"     // EventInput: the far end pressed Digits
	ActionSpoke      EventAction = "spoke"       // EventInput: the far end said Words
	ActionTalked     EventAction = "talked"      // EventInput: the far end talks for Duration into a <Record>
	ActionSendDigits EventAction = "send-digits" // EventPlay: the Calls API's SendDigits were played
	ActionCollected  EventAction = "collected"   // EventGather: the gather ended with Digits (and Key)
	ActionHeard      EventAction = "heard"       // EventGather: the gather ended with the speech Words; EventConference: the call heard Words or URL from Source for Duration
	ActionNoInput    EventAction = "no-input"    // EventGather: nothing came; on to the next verb
	ActionBeep       EventAction = "beep"        // EventRecord: the beep before recording
	ActionStarted    EventAction = "started"     // EventRecord, EventFork: recording SID (or a stream…) started; EventConference: the conference started
	ActionStopped    EventAction = "stopped"     // EventRecord, EventFork: it stopped; Text says why
	ActionDialing    EventAction = "dialing"     // EventDial: legs start ringing (To)
	ActionWhisper    EventAction = "whisper"     // EventDial: the answering leg runs its whisper (URL)
	ActionBridged    EventAction = "bridged"     // EventDial: the caller and a leg (SID) are connected
	ActionDialEnded  EventAction = "ended"       // EventDial: the Dial ended with DialCallStatus Status
	ActionDetecting  EventAction = "detecting"   // EventNote: answering machine detection started
	ActionDetected   EventAction = "detected"    // EventNote: detection answered (Words) after Duration

	ActionJoined   EventAction = "joined"   // EventConference: the call joined Conference (SID), as Label
	ActionLeft     EventAction = "left"     // EventConference: it left; Text is ReasonParticipantLeft
	ActionMuted    EventAction = "muted"    // EventConference: it was muted
	ActionUnmuted  EventAction = "unmuted"  // EventConference: it was unmuted
	ActionHeld     EventAction = "held"     // EventConference: it was put on hold (URL: the hold music)
	ActionUnheld   EventAction = "unheld"   // EventConference: it was taken off hold
	ActionModified EventAction = "modified" // EventConference: EndConferenceOnExit, BeepOnExit, coaching or WaitUrl changed
	ActionEnqueued EventAction = "enqueued" // EventQueue: the call joined Queue (SID) at Position
	ActionDequeued EventAction = "dequeued" // EventQueue: an agent\'s <Dial><Queue> took the caller (on both calls; Source: the other call)

	ActionFailed  EventAction = "failed"  // EventStream: the stream (SID) could not be opened, or broke; Text says why
	ActionMark    EventAction = "mark"    // EventStream: Twilio echoed the application's mark Name: the audio before it played, or a clear dropped it (Text says which)
	ActionCleared EventAction = "cleared" // EventStream: the application cleared its audio (Duration of it was dropped)
	ActionPlayed  EventAction = "played"  // EventStream: the far end heard Duration of the application's audio

	ActionEnded       EventAction = "ended"        // EventRelay: the session (SID) ended; Status is its SessionStatus, Text says why
	ActionAgentSaid   EventAction = "agent-said"   // EventRelay: the agent speaks Words (Name: the language) for Duration
	ActionAgentPlayed EventAction = "agent-played" // EventRelay: the agent plays URL for Duration
	ActionAgentDigits EventAction = "agent-digits" // EventRelay: the agent sends Digits to the far end
	ActionInterrupted EventAction = "interrupted"  // EventRelay: the caller interrupted the agent after Duration of its talk cycle, having heard Words
	ActionPreempted   EventAction = "preempted"    // EventRelay: the application's next message cut a preemptible talk cycle after Duration (Words heard)
	ActionLanguage    EventAction = "language"     // EventRelay: the application switched the active languages (Text)
)

// Event is one entry of a call's history. Kind says what happened and
// Action refines it; the fields that apply are set, the others are zero.
type Event struct {
	Seq     uint64      `json:"seq"`
	Time    time.Time   `json:"time"` // virtual
	CallSID string      `json:"call_sid"`
	Kind    EventKind   `json:"kind"`
	Action  EventAction `json:"action,omitempty"`
	// Status is the new status of an EventStatus, and the DialCallStatus
	// of a Dial that ended.
	Status Status `json:"status,omitempty"`
	// Text is the event in words, as the transcript shows it after the
	// kind: what was said for a <Say>, why for a hang-up, the message of a
	// notification.
	Text string `json:"text,omitempty"`
	// Words is what was said: a <Say>'s text, the far end's speech, what a
	// <Gather> heard, an SMS's body, answering machine detection's answer.
	Words string `json:"words,omitempty"`
	// URL is the audio a <Play> played, a whisper's document, a stream's
	// URL.
	URL string `json:"url,omitempty"`
	// Digits are tones played, keys the far end pressed, or what a
	// <Gather> collected (without its finish key, which is Key).
	Digits string `json:"digits,omitempty"`
	Key    string `json:"key,omitempty"`
	// To is whom a <Dial> rings, to whom an SMS went, or where a stream or
	// SIPREC session of <Start> goes.
	To string `json:"to,omitempty"`
	// SID is the recording, leg, message or stream the event is about.
	SID string `json:"sid,omitempty"`
	// Name is a media stream's name (EventStream), or the name of the
	// application's mark that played (ActionMark).
	Name string `json:"name,omitempty"`
	// Step is the far end's step, in words, for ActionPlanned.
	Step string `json:"step,omitempty"`
	// Duration is how long a Say, Pause, Play or beep lasted, what a
	// recording kept, or how long detection took.
	Duration time.Duration `json:"-"`
	// Code is a notification's error code.
	Code int `json:"code,omitempty"`
	// Conference is the conference's name, for EventConference and the
	// far end's speech there; Label the participant's label; Source who or
	// what was heard (a participant's call SID, or one of the Source
	// constants).
	Conference string `json:"conference,omitempty"`
	// Queue is the queue's name, for EventQueue; Position the call's
	// position when it joined (1 at the front).
	Queue    string `json:"queue,omitempty"`
	Position int    `json:"position,omitempty"`
	Label    string `json:"label,omitempty"`
	Source   string `json:"source,omitempty"`
	// Request is set for EventRequest, APIRequest for EventAPI.
	Request    *Request    `json:"request,omitempty"`
	APIRequest *APIRequest `json:"api_request,omitempty"`
}

// MarshalJSON writes the event with snake_case names and its Duration in
// milliseconds, as "duration_ms".
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event // without this method
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms,omitempty"`
	}{plain(e), e.Duration.Milliseconds()})
}

// callEvent is the compact form of an Event kept in a call's history: typed
// fields only; its text is rendered when a view asks for it.
type callEvent struct {
	seq    uint64
	at     time.Time
	kind   EventKind
	action EventAction
	status Status
	text   string // words said or heard; a reason; a note; a message
	url    string
	digits string
	dur    time.Duration
	code   int
	hook   *webhook
	api    *apiRecord
	more   *eventMore // for the few kinds that need more
}

// eventMore holds the fields few events have.
type eventMore struct {
	key      string         // EventGather: the finish key
	to, from string         // EventDial: whom it rings; EventSms: to and from
	sid      string         // the recording, leg or message
	step     *scenario.Step // ActionPlanned
	noun     string         // EventFork: recording, stream, siprec, transcription; EventDial: conference
	name     string         // EventFork: the noun's name
	elapsed  time.Duration  // EventRecord stopped: how long the verb recorded
	inTurn   bool           // EventDial dialing: one leg after the other
	sequence bool           // ActionPressed: keys pressed as one sequence (during a Dial)
	legTo    string         // EventDial bridged, on the parent: the leg's address
	source   string         // EventConference heard: who or what
	position int            // EventQueue enqueued: the position in the queue
	handoff  *string        // EventRelay ended: the end message's handoffData, nil when none came
}

// extra returns the event's rarer fields, zero when it has none.
func (e *callEvent) extra() eventMore {
	if e.more == nil {
		return eventMore{}
	}
	return *e.more
}

// detail renders the event in words, as [Event.Text] shows it.
func (e *callEvent) detail() string {
	m := e.extra()
	switch e.kind {
	case EventStatus:
		return ""
	case EventPlay:
		if e.digits == "" {
			return e.url
		}
		if e.action == ActionSendDigits {
			return "digits " + e.digits + " (SendDigits)"
		}
		return "digits " + e.digits
	case EventInput:
		switch e.action {
		case ActionPlanned:
			return "the far end will " + m.step.String()
		case ActionPressed:
			if m.sequence || len(e.digits) != 1 {
				return fmt.Sprintf("pressed %q", e.digits)
			}
			return fmt.Sprintf("pressed %q", e.digits[0])
		case ActionSpoke:
			if m.noun == relayVerbName { // to a ConversationRelay session: in its language
				return fmt.Sprintf("said %q (%s)", e.text, m.name)
			}
			return fmt.Sprintf("said %q", e.text)
		case ActionTalked:
			return fmt.Sprintf("talks for %v", e.dur)
		}
	case EventGather:
		switch e.action {
		case ActionNoInput:
			return "no input: on to the next verb"
		case ActionHeard:
			return fmt.Sprintf("heard %q", e.text)
		}
		s := fmt.Sprintf("collected %q", e.digits)
		if m.key != "" {
			s += fmt.Sprintf(", finished on %q", m.key)
		}
		return s
	case EventRecord:
		switch e.action {
		case ActionBeep:
			return "beep"
		case ActionStarted:
			return "recording " + m.sid
		}
		return fmt.Sprintf("%s (%v): recorded %v", e.text, m.elapsed.Truncate(time.Second), e.dur)
	case EventDial:
		switch e.action {
		case ActionDialing:
			switch m.noun {
			case "conference":
				return "joining conference " + strconv.Quote(m.to)
			case "queue":
				return fmt.Sprintf("dialing queue %q, for %ds", m.to, int(e.dur/time.Second))
			}
			how := "at once"
			if m.inTurn {
				how = "one after the other"
			}
			return fmt.Sprintf("dialing %s %s, for %ds each", m.to, how, int(e.dur/time.Second))
		case ActionWhisper:
			return "whisper " + e.url
		case ActionBridged:
			if m.legTo != "" {
				return "bridged with " + m.legTo + " (" + m.sid + ")"
			}
			return "bridged with " + m.sid
		case ActionDialEnded:
			return "ended: DialCallStatus=" + string(e.status)
		}
	case EventSms:
		return fmt.Sprintf("to %s from %s: %q", m.to, m.from, e.text)
	case EventFork:
		verb := "started "
		if e.action == ActionStopped {
			verb = "stopped "
		}
		if m.noun == "recording" && m.sid != "" {
			return verb + "recording " + m.sid
		}
		parts := []string{m.noun}
		if m.name != "" {
			parts = append(parts, fmt.Sprintf("%q", m.name))
		}
		if m.to != "" {
			parts = append(parts, "to "+m.to)
		}
		return verb + strings.Join(parts, " ")
	case EventConference:
		return e.conferenceDetail(m)
	case EventQueue:
		return e.queueDetail(m)
	case EventStream:
		return e.streamDetail(m)
	case EventRelay:
		return e.relayDetail(m)
	case EventNote:
		switch e.action {
		case ActionDetecting:
			return "answering machine detection (" + e.text + ") started"
		case ActionDetected:
			return "answering machine detection: " + e.text + " after " + e.dur.String()
		}
	}
	return e.text
}

// exportLocked returns the event as the API shows it.
func (e *callEvent) exportLocked(callSID string) Event {
	m := e.extra()
	out := Event{Seq: e.seq, Time: e.at, CallSID: callSID, Kind: e.kind, Action: e.action, Status: e.status,
		Text: e.detail(), URL: e.url, Digits: e.digits, Duration: e.dur, Code: e.code,
		Key: m.key, SID: m.sid, To: m.to}
	if e.kind == EventConference || e.action == ActionSpoke && m.sid != "" {
		out.To, out.Conference, out.Label, out.Source = "", m.to, m.name, m.source
	}
	if e.kind == EventStream || e.kind == EventRelay {
		out.Name = m.name
	}
	if e.kind == EventRelay {
		out.Status = e.status
		switch e.action {
		case ActionAgentSaid, ActionInterrupted, ActionPreempted:
			out.Words = e.text
		}
	}
	if e.kind == EventQueue {
		out.To, out.Queue, out.Position, out.Source = "", m.to, m.position, m.source
		if m.from != "" {
			out.Source = m.from
		}
		if e.action == ActionLeft {
			out.Status = Status(e.text) // the QueueResult
		}
	}
	switch e.kind {
	case EventSay, EventSms, EventInput, EventGather:
		out.Words = e.text
		if e.kind == EventInput && m.noun == relayVerbName { // in a ConversationRelay session: its language
			out.Name = m.name
		}
	case EventConference, EventQueue:
		if e.action == ActionHeard && e.text != "silence" {
			out.Words = e.text
		}
	case EventNote:
		if e.action == ActionDetected {
			out.Words = e.text
		}
	}
	if e.action == ActionTalked {
		out.Words = ""
	}
	if m.step != nil {
		out.Step = m.step.String()
	}
	if e.hook != nil {
		r := e.hook.exportLocked()
		out.Request = &r
	}
	if e.api != nil {
		r := e.api.export()
		out.APIRequest = &r
	}
	return out
}

// conferenceDetail renders an EventConference in words.
func (e *callEvent) conferenceDetail(m eventMore) string {
	room := strconv.Quote(m.to)
	switch e.action {
	case ActionJoined:
		if m.name != "" {
			return "joined conference " + room + " as " + strconv.Quote(m.name)
		}
		return "joined conference " + room
	case ActionLeft:
		return "left conference " + room + ": " + e.text
	case ActionStarted:
		return "conference " + room + " started"
	case ActionHeld:
		return "on hold in " + room + ", hearing " + e.url
	case ActionMuted, ActionUnmuted, ActionUnheld, ActionModified:
		return string(e.action) + " in " + room
	case ActionHeard:
		var what string
		switch {
		case m.source == SourceBeep:
			return "heard the beep"
		case e.text == "silence":
			return "heard silence (" + m.source + ")"
		case e.url != "":
			what = e.url
		case e.text != "":
			what = strconv.Quote(e.text)
		default:
			what = "talking for " + e.dur.String()
		}
		from := m.source
		if m.name != "" {
			from = strconv.Quote(m.name) + " (" + m.source + ")"
		}
		return "heard " + what + " from " + from
	}
	return e.text
}

// queueDetail renders an EventQueue in words.
func (e *callEvent) queueDetail(m eventMore) string {
	q := strconv.Quote(m.to)
	switch e.action {
	case ActionEnqueued:
		return fmt.Sprintf("enqueued in %s at position %d", q, m.position)
	case ActionDequeued:
		return "dequeued from " + q + " with " + m.from
	case ActionBridged:
		return "bridged with " + m.sid + " from " + q
	case ActionLeft:
		if e.dur > 0 {
			return fmt.Sprintf("left %s: QueueResult=%s after %v", q, e.text, e.dur)
		}
		return fmt.Sprintf("left %s: QueueResult=%s", q, e.text)
	case ActionHeard:
		switch {
		case e.text == "silence":
			return "waits in silence"
		case e.url != "":
			return "heard " + e.url + " (" + m.source + ")"
		}
		return fmt.Sprintf("heard %q (%s)", e.text, m.source)
	}
	return e.text
}
