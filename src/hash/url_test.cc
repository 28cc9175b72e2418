// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/url.h"

#include <gtest/gtest.h>

#include <string>

namespace moderato {
namespace {

struct Case {
  const char* rule;
  const char* input;
  const char* url;
};

const Case kCases[] = {
    // Scheme.
    {"scheme lower-cased, http = https", "HTTP://example.com/a", "https://example.com/a"},
    {"https kept", "https://example.com/a", "https://example.com/a"},
    {"mixed-case https", "HtTpS://example.com/", "https://example.com/"},
    {"missing scheme", "example.com/path", "https://example.com/path"},
    {"missing scheme with port", "example.com:8080/x", "https://example.com:8080/x"},
    {"scheme-relative", "//example.com/x", "https://example.com/x"},
    {"backslashes as slashes", "https:\\\\example.com\\a\\b", "https://example.com/a/b"},
    // Host.
    {"host lower-cased", "https://EXAMPLE.Com/Path", "https://example.com/Path"},
    {"www dropped", "https://www.example.com/", "https://example.com/"},
    {"m dropped", "https://m.example.com/story", "https://example.com/story"},
    {"mobile dropped", "https://mobile.example.com/a", "https://example.com/a"},
    {"www.m dropped repeatedly", "https://www.m.example.com/", "https://example.com/"},
    {"m.me kept (two labels)", "https://m.me/someone", "https://m.me/someone"},
    {"www.com kept", "http://www.com/", "https://www.com/"},
    {"other subdomains kept", "https://news.example.com/", "https://news.example.com/"},
    {"trailing dot removed", "https://example.com./a", "https://example.com/a"},
    {"IDNA to A-label", "https://bücher.de/", "https://xn--bcher-kva.de/"},
    {"IDNA uppercase Unicode", "https://BÜCHER.de/", "https://xn--bcher-kva.de/"},
    {"IDNA non-transitional sharp s", "https://faß.de/", "https://xn--fa-hia.de/"},
    {"IDNA fullwidth", "https://ｅｘａｍｐｌｅ．ｃｏｍ/", "https://example.com/"},
    {"IDNA Arabic", "https://مثال.إختبار/", "https://xn--mgbh0fb.xn--kgbechtv/"},
    {"A-label kept", "https://xn--bcher-kva.de/x", "https://xn--bcher-kva.de/x"},
    {"percent-encoded host decoded", "https://ex%61mple.com/", "https://example.com/"},
    {"underscore allowed in host", "https://my_site.example.com/", "https://my_site.example.com/"},
    // IP literals.
    {"IPv4", "http://192.0.2.1/x", "https://192.0.2.1/x"},
    {"IPv4 as one number", "http://3221225985/", "https://192.0.2.1/"},
    {"IPv4 hex and short", "http://0xC0.0.513/", "https://192.0.2.1/"},
    {"IPv4 octal", "http://0300.0.02.01/", "https://192.0.2.1/"},
    {"IPv4 www never dropped", "http://192.0.2.1:8080/", "https://192.0.2.1:8080/"},
    {"IPv6 compressed and lower-cased", "http://[2001:DB8:0:0:0:0:0:1]/", "https://[2001:db8::1]/"},
    {"IPv6 with port", "http://[::1]:8443/a", "https://[::1]:8443/a"},
    // Userinfo and port.
    {"userinfo dropped", "https://user:secret@example.com/a", "https://example.com/a"},
    {"userinfo with @ dropped", "https://a@b@example.com/", "https://example.com/"},
    {"default http port", "http://example.com:80/a", "https://example.com/a"},
    {"default https port", "https://example.com:443/a", "https://example.com/a"},
    {"443 on http also dropped", "http://example.com:443/", "https://example.com/"},
    {"other port kept", "https://example.com:8443/", "https://example.com:8443/"},
    {"port leading zeros", "https://example.com:08080/", "https://example.com:8080/"},
    {"empty port", "https://example.com:/a", "https://example.com/a"},
    // Path.
    {"empty path is root", "https://example.com", "https://example.com/"},
    {"trailing slash removed", "https://example.com/a/b/", "https://example.com/a/b"},
    {"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
    {"dot-dot above root", "https://example.com/../../a", "https://example.com/a"},
    {"encoded dot segments", "https://example.com/a/%2E%2e/b", "https://example.com/b"},
    {"duplicate slashes collapsed", "https://example.com//a///b", "https://example.com/a/b"},
    {"unreserved escapes decoded", "https://example.com/%7Euser/%41%2d",
     "https://example.com/~user/A-"},
    {"reserved escapes kept, upper-cased", "https://example.com/a%2fb%3a",
     "https://example.com/a%2Fb%3A"},
    {"stray percent encoded", "https://example.com/100%/x%zz", "https://example.com/100%25/x%25zz"},
    {"space encoded", "https://example.com/a b", "https://example.com/a%20b"},
    {"non-ASCII path encoded", "https://example.com/café", "https://example.com/caf%C3%A9"},
    {"path case kept", "https://example.com/AbC", "https://example.com/AbC"},
    // Query.
    {"query params sorted", "https://example.com/?b=2&a=1", "https://example.com/?a=1&b=2"},
    {"sort is stable for repeated names", "https://example.com/?b=2&a=3&a=1",
     "https://example.com/?a=3&a=1&b=2"},
    {"utm removed", "https://example.com/a?utm_source=tw&utm_medium=x&id=5",
     "https://example.com/a?id=5"},
    {"fbclid gclid removed", "https://example.com/?fbclid=1&gclid=2", "https://example.com/"},
    {"igshid si removed", "https://example.com/p?igshid=abc&si=xyz&v=1",
     "https://example.com/p?v=1"},
    {"tracking name case-insensitive", "https://example.com/?UTM_Source=x&FBCLID=y&q=1",
     "https://example.com/?q=1"},
    {"encoded tracking name removed", "https://example.com/?%75tm_source=x&q=1",
     "https://example.com/?q=1"},
    {"mailchimp and twitter removed", "https://example.com/?mc_cid=1&mc_eid=2&ref_src=t&_ga=3",
     "https://example.com/"},
    {"empty params removed", "https://example.com/?&a=1&&", "https://example.com/?a=1"},
    {"empty query removed", "https://example.com/a?", "https://example.com/a"},
    {"query escapes normalised", "https://example.com/?q=%7e%2f%e2%82%ac+x",
     "https://example.com/?q=~%2F%E2%82%AC+x"},
    {"query without value kept", "https://example.com/?flag&a=1", "https://example.com/?a=1&flag"},
    {"query on bare host", "example.com?b=1&a=2", "https://example.com/?a=2&b=1"},
    // Fragment and whitespace.
    {"fragment removed", "https://example.com/a#section", "https://example.com/a"},
    {"fragment with query removed", "https://example.com/a?x=1#top", "https://example.com/a?x=1"},
    {"surrounding whitespace trimmed", "  https://example.com/a \n", "https://example.com/a"},
    // Everything at once.
    {"combined", "HTTP://www.Example.COM:80/a/./b/../c/?utm_source=x&b=2&a=1#top",
     "https://example.com/a/c?a=1&b=2"},
};

TEST(UrlCanonicalTest, TableOfRules) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.rule) + ": " + c.input);
    Result<CanonicalUrl> r = CanonicalizeUrl(c.input);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->url, c.url);
  }
}

TEST(UrlCanonicalTest, CanonicalFormIsAFixedPoint) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.input);
    CanonicalUrl once = CanonicalizeUrl(c.input).value();
    CanonicalUrl twice = CanonicalizeUrl(once.url).value();
    EXPECT_EQ(twice.url, once.url);
    EXPECT_EQ(twice.host, once.host);
  }
}

TEST(UrlCanonicalTest, HostFieldsAndPort) {
  CanonicalUrl c = CanonicalizeUrl("https://www.Example.com:8080/x").value();
  EXPECT_EQ(c.host, "example.com");
  EXPECT_EQ(c.full_host, "www.example.com");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(CanonicalizeUrl("http://example.com:80/").value().port, 0);
}

TEST(UrlCanonicalTest, SameHostIgnoresWwwSchemeAndPath) {
  CanonicalUrl a = CanonicalizeUrl("http://www.example.com/a").value();
  CanonicalUrl b = CanonicalizeUrl("https://example.com/b?c=1").value();
  CanonicalUrl other = CanonicalizeUrl("https://example.org/a").value();
  EXPECT_TRUE(SameHost(a, b));
  EXPECT_FALSE(SameHost(a, other));
}

TEST(UrlHostTest, CanonicalizesBareHosts) {
  EXPECT_EQ(CanonicalizeHost("WWW.Bücher.de.").value(), "xn--bcher-kva.de");
  EXPECT_EQ(CanonicalizeHost("2130706433").value(), "127.0.0.1");
  EXPECT_EQ(CanonicalizeHost("[::FFFF:1.2.3.4]").value(), "[::ffff:1.2.3.4]");
  EXPECT_FALSE(CanonicalizeHost("example.com/path").ok());
  EXPECT_FALSE(CanonicalizeHost("example.com:80").ok());
  EXPECT_FALSE(CanonicalizeHost("user@example.com").ok());
  EXPECT_FALSE(CanonicalizeHost("").ok());
}

TEST(UrlHostTest, HostIsWithinMatchesSubdomainsOnly) {
  EXPECT_TRUE(HostIsWithin("example.com", "example.com"));
  EXPECT_TRUE(HostIsWithin("a.b.example.com", "example.com"));
  EXPECT_FALSE(HostIsWithin("badexample.com", "example.com"));
  EXPECT_FALSE(HostIsWithin("example.com", "a.example.com"));
  EXPECT_FALSE(HostIsWithin("1.192.0.2.1", "192.0.2.1"));
  EXPECT_FALSE(HostIsWithin("example.com", ""));
}

struct Bad {
  const char* input;
  StatusCode code;
  const char* message_part;
};

const Bad kBad[] = {
    {"", StatusCode::kInvalidArgument, "empty"},
    {"   ", StatusCode::kInvalidArgument, "empty"},
    {"ftp://example.com/", StatusCode::kInvalidArgument, "scheme"},
    {"javascript:alert(1)", StatusCode::kInvalidArgument, "scheme"},
    {"mailto:someone@example.com", StatusCode::kInvalidArgument, "scheme"},
    {"http:example.com", StatusCode::kInvalidArgument, "followed by //"},
    {"https:///path", StatusCode::kInvalidArgument, "host"},
    {"https://", StatusCode::kInvalidArgument, "host"},
    {"https://user@/x", StatusCode::kInvalidArgument, "host"},
    {"https://example.com:99999/", StatusCode::kInvalidArgument, "port"},
    {"https://example.com:8o/", StatusCode::kInvalidArgument, "port"},
    {"https://exa mple.com/", StatusCode::kInvalidArgument, "host"},
    {"https://exa<mple.com/", StatusCode::kInvalidArgument, "host"},
    {"https://xn--a.com/", StatusCode::kInvalidArgument, "IDNA"},
    {"https://a..b/", StatusCode::kInvalidArgument, "IDNA"},
    {"https://example.com\x01/", StatusCode::kInvalidArgument, "offset 19"},
    {"https://exa\tmple.com/", StatusCode::kInvalidArgument, "control"},
    {"https://256.1.1.1/", StatusCode::kInvalidArgument, "IPv4"},
    {"https://1.2.3.4.5/", StatusCode::kInvalidArgument, "IPv4"},
    {"https://example.09/", StatusCode::kInvalidArgument, "IPv4"},
    {"https://[::1/", StatusCode::kInvalidArgument, "IPv6"},
    {"https://[1:2:3]/", StatusCode::kInvalidArgument, "IPv6"},
    {"https://[fe80::1%25eth0]/", StatusCode::kInvalidArgument, "IPv6"},
    {"https://\xff\xfe.com/", StatusCode::kInvalidArgument, "host"},
};

TEST(UrlCanonicalTest, GarbageFailsWithClearErrors) {
  for (const Bad& b : kBad) {
    SCOPED_TRACE(b.input);
    Result<CanonicalUrl> r = CanonicalizeUrl(b.input);
    ASSERT_FALSE(r.ok()) << r->url;
    EXPECT_EQ(r.status().code(), b.code);
    EXPECT_NE(r.status().message().find(b.message_part), std::string::npos) << r.status();
  }
}

TEST(UrlCanonicalTest, InputOverBudgetIsResourceExhausted) {
  std::string long_url = "https://example.com/" + std::string(9000, 'a');
  EXPECT_EQ(CanonicalizeUrl(long_url).status().code(), StatusCode::kResourceExhausted);
  UrlOptions big;
  big.max_input_bytes = 16 * 1024;
  EXPECT_TRUE(CanonicalizeUrl(long_url, big).ok());
}

}  // namespace
}  // namespace moderato
