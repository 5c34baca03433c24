package twiml_test

import (
	"fmt"

	"github.com/twimlharness/twimlharness/twiml"
)

func Example() {
	doc, err := twiml.Parse([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Gather numDigits="1" action="/menu" timeout="soon">
    <Say>Press 1 for sales.</Say>
  </Gather>
  <Redirect>/start</Redirect>
</Response>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range doc.Verbs {
		fmt.Println(v.VerbName())
	}
	g := doc.Verbs[0].(*twiml.Gather)
	fmt.Println("timeout:", g.Timeout, "finishOnKey:", g.FinishOnKey)
	for _, p := range doc.Problems {
		fmt.Println(p)
	}
	next, _ := twiml.Resolve("https://example.com/ivr/welcome", g.Action)
	fmt.Println("action:", next)
	// Output:
	// Gather
	// Redirect
	// timeout: 5 finishOnKey: #
	// warning 13313 at Response/Gather[1]: timeout="soon" is not a whole number from 1 to 86400; Twilio uses the default 5
	// action: https://example.com/menu
}

func ExampleParse_error() {
	_, err := twiml.Parse([]byte("<Response>\n  <Say>Hello\n</Response>"))
	fmt.Println(err)
	// Output:
	// twiml: 12100: line 3: element <Say> closed by </Response>
}
