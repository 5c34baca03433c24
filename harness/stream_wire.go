package harness

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// The messages of Media Streams, as Twilio writes them: JSON text frames,
// every counter a string, the keys in the order of Twilio's documentation.
// The messages Twilio sends are built by appending, without reflection:
// a minute of audio is 3,000 of them.

// streamMediaFormat is the one format Twilio streams.
const streamMediaFormat = `{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}`

// appendQuoted appends s as a JSON string.
func appendQuoted(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// appendCounter appends n as a JSON string of digits.
func appendCounter(b []byte, n int64) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, n, 10)
	return append(b, '"')
}

// connectedMessage is the first message of every stream.
func connectedMessage() []byte {
	return []byte(`{"event":"connected","protocol":"Call","version":"1.0.0"}`)
}

// startMessage is the stream's start message, with sequence number seq.
func (st *stream) startMessage(seq int64) []byte {
	b := make([]byte, 0, 320)
	b = append(b, `{"event":"start","sequenceNumber":`...)
	b = appendCounter(b, seq)
	b = append(b, `,"start":{"accountSid":`...)
	b = appendQuoted(b, st.call.account)
	b = append(b, `,"streamSid":`...)
	b = appendQuoted(b, st.sid)
	b = append(b, `,"callSid":`...)
	b = appendQuoted(b, st.call.sid)
	b = append(b, `,"tracks":[`...)
	for i, t := range st.trackNames() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, t)
	}
	b = append(b, `],"customParameters":{`...)
	for i, p := range st.params {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, p.Name)
		b = append(b, ':')
		b = appendQuoted(b, p.Value)
	}
	b = append(b, `},"mediaFormat":`...)
	b = append(b, streamMediaFormat...)
	b = append(b, `},"streamSid":`...)
	b = appendQuoted(b, st.sid)
	return append(b, '}')
}

// mediaMessage appends to b a media message of track ("inbound" or
// "outbound").
func (st *stream) mediaMessage(b []byte, seq int64, track string, chunk int64, ts int64, payload []byte) []byte {
	b = append(b, `{"event":"media","sequenceNumber":`...)
	b = appendCounter(b, seq)
	b = append(b, `,"media":{"track":"`...)
	b = append(b, track...)
	b = append(b, `","chunk":`...)
	b = appendCounter(b, chunk)
	b = append(b, `,"timestamp":`...)
	b = appendCounter(b, ts)
	b = append(b, `,"payload":"`...)
	b = base64.StdEncoding.AppendEncode(b, payload)
	b = append(b, `"},"streamSid":"`...)
	b = append(b, st.sid...)
	return append(b, `"}`...)
}

// dtmfMessage is the dtmf message of a key the far end pressed.
func (st *stream) dtmfMessage(seq int64, digit string) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"event":"dtmf","streamSid":"`...)
	b = append(b, st.sid...)
	b = append(b, `","sequenceNumber":`...)
	b = appendCounter(b, seq)
	b = append(b, `,"dtmf":{"track":"inbound_track","digit":`...)
	b = appendQuoted(b, digit)
	return append(b, `}}`...)
}

// markMessage echoes the application's mark name.
func (st *stream) markMessage(seq int64, name string) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"event":"mark","sequenceNumber":`...)
	b = appendCounter(b, seq)
	b = append(b, `,"streamSid":"`...)
	b = append(b, st.sid...)
	b = append(b, `","mark":{"name":`...)
	b = appendQuoted(b, name)
	return append(b, `}}`...)
}

// stopMessage tells the application the stream has stopped.
func (st *stream) stopMessage(seq int64) []byte {
	b := make([]byte, 0, 160)
	b = append(b, `{"event":"stop","sequenceNumber":`...)
	b = appendCounter(b, seq)
	b = append(b, `,"stop":{"accountSid":"`...)
	b = append(b, st.call.account...)
	b = append(b, `","callSid":"`...)
	b = append(b, st.call.sid...)
	b = append(b, `"},"streamSid":"`...)
	b = append(b, st.sid...)
	return append(b, `"}`...)
}

// appMessage is a message the application sent, as read.
type appMessage struct {
	data   []byte
	binary bool
}

// appEvent is a message of the application's, decoded.
type appEvent struct {
	Event     string `json:"event"`
	StreamSid string `json:"streamSid"`
	Media     *struct {
		Payload *string `json:"payload"`
	} `json:"media"`
	Mark *struct {
		Name *string `json:"name"`
	} `json:"mark"`

	audio []byte // the media's payload, decoded
}

// errAppMessage is the error of a message the application may not send.
var errAppMessage = errors.New("invalid message")

// decodeAppMessage reads a message of the application's on the stream
// sid, or says what is wrong with it, as Twilio's 31951 does.
func decodeAppMessage(m appMessage, sid string) (appEvent, error) {
	var ev appEvent
	if payload, ok := plainMedia(m, sid); ok {
		audio, err := base64.StdEncoding.AppendDecode(nil, payload)
		if err == nil {
			ev.Event, ev.StreamSid, ev.audio = "media", sid, audio
			return ev, nil
		}
	}
	if m.binary {
		return ev, fmt.Errorf("%w: a binary frame (Media Streams messages are JSON text)", errAppMessage)
	}
	if err := json.Unmarshal(m.data, &ev); err != nil {
		return ev, fmt.Errorf("%w: not JSON: %v", errAppMessage, err)
	}
	switch ev.Event {
	case "media", "mark", "clear":
	case "":
		return ev, fmt.Errorf("%w: no event", errAppMessage)
	default:
		return ev, fmt.Errorf("%w: unknown event %q (the application may send media, mark and clear)", errAppMessage, ev.Event)
	}
	switch {
	case ev.StreamSid == "":
		return ev, fmt.Errorf("%w: %s without a streamSid", errAppMessage, ev.Event)
	case ev.StreamSid != sid:
		return ev, fmt.Errorf("%w: %s for stream %q, not this stream (%s)", errAppMessage, ev.Event, ev.StreamSid, sid)
	}
	switch ev.Event {
	case "media":
		if ev.Media == nil || ev.Media.Payload == nil {
			return ev, fmt.Errorf("%w: media without media.payload", errAppMessage)
		}
		audio, err := base64.StdEncoding.DecodeString(*ev.Media.Payload)
		if err != nil {
			return ev, fmt.Errorf("%w: media.payload is not base64: %v", errAppMessage, err)
		}
		ev.audio = audio
	case "mark":
		if ev.Mark == nil || ev.Mark.Name == nil {
			return ev, fmt.Errorf("%w: mark without mark.name", errAppMessage)
		}
	}
	return ev, nil
}

// plainMedia returns the payload of a media message written the way most
// applications write it, {"event":"media","streamSid":"MZ…","media":{"payload":"…"}}
// with nothing else and no escapes, without decoding JSON: a minute of
// audio is 3,000 of them. Any other message goes through encoding/json.
func plainMedia(m appMessage, sid string) ([]byte, bool) {
	const head, mid, tail = `{"event":"media","streamSid":"`, `","media":{"payload":"`, `"}}`
	b := m.data
	if m.binary || len(b) < len(head)+len(sid)+len(mid)+len(tail) || string(b[:len(head)]) != head {
		return nil, false
	}
	b = b[len(head):]
	if string(b[:len(sid)]) != sid || string(b[len(sid):len(sid)+len(mid)]) != mid || string(b[len(b)-len(tail):]) != tail {
		return nil, false
	}
	payload := b[len(sid)+len(mid) : len(b)-len(tail)]
	for _, c := range payload {
		if c == '"' || c == '\\' {
			return nil, false
		}
	}
	return payload, true
}
