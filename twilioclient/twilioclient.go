// Package twilioclient returns the official twilio-go client ready to talk
// to a [harness.Server], in one call:
//
//	srv := harness.NewServer(t, harness.WithApp(origin, app))
//	tw := twilioclient.New(srv)
//	call, err := tw.Api.CreateCall(params)
//
// The client reaches the server in-process through [harness.Server.HTTPClient]
// (no socket, whatever host it asks for), authenticates as the server's
// first account and has the account SID set, which twilio-go does not do by
// itself for a custom client. It is a package of its own so that the
// harness does not depend on twilio-go.
//
// [API] returns only the 2010-04-01 API (calls, conferences, queues,
// recordings, …), the same service as New(srv).Api:
//
//	tw := twilioclient.API(srv)
//	call, err := tw.CreateCall(params)
//
// A package that uses [twilio.RestClient] compiles much more slowly than one
// that uses only that service (twilio-go's root package brings every Twilio
// product's API with it: about 15 s more for each such package on a cold
// build cache), so an application, and its tests, that needs only the voice
// API can depend on [openapi.ApiService] and use API.
package twilioclient

import (
	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// New returns a twilio-go client for srv's first account.
func New(srv *harness.Server) *twilio.RestClient {
	return ForAccount(srv, srv.AccountSID(), srv.AuthToken())
}

// ForAccount returns a twilio-go client for srv with the given credentials:
// another account of the server ([harness.Server.AddAccount]), or wrong
// ones, to test how an application handles error 20003.
func ForAccount(srv *harness.Server, accountSID, authToken string) *twilio.RestClient {
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: baseClient(srv, accountSID, authToken)})
}

// API returns twilio-go's 2010-04-01 API service for srv's first account:
// what New(srv).Api returns, without the rest of [twilio.RestClient].
func API(srv *harness.Server) *openapi.ApiService {
	return APIForAccount(srv, srv.AccountSID(), srv.AuthToken())
}

// APIForAccount returns twilio-go's 2010-04-01 API service for srv with the
// given credentials, as [ForAccount] does for the whole client.
func APIForAccount(srv *harness.Server, accountSID, authToken string) *openapi.ApiService {
	return openapi.NewApiServiceWithClient(baseClient(srv, accountSID, authToken))
}

// baseClient returns twilio-go's HTTP client for srv, authenticated with the
// given credentials and with the account SID set.
func baseClient(srv *harness.Server, accountSID, authToken string) *client.Client {
	c := &client.Client{Credentials: client.NewCredentials(accountSID, authToken), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(accountSID)
	return c
}
