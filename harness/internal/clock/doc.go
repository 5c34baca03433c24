// Package clock is the harness's virtual clock: the current instant and a
// discrete-event queue of what is due, ordered by time and then by the order
// events were scheduled. It is internal to the harness.
//
// A [Queue] never reads the system clock and never sleeps: time moves only
// when its driver calls [Queue.AdvanceTo] or takes the next event with
// [Queue.Next], and it never moves backwards. A Queue is not safe for
// concurrent use; the server's lock guards it. Timers run their functions
// only when the driver calls [Timer.Run], so the driver decides which lock
// is held (the harness runs them without the server's lock).
package clock
