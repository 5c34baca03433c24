package harness

import (
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// recorder is a <Record> in progress. Its methods run with srv.mu held.
type recorder struct {
	c         *Call
	v         *twiml.Record
	rec       *Recording // nil during the beep
	begun     time.Time
	talkStart time.Time     // when the far end started talking, if it did
	talkFor   time.Duration // how long it means to talk
	talked    time.Duration // how long it spoke into the recording
	text      string        // what it said, for the transcription
	timers    []*clock.Timer
}

// recordVerbLocked beeps, records what the far end says until a finish
// key, silence, maxLength or a hang-up, then requests the action with the
// recording. An empty recording makes no request: the call goes on with
// the next verb, as Twilio's <Record> page says (see
// [Fidelity.EmptyRecordingRequestsAction]).
func (c *Call) recordVerbLocked(v *twiml.Record) bool {
	r := &recorder{c: c, v: v}
	c.program.active = r
	var beep time.Duration
	if v.PlayBeep {
		beep = c.srv.cfg.fidelity.BeepLength
		c.recordLocked(callEvent{kind: EventRecord, action: ActionBeep, dur: beep})
	}
	r.at(beep, r.begin)
	return true
}

func (r *recorder) at(d time.Duration, fn func()) {
	r.timers = append(r.timers, r.c.afterUnlessMovedOnLocked(d, fn))
}

// begin starts the recording and schedules how it can end.
func (r *recorder) begin() {
	c, v := r.c, r.v
	cbURL := ""
	if v.RecordingStatusCallback != "" {
		var err error
		if cbURL, err = c.resolveLocked(v.RecordingStatusCallback); err != nil {
			c.notifyLocked(codeInvalidURL, LevelWarning, "recordingStatusCallback: "+err.Error(), v.RecordingStatusCallback, "")
		}
	}
	rec, w := c.newRecordingLocked(sourceRecord, 1, "inbound", v.Trim, cbURL, v.RecordingStatusCallbackMethod,
		recEvents(v.RecordingStatusCallbackEvent))
	r.rec, r.begun = rec, c.srv.clock.Now()
	c.srv.out.postLocked(w)
	c.recordLocked(callEvent{kind: EventRecord, action: ActionStarted, more: &eventMore{sid: rec.SID}})
	if v.MaxLength > 0 {
		r.at(time.Duration(v.MaxLength)*time.Second, func() { r.finish("", "maxLength reached") })
	}
	step := c.stepForLocked("Record", c.program.lastPrompt)
	if step == nil {
		r.silence(0)
		return
	}
	r.plan(step)
}

// plan schedules what the far end does into the recording.
func (r *recorder) plan(step *scenario.Step) {
	d := step.Do
	switch d.Kind {
	case scenario.Talk:
		r.at(d.Delay, func() {
			r.c.recordLocked(callEvent{kind: EventInput, action: ActionTalked, dur: d.Duration, text: d.Text})
			r.talkStart, r.talkFor, r.text = r.c.srv.clock.Now(), d.Duration, d.Text
		})
		end := d.Delay + d.Duration
		r.at(end, func() {
			switch {
			case d.HangUpAfterTalk:
				r.c.farEndHangsUpLocked("the far end hung up after leaving a message")
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
		r.at(d.Delay, func() { r.c.farEndHangsUpLocked("the far end hung up during <Record>") })
		r.silence(0)
	default:
		r.silence(0)
	}
}

// silence ends the recording after timeout seconds of silence from from
// (timeout 0 disables it).
func (r *recorder) silence(from time.Duration) {
	if r.v.Timeout > 0 {
		r.at(from+time.Duration(r.v.Timeout)*time.Second, func() { r.finish("", "silence") })
	}
}

// key handles a key: one of finishOnKey ends the recording.
func (r *recorder) key(k byte) {
	r.c.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: string(k)})
	if strings.IndexByte(r.v.FinishOnKey, k) >= 0 {
		r.finish(string(k), "finished on a key")
	}
}

// stopRecording ends the recording and returns its length as Twilio
// reports it to the action (before trimming).
func (r *recorder) stopRecording() time.Duration {
	now := r.c.srv.clock.Now()
	if !r.talkStart.IsZero() {
		r.talked = min(now.Sub(r.talkStart), r.talkFor) // cut short by maxLength or a hang-up
	}
	whole := now.Sub(r.begun)
	kept := whole
	if r.v.Trim != "do-not-trim" {
		kept = r.talked
		if !r.talkStart.IsZero() {
			r.rec.offset = r.talkStart.Sub(r.begun) // the silence before the talk is trimmed
		}
	}
	r.rec.stopLocked(now, kept)
	return whole
}

// recordStopped records the end of the recording: why, how long the verb
// recorded and how much it kept.
func (r *recorder) recordStopped(why string, whole time.Duration) {
	r.c.recordLocked(callEvent{kind: EventRecord, action: ActionStopped, text: why, dur: r.rec.Duration,
		more: &eventMore{sid: r.rec.SID, elapsed: whole}})
}

// skipsAction reports whether the recording is empty and so requests no
// action.
func (r *recorder) skipsAction() bool {
	return r.talked == 0 && !r.c.srv.cfg.fidelity.EmptyRecordingRequestsAction
}

// finish ends the recording and requests the action (or goes on with the
// next verb, for an empty recording).
func (r *recorder) finish(digits, why string) {
	c := r.c
	r.stopLocked()
	c.program.active = nil
	whole := r.stopRecording()
	r.recordStopped(why, whole)
	if r.skipsAction() {
		r.callbacks(c.line.status)
		c.nextLocked()
		return
	}
	c.transferLocked(KindAction, r.v.Action, r.v.Method, r.actionParams(whole, digits))
	r.callbacks(c.line.status) // after the action: the recording file is ready later
}

// actionParams are the recording's parameters of the action request.
func (r *recorder) actionParams(whole time.Duration, digits string) signing.Params {
	p := signing.Params{
		{Name: "RecordingDuration", Value: strconv.Itoa(int(whole / time.Second))},
		{Name: "RecordingSid", Value: r.rec.SID},
		{Name: "RecordingUrl", Value: r.rec.URL},
	}
	if digits != "" {
		p = append(signing.Params{{Name: "Digits", Value: digits}}, p...)
	}
	return p
}

// callbacks posts the recording's completed (or absent) callback and the
// transcription, which reports the call as st.
func (r *recorder) callbacks(st Status) {
	c := r.c
	ev := recCompleted
	if r.rec.Status == "absent" {
		ev = recAbsent
	}
	c.srv.out.postLocked(c.recordingCallbackLocked(r.rec, ev))
	if !r.v.Transcribe || r.v.TranscribeCallback == "" {
		return
	}
	u, err := c.resolveLocked(r.v.TranscribeCallback)
	if err != nil {
		c.notifyLocked(codeInvalidURL, LevelWarning, "transcribeCallback: "+err.Error(), r.v.TranscribeCallback, "")
		return
	}
	sid := c.srv.ids.SID("TR")
	status := "completed"
	if r.talked == 0 {
		status = "failed"
	}
	p := c.standardParamsLocked(st)
	for _, kv := range []signing.Param{
		{Name: "RecordingSid", Value: r.rec.SID}, {Name: "RecordingUrl", Value: r.rec.URL},
		{Name: "TranscriptionSid", Value: sid}, {Name: "TranscriptionStatus", Value: status},
		{Name: "TranscriptionText", Value: r.text},
		{Name: "TranscriptionUrl", Value: "https://api.twilio.com/2010-04-01/Accounts/" + c.account + "/Transcriptions/" + sid},
	} {
		p.Add(kv.Name, kv.Value)
	}
	c.srv.out.postLocked(c.srv.out.buildLocked(KindTranscription, c, "POST", u, p))
}

// stopLocked cancels what the recording scheduled.
func (r *recorder) stopLocked() {
	for _, t := range r.timers {
		r.c.srv.clock.Cancel(t)
	}
}

// hungUpLocked ends the recording because the caller hung up: Twilio still
// requests the action, with Digits=hangup and CallStatus=completed, and
// ignores what it answers (unless the recording is empty).
func (r *recorder) hungUpLocked() *webhook {
	c := r.c
	r.stopLocked()
	if r.rec == nil { // hung up during the beep
		return nil
	}
	whole := r.stopRecording()
	r.recordStopped("the caller hung up", whole)
	if !r.skipsAction() {
		c.srv.out.postLocked(c.finalActionLocked(r.v.Action, r.v.Method, r.actionParams(whole, "hangup")))
	}
	r.callbacks(StatusCompleted) // after the action: the recording file is ready later
	return nil
}

// finalActionLocked builds the action request Twilio makes about a verb
// after the caller hung up: CallStatus=completed, the reply ignored.
func (c *Call) finalActionLocked(action, method string, extra signing.Params) *webhook {
	u, err := c.resolveLocked(action)
	if err != nil {
		c.notifyLocked(codeInvalidURL, LevelError, err.Error(), action, method)
		return nil
	}
	p := c.standardParamsLocked(StatusCompleted)
	for _, kv := range extra {
		p.Add(kv.Name, kv.Value)
	}
	return c.srv.out.buildLocked(KindAction, c, method, u, p)
}
