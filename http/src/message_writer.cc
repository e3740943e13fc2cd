#include "asycamore/http/message_writer.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace asycamore {
namespace {

// RFC 9110 5.6.2: tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Visible characters, spaces and tabs, and obs-text; never CR, LF or NUL.
bool IsFieldValue(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool IsTarget(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

std::string Escaped(std::string_view s) {
  return absl::CHexEscape(absl::string_view(s.data(), s.size()));
}

// Checks the extra header fields of either kind of message.
absl::Status CheckHeaders(std::string_view call,
                          std::span<const HttpHeader> headers) {
  for (const HttpHeader& h : headers) {
    if (!IsToken(h.name)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: header name \"%s\" is not a token (RFC 9110 5.1)", call,
          Escaped(h.name)));
    }
    if (!IsFieldValue(h.value)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: the value of header %s holds a control character (\"%s\")", call,
          h.name, Escaped(h.value)));
    }
    const HttpHeader one[] = {h};
    if (FindHeader(one, "Content-Length") ||
        FindHeader(one, "Transfer-Encoding")) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: header %s is written by the builder (from the "
                          "body's length); remove it",
                          call, h.name));
    }
  }
  return absl::OkStatus();
}

void AppendHeader(std::string_view name, std::string_view value,
                  std::string& out) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void AppendHeaders(std::span<const HttpHeader> headers, std::string& out) {
  for (const HttpHeader& h : headers) AppendHeader(h.name, h.value, out);
}

void AppendContentLength(std::uint64_t length, std::string& out) {
  out.append("Content-Length: ");
  absl::StrAppend(&out, length);
  out.append("\r\n");
}

}  // namespace

absl::StatusOr<std::string> BuildHttpRequest(const HttpRequestSpec& spec) {
  constexpr std::string_view kCall = "BuildHttpRequest";
  if (!IsToken(spec.method)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: method \"%s\" is not a token", kCall, Escaped(spec.method)));
  }
  if (!IsTarget(spec.target)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: target \"%s\" is empty or holds a space or control character",
        kCall, Escaped(spec.target)));
  }
  if (spec.host.empty() || !IsTarget(spec.host)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: host \"%s\" is empty or holds a space or control character "
        "(HTTP/1.1 requires a Host header)",
        kCall, Escaped(spec.host)));
  }
  if (FindHeader(spec.headers, "Host")) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: give the host in .host, not as a header", kCall));
  }
  if (absl::Status s = CheckHeaders(kCall, spec.headers); !s.ok()) return s;

  std::string out;
  out.append(spec.method)
      .append(" ")
      .append(spec.target)
      .append(" HTTP/1.1\r\n");
  AppendHeader("Host", spec.host, out);
  AppendHeaders(spec.headers, out);
  // RFC 9110 8.6: sent when the method gives content a meaning, even empty.
  const HttpMethod method = HttpMethodFromName(spec.method);
  if (!spec.body.empty() || method == HttpMethod::kPost ||
      method == HttpMethod::kPut || method == HttpMethod::kPatch) {
    AppendContentLength(spec.body.size(), out);
  }
  out.append("\r\n").append(spec.body);
  return out;
}

absl::Status AppendHttpResponseHead(const HttpResponseSpec& spec,
                                    std::string& out) {
  constexpr std::string_view kCall = "AppendHttpResponseHead";
  if (spec.status < 100 || spec.status > 999) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: status %d is not three digits", kCall, spec.status));
  }
  if (!IsFieldValue(spec.reason)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: reason \"%s\" holds a control character", kCall,
                        Escaped(spec.reason)));
  }
  if (absl::Status s = CheckHeaders(kCall, spec.headers); !s.ok()) return s;

  const std::string_view reason =
      spec.reason.empty() ? StandardReasonPhrase(spec.status) : spec.reason;
  out.append("HTTP/1.1 ");
  absl::StrAppend(&out, spec.status);
  out.append(" ").append(reason).append("\r\n");
  AppendHeaders(spec.headers, out);
  // RFC 9110 8.6: none in 1xx and 204; a 304's would describe the resource,
  // not this message, so none there either.
  if (spec.status / 100 != 1 && spec.status != 204 && spec.status != 304) {
    AppendContentLength(spec.content_length, out);
  }
  if (spec.close) out.append("Connection: close\r\n");
  out.append("\r\n");
  return absl::OkStatus();
}

std::string_view StandardReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 103:
      return "Early Hints";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace asycamore
