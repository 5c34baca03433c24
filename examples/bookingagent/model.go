package bookingagent

import (
	"context"
	"strings"
	"unicode"
)

// The agent's "model": what decides what the agent says next. A real agent
// would ask a large language model, giving it the conversation so far and
// tools for proposing a day, booking it, switching language and handing
// off; here a few deterministic rules do the same, so that a conversation
// is the same on every run. Both sit behind [Model].

// Model decides the agent's next reply from the conversation so far and
// what the caller just did. Reply is called on the session's goroutine,
// one call at a time for a session; it may be called for different
// sessions at once. An error makes the agent hand the caller off to a
// person.
type Model interface {
	Reply(ctx context.Context, conv Conversation, in Input) (Reply, error)
}

// Input is what the caller did: said something (a final prompt) or pressed
// a key (a dtmf message with dtmfDetection on).
type Input struct {
	// Speech is what the caller said, as Twilio recognised it; empty for
	// a key.
	Speech string
	// Lang is the language Twilio heard Speech in (the prompt's lang).
	Lang string
	// Digit is the key pressed; empty for speech.
	Digit string
}

// Reply is what the model decided: words for the caller and, like a
// language model's tool calls, what the agent does.
type Reply struct {
	// Text is what the agent says next. With Book or Handoff set, it is
	// what the caller hears once the session has ended (the Connect's
	// action says it).
	Text string
	// Lang, when set and not the conversation's, is the language the agent
	// speaks and listens in from this reply on.
	Lang string
	// Propose is a day the agent asks the caller to confirm.
	Propose string
	// OfferKeypad says that the reply offers the keypad menu.
	OfferKeypad bool
	// Book is the day booked: the conversation is over.
	Book string
	// Handoff says why a person should take the call: the conversation is
	// over.
	Handoff string
}

// Languages the agent speaks.
const (
	English = "en-US"
	Spanish = "es-ES"
)

// days are the days the clinic books, Monday to Friday, as the keypad
// menu numbers them (1 to 5).
var days = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

// Rules is the deterministic model: it understands weekdays, yes and no,
// a request for a person or for Spanish, in English and Spanish, and the
// keys of its keypad menu. It needs no setup; its zero value is ready.
//
// What it does with what it hears:
//
//   - a weekday: proposes it ("Thursday at 10 AM works. Shall I book it
//     for you?"); a weekend day: says the clinic is closed then;
//   - yes (or the key 1) to a proposal: books the day; no (or 2): asks for
//     another;
//   - "español", or speech heard in Spanish: switches to Spanish (and
//     "English" back), then deals with the rest of what was said;
//   - a person, a human, someone (or the key 0): hands off;
//   - the keys 1 to 5 with no proposal pending: Monday to Friday;
//   - anything else: the first time, says it did not understand and offers
//     the keypad menu; the second time, hands off.
type Rules struct{}

var _ Model = Rules{}

// Reply implements [Model].
func (Rules) Reply(_ context.Context, conv Conversation, in Input) (Reply, error) {
	lang := conv.Lang
	if lang == "" {
		lang = English
	}
	if in.Digit != "" {
		return keyReply(conv, lang, in.Digit), nil
	}
	words := wordsOf(in.Speech)
	var rep Reply
	switch {
	case lang != Spanish && (words.has("espanol", "spanish") || strings.HasPrefix(in.Lang, "es")):
		lang, rep.Lang = Spanish, Spanish
	case lang == Spanish && words.has("english", "ingles"):
		lang, rep.Lang = English, English
	}
	p := phrasesFor(lang)
	day, pending := words.day(), conv.Day
	switch {
	case words.has(personWords...):
		rep.Text, rep.Handoff = p.handoff, "the caller asked for a person"
	case day != "" && day != pending:
		rep.Text, rep.Propose = p.propose(day), day
	case pending != "" && (day == pending || words.has(yesWords...)):
		rep.Text, rep.Book = p.booked(pending), pending
	case pending != "" && words.has(noWords...):
		rep.Text = p.another
	case words.has(weekendWords...):
		rep.Text = p.closed
	case rep.Lang != "":
		rep.Text = p.switched
	case !conv.KeypadOffered:
		rep.Text, rep.OfferKeypad = p.keypad, true
	default:
		rep.Text, rep.Handoff = p.handoff, "the agent did not understand the caller twice"
	}
	return rep, nil
}

// keyReply answers a key of the keypad menu.
func keyReply(conv Conversation, lang, key string) Reply {
	p := phrasesFor(lang)
	switch {
	case key == "0":
		return Reply{Text: p.handoff, Handoff: "the caller pressed 0"}
	case conv.Day != "" && key == "1":
		return Reply{Text: p.booked(conv.Day), Book: conv.Day}
	case conv.Day != "" && key == "2":
		return Reply{Text: p.another}
	case len(key) == 1 && key >= "1" && key <= "5":
		day := days[key[0]-'1']
		return Reply{Text: p.propose(day), Propose: day}
	}
	return Reply{Text: p.keypad, OfferKeypad: true}
}

// What the agent says, in each language.
type phrasebook struct {
	dayNames                                   map[string]string
	proposeFmt, bookedFmt                      string
	another, closed, switched, keypad, handoff string
}

func (p phrasebook) propose(day string) string {
	return strings.ReplaceAll(p.proposeFmt, "{day}", p.dayNames[day])
}

func (p phrasebook) booked(day string) string {
	return strings.ReplaceAll(p.bookedFmt, "{day}", p.dayNames[day])
}

// phrasesFor returns the phrasebook of lang, English for a language the
// rules do not speak.
func phrasesFor(lang string) phrasebook {
	if p, ok := phrases[lang]; ok {
		return p
	}
	return phrases[English]
}

var phrases = map[string]phrasebook{
	English: {
		dayNames:   map[string]string{"Monday": "Monday", "Tuesday": "Tuesday", "Wednesday": "Wednesday", "Thursday": "Thursday", "Friday": "Friday"},
		proposeFmt: "{day} at 10 AM works. Shall I book it for you?",
		bookedFmt:  "You're booked for {day} at 10 AM. See you then, goodbye!",
		another:    "No problem. Which day would suit you instead?",
		closed:     "Sorry, we're closed at the weekend. Which weekday would suit you?",
		switched:   "Of course, let's speak English. Which day would you like to come in?",
		keypad: "Sorry, I didn't catch that. You can also use your keypad: press 1 for Monday, 2 for Tuesday, " +
			"3 for Wednesday, 4 for Thursday, 5 for Friday, or 0 to speak to someone.",
		handoff: "Of course. I'll put you through to our front desk now.",
	},
	Spanish: {
		dayNames:   map[string]string{"Monday": "lunes", "Tuesday": "martes", "Wednesday": "miércoles", "Thursday": "jueves", "Friday": "viernes"},
		proposeFmt: "El {day} a las 10 de la mañana está libre. ¿Se lo reservo?",
		bookedFmt:  "Listo: su cita es el {day} a las 10 de la mañana. ¡Hasta pronto!",
		another:    "No se preocupe. ¿Qué otro día le viene bien?",
		closed:     "Lo siento, los fines de semana estamos cerrados. ¿Qué día entre semana le viene bien?",
		switched:   "¡Claro! Hablemos en español. ¿Qué día le gustaría venir?",
		keypad: "Perdone, no le he entendido. También puede usar el teclado: pulse 1 para el lunes, 2 para el martes, " +
			"3 para el miércoles, 4 para el jueves, 5 para el viernes, o 0 para hablar con una persona.",
		handoff: "Por supuesto. Le paso ahora con recepción.",
	},
}

// The words the rules listen for, without accents, in lower case.
var (
	dayWords = map[string]string{
		"monday": "Monday", "tuesday": "Tuesday", "wednesday": "Wednesday", "thursday": "Thursday", "friday": "Friday",
		"lunes": "Monday", "martes": "Tuesday", "miercoles": "Wednesday", "jueves": "Thursday", "viernes": "Friday",
	}
	weekendWords = []string{"saturday", "sunday", "weekend", "sabado", "domingo"}
	yesWords     = []string{"yes", "yeah", "yep", "sure", "please", "ok", "okay", "correct", "si", "vale", "claro", "perfecto"}
	noWords      = []string{"no", "nope", "not", "another", "different", "otro", "otra"}
	personWords  = []string{"person", "human", "someone", "somebody", "agent", "receptionist", "representative", "persona", "humano", "alguien", "recepcion"}
)

// words are the words of an utterance, folded: lower case, no accents,
// no punctuation.
type words []string

// unaccent takes the accents off the letters of Spanish.
var unaccent = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n")

// wordsOf folds s into its words.
func wordsOf(s string) words {
	plain := unaccent.Replace(strings.ToLower(s))
	return strings.FieldsFunc(plain, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// has reports whether any of the words is among ws.
func (ws words) has(any ...string) bool {
	for _, w := range ws {
		for _, a := range any {
			if w == a {
				return true
			}
		}
	}
	return false
}

// day returns the first weekday named, or "".
func (ws words) day() string {
	for _, w := range ws {
		if d, ok := dayWords[w]; ok {
			return d
		}
	}
	return ""
}
