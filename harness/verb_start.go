package harness

import (
	"strings"

	"github.com/twimlharness/twimlharness/twiml"
)

// startForkLocked starts streams, SIPREC sessions, transcriptions and
// recordings in the background, and goes on at once. <Stream> and
// <Recording> do what Twilio does; the others are recorded, and connect
// nowhere.
func (c *Call) startForkLocked(v *twiml.Start) bool {
	for _, n := range v.Nouns {
		if sn, ok := n.(*twiml.Stream); ok {
			c.startStreamLocked(sn)
			continue
		}
		rec, ok := n.(*twiml.Recording)
		if !ok {
			c.recordForkLocked(ActionStarted, n)
			continue
		}
		channels := 1
		if rec.Channels == "dual" {
			channels = 2
		}
		cbURL := ""
		if rec.RecordingStatusCallback != "" {
			cbURL, _ = c.resolveLocked(rec.RecordingStatusCallback)
		}
		r, w := c.newRecordingLocked(sourceStart, channels, rec.Track, rec.Trim, cbURL,
			rec.RecordingStatusCallbackMethod, recEvents(rec.RecordingStatusCallbackEvent))
		c.srv.out.postLocked(w)
		c.recordLocked(callEvent{kind: EventFork, action: ActionStarted, more: &eventMore{noun: "recording", sid: r.SID}})
	}
	return false
}

// stopForkLocked stops what <Start> started, by name, and goes on at once.
func (c *Call) stopForkLocked(v *twiml.Stop) bool {
	for _, n := range v.Nouns {
		if sn, ok := n.(*twiml.Stream); ok {
			c.stopStreamLocked(sn)
			continue
		}
		c.recordForkLocked(ActionStopped, n)
	}
	return false
}

// recordForkLocked records a noun of <Start> or <Stop>: its kind, name and
// where it goes.
func (c *Call) recordForkLocked(action EventAction, n twiml.Noun) {
	m := &eventMore{noun: strings.ToLower(n.NounName())}
	var url string
	switch n := n.(type) {
	case *twiml.Stream:
		m.name, m.to, url = n.Name, n.URL, n.URL
	case *twiml.Siprec:
		m.name, m.to = n.Name, n.ConnectorName
	case *twiml.Transcription:
		m.name = n.Name
	}
	c.recordLocked(callEvent{kind: EventFork, action: action, url: url, more: m})
}

// recEvents reads recording status callback event names.
func recEvents(names []string) recEventSet {
	var set recEventSet
	for _, n := range names {
		set |= recordingEvents[n]
	}
	if set == 0 {
		set = recCompleted
	}
	return set
}
