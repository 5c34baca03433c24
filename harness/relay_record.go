package harness

import (
	"fmt"
	"strconv"
)

// relayDetail renders an EventRelay in words.
func (e *callEvent) relayDetail(m eventMore) string {
	switch e.action {
	case ActionDialing:
		return "connecting ConversationRelay session " + m.sid + " to " + e.url
	case ActionStarted:
		return "ConversationRelay session " + m.sid + " started"
	case ActionEnded:
		s := fmt.Sprintf("ConversationRelay session %s %s: %s", m.sid, e.status, e.text)
		if m.handoff != nil {
			s += "; handoffData " + strconv.Quote(*m.handoff)
		}
		return s
	case ActionFailed:
		return fmt.Sprintf("ConversationRelay session %s failed (%d): %s", m.sid, e.code, e.text)
	case ActionAgentSaid:
		if m.noun == talkGreeting {
			return fmt.Sprintf("the agent greets: %q (%s, %v)", e.text, m.name, e.dur)
		}
		return fmt.Sprintf("the agent says %q (%s, %v)", e.text, m.name, e.dur)
	case ActionAgentPlayed:
		return fmt.Sprintf("the agent plays %s (%v)", e.url, e.dur)
	case ActionAgentDigits:
		return fmt.Sprintf("the agent sends digits %s (%v)", e.digits, e.dur)
	case ActionInterrupted:
		return fmt.Sprintf("the caller interrupted the agent (%s) after %dms, having heard %s", m.noun, e.dur.Milliseconds(), strconv.Quote(e.text))
	case ActionPreempted:
		return fmt.Sprintf("the application's next message cut the agent after %dms, having said %s", e.dur.Milliseconds(), strconv.Quote(e.text))
	case ActionLanguage:
		return "the agent switches language: " + e.text
	}
	return e.text
}
