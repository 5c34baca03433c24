package sid

import (
	"encoding/hex"
	"math/rand/v2"
)

// Stream constants of the two PCG generators; they are part of the golden
// transcripts, so changing them changes every SID a test sees.
const (
	sidStream   = 0x7477696d6c736964 // "twimlsid"
	tokenStream = 0x7477696d6c746f6b // "twimltok"
)

// Generator makes SIDs and tokens from two PCG streams seeded alike. It is
// not safe for concurrent use.
type Generator struct {
	sids   *rand.PCG
	tokens *rand.PCG
}

// New returns a generator seeded with seed.
func New(seed uint64) *Generator {
	return &Generator{
		sids:   rand.NewPCG(seed, sidStream),
		tokens: rand.NewPCG(seed, tokenStream),
	}
}

// SID returns prefix followed by 32 lowercase hex digits, the next 16 bytes
// of the SID stream.
func (g *Generator) SID(prefix string) string {
	var raw [16]byte
	fill(g.sids, raw[:])
	buf := make([]byte, len(prefix)+32)
	copy(buf, prefix)
	hex.Encode(buf[len(prefix):], raw[:])
	return string(buf)
}

// Token returns an idempotency token shaped like a UUID (8-4-4-4-12
// lowercase hex digits), the next 16 bytes of the token stream.
func (g *Generator) Token() string {
	var raw [16]byte
	fill(g.tokens, raw[:])
	var buf [36]byte
	hex.Encode(buf[0:8], raw[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], raw[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], raw[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], raw[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:36], raw[10:16])
	return string(buf[:])
}

// fill fills b from src, eight bytes per draw, least significant byte
// first.
func fill(src *rand.PCG, b []byte) {
	for i := 0; i < len(b); i += 8 {
		v := src.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}
