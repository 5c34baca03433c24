package harness

import "github.com/twimlharness/twimlharness/twiml"

// verbSpec says how the interpreter treats one verb: what it means for the
// call around it, and the function that runs it. Adding a verb is a file
// with its run function and one entry in [verbTable].
type verbSpec struct {
	// answers reports whether the verb answers an incoming call that is
	// still ringing (Twilio answers on the first verb that does).
	answers func(twiml.Verb) bool
	// inWhisper: the verb may run in the whisper document of a dialed
	// party (others end the leg with 13201).
	inWhisper bool
	// takesInput: the verb waits for the far end, and its steps count as
	// the script's inputs (key presses, speech, talk, a hang-up).
	takesInput bool
	// run executes the verb, with srv.mu held, and reports whether the
	// call now waits for something (the clock, a request, the far end).
	run func(c *Call, v twiml.Verb) bool
}

// verbTable returns every verb the interpreter runs, by element name. A
// verb of the twiml package that is not here ends the call with
// [CodeNotSimulated]. Each server builds it once and only reads it.
func verbTable() map[string]verbSpec {
	return map[string]verbSpec{
		"Say":      {answers: always, inWhisper: true, run: runs((*Call).sayLocked)},
		"Play":     {answers: always, inWhisper: true, run: runs((*Call).playLocked)},
		"Pause":    {answers: never, inWhisper: true, run: runs((*Call).pauseLocked)},
		"Gather":   {answers: always, inWhisper: true, takesInput: true, run: runs((*Call).gatherLocked)},
		"Hangup":   {answers: always, inWhisper: true, run: runs((*Call).hangupVerbLocked)},
		"Record":   {answers: always, takesInput: true, run: runs((*Call).recordVerbLocked)},
		"Dial":     {answers: dialAnswers, takesInput: true, run: runs((*Call).dialLocked)},
		"Redirect": {answers: never, run: runs((*Call).redirectVerbLocked)},
		"Reject":   {answers: never, run: runs((*Call).rejectLocked)},
		"Sms":      {answers: never, run: runs((*Call).smsLocked)},
		"Start":    {answers: never, run: runs((*Call).startForkLocked)},
		"Connect":  {answers: always, run: runs((*Call).connectVerbLocked)},
		"Stop":     {answers: never, run: runs((*Call).stopForkLocked)},
		"Echo":     {answers: always, run: runs((*Call).echoLocked)},
		"Enqueue":  {answers: always, run: runs((*Call).enqueueLocked)},
		"Leave":    {answers: never, inWhisper: false, run: runs((*Call).leaveVerbLocked)},
	}
}

// runs adapts a verb's typed run function to the table.
func runs[V twiml.Verb](run func(*Call, V) bool) func(*Call, twiml.Verb) bool {
	return func(c *Call, v twiml.Verb) bool { return run(c, v.(V)) }
}

func always(twiml.Verb) bool { return true }

func never(twiml.Verb) bool { return false }

// dialAnswers: a <Dial> answers at once unless answerOnBridge delays the
// answer until a leg is bridged.
func dialAnswers(v twiml.Verb) bool { return !v.(*twiml.Dial).AnswerOnBridge }

// takesInput reports whether the verb named name waits for the far end.
// A ConversationRelay session takes input too: the caller's turns.
func (s *Server) takesInput(name string) bool {
	return name == relayVerbName || s.verbs[name].takesInput
}
