package twiml

// Twilio's error and warning codes that [Parse] and [Resolve] report, with
// the title of each in Twilio's error catalog
// (https://www.twilio.com/docs/api/errors/NNNNN). Codes marked "(error)" are
// errors in the catalog; the others are warnings. The package doc's
// Fidelity section says which codes were confirmed on Twilio's own catalog
// pages.
const (
	// CodeInvalidURL is 11100, "Invalid URL format" (error).
	CodeInvalidURL = 11100
	// CodeParseFailure is 12100, "Document parse failure" (error).
	CodeParseFailure = 12100
	// CodeBadRoot is 12102, "The root element must be Response" (error).
	CodeBadRoot = 12102
	// CodeSchema is 12200, "Schema validation warning": an unknown or
	// misspelled element or attribute, wrong case, an unexpected nested
	// element, or a value outside an attribute's enumeration when the
	// catalog has no code of its own for it.
	CodeSchema = 12200

	// CodeDialConferenceMix is 13000, "Conference Noun cannot be mixed with
	// Number nouns".
	CodeDialConferenceMix = 13000
	// CodeDialMethod is 13210, "Dial: Invalid method value".
	CodeDialMethod = 13210
	// CodeDialTimeout is 13212, "Dial: Invalid timeout value".
	CodeDialTimeout = 13212
	// CodeDialHangupOnStar is 13213, "Dial: Invalid hangupOnStar value".
	CodeDialHangupOnStar = 13213
	// CodeDialCallerID is 13214, "Dial: Invalid callerId value".
	CodeDialCallerID = 13214
	// CodeDialNested is 13215, "Dial: Invalid nested element".
	CodeDialNested = 13215
	// CodeDialTimeLimit is 13216, "Invalid timeLimit value".
	CodeDialTimeLimit = 13216
	// CodeDialRecord is 13217, "Dial: Invalid record value".
	CodeDialRecord = 13217
	// CodeDialSequential is 13218, "Dial: Invalid sequential value".
	CodeDialSequential = 13218
	// CodeDialAnswerOnBridge is 13219, "Dial: Invalid answerOnBridge value".
	CodeDialAnswerOnBridge = 13219
	// CodeDialRingTone is 13220, "Dial: Invalid ringTone value".
	CodeDialRingTone = 13220
	// CodeNumberMethod is 13221, "Dial->Number: Invalid method value".
	CodeNumberMethod = 13221
	// CodeNumberSendDigits is 13222, "Dial->Number: Invalid sendDigits
	// value".
	CodeNumberSendDigits = 13222
	// CodeDialPhoneNumber is 13223, "Dial: Invalid phone number format".
	CodeDialPhoneNumber = 13223
	// CodeConferenceMuted is 13230, "Dial->Conference: Invalid muted value".
	CodeConferenceMuted = 13230
	// CodeConferenceEndOnExit is 13231, "Dial->Conference: Invalid
	// endConferenceOnExit value" (error).
	CodeConferenceEndOnExit = 13231
	// CodeConferenceStartOnEnter is 13232, "Dial->Conference: Invalid
	// startConferenceOnEnter value".
	CodeConferenceStartOnEnter = 13232
	// CodeConferenceWaitURL is 13233, "Dial->Conference: Invalid waitUrl".
	CodeConferenceWaitURL = 13233
	// CodeConferenceWaitMethod is 13234, "Dial->Conference: Invalid
	// waitMethod".
	CodeConferenceWaitMethod = 13234
	// CodeConferenceBeep is 13235, "Dial->Conference: Invalid beep value".
	CodeConferenceBeep = 13235
	// CodeConferenceName is 13237, "Dial->Conference: Invalid Conference
	// Name".
	CodeConferenceName = 13237
	// CodeConferenceTrim is 13239, "Dial->Conference: Invalid Trim Value"
	// (error).
	CodeConferenceTrim = 13239
	// CodeSipMethod is 13241, "Dial->SIP: Invalid method value".
	CodeSipMethod = 13241
	// CodeSipURI is 13243, "Dial->SIP: Invalid SIP URI".
	CodeSipURI = 13243

	// CodeGatherFinishOnKey is 13310, "Gather: Invalid finishOnKey value".
	// (13311 has the same title; what tells them apart is not documented.)
	CodeGatherFinishOnKey = 13310
	// CodeGatherMethod is 13312, "Gather: Invalid method value".
	CodeGatherMethod = 13312
	// CodeGatherTimeout is 13313, "Gather: Invalid timeout value".
	CodeGatherTimeout = 13313
	// CodeGatherNumDigits is 13314, "Gather: Invalid numDigits value".
	CodeGatherNumDigits = 13314
	// CodeGatherNested is 13320, "Gather: Invalid nested verb".
	CodeGatherNested = 13320
	// CodeGatherSayVoice is 13321, "Gather -> Say: Invalid voice value".
	CodeGatherSayVoice = 13321
	// CodeGatherSayLoop is 13322, "Gather->Say: Invalid loop value".
	CodeGatherSayLoop = 13322
	// CodeGatherInput is 13326, "Gather: Invalid input value".
	CodeGatherInput = 13326
	// CodeGatherSpeechTimeout is 13327, "Gather: Invalid speechTimeout
	// value".
	CodeGatherSpeechTimeout = 13327
	// CodeGatherMaxSpeechTime is 13328, "Gather: Invalid maxSpeechTime
	// value".
	CodeGatherMaxSpeechTime = 13328
	// CodeGatherPartialMethod is 13329, "Gather: Invalid
	// partialResultCallbackMethod value".
	CodeGatherPartialMethod = 13329
	// CodeGatherBargeIn is 13332, "Gather: Invalid bargeIn value".
	CodeGatherBargeIn = 13332
	// CodeGatherProfanityFilter is 13333, "Gather: Invalid profanityFilter
	// value".
	CodeGatherProfanityFilter = 13333
	// CodeGatherSpeechModel is 13334, "Gather: Invalid model value".
	CodeGatherSpeechModel = 13334
	// CodeGatherDebug is 13336, "Gather: Invalid debug value".
	CodeGatherDebug = 13336
	// CodeGatherActionOnEmptyResult is 13338, "Gather: Invalid
	// actionOnEmptyResult value" (error).
	CodeGatherActionOnEmptyResult = 13338
	// CodeGatherEnhanced is 13339, "Gather: Invalid enhanced value".
	CodeGatherEnhanced = 13339

	// CodePlayLoop is 13410, "Play: Invalid loop value".
	CodePlayLoop = 13410
	// CodePlayDigits is 13430, "Play: Invalid DTMF String".
	CodePlayDigits = 13430
	// CodeSayLoop is 13510, "Say: Invalid loop value".
	CodeSayLoop = 13510
	// CodeSayVoice is 13511, "Say: Invalid voice value".
	CodeSayVoice = 13511
	// CodeSayText is 13520, "Say: Invalid text".
	CodeSayText = 13520
	// CodeSayTooLong is 13521, "<Say> element character limits exceeded".
	CodeSayTooLong = 13521

	// CodeRecordMethod is 13610, "Record: Invalid method value".
	CodeRecordMethod = 13610
	// CodeRecordTimeout is 13611, "Record: Invalid timeout value".
	CodeRecordTimeout = 13611
	// CodeRecordMaxLength is 13612, "Record: Invalid maxLength value".
	CodeRecordMaxLength = 13612
	// CodeRecordFinishOnKey is 13613, "Record: Invalid finishOnKey value".
	CodeRecordFinishOnKey = 13613
	// CodeRecordTranscribe is 13614, "Record: Invalid transcribe value".
	CodeRecordTranscribe = 13614
	// CodeRecordTranscribeLength is 13615, "Record: maxLength too high for
	// transcription".
	CodeRecordTranscribeLength = 13615
	// CodeRecordPlayBeep is 13616, "Record: playBeep must be true or false".
	CodeRecordPlayBeep = 13616
	// CodeRecordingStatusCallbackEvent is 13621, "Invalid
	// 'recordingStatusCallbackEvent'" (error). The package uses it for the
	// attribute on <Record>, <Dial>, <Conference> and <Recording>.
	CodeRecordingStatusCallbackEvent = 13621
	// CodeRecordTrim is 13699, "Record: Invalid trim value".
	CodeRecordTrim = 13699

	// CodeRedirectMethod is 13710, "Redirect: Invalid method value".
	CodeRedirectMethod = 13710
	// CodeRejectReason is 13810, "Reject: Invalid cause".
	CodeRejectReason = 13810
	// CodePauseLength is 13910, "Pause: Invalid length value".
	CodePauseLength = 13910

	// CodeSmsTo is 14101, `Invalid "To" attribute`.
	CodeSmsTo = 14101
	// CodeSmsFrom is 14102, `Invalid "From" attribute`.
	CodeSmsFrom = 14102
	// CodeSmsBody is 14103, "Invalid Body".
	CodeSmsBody = 14103
	// CodeSmsMethod is 14104, "Invalid Method attribute".
	CodeSmsMethod = 14104

	// CodeEnqueueMethod is 14201, "Enqueue: Invalid method value" (error).
	CodeEnqueueMethod = 14201
	// CodeEnqueueWaitURL is 14202, "Enqueue: Invalid waitUrl" (error).
	CodeEnqueueWaitURL = 14202
	// CodeEnqueueAction is 14203, "Enqueue: Invalid Enqueue action url"
	// (error).
	CodeEnqueueAction = 14203
	// CodeEnqueueNameShort is 14204, "Enqueue: Queue name too short"
	// (error).
	CodeEnqueueNameShort = 14204
	// CodeEnqueueNameLong is 14205, "Enqueue: Queue name too long" (error).
	CodeEnqueueNameLong = 14205
	// CodeEnqueueWaitURLMethod is 14206, "Enqueue: Invalid waitUrlMethod
	// value" (error).
	CodeEnqueueWaitURLMethod = 14206
	// CodeQueueMethod is 14210, "Dial->Queue: Invalid whisper method"
	// (error).
	CodeQueueMethod = 14210
	// CodeQueueNameShort is 14212, "Dial->Queue: queue name too short"
	// (error).
	CodeQueueNameShort = 14212
	// CodeQueueNameLong is 14213, "Dial->Queue: queue name too long"
	// (error).
	CodeQueueNameLong = 14213
	// CodeEnqueueTaskJSON is 14221, "Enqueue: Provided Attributes JSON was
	// not valid" (error).
	CodeEnqueueTaskJSON = 14221
	// CodeStartNested is 14300, "Start: Invalid nested noun value" (error),
	// for <Start> and <Stop>.
	CodeStartNested = 14300

	// CodeAsyncAMD is 21263, "Invalid Answering Machine Detection
	// Parameters": the Calls API's asyncAmd attributes on <Number> or <Sip>.
	CodeAsyncAMD = 21263
)

// levelOf returns the level of code in Twilio's catalog.
func levelOf(code int) Level {
	switch code {
	case CodeInvalidURL, CodeParseFailure, CodeBadRoot,
		CodeConferenceEndOnExit, CodeConferenceTrim,
		CodeGatherActionOnEmptyResult, CodeRecordingStatusCallbackEvent,
		CodeEnqueueMethod, CodeEnqueueWaitURL, CodeEnqueueAction,
		CodeEnqueueNameShort, CodeEnqueueNameLong, CodeEnqueueWaitURLMethod, CodeEnqueueTaskJSON,
		CodeQueueMethod, CodeQueueNameShort, CodeQueueNameLong,
		CodeStartNested:
		return Error
	}
	return Warning
}
