package harness

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// memPipe returns the two ends of an in-memory connection that buffers
// what is written, as a socket does. net.Pipe does not: there a write
// waits for the other end to read it, so that two ends writing at once (an
// application sending a large message while Twilio closes the connection
// over it, say) wait for each other forever.
func memPipe() (net.Conn, net.Conn) {
	ab, ba := newMemBuffer(), newMemBuffer()
	return &memConn{r: ba, w: ab, local: memAddr("twilio"), remote: memAddr("app")},
		&memConn{r: ab, w: ba, local: memAddr("app"), remote: memAddr("twilio")}
}

// memPipeLimit is how much one direction buffers before a write waits for
// the reader: about what a loopback socket's buffers hold.
const memPipeLimit = 4 << 20

// memBuffer is one direction of a memPipe.
type memBuffer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool // either end closed
}

func newMemBuffer() *memBuffer {
	b := &memBuffer{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// read reads what is buffered, waiting for some until the deadline.
func (b *memBuffer) read(p []byte, deadline *memDeadline) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.buf) == 0 {
		switch {
		case b.closed:
			return 0, io.EOF
		case deadline.passed():
			return 0, os.ErrDeadlineExceeded
		}
		b.cond.Wait()
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	if len(b.buf) == 0 {
		b.buf = nil
	}
	b.cond.Broadcast()
	return n, nil
}

// write buffers p, waiting while the buffer is full, until the deadline.
func (b *memBuffer) write(p []byte, deadline *memDeadline) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !b.closed && len(b.buf) >= memPipeLimit {
		if deadline.passed() {
			return 0, os.ErrDeadlineExceeded
		}
		b.cond.Wait()
	}
	if b.closed {
		return 0, io.ErrClosedPipe
	}
	b.buf = append(b.buf, p...)
	b.cond.Broadcast()
	return len(p), nil
}

func (b *memBuffer) close() {
	b.mu.Lock()
	b.closed = true
	b.cond.Broadcast()
	b.mu.Unlock()
}

// memDeadline is a read or write deadline of a memConn.
type memDeadline struct {
	mu    sync.Mutex
	at    time.Time
	timer *time.Timer
}

func (d *memDeadline) passed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.at.IsZero() && !time.Now().Before(d.at)
}

// set sets the deadline; when it passes, whoever waits on cond wakes.
func (d *memDeadline) set(t time.Time, cond *sync.Cond) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.at = t
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if !t.IsZero() {
		d.timer = time.AfterFunc(time.Until(t), func() {
			cond.L.Lock()
			cond.Broadcast()
			cond.L.Unlock()
		})
	}
}

// memConn is one end of a memPipe.
type memConn struct {
	r, w          *memBuffer
	rd, wd        memDeadline
	local, remote net.Addr
	once          sync.Once
}

func (c *memConn) Read(p []byte) (int, error)  { return c.r.read(p, &c.rd) }
func (c *memConn) Write(p []byte) (int, error) { return c.w.write(p, &c.wd) }

// Close closes both directions: the other end reads what was written,
// then EOF.
func (c *memConn) Close() error {
	c.once.Do(func() {
		c.r.close()
		c.w.close()
	})
	return nil
}

func (c *memConn) LocalAddr() net.Addr  { return c.local }
func (c *memConn) RemoteAddr() net.Addr { return c.remote }

func (c *memConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	c.rd.set(t, c.r.cond)
	return nil
}

func (c *memConn) SetWriteDeadline(t time.Time) error {
	c.wd.set(t, c.w.cond)
	return nil
}

// memAddr is the address of an end of a memPipe.
type memAddr string

func (a memAddr) Network() string { return "memory" }
func (a memAddr) String() string  { return string(a) }
