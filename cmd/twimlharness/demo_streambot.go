package main

import (
	"fmt"
	"io"
	"time"

	"github.com/twimlharness/twimlharness/examples/streambot"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// The answering bot's origin and numbers in the demo.
const (
	botOrigin = "https://bot.acme.example"
	botNumber = "+14155550180"
	botCaller = "+14155550181"
)

// lateBot serves with the answering bot, which can only be made once the
// server exists (it hangs up through the server's REST API).
type lateBot struct{ *streambot.App }

// demoStreamBot runs one conversation with the answering bot on a media
// stream: half a second into the bot's greeting the caller speaks over it;
// the bot clears its audio (barge-in), hears the caller out, answers, and
// hangs up through the REST API once the answer has played. It prints the
// call's transcript.
func demoStreamBot(srv *harness.Server, bot *streambot.App, n int, stdout io.Writer) error {
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: botNumber,
		VoiceSettings: harness.VoiceSettings{VoiceURL: botOrigin + "/voice"}}); err != nil {
		return err
	}
	start := srv.Now()
	call, err := srv.IncomingCall(botCaller, botNumber, scenario.Person().
		Says("Hi, I need to talk to someone about my order").InStream().WhenAppSpeaks().After(500*time.Millisecond))
	if err != nil {
		return err
	}
	info := call.Wait()
	srv.Run()
	conv, ok := bot.Conversation(call.SID())
	if !ok {
		return fmt.Errorf("the bot kept no conversation of call %s", call.SID())
	}
	fmt.Fprintf(stdout, "== %d. a caller speaks over the answering bot's greeting on a media stream; the bot answers and hangs up: %s, %s after %v of virtual time\n",
		n, info.Status, conv.Outcome, info.Ended.Sub(start))
	fmt.Fprintln(stdout, call.Transcript())
	return nil
}
