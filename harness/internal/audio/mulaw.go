package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// This file is the audio of Media Streams: G.711 μ-law at 8 kHz, one
// byte a sample, as Twilio streams it; a deterministic synthetic voice; and
// the conversions between μ-law, 16-bit PCM and WAV.

// MulawSilence is μ-law digital silence: the byte of the sample 0.
const MulawSilence = 0xFF

// FrameBytes is one 20 ms frame of μ-law at 8 kHz: 160 bytes.
const FrameBytes = SampleRate / 50

const (
	mulawBias = 0x84
	mulawClip = 32635
)

// MulawEncode returns the μ-law byte of the 16-bit linear sample s
// (G.711).
func MulawEncode(s int16) byte {
	v := int(s)
	sign := 0
	if v < 0 {
		v, sign = -v, 0x80
	}
	v = min(v, mulawClip) + mulawBias
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (v >> (exp + 3)) & 0x0F
	return ^byte(sign | exp<<4 | mant)
}

// MulawDecode returns the 16-bit linear sample of the μ-law byte b.
func MulawDecode(b byte) int16 {
	b = ^b
	exp := int(b>>4) & 0x07
	mant := int(b & 0x0F)
	v := ((mant << 3) + mulawBias) << exp
	v -= mulawBias
	if b&0x80 != 0 {
		return int16(-v)
	}
	return int16(v)
}

// EncodePCM returns the μ-law bytes of 16-bit linear samples.
func EncodePCM(pcm []int16) []byte {
	out := make([]byte, len(pcm))
	for i, s := range pcm {
		out[i] = MulawEncode(s)
	}
	return out
}

// Level returns the loudness of μ-law audio: the root mean square of its
// samples, from 0 (silence) to 32767.
func Level(ulaw []byte) float64 {
	if len(ulaw) == 0 {
		return 0
	}
	var sum float64
	for _, b := range ulaw {
		v := float64(MulawDecode(b))
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(ulaw)))
}

// The synthetic voice: syllables of 200 ms (150 ms voiced, 50 ms quiet),
// each a vowel-like sound of a few harmonics with a smooth envelope, in a
// cycle of three pitches. Its level is that of plain speech (about -20
// dBFS), so that voice-activity detection by energy hears it.
const (
	syllableSamples = SampleRate / 5
	voicedSamples   = syllableSamples * 3 / 4
)

// syllables is the voice's cycle of syllables, rendered once.
var syllables = sync.OnceValue(func() [][]byte {
	pitches := []float64{120, 140, 105}
	out := make([][]byte, len(pitches))
	for i, f0 := range pitches {
		syl := make([]byte, syllableSamples)
		for n := range syl {
			if n >= voicedSamples {
				syl[n] = MulawSilence
				continue
			}
			t := float64(n) / SampleRate
			env := math.Sin(math.Pi * float64(n) / voicedSamples)
			v := 0.0
			for h, a := range []float64{1, 0.6, 0.45, 0.3, 0.2} {
				v += a * math.Sin(2*math.Pi*f0*float64(h+1)*t)
			}
			syl[n] = MulawEncode(int16(4200 * env * v))
		}
		out[i] = syl
	}
	return out
})

// Speech fills dst with the synthetic voice from sample offset on: the
// same offset gives the same bytes.
func Speech(dst []byte, offset int64) {
	syls := syllables()
	for i := range dst {
		n := offset + int64(i)
		syl := syls[(n/syllableSamples)%int64(len(syls))]
		dst[i] = syl[n%syllableSamples]
	}
}

// WriteMulawWAV writes μ-law audio as a WAV of 16-bit linear PCM, 8 kHz,
// one channel.
func WriteMulawWAV(w io.Writer, ulaw []byte) error {
	data := len(ulaw) * 2
	buf := make([]byte, 44+data)
	writeHeader(buf, uint32(data), 1)
	for i, b := range ulaw {
		binary.LittleEndian.PutUint16(buf[44+2*i:], uint16(MulawDecode(b)))
	}
	_, err := w.Write(buf)
	return err
}

// writeHeader writes the 44-byte header of a 16-bit PCM WAV of 8 kHz into
// h.
func writeHeader(h []byte, data uint32, channels int) {
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 36+data)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], SampleRate)
	binary.LittleEndian.PutUint32(h[28:], SampleRate*uint32(channels)*2)
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], data)
}

// ErrWAV is the error of a WAV that DecodeWAV cannot read.
var ErrWAV = errors.New("audio: not a WAV the harness can stream")

// DecodeWAV returns the μ-law audio of a WAV file: 8 kHz, one channel,
// 16-bit linear PCM or μ-law (Twilio streams nothing else; resample and
// mix down first).
func DecodeWAV(data []byte) ([]byte, error) {
	if len(data) < 12 || !bytes.Equal(data[0:4], []byte("RIFF")) || !bytes.Equal(data[8:12], []byte("WAVE")) {
		return nil, fmt.Errorf("%w: no RIFF/WAVE header", ErrWAV)
	}
	var format, channels, bits uint16
	var rate uint32
	fmtSeen := false
	for p := 12; p+8 <= len(data); {
		id, size := string(data[p:p+4]), int(binary.LittleEndian.Uint32(data[p+4:]))
		body := data[p+8:]
		if size > len(body) {
			size = len(body) // a truncated last chunk: take what is there
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, fmt.Errorf("%w: fmt chunk of %d bytes", ErrWAV, size)
			}
			format, channels = binary.LittleEndian.Uint16(body), binary.LittleEndian.Uint16(body[2:])
			rate, bits = binary.LittleEndian.Uint32(body[4:]), binary.LittleEndian.Uint16(body[14:])
			fmtSeen = true
		case "data":
			if !fmtSeen {
				return nil, fmt.Errorf("%w: data before fmt", ErrWAV)
			}
			if channels != 1 || rate != SampleRate {
				return nil, fmt.Errorf("%w: %d channels at %d Hz; want one channel at 8000 Hz", ErrWAV, channels, rate)
			}
			switch {
			case format == 1 && bits == 16:
				pcm := make([]int16, size/2)
				for i := range pcm {
					pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
				}
				return EncodePCM(pcm), nil
			case format == 7 && bits == 8:
				return bytes.Clone(body[:size]), nil
			}
			return nil, fmt.Errorf("%w: format %d with %d bits; want 16-bit linear PCM (1) or μ-law (7)", ErrWAV, format, bits)
		}
		p += 8 + size + size%2
	}
	return nil, fmt.Errorf("%w: no data chunk", ErrWAV)
}
