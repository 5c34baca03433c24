module github.com/twimlharness/twimlharness

go 1.26

require github.com/beevik/etree v1.8.1

require (
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/golang-jwt/jwt/v5 v5.2.2 // indirect
	github.com/golang/mock v1.6.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/twilio/twilio-go v1.31.0 // indirect
)
