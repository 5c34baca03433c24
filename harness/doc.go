// Package harness is a fake Twilio for testing voice applications: the Calls
// REST API that the official clients talk to unchanged, a call engine on a
// virtual clock that runs the application's TwiML, signed webhooks, and a
// record of everything that happened.
//
// A test makes a server, points its Twilio client at it and drives the
// engine:
//
//	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", myApp))
//	tw := twilioclient.New(srv)          // twilio-go, reaching srv in-process
//	call, _ := tw.Api.CreateCall(params) // the app's own code, unchanged
//	info := srv.Call(*call.Sid).Wait()   // a 60-second ring costs microseconds
//
// (twilioclient is this module's package
// github.com/twimlharness/twimlharness/twilioclient; any client whose
// transport is [Server.HTTPClient]'s, or that is aimed at [Server.URL],
// works the same.)
//
// # Time
//
// Nothing happens behind the test's back: calls move when the test runs the
// engine with [Server.Run], [Server.Advance] or [Call.Wait], and virtual time
// jumps straight to the next thing due. Events due at the same instant run in
// the order they were scheduled, and SIDs come from a seeded generator, so a
// test prints the same transcript on every run. A server can move time by
// itself instead, in one of the [ClockMode]s ([WithClock], switched at run
// time with [Server.SetClock]): [ClockAuto] ([WithAutoRun], the standalone
// server's default) runs the engine on a goroutine of the server, jumping
// to the next event; [ClockScaled] lets virtual time flow at a rate of the
// wall clock, so that a REST client can catch a call live; [ClockManual],
// the default, waits to be driven. [WithSystemClock] runs the engine on the
// system clock, for tests inside testing/synctest. [Server.Reset] puts a
// server back where it started, so that one server can run the same setup
// twice with the same result.
//
// Webhook handlers run on goroutines of their own, without any lock held:
// the requests due at one virtual instant are in flight together, so a slow
// application holds up only its own call. A call still sees its requests
// one at a time: its events wait for its reply, as if the engine waited.
// While anything is in flight virtual time does not move, and replies are
// applied in the order the requests were sent, so a run with the same
// requests and replies is the same run, whichever reply comes first.
// Handlers may call the REST API (to redirect or hang up a call), but must
// not drive the engine themselves. With [WithAutoRun] the engine waits for
// the replies of an instant at most [WithReplyPatience] of real time; then,
// until nothing is in flight, virtual time follows real time, so that the
// other calls go on while a slow application makes its own call wait.
//
// # Webhooks
//
// Requests to origins registered with [WithApp] call the handler in-process;
// any other URL is requested over real HTTP with Twilio's 15-second timeout.
// Every request is form-encoded (a GET carries the parameters in its query),
// signed with X-Twilio-Signature as twilio-go's RequestValidator checks it
// (see [Signature]), and carries User-Agent TwilioProxy/1.1 and an
// I-Twilio-Idempotency-Token header. An in-process handler gets the request
// an http.Server would hand it: r.URL holds only the path and query (with
// r.RequestURI), r.Host the origin's host, r.TLS is set for an https origin,
// and r.RemoteAddr is one of Twilio's addresses, so an application that
// rebuilds its public URL from the request validates the signature as it
// does in production.
//
// # Calls and parties
//
// Calls come from the REST API (or [Server.CreateCall]), from <Dial> (legs,
// with their parent), or from a caller dialing an incoming number
// ([Server.AddNumber], [Server.IncomingCall], or a REST call to it). Whoever is at the far end is
// a [scenario.Party]: how the line answers, who answers (a person, an
// answering machine, a fax), and the steps they take during the call.
//
// # Numbers, applications and caller IDs
//
// An account's incoming numbers, TwiML applications and verified caller IDs
// are one store, whichever way they are added: the library
// ([Server.AddNumber], [Server.AddApplication], [Server.AddCallerID]), the
// control API, or the REST API (IncomingPhoneNumbers and its Local, Mobile
// and TollFree lists, Applications, OutgoingCallerIds), which sees what the
// others added with the same SIDs. A call to a number runs its
// application's voice settings when VoiceApplicationSID names one, else its
// own. A validation request (POST /OutgoingCallerIds.json) calls the number
// and verifies it once the far end keys in the code. Once an account owns
// a number or a caller ID, its calls must come from one of them (21210; see
// [Fidelity.AnyFrom]). A REST call to a number of the server rings it as an
// inbound call. [Server.Reset] forgets all of them unless [KeepNumbers].
//
// # The record
//
// Everything is recorded: [Server.Requests], [Server.APIRequests],
// [Server.Events], [Server.Notifications], [Server.Messages], per call too,
// as a text transcript ([Call.Transcript]), JSON ([Call.JSON]) or a Mermaid
// sequence diagram ([Call.Mermaid]: virtual times as notes, failed replies
// crossed, text escaped and wrapped, and cut under Mermaid's 50,000
// characters unless [DiagramLimit] says otherwise). The matchers package
// asserts on it.
// [Server.ControlHandler] exposes the server to tests in other languages,
// behind the accounts' credentials, refusing requests from web pages.
// [WithListenerLimits] sets the timeouts of the listener of [Server.URL]
// and its cap on open connections.
// [Server.InjectFault] makes any URL fail without real waiting.
//
// # Seeing it
//
// The control API serves an inspector at /_harness/ui/: the calls, newest
// first, updating live; each call's timeline, sequence diagram (drawn as
// SVG), webhooks with their signatures and replies, notifications,
// recordings, streams and conversations; conferences; a control panel.
// [Call.HTML] and [Server.HTML] make the same views one self-contained
// page, and [LogTranscriptOnFailure] with [HTMLReportsIn] (or
// [ReportDirEnv]) leaves one for each failed test.
//
// # Servers that run for hours
//
// A test's server keeps everything. One that runs for hours, as
// twimlharness serve does, bounds its memory with [WithRetention] (see
// [ServeRetention]): it forgets the oldest ended calls and keeps bodies
// short; a *Call a test holds stays readable. [Limits] bound what one call
// may cost (documents, legs, notifications; [WithLimits]); a call that
// reaches one ends with [CodeLimitReached].
//
// # Fidelity
//
// Where Twilio's behaviour is undocumented, the harness chooses as follows.
//
//   - Status=canceled on a call in progress leaves it as it is and answers
//     200 with the call, as the Call resource page says it "will not
//     affect calls already in progress"; Status=completed on a call not
//     answered yet ends it canceled.
//   - Through a public URL mapping ([WithPublicURL]) a request carries the
//     public host as Host, with X-Forwarded-Proto and X-Forwarded-Host, as
//     a reverse proxy in front of the application would send it; the
//     record shows the public URL.
//   - Under [ClockScaled] webhook timeouts stay in real time.
//   - Recordings: a fetch or list shows a recording still recording as
//     processing (create and update replies show in-progress, paused or
//     stopped); it is completed as soon as it stops, with no processing
//     delay; one that recorded nothing is absent with error_code 16101. It
//     costs [RecordingPricePerMinute] a started minute. Starting or
//     updating one on a call not in progress, or one that no longer
//     records, is 21220; deleting one not completed is 20009. A second
//     recording started with the REST API is a recording of its own.
//     Twilio.CURRENT names the call's latest recording still recording.
//   - A recording's media is a tone where someone spoke (660 Hz for the far
//     end, the inbound track and a dual recording's first channel; 440 Hz
//     for what the application said or played, the outbound track and the
//     second channel) and silence elsewhere, as long as its duration. The
//     MP3 (MPEG-1 Layer III, 32 kHz, 32 kbit/s) is silent: the harness has
//     no encoder. A recording of <Start><Recording> has the source
//     StartCallRecordingTwiML, as Twilio's replies do, which Twilio's
//     OpenAPI description does not list.
//   - Notifications: message_text is Msg, ErrorCode, LogLevel, url and
//     httpResponse, URL-encoded; more_info of the harness's own codes
//     (99xxx) points at this package's documentation. Only calls log them.
//   - Call Events list every request of the call (status and recording
//     callbacks too), oldest first, at once; request_duration is the
//     virtual milliseconds a reply took (0 unless a fault delayed it).
//   - The far end answers at once and stays on the line unless a party says
//     otherwise ([WithParty], [Server.SetParty], [Call.SetParty]).
//   - Ringing lasts exactly the party's delay; Twilio's extra five seconds
//     of Timeout buffer are not added. Initiated and ringing happen at the
//     instant the call leaves the queue; the queue time is 0 unless
//     [WithQueueTime] sets one.
//   - start_time is when dialing began; duration (and CallDuration) is the
//     time from answer to end, in whole seconds. As the Call resource page
//     says, duration is null for busy, failed, unanswered and ongoing calls
//     and end_time is null unless the call completed; CallDuration is "0"
//     for them ([Fidelity.UnansweredCallTimes] shows "0" and the end time
//     on the resource too). The EndTime list filters still find them by
//     when they ended.
//   - Duration in the completed callback is in started minutes: at least 1
//     for an answered call, 0 for one never answered. The price is that many
//     minutes at [WithPrice]'s rate, negative, with five decimals
//     ("-0.01400"); "0.00000" for unanswered calls.
//   - SipResponseCode is sent in the completed callback of failed and
//     no-answer calls only, as Twilio's Call resource page says.
//   - <Say> lasts 0.4 seconds a word (150 words a minute), at least one
//     second; loop="0" repeats 1,000 times.
//   - The status callback of the answered event is sent before the request to
//     the call's Url.
//   - Errors whose code or message Twilio does not document: an invalid
//     TimeLimit, Record, RecordingChannels, RecordingTrack, Trim, list filter
//     or Status is 20001; Twiml over 4,000 characters is 32018; both Url and
//     Twiml on an update is 20001; deleting a live call is 20009 with HTTP 400;
//     an unknown StatusCallbackEvent is 21626. An update of StatusCallback
//     alone is accepted. TimeLimit must be at most 14,400 seconds, Twilio's
//     default limit ([Fidelity.MaxTimeLimit] raises it up to the 24 hours an
//     account may ask for).
//   - A request with the credentials of one account to another account's
//     path is answered 404, as for a resource that does not exist.
//   - PageSize above 1,000 is read as 1,000. StartTime< and EndTime< keep
//     calls on or before the bound, StartTime> and EndTime> on or after it; a
//     date alone means its midnight, UTC. StartTime= keeps calls of that day.
//   - The CSV representation has a header row named as the JSON fields, and
//     no subresource_uris. The XML representation (".xml", or no extension,
//     the 2010 API's default) is <TwilioResponse><Call> with the JSON fields
//     in PascalCase, null as an empty element, subresource URIs without
//     ".json", and lists as <Calls page=… pagesize=… start=… end=… uri=…
//     firstpageuri=… previouspageuri=… nextpageuri=…>. Errors are
//     <TwilioResponse><RestException> for ".xml" and for a route of the API
//     named without an extension, JSON otherwise.
//   - Buying a number (POST /IncomingPhoneNumbers.json): any valid number
//     that no account of the server owns; one owned is 21422. Twilio's
//     test numbers mean what they mean with test credentials, for every
//     account: +15005550006 is bought (by one account at a time: a number
//     has one owner, and a second buyer gets 21422), +15005550001 is 21421,
//     +15005550000 is 21422, AreaCode 533 is 21452; neither PhoneNumber
//     nor AreaCode (or no PhoneNumber on a typed list) is 21421; an
//     AreaCode that is not three digits starting 2-9, or is N11, is
//     21451. AreaCode gives the first free number from +1 AAA 555 0100
//     (area 500 gives +15005550006 first); PhoneNumber wins over AreaCode.
//   - A number's type is its list's (local, mobile, toll-free); bought
//     from IncomingPhoneNumbers.json it is toll-free for +1 800, 833,
//     844, 855, 866, 877 and 888, local otherwise. The typed lists show
//     no type field, as Twilio's schemas of those lists have none. Every number has
//     capabilities voice, SMS and MMS (not fax), status in-use, origin
//     twilio, beta false, address_requirements none, emergency_status
//     Inactive, emergency_address_status unregistered. Unset URLs and SIDs
//     are null; methods default to POST, on numbers and applications. An
//     application's unset friendly_name is null, and
//     public_application_connect_enabled defaults to false. XML spells a
//     number's capabilities <Fax>, <MMS>, <SMS>, <Voice>.
//   - The lists of numbers, applications and caller IDs are in the order
//     they were added. FriendlyName filters are exact. A PhoneNumber filter
//     of numbers matches any part of the number, "*" standing for one
//     digit, punctuation ignored; of caller IDs, the whole number. Origin
//     twilio keeps every number and any other origin none; Beta must be
//     true or false and keeps every number (none is in beta).
//   - Settings of numbers and applications: a URL that is not absolute is
//     21205, a method other than GET or POST 21209, a VoiceApplicationSid
//     that is not an application of the account 21218; a FriendlyName over
//     64 characters, a malformed SID, an unknown choice, a boolean that is
//     not true or false, an ApiVersion other than 2010-04-01 or 2008-08-01,
//     and both VoiceApplicationSid and TrunkSid at once are 20001. Setting
//     one of VoiceApplicationSid and TrunkSid clears the other. AccountSid
//     on an update moves the number to any other account of the server.
//     SMS settings, VoiceCallerIdLookup, addresses, identities, bundles and
//     emergency settings are kept and shown, and change nothing else.
//     There is no limit of 1,000 applications per account.
//   - A call to a number with neither a voice URL nor an application (or
//     whose application has none) hears a sentence saying so, then the
//     number hangs up: Twilio plays a message of its own. A number's
//     trunk is not simulated: its calls use its voice settings, with a
//     note in the record. A number whose application was deleted keeps its
//     voice_application_sid and uses its own settings; a call created with
//     a deleted application's SID is 21218.
//   - A validation request's verification call is an outbound-api call
//     from +15005550006 that asks for the code with <Gather numDigits="6"
//     timeout="10">, once; the far end keys the code in unless a party is
//     set for the number. The caller ID exists once the code is right, with
//     the request's FriendlyName; the request's StatusCallback gets the
//     completed event only, with VerificationStatus (success, or failed for
//     a wrong code, no code, busy, no answer, a hang-up) and, on success,
//     OutgoingCallerIdSid. A missing or invalid PhoneNumber is 21421; a
//     number the account has verified, or owns, is 21450; a CallDelay
//     outside 0-60 or an Extension other than digits, *, #, w and W is
//     20001. The code comes from the seeded generator.
//   - An account that owns no number and has no verified caller ID may
//     call from any valid From; once it has one, another phone number as
//     From is 21210 ([Fidelity.AnyFrom] accepts any From always).
//     +15005550006 is always accepted; client:, sip: and caller ID labels
//     are not checked; <Dial callerId> is not checked.
//   - A REST call whose To is a number of the server reaches it: an
//     inbound call (in the number's account, From the caller) runs the
//     number's routing while the REST call rings; the REST call is answered
//     at the same instant, ends busy, no-answer or failed as the inbound
//     call does when it ends unanswered, and no-answer at its Timeout
//     (the inbound call then ends canceled); after the answer, the end of
//     either hangs up the other. The caller at the inbound call is the
//     party set for the From address; the far end of the REST call's own
//     TwiML is the party set for the number. <Dial> legs and verification
//     calls to a number of the server ring the far end as before.
//   - A status callback that fails is logged as notification 15003 (HTTP
//     error) or 11205 (no connection), at warning level.
//   - A TwiML element that is not a Twilio verb is skipped with warning 12200.
//     A Twilio verb that the harness does not execute yet (<Connect>,
//     <Pay>, <Refer>, and <Dial> to an <Application> or a <Sim>) ends the
//     call with notification [CodeNotSimulated], never silently.
//   - <Play> does not fetch the audio: it lasts what [WithMediaDuration]
//     says for its URL ([DefaultMediaDuration] otherwise). Digits take 0.2 s
//     each, w half a second, W a second. A <Play> with neither a URL nor
//     digits is error 11100 and plays nothing.
//   - The far end acts at a <Gather> when its prompt (the nested verbs) has
//     ended, plus the step's Delay, or from the start of the Gather with
//     BargeIn; keys are 200 ms apart by default. Speech is recognised once
//     it has been spoken (0.4 s a word) and speechTimeout has passed ("auto"
//     waits [Fidelity.SpeechEndTimeout]); Confidence defaults to 0.9. The
//     action gets Digits, FinishedOnKey ("" when the gather ended on
//     numDigits or the timeout) and msg=Gather End; with actionOnEmptyResult
//     and no input, Digits is left out. A partialResultCallback gets one
//     partial result, half-way through the speech, with Stability 0.8 and
//     SequenceNumber 1.
//   - <Record> beeps for [Fidelity.BeepLength]. The action's
//     RecordingDuration is the whole recording; with trim-silence the
//     recording itself (and its status callback) keeps only what the far
//     end said. An empty recording (the far end said nothing) requests no
//     action and the call goes on with the next verb, as Twilio's <Record>
//     page says, also when the caller hangs up (see
//     [Fidelity.EmptyRecordingRequestsAction]); its transcription fails.
//   - <Dial> legs ring exactly the Dial's timeout (no five-second buffer),
//     with the parent's From as caller ID unless callerId says otherwise.
//     Legs that lose a parallel Dial end [Fidelity.LosingLegStatus]. When no
//     leg answered, DialCallStatus is no-answer if any leg rang out, else
//     busy if any was busy, else canceled, else failed. The Dial's timeLimit
//     counts from the leg's answer. A leg whose whisper hangs up ends the
//     Dial as completed and not bridged, without DialCallDuration: the
//     harness sends DialCallDuration only for a leg that was bridged (Twilio
//     documents its absence for a leg redirected before it disconnected; for
//     a leg never bridged it is not documented). A target Twilio cannot
//     call gets a leg that fails at once (initiated, then failed; with no
//     other leg the Dial ends with DialCallStatus failed), after the
//     parser's warning 13223 when it is not written as a phone number, or
//     warning 13224 when it is but is no E.164 or North American number.
//     When the caller hangs up during a
//     Dial, the action is requested with CallStatus=completed and
//     DialCallStatus completed (bridged) or canceled (ringing); see
//     [Fidelity.NoDialActionAfterHangup]. A leg redirected with the REST
//     API leaves the bridge: the Dial ends completed, without
//     DialCallDuration.
//   - Conferences ([Server.Conference]): a conference starts when it has
//     two participants and one of them has startConferenceOnEnter, whichever
//     joined first; the one left in a started conference hears silence. A
//     join that starts it reports participant-join, then conference-start;
//     an end reports each participant-leave, then conference-end.
//     SequenceNumber counts from 1 ([Fidelity.ConferenceSequenceFromZero])
//     and numbers the callbacks sent, as call progress callbacks do (an
//     event nobody subscribed to takes no number); the callbacks carry the
//     conference's parameters only (no From, To or CallStatus), and
//     conference-start and conference-end none of a participant's; a
//     muted participant's speech still sends participant-speech-start and
//     -stop, though nobody hears it; Timestamp's day has no leading zero, as in Twilio's
//     example. A statusCallback without statusCallbackEvent gets start and
//     end, the Participants API's default
//     ([Fidelity.NoDefaultConferenceEvents]). Wait, hold and announcement
//     documents are requested with the standard parameters of the
//     participant's call (an announcement to the room: of the participant
//     that joined last), plus ConferenceSid and FriendlyName for
//     announcements; an audio reply plays once; Twilio's own hold music is
//     not requested (the record shows its URL); a <Redirect> loop with
//     nothing to play stops after ten documents at one instant
//     ([CodeRedirectLoop]). A join past maxParticipants is 16020 and a coach
//     not in the conference 13240: the <Dial> ends with
//     DialCallStatus=failed. ReasonParticipantLeft is participant_hung_up
//     for a hang-up, hangupOnStar and the Dial's timeLimit;
//     participant_updated_via_api for a REST redirect or a kick;
//     moderator_ended_conference when an endConferenceOnExit participant
//     left; conference_ended_via_api when the API ended it. A <Dial>
//     participant that leaves, however, requests its action with
//     DialCallStatus=answered (the caller hanging up too, as for any Dial),
//     or goes on with the next verb; a call of the Participants API hangs
//     up, and one that fails before it answers reports participant-leave
//     with participant_add_failed. A conference with nobody in it or on the
//     way ends last-participant-left. Beeps are heard by everyone in a
//     started conference who is not on hold, the participant joining
//     included; the conference keeps them, and [Call.Heard] lists those a
//     call heard (its transcript does not, so that a join costs the same in
//     a room of any size). A conference's recording
//     (record-from-start) runs from the start to the end, is reported
//     completed when the conference ends, and is listed with the call whose
//     join started it, with its conference_sid. An empty <Redirect/> in a
//     wait or hold document requests it again with <Redirect>'s own
//     default method, POST.
//   - The Conferences and Participants resources: conferences list newest
//     first, participants in the order they joined, then those still being
//     dialed. Ending a completed conference answers 200 and does nothing;
//     with both Status=completed and AnnounceUrl the end wins. An
//     announcement needs someone in the room (16001 for an empty or
//     completed conference, or for a participant still ringing). A
//     conference SID that is unknown or completed is 16022 (HTTP 400); a
//     name shaped like a CF SID is read as a SID. A room holding
//     MaxParticipants, counting the calls being dialed into it, refuses
//     another with 16020. A former participant is 20404. participant-modify
//     is sent once an update, and only when a value changed; a participant
//     still ringing takes changes without events, and deleting it cancels
//     its call (participant-leave with participant_add_failed). HoldUrl
//     and HoldMethod apply only with Hold=true. CallSidToCoach may be a
//     label and must name someone in the room (16028); Coaching=true
//     without it is 20001; CallSidToCoach alone means Coaching=true. A
//     CallerId given becomes the call's From, checked like From. Answering
//     machine detection of a participant's call is synchronous, as for a
//     <Dial><Number> leg: the call joins once detection has answered.
//   - Queues ([Server.Queue]): <Enqueue> creates its queue on first use
//     with max_size 1,000 (maxQueueSize lowers the limit for that verb);
//     a full queue is warning 14207 and QueueResult queue-full without
//     QueueSid or QueueTime, then the action or, without one, the next
//     verb. QueueTime and AvgQueueTime are whole seconds; QueuePosition
//     counts from 1. The waitUrl runs as the call's program, limited to
//     Play, Say, Pause, Gather, Hangup, Redirect and Leave (any other verb
//     is 14208, the harness's code, and QueueResult error); when it runs
//     out it is requested again; Twilio's own hold music is not requested
//     (the record shows its URL). <Hangup> there, like the caller hanging
//     up, is QueueResult hangup, and the action is still requested with
//     CallStatus=completed (as for <Dial>). A REST redirect requests the
//     action at once with QueueResult redirected and ignores its reply:
//     the call runs its new TwiML. <Leave> outside a wait document is a
//     warning and does nothing. workflowSid is logged as not simulated
//     (99001, a warning) and the queue named by the text is used.
//     A bridged caller redirected with the REST API leaves with
//     redirected-from-bridged. <Dial><Queue> to an empty queue waits for
//     the next caller up to its timeout (DialCallStatus no-answer), which
//     bounds only that wait, not the bridge; to a queue the account does
//     not have it fails (DialCallStatus failed). An agent who hangs up
//     while the Queue's url still plays to the caller ends the caller's
//     wait as bridged. After a bridge its action gets
//     DialCallStatus completed, QueueSid, DialCallSid and
//     DialCallDuration, and the older DequeuedCallSid,
//     DequeuedCallQueueTime, DequeuedCallDuration and DequeueResult; the
//     caller's Enqueue action comes when the bridge ends, with
//     QueueResult bridged, and its TwiML goes on if the caller is still
//     there.
//   - The Queues and Members resources: a duplicate FriendlyName (on
//     create, or renaming to another queue's name) is 20001, as Twilio
//     answers for a duplicate TaskRouter queue; deleting a queue with
//     callers waiting, or an agent's <Dial><Queue> waiting on it, is 20009;
//     a MaxSize below the current size is accepted (those waiting stay, and
//     <Enqueue> finds the queue full until it is below); a call not in the
//     queue, a second update of the same member, Front of an empty queue
//     and an unknown queue are 20404; Front answers with the real call SID.
//     A Members update posts the Enqueue action with QueueResult
//     redirected (its reply ignored) and the new Url drives the call. An
//     account has at most [Limits] QueuesPerAccount queues (10,000; Twilio
//     documents none): past it the API answers 20001 and an <Enqueue> that
//     would create one logs [CodeLimitReached] and leaves with QueueResult
//     system-error.
//   - Media Streams ([Call.Streams]): Twilio is the WebSocket client. A
//     [WithApp] origin is dialed in-process (its handler gets a real
//     upgrade, a Hijacker over an in-memory pipe); any other URL over the
//     network, ws:// as well as wss:// (Twilio refuses ws://, 31922); a
//     public URL mapping applies. The upgrade carries X-Twilio-Signature
//     of the URL as written with no parameters, and Twilio's User-Agent;
//     no subprotocol. A query string in the url is kept and signed.
//   - A stream runs in turns of one 20 ms frame of virtual time: each
//     turn writes Twilio's messages, pings the application and waits for
//     its pong (at most [WithStreamPatience], 5 s), so that what the
//     application sent in answer is applied at the turn's instant: runs
//     repeat for applications that answer a message before reading the
//     next. Messages Twilio sends in answer (a mark played, a clear's
//     marks, a dtmf) go out with the next turn. Real-time pacing, for
//     applications with wall-clock timers of their own, is the scaled
//     clock at rate 1 ([ClockScaled]).
//   - A turn's frames carry what the far end does at that same instant
//     (speech at the stream's start, a step cued by a mark's echo). A fork
//     of both tracks carries the application's audio of a bidirectional
//     stream on its outbound track from the turn after it arrives: its
//     first 20 ms are not in the fork.
//   - The first media timestamp is "0"; chunk counts per track from "1";
//     inbound and outbound frames of one slot share a timestamp, inbound
//     first. Silence is μ-law 0xFF. The far end's speech (Says, Talks, at
//     a <Gather>, a <Record>, in a conference or in the stream) is a
//     deterministic synthetic voice of the speech's length on the inbound
//     track (syllables of 200 ms, 150 ms voiced at about -20 dBFS and 50
//     ms of silence, so that a detector of speech by level hears it); the call's <Say> and <Play> are the same voice on the
//     outbound track; SpeaksAudio streams the given audio as is.
//   - The application's audio plays at 8 bytes a millisecond; a mark is
//     echoed once the audio before it has played, a clear drops the rest
//     and echoes the pending marks; a run of its audio ends when nothing
//     more came by the turn after the queue ran dry. More than ten
//     minutes buffered is dropped with warning 31931.
//   - An invalid message from the application (not JSON, binary, an
//     unknown event, a missing field, another streamSid) is logged as
//     31951 once a stream, and ignored; any message on a unidirectional
//     stream is 31924, once. A stream that cannot be opened logs 31901
//     (timeout), 31902 (refused), 31910 (TLS), 31920 (an answer other
//     than 101), 31922 (scheme) or 31923 (malformed URL), with a
//     stream-error callback; <Connect> then goes on as if the socket had
//     closed (its action, or the next verb). An application that stops
//     reading (whose pings go unanswered for the patience at two turns in a
//     row, with no pong in between) breaks the stream ([CodeStreamStalled]).
//     A second bidirectional stream, a fifth unidirectional track or a
//     duplicate name is refused with [CodeStreamLimit] (Twilio documents
//     the limits, not the code) and the call goes on.
//   - The Streams resource creates a unidirectional stream on an
//     in-progress call (21220 otherwise) from an absolute ws:// or wss://
//     Url (21205 otherwise), and stops one by SID or name (the latest of
//     that name) with Status=stopped; stopping a stopped stream answers it
//     as it is. It stops a <Connect><Stream> too (Twilio documents it for
//     forks only): the call goes on as if the application had closed the
//     socket. A ParameterN.Value without its name, or a pair of 500
//     characters or more, is 20001; keys numbered outside 1–99 are ignored
//     with a note; a name without a value is sent as "". A fifth track or
//     a name in use is 20001 with the limit in words. There is no list,
//     fetch or delete (405).
//   - When the application closes a <Connect><Stream>, the action is
//     requested with CallStatus=in-progress; a REST redirect sends stop
//     and does not request it; the far end hanging up sends stop and
//     requests it with CallStatus=completed (its TwiML ignored). The
//     harness sends stop only when it ends the stream. <Stop><Stream>
//     naming no running stream does nothing (a note). A <Parameter> whose
//     name and value reach 500 characters is dropped with 12200; of two
//     of one name the last wins. Stream status callbacks carry AccountSid,
//     CallSid, StreamSid, StreamName (the SID when unnamed), StreamEvent,
//     StreamError and Timestamp (ISO 8601, milliseconds), and no call
//     parameters; stream-started follows the start message, stream-error
//     replaces it for a stream that never opened.
//   - ConversationRelay ([Call.Conversations]): Twilio is the WebSocket
//     client, dialing as for a media stream (in-process for a [WithApp]
//     origin; ws:// too, where Twilio takes only wss://, 64102 otherwise),
//     the upgrade signed over the url as written. Every attribute is read
//     with Twilio's defaults; a value outside an attribute's words is
//     12200 and the default, an unknown attribute 12200; a ttsProvider or
//     transcriptionProvider Twilio does not have, or a multi language
//     without ElevenLabs and Deepgram nova, is 64106: an error message,
//     then the session fails. setup's fields are strings (empty when
//     unknown); callStatus is the call's status in capitals, RINGING for
//     an inbound call the Connect answers.
//   - A session has no clock of its own: the messages Twilio sends at one
//     virtual instant leave together, the application is pinged, and what
//     it sent before its pong is applied at that instant. After a final
//     prompt virtual time waits, up to [WithRelayPatience] (10 s) of real
//     time, for the answer (text with last, play, sendDigits or end); then
//     [CodeRelayNoAnswer] and the caller takes its next turn. What the
//     application sends later is applied when it arrives. SessionDuration
//     is virtual time.
//   - The agent's text lasts as long as the <Say> of it (0.4 s a word, at
//     least a second) from when it starts; tokens of one talk cycle that
//     arrive together are one utterance. A play lasts as [WithMediaDuration]
//     says (loop 0 is 1,000 times; its source is not fetched, as <Play>'s
//     is not); sendDigits as <Play digits>, after what is queued, and is
//     recorded on the call (the far end's script does not hear digits). An interrupt's utteranceUntilInterrupt is the talk
//     cycle's words heard so far (0.4 s a word), its
//     durationUntilInterruptMs the time since the cycle began; the caller
//     interrupts from its first word (interruptSensitivity changes
//     nothing). Speech the agent's talk does not let interrupt is reported
//     only if reportInputDuringAgentSpeech says so. A preemptible item is
//     cut by the application's next talk cycle, play or digits, with no
//     interrupt. The queue holds at most 1 MiB of speech not yet said
//     ([CodeLimitReached] past it; Twilio documents no limit).
//   - The caller's speech is one prompt once said (partials of one more
//     word each 400 ms first, with partialPrompts), its lang the step's
//     InLanguage or the active recognition language ("en" under multi);
//     prompts carry no confidence, as observed live. Keys are dtmf
//     messages only with dtmfDetection; with interruptible including dtmf
//     a key while the agent speaks interrupts first. debug (or events)
//     speaker-events and tokens-played send info messages (agentSpeaking,
//     clientSpeaking, tokensPlayed); roundTripDelayMs is not sent.
//   - end takes effect at once, dropping speech still queued
//     ([Fidelity.RelayEndAfterSpeech] plays it first), and the socket is
//     closed with 1000; the action gets SessionId, SessionStatus=ended,
//     SessionDuration and HandoffData (only when sent). A socket the
//     application closes without end, one that drops, or 10 invalid
//     messages in a row (closed with 1007 "Too many consecutive malformed
//     messages") fail the session with 64105; an invalid message alone is
//     a 64107 warning and an error message back, and is dropped. A failed
//     session requests the action with SessionStatus=failed, ErrorCode and
//     ErrorMessage (its TwiML runs); without an action the call ends
//     ([Fidelity.RelayFailureGoesOn] runs the next verb). The caller
//     hanging up, or the Calls API completing the call, closes the socket
//     with 1000 "Closing websocket session" and requests the action with
//     SessionStatus=completed and CallStatus=completed (its TwiML ignored);
//     a REST redirect closes it with 1000 and requests nothing. The
//     account's limit of concurrent sessions (64109) is not simulated.
//   - A failed request for the call's TwiML (its Url, an action, a
//     <Redirect>) goes to the call's FallbackUrl with ErrorCode and ErrorUrl,
//     as Twilio's "Availability and Reliability" page says of "a fatal error
//     while executing your call" (see [Fidelity.NoFallbackForActions]); with
//     no FallbackUrl, or when it fails too, the caller hears Twilio's
//     application error and the call ends. Hanging up a call with the REST
//     API during <Record> or <Dial> requests no action.
//   - The application's redirects are followed as Twilio does: 301, 302 and
//     303 as a GET without the parameters, 307 repeating the request; any
//     other 3xx, or one without a Location, is 11216; more than 10 is 11215.
//   - <Reject> on a call that is already answered hangs up, with warning
//     13810.
//   - <Sms> is recorded ([Server.Messages]), not sent; its status is
//     "sent". <Start> and <Stop> are recorded; streams, SIPREC and
//     transcriptions do not connect anywhere; <Start><Recording> records
//     until the call ends.
//   - A call that loads more than [Fidelity.MaxDocumentsAtOnce] documents
//     at one virtual instant (a <Redirect> loop, which Twilio would follow
//     forever) ends with notification [CodeRedirectLoop].
//   - The far end's steps that the call never used are reported when the
//     call ends, as notification [CodeUnusedStep], and fail the owning test
//     unless [WithLenientScripts].
//   - Answering machine detection decides from who answers
//     ([scenario.Party]): a hello shorter than the speech threshold is
//     "human" once it has ended and the speech end threshold has passed; a
//     longer greeting is "machine_start" at the speech threshold (Enable),
//     or, with DetectMessageEnd, "machine_end_beep" at the end of the
//     greeting, "machine_end_silence" or "machine_end_other" a speech end
//     threshold after it; a fax is "fax" after 3 s; silence is "unknown"
//     after the silence timeout; anything later than MachineDetectionTimeout
//     is "unknown" at the timeout. A person's hello lasts 1 s, a machine's
//     greeting 10 s, unless the party says otherwise. Once detection is
//     done, AnsweredBy is sent with every later request of the call.
//     Detection on a dialed <Number> or <Sip> runs before its whisper or
//     bridge, and its result goes to amdStatusCallback.
//   - SendDigits are played once the call is answered (0.2 s a tone, w
//     half a second, W a second), then the Url is requested; detection is
//     then off, as Twilio documents.
//   - An incoming call rings until its first verb that answers; <Pause>,
//     <Redirect>, <Reject>, <Sms>, <Start>, <Stop> and <Dial
//     answerOnBridge="true"> do not answer. A caller who hangs up before the
//     answer leaves the call canceled. The caller's HangUpAfter counts from
//     the start of the call. CallerName and ForwardedFrom are sent whenever
//     the caller's script gives them (as if caller ID lookup were on), and
//     its city, state, zip and country replace the From/Caller place. The
//     number's StatusCallback gets the completed event only.
//   - Phone numbers may be given in E.164 or, for North America, with spaces,
//     dashes, dots and parentheses; letters are not mapped to digits.
//   - Geographic webhook parameters carry the country from the number's
//     calling code (+1 is US); city, state and zip are empty.
//   - The twilio-go client removes every "." followed by digits from list
//     queries (a To filter of sip:alice@10.0.0.1 arrives as sip:alice@10);
//     nothing on the server side can undo that.
package harness
