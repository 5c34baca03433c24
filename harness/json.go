package harness

import (
	"strconv"
	"unicode/utf8"
)

// The REST API's JSON is written by hand: it is on the hot path of every
// request, and the shapes are fixed. json_test.go checks it against
// encoding/json.

// appendJSON appends the call resource as a JSON object.
func (r *callResource) appendJSON(b []byte) []byte {
	b = append(b, `{"account_sid":`...)
	b = appendString(b, r.AccountSid)
	b = appendField(b, "answered_by", r.AnsweredBy)
	b = append(b, `,"api_version":`...)
	b = appendString(b, r.APIVersion)
	b = appendField(b, "caller_name", r.CallerName)
	b = append(b, `,"date_created":`...)
	b = appendString(b, r.DateCreated)
	b = append(b, `,"date_updated":`...)
	b = appendString(b, r.DateUpdated)
	b = append(b, `,"direction":`...)
	b = appendString(b, r.Direction)
	b = appendField(b, "duration", r.Duration)
	b = appendField(b, "end_time", r.EndTime)
	b = appendField(b, "forwarded_from", r.ForwardedFrom)
	b = append(b, `,"from":`...)
	b = appendString(b, r.From)
	b = append(b, `,"from_formatted":`...)
	b = appendString(b, r.FromFormatted)
	b = appendField(b, "group_sid", r.GroupSid)
	b = appendField(b, "parent_call_sid", r.ParentCallSid)
	b = appendField(b, "phone_number_sid", r.PhoneNumberSid)
	b = appendField(b, "price", r.Price)
	b = append(b, `,"price_unit":`...)
	b = appendString(b, r.PriceUnit)
	b = append(b, `,"sid":`...)
	b = appendString(b, r.Sid)
	b = appendField(b, "start_time", r.StartTime)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status)
	b = append(b, `,"subresource_uris":{`...)
	for i, name := range subresourceNames {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name.key...)
		b = append(b, `":"`...)
		b = append(b, r.base...)
		b = append(b, '/')
		b = append(b, name.path...)
		b = append(b, `.json"`...)
	}
	b = append(b, `},"to":`...)
	b = appendString(b, r.To)
	b = append(b, `,"to_formatted":`...)
	b = appendString(b, r.ToFormatted)
	b = appendField(b, "trunk_sid", r.TrunkSid)
	b = append(b, `,"uri":`...)
	b = appendString(b, r.URI)
	b = appendField(b, "queue_time", r.QueueTime)
	return append(b, '}')
}

// appendJSON appends the page as a JSON object.
func (l *callList) appendJSON(b []byte) []byte {
	b = append(b, `{"calls":[`...)
	for i, c := range l.Calls {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendJSON(b)
	}
	b = append(b, `],"end":`...)
	b = strconv.AppendInt(b, int64(l.End), 10)
	b = append(b, `,"first_page_uri":`...)
	b = appendString(b, l.FirstPageURI)
	b = appendField(b, "next_page_uri", l.NextPageURI)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(l.Page), 10)
	b = append(b, `,"page_size":`...)
	b = strconv.AppendInt(b, int64(l.PageSize), 10)
	b = appendField(b, "previous_page_uri", l.PreviousPageURI)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(l.Start), 10)
	b = append(b, `,"uri":`...)
	b = appendString(b, l.URI)
	return append(b, '}')
}

// appendField appends ,"name":value with value a string or null.
func appendField(b []byte, name string, v *string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if v == nil {
		return append(b, "null"...)
	}
	return appendString(b, *v)
}

// appendString appends s as a JSON string, escaped as encoding/json does
// (invalid UTF-8 becomes U+FFFD).
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
