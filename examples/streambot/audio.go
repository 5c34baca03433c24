package streambot

import (
	"math"
	"time"
)

// The audio of a Media Stream: G.711 μ-law at 8 kHz, one byte a sample,
// in both directions. The bot decodes what the caller says to measure its
// loudness, and encodes its own prompts. A real bot would stream a
// text-to-speech engine's output here; the prompts are tones, each standing
// for a recorded sentence.

const (
	// sampleRate is Media Streams' only rate: 8,000 samples a second.
	sampleRate = 8000
	// frameSamples is one media message of Twilio's: 20 ms.
	frameSamples = sampleRate / 50
	mulawBias    = 0x84
	mulawClip    = 32635
)

// mulawDecode returns the 16-bit linear sample of the μ-law byte b (G.711).
func mulawDecode(b byte) int16 {
	b = ^b
	exp := int(b>>4) & 0x07
	v := ((int(b&0x0F) << 3) + mulawBias) << exp
	v -= mulawBias
	if b&0x80 != 0 {
		return int16(-v)
	}
	return int16(v)
}

// mulawEncode returns the μ-law byte of the 16-bit linear sample s.
func mulawEncode(s int16) byte {
	v, sign := int(s), 0
	if v < 0 {
		v, sign = -v, 0x80
	}
	v = min(v, mulawClip) + mulawBias
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	return ^byte(sign | exp<<4 | (v>>(exp+3))&0x0F)
}

// level is the loudness of μ-law audio: the root mean square of its
// samples, from 0 (digital silence) to 32767.
func level(ulaw []byte) float64 {
	if len(ulaw) == 0 {
		return 0
	}
	var sum float64
	for _, b := range ulaw {
		v := float64(mulawDecode(b))
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(ulaw)))
}

// tone returns d of a sine at freq Hz as μ-law, faded in and out over
// 10 ms so that it starts and stops without a click.
func tone(freq float64, d time.Duration) []byte {
	n := int(d * sampleRate / time.Second)
	fade := sampleRate / 100
	out := make([]byte, n)
	for i := range out {
		gain := min(1, float64(i)/float64(fade), float64(n-1-i)/float64(fade))
		out[i] = mulawEncode(int16(8000 * gain * math.Sin(2*math.Pi*freq*float64(i)/sampleRate)))
	}
	return out
}

// Speech detection: a frame is loud when its level is over speechLevel;
// the caller starts speaking after onsetFrames loud frames in a row, and
// has finished after hangoverFrames quiet ones (pauses between words are
// shorter).
const (
	speechLevel    = 500 // about -36 dBFS: well over line noise, well under speech
	onsetFrames    = 3   // 60 ms
	hangoverFrames = 15  // 300 ms
)

// voiceEvent is what a frame of the caller's audio changed.
type voiceEvent int

const (
	noChange       voiceEvent = iota
	startsSpeaking            // the caller started speaking
	stopsSpeaking             // the caller has finished speaking
)

// detector finds where the caller speaks in the inbound audio, a frame at
// a time.
type detector struct {
	speaking bool
	loud     int // loud frames in a row
	quiet    int // quiet frames in a row
}

// feed takes the next frame of the caller's audio.
func (d *detector) feed(frame []byte) voiceEvent {
	if level(frame) > speechLevel {
		d.loud, d.quiet = d.loud+1, 0
	} else {
		d.loud, d.quiet = 0, d.quiet+1
	}
	switch {
	case !d.speaking && d.loud >= onsetFrames:
		d.speaking = true
		return startsSpeaking
	case d.speaking && d.quiet >= hangoverFrames:
		d.speaking = false
		return stopsSpeaking
	}
	return noChange
}
