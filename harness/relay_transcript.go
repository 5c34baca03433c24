package harness

import (
	"fmt"
	"strconv"
	"strings"
)

// Transcript renders the conversation as text, who said what and when: a
// header line (the session, its URL and call, its status and length),
// then one line a turn, with its virtual time from the server's start (as
// the call's transcript counts it), who took it (agent or caller) and what
// was said, played or pressed; an agent's turn the caller cut short says
// so, and what the caller heard of it. A last line says how the session
// ended: the handoffData the application handed off, or why it failed.
func (cv Conversation) Transcript() string {
	var b strings.Builder
	cv.writeTranscript(&b)
	return b.String()
}

func (cv Conversation) writeTranscript(b *strings.Builder) {
	origin := cv.origin
	if origin.IsZero() { // a Conversation made by hand: from its start
		origin = cv.Started
	}
	fmt.Fprintf(b, "conversation %s to %s (call %s): %s\n", cv.SessionID, cv.URL, cv.CallSID, cv.statusText())
	for _, t := range cv.Turns {
		line := t.line()
		if t.CutOff {
			line += fmt.Sprintf(" — cut off by the session's end after %v, heard up to %q", t.Duration, t.Heard)
		}
		fmt.Fprintf(b, "  %s  %-6s  %s\n", clockText(t.Time.Sub(origin)), t.Speaker, line)
	}
	if cv.MessagesCut {
		fmt.Fprintf(b, "  (the record keeps no more of this session: harness.Limits.StreamMessages)\n")
	}
	if end := cv.endText(); end != "" {
		fmt.Fprintf(b, "  %s  %-6s  %s\n", clockText(cv.Ended.Sub(origin)), "end", end)
	}
}

// statusText says where the session is: its status and how long it was
// open.
func (cv Conversation) statusText() string {
	switch {
	case cv.Status != "" && cv.Started.IsZero():
		return cv.Status + ", never connected"
	case cv.Status != "":
		return fmt.Sprintf("%s after %v", cv.Status, cv.Duration)
	case cv.Started.IsZero():
		return "connecting"
	}
	return fmt.Sprintf("in progress for %v", cv.Duration)
}

// endText says how the session ended, "" while it runs.
func (cv Conversation) endText() string {
	switch cv.Status {
	case "":
		return ""
	case SessionEnded:
		if cv.HandoffData == nil {
			return "the application ended the session, without handoffData"
		}
		return "the application ended the session, handing off " + strconv.Quote(*cv.HandoffData)
	case SessionCompleted:
		return "the call ended"
	case SessionFailed:
		return fmt.Sprintf("failed (%d): %s", cv.ErrorCode, cv.ErrorMessage)
	case sessionRedirected:
		return "the call was redirected"
	}
	return cv.Status
}

// String renders the turn on one line, as a conversation's transcript
// shows it: who, what was said, played or pressed, in which language and
// for how long, and whether it was cut short or went unreported.
func (t ConversationTurn) String() string { return t.Speaker + " " + t.line() }

// GomegaString renders the turn in Gomega's failure messages, as String.
func (t ConversationTurn) GomegaString() string { return t.String() }

// line renders the turn without its speaker.
func (t ConversationTurn) line() string {
	var what string
	switch t.Kind {
	case TurnGreeting:
		what = "greets " + strconv.Quote(t.Text)
	case TurnText, TurnSpeech:
		what = "says " + strconv.Quote(t.Text)
	case TurnPlay:
		what = "plays " + t.Text
	case TurnDigits:
		what = "sends digits " + t.Text
	case TurnKeys:
		what = "presses " + t.Text
	case TurnTalk:
		what = "makes sound without words"
	default:
		what = t.Kind + " " + strconv.Quote(t.Text)
	}
	var about []string
	if t.Lang != "" && t.Kind != TurnPlay && t.Kind != TurnDigits {
		about = append(about, t.Lang)
	}
	if t.Duration > 0 && !t.Interrupted && !t.Preempted {
		about = append(about, t.Duration.String())
	}
	if t.Confidence > 0 {
		about = append(about, "confidence "+strconv.FormatFloat(t.Confidence, 'f', -1, 64))
	}
	if len(about) > 0 {
		what += " (" + strings.Join(about, ", ") + ")"
	}
	switch {
	case t.Interrupted:
		what += fmt.Sprintf(" — interrupted by %s after %v, heard up to %q", byWhat(t.By), t.Duration, t.Heard)
	case t.Preempted:
		what += fmt.Sprintf(" — cut by the application's next message after %v, said up to %q", t.Duration, t.Heard)
	case t.Unreported && t.Kind != TurnTalk:
		what += " — not reported to the application"
	}
	return what
}

// byWhat names what interrupted the agent: the caller's speech or keys.
func byWhat(by string) string {
	switch by {
	case "speech":
		return "the caller's speech"
	case "dtmf":
		return "the caller's keys"
	}
	return by
}

// GomegaString describes the conversation in one line in Gomega's failure
// messages.
func (cv Conversation) GomegaString() string {
	return fmt.Sprintf("conversation %s to %s (%s, %d turns)", cv.SessionID, cv.URL, cv.statusText(), len(cv.Turns))
}
