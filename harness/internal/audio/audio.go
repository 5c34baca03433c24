// Package audio writes the media of a recording: WAV (8 kHz, 16-bit linear
// PCM, one or two channels, as Twilio serves recordings) with a tone where
// someone spoke and silence elsewhere, and MP3 of the same length. It
// streams: no recording is held in memory whole. Standard library only.
package audio

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"io"
	"math"
	"slices"
	"time"
)

// SampleRate is the WAV's sample rate: 8 kHz, Twilio's.
const SampleRate = 8000

// Span is a stretch of sound on one channel (0 or 1), from From to To
// after the recording's start, as a sine tone of Hz.
type Span struct {
	From, To time.Duration
	Channel  int
	Hz       float64
}

// amplitude is the tones' peak: about -12 dBFS.
const amplitude = 8000

// samples returns how many samples per channel d lasts.
func samples(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(d) * SampleRate / int64(time.Second)
}

// WAVSize returns the size in bytes of the WAV of d with channels.
func WAVSize(d time.Duration, channels int) int64 {
	return 44 + samples(d)*int64(channels)*2
}

// WriteWAV writes a WAV of d with channels (1 or 2): the spans' tones,
// silence elsewhere. A span on channel 1 of a mono recording sounds on its
// one channel. It renders a second at a time, with only the spans that
// sound in it, so its cost grows with the length and the spans, not their
// product.
func WriteWAV(w io.Writer, d time.Duration, channels int, spans []Span) error {
	n := samples(d)
	data := n * int64(channels) * 2
	bw := bufio.NewWriterSize(w, 32<<10)
	var h [44]byte
	writeHeader(h[:], uint32(data), channels)
	if _, err := bw.Write(h[:]); err != nil {
		return err
	}
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b Span) int { return cmp.Compare(a.From, b.From) })
	var active []Span
	next := 0
	mix := make([]float64, SampleRate*channels)
	out := make([]byte, len(mix)*2)
	for start := int64(0); start < n; start += SampleRate {
		end := min(start+SampleRate, n)
		from, to := sampleTime(start), sampleTime(end)
		active = slices.DeleteFunc(active, func(s Span) bool { return s.To <= from })
		for next < len(sorted) && sorted[next].From < to {
			if sorted[next].To > from {
				active = append(active, sorted[next])
			}
			next++
		}
		clear(mix)
		for _, s := range active {
			first, last := max(start, sampleIndex(s.From)), min(end, sampleIndex(s.To))
			for i := first; i < last; i++ {
				ch := s.Channel
				if channels == 1 {
					ch = 0
				}
				mix[int(i-start)*channels+ch] += amplitude * math.Sin(2*math.Pi*s.Hz*float64(i)/SampleRate)
			}
		}
		k := int(end-start) * channels
		for j, v := range mix[:k] {
			binary.LittleEndian.PutUint16(out[j*2:], uint16(int16(max(-math.MaxInt16, min(math.MaxInt16, v)))))
		}
		if _, err := bw.Write(out[:k*2]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// sampleTime is when sample i plays.
func sampleTime(i int64) time.Duration { return time.Duration(i * int64(time.Second) / SampleRate) }

// sampleIndex is the first sample at or after t.
func sampleIndex(t time.Duration) int64 {
	if t <= 0 {
		return 0
	}
	return (int64(t)*SampleRate + int64(time.Second) - 1) / int64(time.Second)
}

// The MP3 is MPEG-1 Layer III at 32 kbit/s and 32 kHz: 1,152 samples (36
// ms) a frame of 144 bytes. Its frames carry no audio data (the harness
// has no encoder): a decoder plays silence of the recording's length.
const (
	mp3FrameBytes = 144
	mp3FrameTime  = 36 * time.Millisecond
)

// MP3Frames returns how many frames the MP3 of d has.
func MP3Frames(d time.Duration) int64 {
	return int64((d + mp3FrameTime - 1) / mp3FrameTime)
}

// WriteMP3 writes an MP3 of d with channels (1: mono, 2: stereo), silent.
func WriteMP3(w io.Writer, d time.Duration, channels int) error {
	var frame [mp3FrameBytes]byte
	// Sync, MPEG-1, Layer III, no CRC; 32 kbit/s, 32 kHz, no padding;
	// the channel mode. The side information and main data stay zero.
	frame[0], frame[1], frame[2] = 0xFF, 0xFB, 0x18
	if channels == 1 {
		frame[3] = 0xC0
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	for range MP3Frames(d) {
		if _, err := bw.Write(frame[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
