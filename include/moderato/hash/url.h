// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// URL canonicalisation for matching known links (a propaganda video, a
// manifesto upload, a channel invite) however they were written.
//
// CanonicalizeUrl() maps the many spellings of one http(s) URL to one string:
//
//   "HTTP://www.Example.COM:80/a/./b/../c/?utm_source=x&b=2&a=1#top"
//   "example.com/a/c?a=1&b=2"
//   both -> url "https://example.com/a/c?a=1&b=2", host "example.com"
//
// The rules, in order (docs/signals.md, "URL canonicalisation", has the
// reasons and the full tracking-parameter list):
//   1. ASCII whitespace around the input is trimmed; any other C0 control or
//      DEL anywhere is an error. A missing scheme ("example.com/x",
//      "//example.com/x") means https. Only http and https are accepted, and
//      both canonicalise to "https://": for matching they are the same link.
//   2. Userinfo ("user:pass@") is dropped. The fragment ("#...") is dropped.
//   3. Host: percent-escapes decoded, then UTS #46 non-transitional IDNA
//      (ICU; lowercase, width and case folding, Unicode labels to punycode
//      A-labels, "xn--" labels validated), one trailing dot removed. Only
//      [a-z0-9-_] survive in a domain. IPv4 in any WHATWG spelling
//      ("0x7f.1", "2130706433", "0177.0.0.1") becomes dotted decimal; IPv6
//      literals ("[::FFFF:1.2.3.4]") become their RFC 5952 text in brackets.
//      Leading "www.", "m." and "mobile." labels are dropped, repeatedly, as
//      long as at least two labels remain ("www.m.example.com" ->
//      "example.com", but "m.me" stays).
//   4. Port: ":80" and ":443" are dropped (both, since the scheme is unified);
//      an empty port is dropped; leading zeros are removed; others are kept.
//   5. Path: "\" is read as "/"; percent-escapes of unreserved characters
//      (A-Z a-z 0-9 - . _ ~) are decoded, other escapes get upper-case hex,
//      a "%" not starting an escape becomes "%25", bytes outside the allowed
//      set (space, non-ASCII, "<>\"{}|^`[]") are percent-encoded; dot segments
//      are resolved (RFC 3986 §5.2.4); empty segments are removed (so "//"
//      collapses and a trailing "/" goes), the root stays "/". Case is kept.
//   6. Query: split on "&"; empty parameters and tracking parameters (utm_*,
//      fbclid, gclid, igshid, si, mc_cid, ...; compared on the decoded,
//      lower-cased name) are removed; the rest are encoded as in the path
//      ("+" is left as it is) and stably sorted by name, so repeated names
//      keep their order. An empty query leaves no "?".
// The result is a fixed point: CanonicalizeUrl(c.url)->url == c.url for any
// successful c whose url fits the budget.
//
// Thread safety: free functions; the shared ICU IDNA object is created once
// (thread-safe static) and is immutable. Safe from any thread.
//
// Budget: inputs longer than UrlOptions::max_input_bytes (8 KiB) fail with
// kResourceExhausted. Work is linear in the input; the output is at most
// 3x the input plus 16 bytes.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(moderato::CanonicalUrl c, moderato::CanonicalizeUrl(link));
//   if (bank.contains(c.url) || banned_hosts.contains(c.host)) Flag(post);

#ifndef MODERATO_HASH_URL_H_
#define MODERATO_HASH_URL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "moderato/status.h"

namespace moderato {

struct UrlOptions {
  // CanonicalizeUrl() and CanonicalizeHost() fail with kResourceExhausted above
  // this many input bytes (before trimming).
  std::size_t max_input_bytes = 8 * 1024;
};

struct CanonicalUrl {
  // "https://" + host + [":" port] + path + ["?" query]. ASCII only.
  std::string url;
  // The host used in `url` and for host-level matching: lowercase A-labels or
  // an IP literal, with "www."/"m."/"mobile." dropped ("example.com",
  // "xn--bcher-kva.de", "192.0.2.1", "[2001:db8::1]").
  std::string host;
  // The canonical host before the www./m./mobile. labels were dropped
  // ("www.example.com"), for display and audit.
  std::string full_host;
  // The explicit non-default port, or 0 when the URL has none (80 and 443 are 0).
  int port = 0;

  friend bool operator==(const CanonicalUrl&, const CanonicalUrl&) = default;
};

// Returns the canonical form of `input`, an absolute http(s) URL or a
// scheme-less "host/path" as people paste them.
// Fails with:
//   kResourceExhausted if input.size() > options.max_input_bytes;
//   kInvalidArgument naming the problem for: an empty input, a control
//   character (with its offset), an unsupported scheme ("ftp", "javascript"),
//   a missing or empty host, a bad port (not digits, > 65535), an invalid
//   host (IDNA error, forbidden character, empty label), an invalid IPv4 or
//   IPv6 literal.
Result<CanonicalUrl> CanonicalizeUrl(std::string_view input, const UrlOptions& options = {});

// Returns the canonical host of a bare host name or IP ("WWW.Bücher.de." ->
// "xn--bcher-kva.de"), by rule 3 above, as stored in CanonicalUrl::host.
// Fails like CanonicalizeUrl() for the host part; a port, path or userinfo
// is kInvalidArgument.
Result<std::string> CanonicalizeHost(std::string_view host, const UrlOptions& options = {});

// Returns true if the two URLs are on the same canonical host (www. and
// friends ignored, ports ignored).
inline bool SameHost(const CanonicalUrl& a, const CanonicalUrl& b) { return a.host == b.host; }

// Returns true if canonical host `host` is `domain` or one of its subdomains
// ("a.b.example.com" is within "example.com"; "badexample.com" is not). Both
// arguments must already be canonical (CanonicalizeHost); IP literals only
// match themselves.
bool HostIsWithin(std::string_view host, std::string_view domain);

}  // namespace moderato

#endif  // MODERATO_HASH_URL_H_
