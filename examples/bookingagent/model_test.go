package bookingagent_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/examples/bookingagent"
)

// TestRules checks the rule-based model's replies one input at a time,
// away from any call.
func TestRules(t *testing.T) {
	en := bookingagent.Conversation{Lang: bookingagent.English}
	es := bookingagent.Conversation{Lang: bookingagent.Spanish}
	pending := func(c bookingagent.Conversation, day string) bookingagent.Conversation {
		c.Day = day
		return c
	}
	offered := bookingagent.Conversation{Lang: bookingagent.English, KeypadOffered: true}
	tests := []struct {
		name string
		conv bookingagent.Conversation
		in   bookingagent.Input
		want bookingagent.Reply
	}{
		{"a weekday is proposed", en, said("Wednesday, please"),
			bookingagent.Reply{Text: "Wednesday at 10 AM works. Shall I book it for you?", Propose: "Wednesday"}},
		{"yes books the day proposed", pending(en, "Monday"), said("Yes, that's fine"),
			bookingagent.Reply{Text: "You're booked for Monday at 10 AM. See you then, goodbye!", Book: "Monday"}},
		{"the day proposed, named again, books it", pending(en, "Monday"), said("Monday"),
			bookingagent.Reply{Text: "You're booked for Monday at 10 AM. See you then, goodbye!", Book: "Monday"}},
		{"another day replaces the one proposed", pending(en, "Monday"), said("No, Friday"),
			bookingagent.Reply{Text: "Friday at 10 AM works. Shall I book it for you?", Propose: "Friday"}},
		{"no asks for another day", pending(en, "Monday"), said("No"),
			bookingagent.Reply{Text: "No problem. Which day would suit you instead?"}},
		{"the weekend is closed", en, said("Saturday"),
			bookingagent.Reply{Text: "Sorry, we're closed at the weekend. Which weekday would suit you?"}},
		{"a person is handed off", pending(en, "Monday"), said("Let me talk to a human"),
			bookingagent.Reply{Text: "Of course. I'll put you through to our front desk now.", Handoff: "the caller asked for a person"}},
		{"not understood: the keypad menu", en, said("blue"),
			bookingagent.Reply{Text: "Sorry, I didn't catch that. You can also use your keypad: press 1 for Monday, 2 for Tuesday, " +
				"3 for Wednesday, 4 for Thursday, 5 for Friday, or 0 to speak to someone.", OfferKeypad: true}},
		{"not understood twice: a person", offered, said("blue"),
			bookingagent.Reply{Text: "Of course. I'll put you through to our front desk now.", Handoff: "the agent did not understand the caller twice"}},
		{"key 3 is Wednesday", offered, pressed("3"),
			bookingagent.Reply{Text: "Wednesday at 10 AM works. Shall I book it for you?", Propose: "Wednesday"}},
		{"key 1 confirms a proposal", pending(offered, "Wednesday"), pressed("1"),
			bookingagent.Reply{Text: "You're booked for Wednesday at 10 AM. See you then, goodbye!", Book: "Wednesday"}},
		{"key 2 declines a proposal", pending(offered, "Wednesday"), pressed("2"),
			bookingagent.Reply{Text: "No problem. Which day would suit you instead?"}},
		{"key 0 is a person", en, pressed("0"),
			bookingagent.Reply{Text: "Of course. I'll put you through to our front desk now.", Handoff: "the caller pressed 0"}},
		{"a key off the menu repeats it", en, pressed("9"),
			bookingagent.Reply{Text: "Sorry, I didn't catch that. You can also use your keypad: press 1 for Monday, 2 for Tuesday, " +
				"3 for Wednesday, 4 for Thursday, 5 for Friday, or 0 to speak to someone.", OfferKeypad: true}},
		{"español switches to Spanish", en, said("¿Habla español?"),
			bookingagent.Reply{Text: "¡Claro! Hablemos en español. ¿Qué día le gustaría venir?", Lang: bookingagent.Spanish}},
		{"speech heard in Spanish switches, and its day is proposed", en, bookingagent.Input{Speech: "el miércoles", Lang: "es-ES"},
			bookingagent.Reply{Text: "El miércoles a las 10 de la mañana está libre. ¿Se lo reservo?", Lang: bookingagent.Spanish, Propose: "Wednesday"}},
		{"sí books in Spanish", pending(es, "Friday"), bookingagent.Input{Speech: "Sí", Lang: "es-ES"},
			bookingagent.Reply{Text: "Listo: su cita es el viernes a las 10 de la mañana. ¡Hasta pronto!", Book: "Friday"}},
		{"English switches back", es, bookingagent.Input{Speech: "English please", Lang: "es-ES"},
			bookingagent.Reply{Text: "Of course, let's speak English. Which day would you like to come in?", Lang: bookingagent.English}},
		{"a person, in Spanish", es, bookingagent.Input{Speech: "Quiero hablar con una persona", Lang: "es-ES"},
			bookingagent.Reply{Text: "Por supuesto. Le paso ahora con recepción.", Handoff: "the caller asked for a person"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bookingagent.Rules{}.Reply(context.Background(), tt.conv, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Reply(%+v) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// said is the caller saying s, heard in English.
func said(s string) bookingagent.Input {
	return bookingagent.Input{Speech: s, Lang: bookingagent.English}
}

// pressed is the caller pressing key.
func pressed(key string) bookingagent.Input { return bookingagent.Input{Digit: key} }
