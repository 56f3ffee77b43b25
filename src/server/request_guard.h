// Who may talk to the server, decided from a request's headers before its body is read:
// the Host check (against DNS rebinding), the Origin check (no web page on another origin may
// change state or submit documents unless CORS allows that origin), and CORS answers.
#pragma once

#include <string>

#include "server/api_types.h"
#include "server/settings.h"

namespace ocrserve::server {

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

// The Host header's host part ("[::1]:5001" -> "::1", "Example.org:80" -> "example.org").
std::string host_of(const std::string& host_header);

// Raises HttpError 403 when the Host header names a host this server does not answer for:
// with --allowed-hosts, only those (or "*"); without, a server listening on loopback answers
// only loopback names, and one listening elsewhere answers every name.
void check_host(const ApiRequest& request, const ServerSettings& settings);

// Raises HttpError 403 when a browser on another origin sends a request that changes state
// (POST, /v1/clear/*) and that origin is not in --cors-origins.
void check_origin(const ApiRequest& request, const ServerSettings& settings);

// The Access-Control-Allow-Origin value for this request ("" = no CORS header).
std::string allowed_origin(const ApiRequest& request, const ServerSettings& settings);

}  // namespace ocrserve::server
