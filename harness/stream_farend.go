package harness

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/audio"
	"github.com/twimlharness/twimlharness/scenario"
)

// The far end's audio on a stream. A call with streams keeps a timeline of
// what is heard on it (callVoice), built from its events as they are
// recorded: the far end speaking or talking (at a <Gather>, a <Record>, in
// a conference, in the stream) on the inbound track, the call's <Say> and
// <Play> on the outbound track, as a deterministic synthetic voice of the
// event's length; audio the far end's script gives (SpeaksAudio) as is.
// Each turn of a stream renders its frame from it; silence elsewhere.

// voiceSeg is a stretch of sound on one track.
type voiceSeg struct {
	from  time.Time
	dur   time.Duration
	audio []byte  // nil: the synthetic voice
	app   *stream // the bidirectional stream whose application's audio it is, if any
}

// callVoice is a call's timeline of sound, by track.
type callVoice struct {
	segs [2][]voiceSeg
}

// heardLocked adds the sound an event of the call's makes.
func (v *callVoice) heardLocked(ev *callEvent) {
	t, d := -1, ev.dur
	switch {
	case ev.kind == EventInput && ev.action == ActionSpoke:
		t, d = trackInbound, speechDuration(ev.text)
	case ev.kind == EventInput && ev.action == ActionTalked && (ev.more == nil || ev.more.noun != "audio"):
		t = trackInbound
	case ev.kind == EventSay, ev.kind == EventPlay:
		t = trackOutbound
	}
	if t >= 0 && d > 0 {
		v.segs[t] = append(v.segs[t], voiceSeg{from: ev.at, dur: d})
	}
}

// renderLocked fills frame with the sound of track t from at on.
func (v *callVoice) renderLocked(t int, at time.Time, frame []byte) {
	for i := range frame {
		frame[i] = audio.MulawSilence
	}
	for _, sg := range v.segs[t] {
		rel := int(sg.from.Sub(at) * audio.SampleRate / time.Second) // where in the frame it starts, in samples
		n := int(sg.dur * audio.SampleRate / time.Second)
		if sg.audio != nil {
			n = len(sg.audio)
		}
		lo, hi := max(rel, 0), min(len(frame), rel+n)
		if lo >= hi {
			continue
		}
		if sg.audio == nil {
			audio.Speech(frame[lo:hi], int64(lo-rel))
			continue
		}
		copy(frame[lo:hi], sg.audio[lo-rel:])
	}
}

// cutLocked cuts the application audio of st that was to play from t on:
// a clear.
func (v *callVoice) cutLocked(st *stream, t time.Time) {
	segs := v.segs[trackOutbound]
	keep := segs[:0]
	for _, sg := range segs {
		if sg.app == st && !sg.from.Before(t) {
			continue
		}
		if sg.app == st && sg.from.Add(sg.dur).After(t) {
			sg.dur = t.Sub(sg.from)
			sg.audio = sg.audio[:int(sg.dur/time.Millisecond)*bytesPerMs]
		}
		keep = append(keep, sg)
	}
	clear(segs[len(keep):])
	v.segs[trackOutbound] = keep
}

// pruneLocked forgets the sound that ended before t.
func (v *callVoice) pruneLocked(t time.Time) {
	for tr, segs := range v.segs {
		keep := segs[:0]
		for _, sg := range segs {
			if sg.from.Add(sg.dur).After(t) {
				keep = append(keep, sg)
			}
		}
		clear(segs[len(keep):])
		v.segs[tr] = keep
	}
}

// planLocked schedules the far end's steps for the stream: each one at
// "Stream", after its delay from now, or from its cue.
func (st *stream) planLocked() {
	c := st.call
	c.countVerbLocked("Stream")
	for _, step := range c.stepsAtLocked("Stream") {
		if step.Do.On.Kind != scenario.CueNone {
			st.waits = append(st.waits, step)
			continue
		}
		st.afterLocked(step.Do.Delay, func() { st.actLocked(step) })
	}
}

// afterLocked runs fn after d while the stream is open.
func (st *stream) afterLocked(d time.Duration, fn func()) {
	st.timers = append(st.timers, st.call.afterUnlessEndedLocked(d, func() {
		if st.state == streamOpen {
			fn()
		}
	}))
}

// cueLocked runs the far end's steps waiting for the cue: kind, and the
// mark's name for a mark.
func (st *stream) cueLocked(kind scenario.CueKind, mark string) {
	if len(st.waits) == 0 {
		return
	}
	keep := st.waits[:0]
	for _, step := range st.waits {
		on := step.Do.On
		if on.Kind != kind || kind == scenario.CueMark && on.Mark != mark {
			keep = append(keep, step)
			continue
		}
		if step.Repeat {
			keep = append(keep, step)
		}
		st.afterLocked(step.Do.Delay, func() { st.actLocked(step) })
	}
	st.waits = keep
}

// actLocked does a step of the far end's in the stream now.
func (st *stream) actLocked(step *scenario.Step) {
	c := st.call
	do := step.Do
	switch do.Kind {
	case scenario.HangUp:
		c.farEndHangsUpLocked("the far end hung up during the stream")
	case scenario.Speak:
		c.recordLocked(callEvent{kind: EventInput, action: ActionSpoke, text: do.Text})
	case scenario.Talk:
		c.recordLocked(callEvent{kind: EventInput, action: ActionTalked, dur: do.Duration, text: do.Text})
		if do.HangUpAfterTalk {
			st.afterLocked(do.Duration, func() { c.farEndHangsUpLocked("the far end hung up after talking") })
		}
	case scenario.SpeakAudio:
		ulaw, err := farEndAudio(do.AudioFormat, do.Audio)
		if err != nil {
			c.notifyLocked(CodeBadAudio, LevelError, fmt.Sprintf("the far end's audio (%s) cannot be streamed: %v; it stays silent", do.AudioFormat, err), "", "")
			return
		}
		d := bytesDuration(len(ulaw))
		c.recordLocked(callEvent{kind: EventInput, action: ActionTalked, dur: d, text: "audio", more: &eventMore{noun: "audio"}})
		c.voice.segs[trackInbound] = append(c.voice.segs[trackInbound], voiceSeg{from: c.srv.clock.Now(), dur: d, audio: ulaw})
	case scenario.Press:
		gap := do.KeyGap
		if gap == 0 {
			gap = scenario.DefaultKeyGap
		}
		for i, k := range do.Digits {
			if i == 0 {
				st.pressLocked(string(k)) // now, in this turn
				continue
			}
			st.afterLocked(time.Duration(i)*gap, func() { st.pressLocked(string(k)) })
		}
	}
}

// pressLocked is a key the far end presses: a dtmf message on a
// bidirectional stream (Twilio sends none on a unidirectional one).
func (st *stream) pressLocked(key string) {
	st.call.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: key})
	if st.connect {
		st.queueLocked(st.dtmfMessage(st.nextSeq(), key), StreamMessage{Event: "dtmf", Digit: key, FirstSeq: st.seq, LastSeq: st.seq})
	}
}

// farEndAudio returns the far end's audio as μ-law.
func farEndAudio(format string, data []byte) ([]byte, error) {
	switch format {
	case scenario.AudioMulaw:
		return data, nil
	case scenario.AudioPCM16:
		if len(data)%2 != 0 {
			return nil, fmt.Errorf("16-bit PCM of %d bytes: not a whole number of samples", len(data))
		}
		pcm := make([]int16, len(data)/2)
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		return audio.EncodePCM(pcm), nil
	case scenario.AudioWAV:
		return audio.DecodeWAV(data)
	}
	return nil, fmt.Errorf("unknown format %q (want %s, %s or %s)", format, scenario.AudioMulaw, scenario.AudioPCM16, scenario.AudioWAV)
}
