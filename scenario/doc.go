// Package scenario describes the far end of a call: whoever the harness's fake
// Twilio reaches when it dials an address, or whoever calls in. It is plain
// data with a few constructors and no behaviour of its own; the harness reads
// it.
//
//	scenario.AnswersAfter(4 * time.Second).HangsUpAfter(20 * time.Second)
//	scenario.Busy()
//	scenario.NoAnswer()
//	scenario.Fails(503)
//
// All durations are on the harness's virtual clock.
package scenario
