package harness

import (
	"encoding/hex"
	"math/rand/v2"
)

// ids makes the server's identifiers: SIDs (a two-letter prefix and 32 hex
// digits) and idempotency tokens, each from its own seeded stream, so that the
// same test makes the same SIDs however many webhooks it sends. Guarded by
// Server.mu.
type ids struct {
	sids   *rand.PCG
	tokens *rand.PCG
}

func newIDs(seed uint64) *ids {
	return &ids{
		sids:   rand.NewPCG(seed, 0x7477696d6c736964), // "twimlsid"
		tokens: rand.NewPCG(seed, 0x7477696d6c746f6b), // "twimltok"
	}
}

// sid returns prefix followed by 32 lowercase hex digits.
func (g *ids) sid(prefix string) string {
	var raw [16]byte
	fill(g.sids, raw[:])
	buf := make([]byte, len(prefix)+32)
	copy(buf, prefix)
	hex.Encode(buf[len(prefix):], raw[:])
	return string(buf)
}

// token returns an idempotency token shaped like a UUID.
func (g *ids) token() string {
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

func fill(src *rand.PCG, b []byte) {
	for i := 0; i < len(b); i += 8 {
		v := src.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}
