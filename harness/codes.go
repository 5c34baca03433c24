package harness

// Every code the harness answers or logs, in one place. Twilio's codes are
// named after their entries in Twilio's error catalog
// (https://www.twilio.com/docs/api/errors/NNNNN); the harness's own codes
// are in the 99xxx range, which Twilio does not use. Codes of TwiML
// problems found while parsing are the twiml package's (twiml.Code…).

// The harness's own notification codes.
const (
	// CodeNotSimulated is logged for a verb the harness cannot execute yet.
	// The call ends after it.
	CodeNotSimulated = 99001
	// CodeRedirectLoop is logged for a call that loaded too many documents
	// at one virtual instant (see [Fidelity.MaxDocumentsAtOnce]). The call
	// ends after it.
	CodeRedirectLoop = 99002
	// CodeUnusedStep is logged when a call ends with a step of its far
	// end's script unused: a key press for a menu that never came, say,
	// with what the call did instead.
	CodeUnusedStep = 99003
	// CodeLimitReached is logged when a call reaches one of the harness's
	// [Limits] (documents, legs, notifications); the call ends after it.
	// Twilio has no code for these: its own limits are not documented.
	CodeLimitReached = 99004
	// CodeInputNotTaken is logged when a <Gather> does not take what the
	// far end's script gave it: keys after the Gather ended in the middle
	// of a press (its numDigits reached, or a finishOnKey pressed), keys at
	// a Gather that listens only for speech, or speech at one that listens
	// only for keys. The script does not fit the menu; Twilio would drop
	// the input without a word.
	CodeInputNotTaken = 99005
	// CodeStreamLimit is logged when a stream is refused because the call
	// has as many as Twilio allows (one bidirectional stream, four tracks
	// of unidirectional ones): Twilio documents the limits but not the
	// code it logs. The call goes on without the stream.
	CodeStreamLimit = 99006
	// CodeStreamStalled is logged when a stream's application stops
	// reading for longer than the stream patience ([WithStreamPatience]):
	// the harness ends the stream as Twilio ends a broken one, with a
	// stream-error callback. Twilio documents no code for it.
	CodeStreamStalled = 99007
	// CodeBadAudio is logged when the far end's script gives audio the
	// harness cannot read (SpeaksAudio with a WAV that is not 8 kHz mono
	// PCM or μ-law, say): the far end stays silent instead.
	CodeBadAudio = 99008
	// CodeRelayNoAnswer is logged (a warning) when a ConversationRelay
	// application does not answer the caller's prompt within the relay
	// patience ([WithRelayPatience]): the conversation goes on, the caller
	// taking its next turn. Twilio waits for ever; a test should not.
	CodeRelayNoAnswer = 99009
)

// Twilio's codes of ConversationRelay, logged about a call.
const (
	codeRelayConnect    = 64102 // "Unable to Connect to Websocket URL"
	codeRelayEnded      = 64105 // "Websocket ended": the socket dropped, or too many malformed messages
	codeRelayArgument   = 64106 // "Invalid argument": a provider, voice or model Twilio does not support
	codeRelayBadMessage = 64107 // "Invalid Message Received": the message is dropped, the session goes on
)

// Twilio's codes of Media Streams, logged about a call.
const (
	codeStreamTimeout      = 31901 // "Stream - WebSocket - Connection Timeout"
	codeStreamRefused      = 31902 // "Stream - WebSocket - Connection Refused"
	codeStreamTLS          = 31910 // "Stream - WebSocket - SSL Protocol Error"
	codeStreamHandshake    = 31920 // "Stream - WebSocket - Handshake Error": an answer other than 101
	codeStreamScheme       = 31922 // "Stream - WebSocket - URL Schema Not Supported"
	codeStreamMalformedURL = 31923 // "Stream - WebSocket - Malformed URL"
	codeStreamProtocol     = 31924 // "Stream - Websocket - Protocol Error": a message on a unidirectional stream
	codeStreamMediaDropped = 31931 // "Stream - Media - Media Discarded": more than 10 minutes of audio buffered
	codeStreamTrack        = 31941 // "Stream - Invalid Track configuration"
	codeStreamInvalidMsg   = 31951 // "Stream - Protocol - Invalid Message", once a stream
)

// Twilio's codes of the REST API's errors.
const (
	codeBadRequest          = 20001 // invalid or malformed parameter (Twilio: "Invalid parameter")
	codeAuthenticate        = 20003
	codeMethodNotAllowed    = 20004
	codeDeleteLiveCall      = 20009
	codeNotFound            = 20404
	codeServiceUnavailable  = 20503
	codeNoTo                = 21201
	codeNoURL               = 21205 // also a malformed or relative URL
	codeInvalidSendDigits   = 21206
	codeInvalidTimeout      = 21208
	codeInvalidMethod       = 21209
	codeFromNotVerified     = 21210 // "'From' phone number not verified"
	codeInvalidTo           = 21211
	codeInvalidFrom         = 21212
	codeNoFrom              = 21213
	codeToUnreachable       = 21214
	codeGeoPermission       = 21215
	codeBlocked             = 21216
	codeToNotValid          = 21217
	codeInvalidApplication  = 21218
	codeInvalidCallState    = 21220
	codeRecordingTooShort   = 16101 // a recording's error_code when it is absent
	codeMachineDetection    = 21234
	codeInvalidPhoneNumber  = 21421 // "PhoneNumber is invalid"
	codeNumberUnavailable   = 21422 // "PhoneNumber is not available"
	codeCallerIDVerified    = 21450 // "Phone number already validated on your account"
	codeInvalidAreaCode     = 21451 // "Invalid area code"
	codeNoNumberInArea      = 21452 // "No phone numbers found in area code"
	codeInvalidCallbackEvnt = 21626
	codeTwimlTooLong        = 32018
)

// Twilio's codes of the notifications the engine logs about a call.
const (
	codeInvalidURL        = 11100 // "Invalid URL format"
	codeHTTPRetrieval     = 11200 // "HTTP retrieval failure"
	codeHTTPConnection    = 11205 // "HTTP connection failure"
	codeTooManyRedirects  = 11215 // "HTTP too many redirects"
	codeBadRedirect       = 11216 // "HTTP invalid redirect": a 3xx other than 301, 302, 303 and 307, or one without a Location
	codeReplyTooLarge     = 11750 // "TwiML response body too large"
	codeEmptyReply        = 11770 // "Empty response body"
	codeContentType       = 12300 // "Invalid Content-Type"
	codeDialInDial        = 13201 // "Dial: Cannot Dial out from a Dial Call Segment"
	codeDialPhoneNumber   = 13223 // "Dial: Invalid phone number format"
	codeDialUnsupported   = 13224 // "Dial: Twilio does not support calling this number or the number is invalid"
	codeRejectAnswered    = 13810 // "Reject: Invalid cause"
	codeCallbackHTTPError = 15003 // "Call Progress: Warning Response to Callback URL"
	codeAMDNoCallback     = 21262 // "No AMD status callback URL"
	codeAMDParamsInvalid  = 21263 // "Invalid Answering Machine Detection Parameters": AsyncAmd… given to the Participants API
	codeTwimlAndURL       = 32019 // "Twiml and Voice URL both set"
)

// Twilio's codes of conferences, logged about a call or answered by the
// Conferences and Participants resources.
const (
	// CodeConferenceFull is 16020, "Conference is full": a call tried to
	// join a conference that has its maxParticipants. The call does not
	// join: its <Dial> ends with DialCallStatus=failed.
	CodeConferenceFull          = 16020
	codeConferenceNotActive     = 16001 // "Conference is not active"
	codeConferenceNotFound      = 16022 // the conference of a Participants request does not exist or is completed
	codeParticipantLabelInvalid = 16023 // a label longer than 128 characters, like a Call SID, or with '/'
	codeParticipantLabelInUse   = 16025 // <Conference participantLabel> already in use: not added, next verb
	codeParticipantLabelTaken   = 16026 // the Participants API's Label already in use
	codeCoachedNotInConference  = 16028 // the participant to coach is not in the conference
	codeConferenceBadVerb       = 13238 // a verb other than Play, Say, Pause, Redirect in a wait, hold or announce document
	codeConferenceCoach         = 13240 // <Conference coach> is not a call in the conference
)

// Twilio's codes of queues.
const (
	codeQueueFull     = 14207 // "Enqueue: queue reached its max size": the call is not enqueued (QueueResult queue-full)
	codeQueueWaitVerb = 14208 // a verb other than Play, Say, Pause, Gather, Hangup, Redirect, Leave in a wait document (the harness's choice)
)

// SIP response codes the engine ends calls with.
const (
	sipOK          = 200
	sipNotFound    = 404 // <Reject reason="rejected">, unreachable
	sipBusyHere    = 486 // busy
	sipRequestTerm = 487 // canceled, or no answer within the timeout
)
