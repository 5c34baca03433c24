package harness

import (
	"slices"
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
)

// DefaultQueueSize is the max_size of a queue created by <Enqueue> or by
// the Queues API without MaxSize (Twilio documents 1,000).
const DefaultQueueSize = 1000

// MaxQueueSize is the largest max_size the Queues API accepts.
const MaxQueueSize = 5000

// QueueResult values, as the <Enqueue> action receives them.
const (
	QueueBridged    = "bridged"
	QueueError      = "error"
	QueueHangup     = "hangup"
	QueueLeave      = "leave"
	QueueRedirected = "redirected"
	// QueueRedirectedFromBridged: the call was redirected with the REST
	// API while bridged to the agent who took it.
	QueueRedirectedFromBridged = "redirected-from-bridged"
	QueueFull                  = "queue-full"
	QueueSystemErr             = "system-error"
)

// queue is a call queue: the calls waiting in it, front first, and the
// agents' <Dial><Queue> waiting for a caller. Its methods run with srv.mu
// held.
type queue struct {
	srv     *Server
	sid     string
	account string
	name    string
	max     int
	created time.Time
	updated time.Time
	members []*member       // waiting, front first
	dialers []*queueDialing // <Dial><Queue> waiting for a caller, first first
	handle  *Queue
}

// member is a call in a queue. Its methods run with srv.mu held.
type member struct {
	q        *queue
	call     *Call
	enqueued time.Time
	left     time.Time
	verb     *enqueueing
}

// queues is the server's part that keeps queues.
type queues struct {
	byName    map[confKey]*queue
	bySID     map[string]*queue
	order     []*queue
	ofAccount map[string]int // how many queues each account has, for Limits.QueuesPerAccount
}

func newQueues() queues {
	return queues{byName: map[confKey]*queue{}, bySID: map[string]*queue{}, ofAccount: map[string]int{}}
}

// queueNamedLocked returns the account's queue named name, nil if none.
func (s *Server) queueNamedLocked(account, name string) *queue {
	return s.queues.byName[confKey{account, name}]
}

// newQueueLocked creates a queue (by <Enqueue> on first use, or by the
// Queues API).
func (s *Server) newQueueLocked(account, name string, max int) *queue {
	if max <= 0 {
		max = DefaultQueueSize
	}
	now := s.clock.Now()
	q := &queue{srv: s, sid: s.ids.SID("QU"), account: account, name: name, max: max, created: now, updated: now}
	q.handle = &Queue{srv: s, q: q}
	s.queues.byName[confKey{account, name}] = q
	s.queues.bySID[q.sid] = q
	s.queues.order = append(s.queues.order, q)
	s.queues.ofAccount[account]++
	return q
}

// deleteLocked removes an empty queue.
func (q *queue) deleteLocked() {
	s := q.srv
	delete(s.queues.byName, confKey{q.account, q.name})
	delete(s.queues.bySID, q.sid)
	s.queues.order = slices.DeleteFunc(s.queues.order, func(o *queue) bool { return o == q })
	if s.queues.ofAccount[q.account]--; s.queues.ofAccount[q.account] <= 0 {
		delete(s.queues.ofAccount, q.account)
	}
}

// positionLocked is m's position, 1 at the front; 0 once it left.
func (q *queue) positionLocked(m *member) int {
	return slices.Index(q.members, m) + 1
}

// averageWaitLocked is the average time the calls now waiting have
// waited, in whole seconds (AvgQueueTime, average_wait_time).
func (q *queue) averageWaitLocked() int {
	if len(q.members) == 0 {
		return 0
	}
	now := q.srv.clock.Now()
	var total time.Duration
	for _, m := range q.members {
		total += now.Sub(m.enqueued)
	}
	return int(total / time.Duration(len(q.members)) / time.Second)
}

// removeLocked takes m out of the queue's line.
func (q *queue) removeLocked(m *member) {
	if i := slices.Index(q.members, m); i >= 0 {
		q.members = slices.Delete(q.members, i, i+1)
		q.updated = q.srv.clock.Now()
	}
	if m.left.IsZero() {
		m.left = q.srv.clock.Now()
	}
}

// waitedLocked is how long m has waited, in whole seconds (QueueTime).
func (m *member) waitedLocked() int {
	end := m.left
	if end.IsZero() {
		end = m.q.srv.clock.Now()
	}
	return int(end.Sub(m.enqueued) / time.Second)
}

// waitParamsLocked are the parameters of a request for m's waitUrl.
func (m *member) waitParamsLocked() signing.Params {
	q := m.q
	return signing.Params{
		{Name: "AvgQueueTime", Value: strconv.Itoa(q.averageWaitLocked())},
		{Name: "CurrentQueueSize", Value: strconv.Itoa(len(q.members))},
		{Name: "MaxQueueSize", Value: strconv.Itoa(q.max)},
		{Name: "QueuePosition", Value: strconv.Itoa(q.positionLocked(m))},
		{Name: "QueueSid", Value: q.sid},
		{Name: "QueueTime", Value: strconv.Itoa(m.waitedLocked())},
	}
}

// arrivedLocked hands a caller who has just joined to the first agent
// waiting for one, if any, and reports whether it did.
func (q *queue) arrivedLocked(m *member) bool {
	for len(q.dialers) > 0 {
		d := q.dialers[0]
		q.dialers = q.dialers[1:]
		if d.state == queueDialWaiting {
			d.takeLocked(m)
			return true
		}
	}
	return false
}

// dropDialerLocked forgets an agent's Dial that no longer waits.
func (q *queue) dropDialerLocked(d *queueDialing) {
	q.dialers = slices.DeleteFunc(q.dialers, func(o *queueDialing) bool { return o == d })
}
