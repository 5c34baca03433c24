package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// recordingVerb is a <Record> in progress. Its methods run with srv.mu
// held.
type recordingVerb struct {
	c         *Call
	v         *twiml.Record
	rec       *Recording
	begun     time.Time
	talkStart time.Time     // when the far end started talking, if it did
	talkFor   time.Duration // how long it means to talk
	talked    time.Duration // how long it spoke into the recording
	text      string        // what it said, for the transcription
	timers    []*timer
}

// recordVerb beeps, records what the far end says until a finish key,
// silence, maxLength or a hang-up, then requests the action with the
// recording.
func (c *Call) recordVerb(v *twiml.Record) bool {
	r := &recordingVerb{c: c, v: v}
	c.active = r
	var beep time.Duration
	if v.PlayBeep {
		beep = c.srv.cfg.fidelity.BeepLength
		c.record(callEvent{kind: EventRecord, text: "beep", dur: beep})
	}
	r.at(beep, r.begin)
	return true
}

func (r *recordingVerb) at(d time.Duration, fn func()) {
	r.timers = append(r.timers, r.c.later(d, fn))
}

// begin starts the recording and schedules how it can end.
func (r *recordingVerb) begin() {
	c, v := r.c, r.v
	cbURL := ""
	if v.RecordingStatusCallback != "" {
		var err error
		if cbURL, err = c.resolve(v.RecordingStatusCallback); err != nil {
			c.notify(twiml.CodeInvalidURL, LevelWarning, "recordingStatusCallback: "+err.Error(), v.RecordingStatusCallback, "")
		}
	}
	rec, w := c.newRecording(sourceRecord, 1, "inbound", v.Trim, cbURL, v.RecordingStatusCallbackMethod,
		recEvents(v.RecordingStatusCallbackEvent))
	r.rec, r.begun = rec, c.srv.clock.now
	c.srv.post(w)
	c.record(callEvent{kind: EventRecord, text: "recording " + rec.SID})
	if v.MaxLength > 0 {
		r.at(time.Duration(v.MaxLength)*time.Second, func() { r.finish("", "maxLength reached") })
	}
	step := c.stepFor("Record", c.lastPrompt)
	if step == nil {
		r.silence(0)
		return
	}
	r.plan(step)
}

// plan schedules what the far end does into the recording.
func (r *recordingVerb) plan(step *scenario.Step) {
	d := step.Do
	switch d.Kind {
	case scenario.Talk:
		r.at(d.Delay, func() {
			r.c.record(callEvent{kind: EventInput, text: fmt.Sprintf("talks for %v", d.Duration)})
			r.talkStart, r.talkFor, r.text = r.c.srv.clock.now, d.Duration, d.Text
		})
		end := d.Delay + d.Duration
		r.at(end, func() {
			switch {
			case d.HangUpAfterTalk:
				r.c.farEndHangsUp("the far end hung up after leaving a message")
			case d.Digits != "":
				r.key(d.Digits[0])
			}
		})
		if !d.HangUpAfterTalk && d.Digits == "" {
			r.silence(end)
		}
	case scenario.Press:
		if d.Digits != "" {
			r.at(d.Delay, func() { r.key(d.Digits[0]) })
		}
		r.silence(0)
	case scenario.HangUp:
		r.at(d.Delay, func() { r.c.farEndHangsUp("the far end hung up during <Record>") })
		r.silence(0)
	default:
		r.silence(0)
	}
}

// silence ends the recording after timeout seconds of silence from
// from (timeout 0 disables it).
func (r *recordingVerb) silence(from time.Duration) {
	if r.v.Timeout > 0 {
		r.at(from+time.Duration(r.v.Timeout)*time.Second, func() { r.finish("", "silence") })
	}
}

// key handles a key: one of finishOnKey ends the recording.
func (r *recordingVerb) key(k byte) {
	r.c.record(callEvent{kind: EventInput, text: fmt.Sprintf("pressed %q", k)})
	if strings.IndexByte(r.v.FinishOnKey, k) >= 0 {
		r.finish(string(k), "finished on a key")
	}
}

// stopRecording ends the recording and returns its length as Twilio
// reports it to the action (before trimming).
func (r *recordingVerb) stopRecording() time.Duration {
	now := r.c.srv.clock.now
	if !r.talkStart.IsZero() {
		r.talked = min(now.Sub(r.talkStart), r.talkFor) // cut short by maxLength or a hang-up
	}
	whole := now.Sub(r.begun)
	kept := whole
	if r.v.Trim != "do-not-trim" {
		kept = r.talked
	}
	r.rec.stop(now, kept)
	return whole
}

// finish ends the recording and requests the action (or goes on with the
// next verb, for an empty recording when [Fidelity] says so).
func (r *recordingVerb) finish(digits, why string) {
	c := r.c
	r.stop()
	c.active = nil
	whole := r.stopRecording()
	c.record(callEvent{kind: EventRecord, text: fmt.Sprintf("%s (%v): recorded %v", why, whole.Truncate(time.Second), r.rec.Duration)})
	if r.talked == 0 && c.srv.cfg.fidelity.EmptyRecordingSkipsAction {
		r.callbacks(c.status)
		c.next()
		return
	}
	c.transfer(KindAction, r.v.Action, r.v.Method, r.actionParams(whole, digits))
	r.callbacks(c.status) // after the action: the recording file is ready later
}

// actionParams are the recording's parameters of the action request.
func (r *recordingVerb) actionParams(whole time.Duration, digits string) params {
	p := params{
		{"RecordingDuration", strconv.Itoa(int(whole / time.Second))},
		{"RecordingSid", r.rec.SID},
		{"RecordingUrl", r.rec.URL},
	}
	if digits != "" {
		p = append(params{{"Digits", digits}}, p...)
	}
	return p
}

// callbacks posts the recording's completed (or absent) callback and the
// transcription, which reports the call as st.
func (r *recordingVerb) callbacks(st Status) {
	c := r.c
	ev := recCompleted
	if r.rec.Status == "absent" {
		ev = recAbsent
	}
	c.srv.post(c.recordingCallback(r.rec, ev))
	if !r.v.Transcribe || r.v.TranscribeCallback == "" {
		return
	}
	u, err := c.resolve(r.v.TranscribeCallback)
	if err != nil {
		c.notify(twiml.CodeInvalidURL, LevelWarning, "transcribeCallback: "+err.Error(), r.v.TranscribeCallback, "")
		return
	}
	sid := c.srv.ids.sid("TR")
	status := "completed"
	if r.talked == 0 {
		status = "failed"
	}
	p := c.standardParams(st)
	for _, kv := range []param{
		{"RecordingSid", r.rec.SID}, {"RecordingUrl", r.rec.URL}, {"TranscriptionSid", sid},
		{"TranscriptionStatus", status}, {"TranscriptionText", r.text},
		{"TranscriptionUrl", "https://api.twilio.com/2010-04-01/Accounts/" + c.account + "/Transcriptions/" + sid},
	} {
		p.add(kv.name, kv.value)
	}
	c.srv.post(c.srv.newWebhook(KindTranscription, c, "POST", u, p))
}

// stop cancels what the recording scheduled.
func (r *recordingVerb) stop() {
	for _, t := range r.timers {
		r.c.srv.clock.cancel(t)
	}
}

// hungUp ends the recording because the caller hung up: Twilio still
// requests the action, with Digits=hangup and CallStatus=completed, and
// ignores what it answers.
func (r *recordingVerb) hungUp() *webhook {
	c := r.c
	r.stop()
	if r.rec == nil { // hung up during the beep
		return nil
	}
	whole := r.stopRecording()
	c.record(callEvent{kind: EventRecord, text: fmt.Sprintf("the caller hung up (%v): recorded %v", whole.Truncate(time.Second), r.rec.Duration)})
	if !(r.talked == 0 && c.srv.cfg.fidelity.EmptyRecordingSkipsAction) {
		c.srv.post(c.finalAction(r.v.Action, r.v.Method, r.actionParams(whole, "hangup")))
	}
	r.callbacks(StatusCompleted) // after the action: the recording file is ready later
	return nil
}

// finalAction builds the action request Twilio makes about a verb after the
// caller hung up: CallStatus=completed, the reply ignored. Call with srv.mu
// held.
func (c *Call) finalAction(action, method string, extra params) *webhook {
	u, err := c.resolve(action)
	if err != nil {
		c.notify(twiml.CodeInvalidURL, LevelError, err.Error(), action, method)
		return nil
	}
	p := c.standardParams(StatusCompleted)
	for _, kv := range extra {
		p.add(kv.name, kv.value)
	}
	return c.srv.newWebhook(KindAction, c, method, u, p)
}
