package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// The caller's side of a ConversationRelay session: the far end's script
// as a conversation. The caller takes a turn each time the agent has
// spoken (its welcome greeting, or an answer), and at the start when there
// is no greeting: the first step of its script that fits, matched against
// what the agent said (WhenPromptContains), acts after its delay, counted
// from when the agent stopped speaking; a step that interrupts (barge-in)
// counts its delay from when the agent started. Its speech becomes a
// prompt (partial prompts first, when asked for) once said; its keys are
// dtmf messages when detection is on; either interrupts the agent when
// what plays allows it.

// callerTurns is where the caller is in the conversation. Its methods run
// with srv.mu held.
type callerTurns struct {
	used    bool   // a step was picked in this turn
	planned bool   // a picked step waits to act
	heard   string // what the agent said in this turn
	cycle   int    // the talk cycle heard last
}

// turnLocked starts a turn of the caller's: the agent said prompt (or
// nothing), and is silent.
func (ct *callerTurns) turnLocked(r *relay, prompt string) {
	r.call.countVerbLocked(relayVerbName)
	ct.used, ct.heard = false, prompt
	ct.pickLocked(r, ct.heard, nil)
}

// agentStartsLocked: the agent starts to speak after silence, about to say
// text. It opens a new turn, unless the caller's step already waits; only
// a step that interrupts is picked now.
func (ct *callerTurns) agentStartsLocked(r *relay, text string) {
	if ct.planned {
		return
	}
	r.call.countVerbLocked(relayVerbName)
	ct.used, ct.heard = false, ""
	ct.pickLocked(r, text, func(s *scenario.Step) bool { return s.Do.BargeIn })
}

// heardLocked adds what the agent said to the turn.
func (ct *callerTurns) heardLocked(it *talkItem) {
	switch {
	case it.kind != talkText && it.kind != talkGreeting:
	case it.cycle == ct.cycle && ct.heard != "":
		ct.heard += it.text // a talk cycle's tokens join as sent
	default:
		ct.heard = joinWords(ct.heard, it.text)
	}
	ct.cycle = it.cycle
}

// agentStopsLocked: the agent has said all it had to say. The caller's
// step of the turn is picked now, unless one waits already; if the turn's
// step acted already (the agent went on regardless), a new turn begins.
func (ct *callerTurns) agentStopsLocked(r *relay) {
	if ct.planned {
		return
	}
	if ct.used {
		r.call.countVerbLocked(relayVerbName)
	}
	ct.pickLocked(r, ct.heard, nil)
}

// noAnswerLocked: the caller's input got no answer (none in time, or none
// to its keys). The caller takes its next turn, unless the agent speaks or
// is about to (what the application sent at this instant is queued): the
// caller's turn then comes when the agent stops.
func (ct *callerTurns) noAnswerLocked(r *relay) {
	if ct.planned || r.talk.busy() {
		return
	}
	r.call.countVerbLocked(relayVerbName)
	ct.used, ct.heard = false, ""
	ct.pickLocked(r, ct.heard, nil)
}

// pickLocked picks the caller's step for the turn (one that only passes,
// if set), matched against prompt (what the agent said in the turn, or is
// about to say), and schedules it.
func (ct *callerTurns) pickLocked(r *relay, prompt string, only func(*scenario.Step) bool) {
	step := r.call.stepWhereLocked(relayVerbName, prompt, only)
	if step == nil {
		return
	}
	ct.used, ct.planned = true, true
	r.afterLocked(step.Do.Delay, func() {
		ct.planned = false
		ct.actLocked(r, step)
	})
}

// actLocked does the caller's step now.
func (ct *callerTurns) actLocked(r *relay, step *scenario.Step) {
	c := r.call
	do := step.Do
	switch do.Kind {
	case scenario.HangUp:
		c.farEndHangsUpLocked("the caller hung up during the conversation")
	case scenario.Speak:
		ct.speakLocked(r, do)
	case scenario.Talk:
		c.recordLocked(callEvent{kind: EventInput, action: ActionTalked, dur: do.Duration})
		r.talk.interruptLocked(r, inputSpeech)
		r.addTurnLocked(ConversationTurn{Speaker: SpeakerCaller, Kind: TurnTalk, Duration: do.Duration, Unreported: true})
		r.afterLocked(do.Duration, func() {
			if do.HangUpAfterTalk {
				c.farEndHangsUpLocked("the caller hung up after talking")
				return
			}
			ct.noAnswerLocked(r)
		})
	case scenario.Press:
		ct.pressLocked(r, do)
	case scenario.Silent:
		c.noteLocked("the caller stays silent")
	}
}

// speakLocked: the caller says do.Text. Heard from its first word, it
// interrupts the agent if it may; Twilio reports it as a prompt once it is
// said, unless the agent spoke on and Twilio does not report speech meanwhile.
func (ct *callerTurns) speakLocked(r *relay, do scenario.Action) {
	c := r.call
	lang := r.promptLang(do.Language)
	c.recordLocked(callEvent{kind: EventInput, action: ActionSpoke, text: do.Text, more: &eventMore{noun: relayVerbName, name: lang}})
	r.infoLocked("speaker-events", "clientSpeaking", "on")
	report := true
	if r.talk.speaking() && !r.talk.interruptLocked(r, inputSpeech) && r.cfg.reportDuring&inputSpeech == 0 {
		report = false
		c.noteLocked(fmt.Sprintf("the caller spoke while the agent did (interruptible=%s, reportInputDuringAgentSpeech=%s): Twilio reports nothing", r.talk.cur.interrupt, r.cfg.reportDuring))
	}
	r.addTurnLocked(ConversationTurn{Speaker: SpeakerCaller, Kind: TurnSpeech, Text: do.Text, Lang: lang,
		Duration: speechDuration(do.Text), Confidence: do.Confidence, Unreported: !report})
	words := len(strings.Fields(do.Text))
	if report && r.cfg.partialPrompts {
		for i := 1; i < words; i++ {
			partial := firstWords(do.Text, i)
			r.afterLocked(time.Duration(i)*400*time.Millisecond, func() {
				r.sendLocked(promptMessage(partial, lang, false), "prompt")
			})
		}
	}
	r.afterLocked(speechDuration(do.Text), func() {
		r.infoLocked("speaker-events", "clientSpeaking", "off")
		if !report {
			ct.noAnswerLocked(r)
			return
		}
		r.sendLocked(promptMessage(do.Text, lang, true), "prompt")
		r.awaitAnswerLocked()
	})
}

// pressLocked: the caller presses do.Digits, KeyGap apart. Each key
// interrupts the agent if it may, and is a dtmf message when detection is
// on (and Twilio reports keys while the agent speaks, if it does). Once the
// keys are in and the application has read them, a caller left in silence
// takes its next turn.
func (ct *callerTurns) pressLocked(r *relay, do scenario.Action) {
	gap := do.KeyGap
	if gap == 0 {
		gap = scenario.DefaultKeyGap
	}
	keys := []rune(do.Digits)
	turn := -1 // the keys' turn, once the first is pressed
	for i, k := range keys {
		r.afterLocked(time.Duration(i)*gap, func() {
			key := string(k)
			r.call.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: key})
			speaking := r.talk.speaking()
			interrupted := speaking && r.talk.interruptLocked(r, inputDTMF)
			reported := r.cfg.dtmfDetection && (!speaking || interrupted || r.cfg.reportDuring&inputDTMF != 0)
			if reported {
				r.sendLocked(dtmfRelayMessage(key), "dtmf")
			}
			if n := len(r.turns); turn < 0 {
				r.addTurnLocked(ConversationTurn{Speaker: SpeakerCaller, Kind: TurnKeys, Unreported: true})
				if len(r.turns) > n {
					turn = n
				}
			}
			if turn >= 0 {
				t := &r.turns[turn]
				t.Text += key
				t.Duration = r.call.srv.clock.Now().Sub(t.Time)
				t.Unreported = t.Unreported && !reported
			}
			if i == len(keys)-1 {
				// After the exchange that carries the key: a clock event of
				// the call waits for it.
				r.afterLocked(0, func() { ct.noAnswerLocked(r) })
			}
		})
	}
}

// infoLocked sends an info message of the debug channel, if the session's
// debug attribute asks for what (debugging, speaker-events, tokens-played).
func (r *relay) infoLocked(what, name, value string) {
	if r.cfg.debug[what] {
		r.sendLocked(infoMessage(name, value), "info")
	}
}
