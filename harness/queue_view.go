package harness

import (
	"fmt"
	"time"
)

// Queue is a call queue in the fake: the calls waiting in it, in order.
// Get queues from [Server.Queues] or [Server.Queue]. Its methods are safe
// for concurrent use; values they return are snapshots.
type Queue struct {
	srv *Server
	q   *queue
}

// QueueInfo is a snapshot of a queue.
type QueueInfo struct {
	SID        string
	AccountSID string
	Name       string
	// MaxSize is the most callers it takes; CurrentSize how many wait now;
	// AverageWait the average time they have waited.
	MaxSize, CurrentSize int
	AverageWait          time.Duration
	Created, Updated     time.Time // virtual
	// Members are the calls waiting, front first.
	Members []MemberInfo
}

// MemberInfo is a call waiting in a queue.
type MemberInfo struct {
	CallSID  string
	Position int // 1 at the front
	Enqueued time.Time
	Waited   time.Duration
}

// SID returns the queue's SID ("QU" and 32 hex digits).
func (q *Queue) SID() string { return q.q.sid }

// Name returns the queue's name (the Queues API may rename it).
func (q *Queue) Name() string {
	q.srv.mu.Lock()
	defer q.srv.mu.Unlock()
	return q.q.name
}

// Info returns a snapshot of the queue.
func (q *Queue) Info() QueueInfo {
	q.srv.mu.Lock()
	defer q.srv.mu.Unlock()
	return q.q.infoLocked()
}

func (q *queue) infoLocked() QueueInfo {
	now := q.srv.clock.Now()
	info := QueueInfo{SID: q.sid, AccountSID: q.account, Name: q.name, MaxSize: q.max, CurrentSize: len(q.members),
		AverageWait: time.Duration(q.averageWaitLocked()) * time.Second, Created: q.created, Updated: q.updated}
	for i, m := range q.members {
		info.Members = append(info.Members, MemberInfo{CallSID: m.call.sid, Position: i + 1, Enqueued: m.enqueued, Waited: now.Sub(m.enqueued)})
	}
	return info
}

// GomegaString describes the queue in one line in Gomega's failure
// messages.
func (q *Queue) GomegaString() string {
	info := q.Info()
	return fmt.Sprintf("queue %s %q (%d waiting)", info.SID, info.Name, info.CurrentSize)
}

// Queues returns every queue of every account, in the order they were
// created.
func (s *Server) Queues() []*Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Queue, len(s.queues.order))
	for i, q := range s.queues.order {
		out[i] = q.handle
	}
	return out
}

// Queue returns the queue with the SID id, or else the first queue named
// id (of any account); nil if there is none.
func (s *Server) Queue(id string) *Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues.bySID[id]; q != nil {
		return q.handle
	}
	for _, q := range s.queues.order {
		if q.name == id {
			return q.handle
		}
	}
	return nil
}
