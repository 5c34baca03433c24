package matchers_test

import (
	"fmt"
	"net/url"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
)

// exampleConversation runs the conversation of the examples with the
// booking agent of conversation_test.go: after its greeting the caller
// asks to book, presses 1 (the agent plays a beep and sends digits 12),
// says Tuesday, then cuts into the agent's offer to ask for a human; the
// agent hands off {"reason":"human","day":"Tuesday"}.
func exampleConversation() (*harness.Server, *harness.Call, gomega.Gomega) {
	srv := harness.NewServer(nil, conversationOptions()...)
	call, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		panic(err)
	}
	call.Wait()
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println("FAILED:", message) })
	return srv, call, g
}

func ExampleHaveConversed() {
	srv, call, g := exampleConversation()
	defer srv.Close()
	// In order, other turns between them allowed.
	g.Expect(call).To(matchers.HaveConversed(
		matchers.CallerSaid("book"),
		matchers.AgentSaid("Which day"),
		matchers.CallerPressed("1"),
		matchers.AgentPlayed("beep.mp3"),
		matchers.CallerSaid("Tuesday").InLanguage("en-US"),
		matchers.AgentSaid("Tuesday at ten").Interrupted(),
		matchers.CallerSaid("a human"),
	))
	// Every turn, a string matching a turn of either speaker.
	g.Expect(call).To(matchers.HaveConversed("Hello", "book", "Which day", "1", "beep", "12", "Tuesday", "ten", "human").Exactly())
	cv, _ := call.Conversation()
	fmt.Println(cv.Turns[7])
	// Output: agent says "Tuesday at ten is free, shall I book it for you now?" (en-US) — interrupted by the caller's speech after 1s, heard up to "Tuesday at"
}

func ExampleHaveBeenInterrupted() {
	srv, call, g := exampleConversation()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveBeenInterrupted().By("speech").Hearing("Tuesday at").WhileSaying("shall I book"))
	fmt.Println("the caller cut in")
	// Output: the caller cut in
}

func ExampleHaveHandedOff() {
	srv, call, g := exampleConversation()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveHandedOff())
	g.Expect(call).To(matchers.HaveHandedOff().WithData(`{"day": "Tuesday", "reason": "human"}`))
	g.Expect(call).To(matchers.HaveHandedOff().WithData(map[string]string{"reason": "human", "day": "Tuesday"}))
	g.Expect(call).To(matchers.HaveHandedOff().WithData(gomega.ContainSubstring("human")))
	g.Expect(call).To(matchers.HaveSaid("Connecting you"))
	fmt.Println("handed off to a human")
	// Output: handed off to a human
}

func ExampleHaveSessionStatus() {
	srv, call, g := exampleConversation()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveSessionStatus(harness.SessionEnded))
	fmt.Println("the agent ended the session")
	// Output: the agent ended the session
}
