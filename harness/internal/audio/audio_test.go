package audio_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/go-audio/wav"
	"github.com/hajimehoshi/go-mp3"

	"github.com/twimlharness/twimlharness/harness/internal/audio"
)

// TestWAV reads the WAV back with an independent decoder: its header
// says the duration, channels and sample rate, and the tone is where the
// span says, silence elsewhere.
func TestWAV(t *testing.T) {
	for _, channels := range []int{1, 2} {
		var buf bytes.Buffer
		spans := []audio.Span{{From: time.Second, To: 2 * time.Second, Channel: 1, Hz: 440}}
		if err := audio.WriteWAV(&buf, 3*time.Second, channels, spans); err != nil {
			t.Fatal(err)
		}
		if int64(buf.Len()) != audio.WAVSize(3*time.Second, channels) {
			t.Errorf("%d channels: %d bytes, WAVSize says %d", channels, buf.Len(), audio.WAVSize(3*time.Second, channels))
		}
		dec := wav.NewDecoder(bytes.NewReader(buf.Bytes()))
		if !dec.IsValidFile() {
			t.Fatalf("%d channels: not a valid WAV", channels)
		}
		if err := dec.FwdToPCM(); err != nil {
			t.Fatal(err)
		}
		// The data chunk's length (go-audio's own Duration counts the
		// header's 36 bytes in).
		d := time.Duration(dec.PCMLen()) * time.Second / time.Duration(int(dec.SampleRate)*int(dec.NumChans)*2)
		if d != 3*time.Second || dec.NumChans != uint16(channels) || dec.SampleRate != 8000 || dec.BitDepth != 16 {
			t.Errorf("%d channels: %v, %d channels, %d Hz, %d bits", channels, d, dec.NumChans, dec.SampleRate, dec.BitDepth)
		}
		dec = wav.NewDecoder(bytes.NewReader(buf.Bytes()))
		pcm, err := dec.FullPCMBuffer()
		if err != nil {
			t.Fatal(err)
		}
		peak := func(from, to time.Duration, ch int) int {
			p := 0
			for i := int(from / time.Second * 8000); i < int(to/time.Second*8000); i++ {
				v := pcm.Data[i*channels+ch]
				p = max(p, v, -v)
			}
			return p
		}
		sounding := channels - 1 // the span's channel; on a mono recording, its one channel
		if p := peak(0, time.Second, sounding); p != 0 {
			t.Errorf("%d channels: the first second is not silent (peak %d)", channels, p)
		}
		if p := peak(time.Second, 2*time.Second, sounding); p < 7000 {
			t.Errorf("%d channels: no tone where the span is (peak %d)", channels, p)
		}
		if channels == 2 {
			if p := peak(time.Second, 2*time.Second, 0); p != 0 {
				t.Errorf("the other channel sounds (peak %d)", p)
			}
		}
	}
}

// TestMP3 decodes the MP3 with an independent decoder: as long as asked,
// and silent.
func TestMP3(t *testing.T) {
	for _, channels := range []int{1, 2} {
		var buf bytes.Buffer
		if err := audio.WriteMP3(&buf, 5*time.Second, channels); err != nil {
			t.Fatal(err)
		}
		dec, err := mp3.NewDecoder(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%d channels: %v", channels, err)
		}
		pcm, err := io.ReadAll(dec)
		if err != nil {
			t.Fatal(err)
		}
		// go-mp3 decodes to 16-bit stereo at the file's rate.
		got := time.Duration(len(pcm)/4) * time.Second / time.Duration(dec.SampleRate())
		if dec.SampleRate() != 32000 || got < 5*time.Second || got >= 5*time.Second+36*time.Millisecond {
			t.Errorf("%d channels: %v at %d Hz, want 5s (to a frame) at 32 kHz", channels, got, dec.SampleRate())
		}
		for i, b := range pcm {
			if b != 0 {
				t.Fatalf("%d channels: byte %d is %d, want silence", channels, i, b)
			}
		}
	}
}

// BenchmarkWAVManySpans renders 16 minutes 40 seconds with a prompt every
// third of a second, as a looping menu's recording has: the cost grows
// with the length and the spans, not their product.
func BenchmarkWAVManySpans(b *testing.B) {
	const d = 1000 * time.Second
	var spans []audio.Span
	for t := time.Duration(0); t < d; t += 333 * time.Millisecond {
		spans = append(spans, audio.Span{From: t, To: t + 200*time.Millisecond, Channel: 1, Hz: 440})
	}
	b.SetBytes(audio.WAVSize(d, 2))
	for b.Loop() {
		if err := audio.WriteWAV(io.Discard, d, 2, spans); err != nil {
			b.Fatal(err)
		}
	}
}
