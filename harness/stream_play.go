package harness

import (
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// The application's audio on a bidirectional stream, played to the far
// end: 8 bytes of μ-law a millisecond of virtual time, in the order
// received. A run of audio ends when the queue has run dry and nothing
// more came by the next turn, so that audio sent in pieces as it is made
// (20 ms at a time, say) is one run. A mark is echoed once the audio queued before it has played
// (at the first turn after), or at once (the next turn) when nothing is
// queued; a clear drops the queued audio and echoes the pending marks.

// markCleared is the noun of an ActionMark echoed by a clear.
const markCleared = "cleared"

// playItem is audio, or a mark, in the play queue.
type playItem struct {
	audio []byte
	mark  string
	isMrk bool
}

// playback is a stream's play queue.
type playback struct {
	queue   []playItem
	queued  int       // bytes of audio in the queue
	pos     time.Time // played up to
	playing bool      // audio is playing
	drained bool      // the queue ran dry at the last turn: the run ends unless audio comes before the next
	run     int       // bytes played since it started
}

// addAudioLocked queues the application's audio.
func (p *playback) addAudioLocked(st *stream, b []byte) {
	if len(b) == 0 {
		return
	}
	if p.queued+len(b) > maxBuffered {
		st.warnOnceLocked(codeStreamMediaDropped, LevelWarning, "Stream - Media - Media Discarded: more than 10 minutes of audio is buffered; no more is accepted until it plays")
		return
	}
	switch {
	case p.drained: // the run goes on: the application sent more in time
		p.drained, p.pos = false, st.call.srv.clock.Now()
	case !p.playing:
		p.playing, p.run, p.pos = true, 0, st.call.srv.clock.Now()
		st.cueLocked(scenario.CueAudioStarts, "")
	}
	// What plays on the call is heard on its outbound track too (by a
	// fork of both tracks, say), from where the queue ends.
	v := st.call.voice
	v.segs[trackOutbound] = append(v.segs[trackOutbound], voiceSeg{from: p.pos.Add(bytesDuration(p.queued)), dur: bytesDuration(len(b)), audio: b, app: st})
	p.queue = append(p.queue, playItem{audio: b})
	p.queued += len(b)
}

// addMarkLocked queues a mark, or echoes it when nothing is queued.
func (p *playback) addMarkLocked(st *stream, name string) {
	if p.queued == 0 {
		p.echoLocked(st, name, false)
		return
	}
	p.queue = append(p.queue, playItem{mark: name, isMrk: true})
}

// echoLocked sends the mark back and lets the far end's steps that wait
// for it act; cleared says a clear dropped the audio before it.
func (p *playback) echoLocked(st *stream, name string, cleared bool) {
	st.queueLocked(st.markMessage(st.nextSeq(), name), StreamMessage{Event: "mark", Name: name, FirstSeq: st.seq, LastSeq: st.seq})
	more := &eventMore{sid: st.sid, name: name}
	if cleared {
		more.noun = markCleared
	}
	st.call.recordLocked(callEvent{kind: EventStream, action: ActionMark, text: name, more: more})
	st.cueLocked(scenario.CueMark, name)
}

// advanceLocked plays the queue up to now: audio is consumed, the marks
// it reaches are echoed, and the far end hears what played.
func (p *playback) advanceLocked(st *stream, now time.Time) {
	if p.drained { // nothing came since the queue ran dry: the run is over
		p.finishRunLocked(st)
	}
	if !p.playing {
		return
	}
	budget := int(now.Sub(p.pos)/time.Millisecond) * bytesPerMs
	p.pos = now
	for len(p.queue) > 0 {
		it := &p.queue[0]
		if it.isMrk {
			p.echoLocked(st, it.mark, false)
			p.queue = p.queue[1:]
			continue
		}
		if budget == 0 {
			break
		}
		n := min(budget, len(it.audio))
		it.audio = it.audio[n:]
		budget -= n
		p.queued -= n
		p.run += n
		if len(it.audio) == 0 {
			p.queue = p.queue[1:]
		}
	}
	if p.queued == 0 {
		p.drained = true
	}
}

// clearLocked drops the queued audio and echoes the pending marks.
func (p *playback) clearLocked(st *stream) {
	left := p.queued
	var marks []string
	for _, it := range p.queue {
		if it.isMrk {
			marks = append(marks, it.mark)
		}
	}
	p.queue, p.queued = nil, 0
	st.call.voice.cutLocked(st, st.call.srv.clock.Now())
	st.call.recordLocked(callEvent{kind: EventStream, action: ActionCleared, dur: bytesDuration(left), more: &eventMore{sid: st.sid, name: st.name}})
	p.finishRunLocked(st)
	for _, m := range marks {
		p.echoLocked(st, m, true)
	}
}

// finishRunLocked ends a run of the application's audio: the far end
// heard it.
func (p *playback) finishRunLocked(st *stream) {
	if !p.playing {
		return
	}
	p.playing, p.drained = false, false
	st.call.recordLocked(callEvent{kind: EventStream, action: ActionPlayed, dur: bytesDuration(p.run), more: &eventMore{sid: st.sid, name: st.name}})
	st.cueLocked(scenario.CueAudioStops, "")
}

// endLocked ends playback with the stream: what played so far was heard.
func (p *playback) endLocked(st *stream) {
	if p.playing {
		p.advanceLocked(st, st.call.srv.clock.Now())
		p.finishRunLocked(st)
	}
	p.queue, p.queued = nil, 0
	st.call.voice.cutLocked(st, st.call.srv.clock.Now())
}

// bytesDuration is how long n bytes of μ-law play.
func bytesDuration(n int) time.Duration {
	return time.Duration(n) * time.Millisecond / bytesPerMs
}
