package harness

import (
	"fmt"
	"strings"

	"github.com/twimlharness/twimlharness/twiml"
)

// The attributes of <ConversationRelay> and its <Language> children, read
// with Twilio's defaults. The twiml package keeps them as written; the
// harness reads them here, where it knows what each changes.

// inputSet is which of the caller's inputs an attribute takes: keys,
// speech, both or neither.
type inputSet uint8

const (
	inputDTMF   inputSet = 1 << iota // key presses
	inputSpeech                      // speech
	inputAny    = inputDTMF | inputSpeech
)

// String returns the attribute's word for the set.
func (s inputSet) String() string {
	return [...]string{"none", "dtmf", "speech", "any"}[s&inputAny]
}

// parseInputSet reads none, dtmf, speech or any, or a boolean (true is
// any, false none).
func parseInputSet(v string) (inputSet, bool) {
	switch strings.ToLower(v) {
	case "none", "false":
		return 0, true
	case "dtmf":
		return inputDTMF, true
	case "speech":
		return inputSpeech, true
	case "any", "true":
		return inputAny, true
	}
	return 0, false
}

// The providers Twilio documents, as it spells them.
var (
	ttsProviders = []string{"Google", "Amazon", "ElevenLabs"}
	sttProviders = []string{"Google", "Deepgram"}
)

// defaultVoice is each TTS provider's voice when none is given.
var defaultVoice = map[string]string{
	"ElevenLabs": "UgBBYS2sOqTuMpoF3BR0",
	"Google":     "en-US-Journey-O",
	"Amazon":     "Joanna-Neural",
}

// defaultSpeechModel is each STT provider's model when none is given.
var defaultSpeechModel = map[string]string{
	"Deepgram": "nova-3-general",
	"Google":   "telephony",
}

// relayVoice is what speaks and listens in one language: a <Language>, or
// the element's own attributes.
type relayVoice struct {
	Code                  string `json:"code"`
	TTSProvider           string `json:"ttsProvider"`
	Voice                 string `json:"voice"`
	TranscriptionProvider string `json:"transcriptionProvider"`
	SpeechModel           string `json:"speechModel"`
}

// relayConfig is a <ConversationRelay>, read.
type relayConfig struct {
	welcome             string
	welcomeInterrupt    inputSet
	language            string
	ttsLanguage         string
	sttLanguage         string
	voice               relayVoice // the element's own provider, voice and model
	interruptible       inputSet
	sensitivity         string
	dtmfDetection       bool
	reportDuring        inputSet
	preemptible         bool
	partialPrompts      bool
	hints               string
	debug               map[string]bool // debugging, speaker-events, tokens-played
	languages           []relayVoice    // the <Language> children
	attrs               []twiml.Attr    // as written, for the record
	invalid             string          // why Twilio would refuse the session (64106), if it would
	elevenlabsNormalize string
}

// relayAttrs are the attributes Twilio documents or its helper libraries
// write, lower-cased; the others are reported and ignored.
var relayAttrs = map[string]bool{
	"welcomegreeting": true, "welcomegreetinginterruptible": true, "language": true, "ttslanguage": true,
	"transcriptionlanguage": true, "ttsprovider": true, "voice": true, "transcriptionprovider": true,
	"speechmodel": true, "interruptible": true, "interruptsensitivity": true, "dtmfdetection": true,
	"reportinputduringagentspeech": true, "preemptible": true, "hints": true, "debug": true,
	"elevenlabstextnormalization": true, "intelligenceservice": true, "profanityfilter": true,
	"partialprompts": true, "backgroundnoisereduction": true, "speechtimeout": true,
	"deepgramsmartformat": true, "ignorebackchannel": true, "events": true,
}

// readRelayConfigLocked reads n's attributes and children, reporting a
// value Twilio does not take (12200; the default is used).
func (c *Call) readRelayConfigLocked(n *twiml.ConversationRelay) relayConfig {
	cfg := relayConfig{welcomeInterrupt: inputAny, language: "en-US", interruptible: inputAny, sensitivity: "high",
		voice: relayVoice{TTSProvider: "ElevenLabs", TranscriptionProvider: "Deepgram"}, attrs: n.Attrs, elevenlabsNormalize: "off"}
	warn := func(name, value, want string) {
		c.notifyLocked(twiml.CodeSchema, LevelWarning, fmt.Sprintf("<ConversationRelay %s=%q>: want %s; the default is used", name, value, want), c.program.docURL, "")
	}
	inputs := func(name, v string, into *inputSet) {
		if s, ok := parseInputSet(v); ok {
			*into = s
		} else {
			warn(name, v, "none, dtmf, speech or any")
		}
	}
	boolean := func(name, v string, into *bool) {
		switch strings.ToLower(v) {
		case "true":
			*into = true
		case "false":
			*into = false
		default:
			warn(name, v, "true or false")
		}
	}
	for _, a := range n.Attrs {
		v := a.Value
		switch strings.ToLower(a.Name) {
		case "welcomegreeting":
			cfg.welcome = v
		case "welcomegreetinginterruptible":
			inputs(a.Name, v, &cfg.welcomeInterrupt)
		case "language":
			cfg.language = v
		case "ttslanguage":
			cfg.ttsLanguage = v
		case "transcriptionlanguage":
			cfg.sttLanguage = v
		case "ttsprovider":
			cfg.voice.TTSProvider = v
		case "voice":
			cfg.voice.Voice = v
		case "transcriptionprovider":
			cfg.voice.TranscriptionProvider = v
		case "speechmodel":
			cfg.voice.SpeechModel = v
		case "interruptible":
			inputs(a.Name, v, &cfg.interruptible)
		case "interruptsensitivity":
			switch strings.ToLower(v) {
			case "low", "medium", "high":
				cfg.sensitivity = strings.ToLower(v)
			default:
				warn(a.Name, v, "low, medium or high")
			}
		case "dtmfdetection":
			boolean(a.Name, v, &cfg.dtmfDetection)
		case "reportinputduringagentspeech":
			inputs(a.Name, v, &cfg.reportDuring)
		case "preemptible":
			boolean(a.Name, v, &cfg.preemptible)
		case "partialprompts":
			boolean(a.Name, v, &cfg.partialPrompts)
		case "hints":
			cfg.hints = v
		case "debug", "events":
			for _, w := range strings.Fields(v) {
				switch w {
				case "debugging", "speaker-events", "tokens-played":
					if cfg.debug == nil {
						cfg.debug = map[string]bool{}
					}
					cfg.debug[w] = true
				default:
					warn(a.Name, w, "debugging, speaker-events or tokens-played, separated by spaces")
				}
			}
		case "elevenlabstextnormalization":
			switch strings.ToLower(v) {
			case "on", "auto", "off":
				cfg.elevenlabsNormalize = strings.ToLower(v)
			default:
				warn(a.Name, v, "on, auto or off")
			}
		default:
			if !relayAttrs[strings.ToLower(a.Name)] {
				c.notifyLocked(twiml.CodeSchema, LevelWarning, fmt.Sprintf("<ConversationRelay> has no attribute %q; Twilio ignores it", a.Name), c.program.docURL, "")
			}
		}
	}
	cfg.invalid = cfg.voice.settle(relayVoice{})
	for _, el := range n.Languages {
		lv := relayVoice{}
		for _, a := range el.Attrs {
			switch a.Name {
			case "code":
				lv.Code = a.Value
			case "ttsProvider":
				lv.TTSProvider = a.Value
			case "voice":
				lv.Voice = a.Value
			case "transcriptionProvider":
				lv.TranscriptionProvider = a.Value
			case "speechModel":
				lv.SpeechModel = a.Value
			default:
				c.notifyLocked(twiml.CodeSchema, LevelWarning, fmt.Sprintf("<Language> has no attribute %q; Twilio ignores it", a.Name), c.program.docURL, "")
			}
		}
		if lv.Code == "" {
			c.notifyLocked(twiml.CodeSchema, LevelWarning, "<Language> without a code is ignored (code is required: a language such as fr-FR, or multi)", c.program.docURL, "")
			continue
		}
		if why := lv.settle(cfg.voice); why != "" && cfg.invalid == "" {
			cfg.invalid = why
		}
		cfg.languages = append(cfg.languages, lv)
	}
	if cfg.ttsLanguage == "" {
		cfg.ttsLanguage = cfg.language
	}
	if cfg.sttLanguage == "" {
		cfg.sttLanguage = cfg.language
	}
	if cfg.invalid == "" && (cfg.ttsLanguage == "multi" || cfg.sttLanguage == "multi") {
		// Automatic detection set on the element itself: the same rule as
		// for a <Language code="multi">.
		v := cfg.voice
		v.Code = "multi"
		cfg.invalid = v.settle(relayVoice{})
	}
	return cfg
}

// settle fills what v leaves out from parent, then from the providers'
// defaults, and says why Twilio would refuse it (64106), if it would.
func (v *relayVoice) settle(parent relayVoice) string {
	inherit := func(s *string, p string) {
		if *s == "" {
			*s = p
		}
	}
	inherit(&v.TTSProvider, parent.TTSProvider)
	inherit(&v.TranscriptionProvider, parent.TranscriptionProvider)
	explicitVoice := v.Voice != "" || parent.Voice != "" && v.TTSProvider == parent.TTSProvider
	if v.TTSProvider == parent.TTSProvider {
		inherit(&v.Voice, parent.Voice)
	}
	if v.TranscriptionProvider == parent.TranscriptionProvider {
		inherit(&v.SpeechModel, parent.SpeechModel)
	}
	tts, okT := canonical(v.TTSProvider, ttsProviders)
	stt, okS := canonical(v.TranscriptionProvider, sttProviders)
	switch {
	case !okT:
		return fmt.Sprintf("Invalid argument: ttsProvider %q (Twilio's are Google, Amazon and ElevenLabs)", v.TTSProvider)
	case !okS:
		return fmt.Sprintf("Invalid argument: transcriptionProvider %q (Twilio's are Google and Deepgram)", v.TranscriptionProvider)
	}
	v.TTSProvider, v.TranscriptionProvider = tts, stt
	if !explicitVoice {
		v.Voice = defaultVoice[tts]
	}
	inherit(&v.SpeechModel, defaultSpeechModel[stt])
	if v.Code == "multi" && (tts != "ElevenLabs" || stt != "Deepgram" || !strings.HasPrefix(v.SpeechModel, "nova-")) {
		return "Invalid argument: language multi needs ElevenLabs for speech and Deepgram nova-2-general or nova-3-general for recognition"
	}
	return ""
}

// canonical returns name as Twilio spells it, if it is one of names
// (ignoring case).
func canonical(name string, names []string) (string, bool) {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}
