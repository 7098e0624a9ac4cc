#include "appliance/sip/transaction_key.hpp"

#include <functional>
#include <optional>

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/scan.hpp"
#include "appliance/sip/via.hpp"

namespace ivm::sip {

namespace {

std::optional<via> top_via(const message& msg) {
  auto hdr = msg.find(header_id::via);
  if (!hdr)
    return std::nullopt;
  auto first = detail::split_list(hdr->value).front();
  auto vias = parse_via(first);
  if (!vias)
    return std::nullopt;
  return std::move(vias->front());
}

std::optional<cseq> cseq_of(const message& msg) {
  auto hdr = msg.find(header_id::cseq);
  if (!hdr)
    return std::nullopt;
  auto result = parse_cseq(hdr->value);
  if (!result)
    return std::nullopt;
  return std::move(*result);
}

std::string tag_of(const message& msg, header_id id) {
  if (auto hdr = msg.find(id))
    if (auto addr = parse_name_addr(hdr->value))
      if (auto tag = addr->tag())
        return std::string{*tag};
  return {};
}

std::string_view key_method(const message& msg) {
  return msg.method == "ACK" ? std::string_view{"INVITE"}
                             : std::string_view{msg.method};
}

} // namespace

std::string server_transaction_key(const message& request) {
  auto v = top_via(request);
  if (!request.is_request() || !v)
    return {};
  std::string key;
  if (v->rfc3261_branch()) {
    key += *v->branch();
    key += '|';
    key += detail::to_lower(v->host);
    key += ':';
    key += std::to_string(v->port ? *v->port : 0);
    key += '|';
    key += key_method(request);
    return key;
  }
  auto seq = cseq_of(request);
  if (!seq)
    return {};
  auto first_via = detail::split_list(request.find(header_id::via)->value);
  key += "2543|";
  key += request.request_uri;
  key += '|';
  if (request.method != "INVITE" && request.method != "ACK")
    key += tag_of(request, header_id::to);
  key += '|';
  key += tag_of(request, header_id::from);
  key += '|';
  key += request.value_of("Call-ID");
  key += '|';
  key += std::to_string(seq->number);
  key += '|';
  key += first_via.front();
  key += '|';
  key += key_method(request);
  return key;
}

std::string client_transaction_key(const message& response) {
  auto v = top_via(response);
  auto seq = cseq_of(response);
  if (!v || !seq || !v->branch())
    return {};
  std::string key{*v->branch()};
  key += '|';
  key += seq->method;
  return key;
}

std::string client_transaction_key_of_request(const message& request) {
  return client_transaction_key(request);
}

std::string strict_transaction_key(const message& msg) {
  auto key = server_transaction_key(msg);
  if (key.empty())
    return key;
  auto cseq = parse_cseq(msg.value_of("CSeq"));
  key += '\n';
  key += msg.value_of("Call-ID");
  key += '\n';
  key += cseq ? std::to_string(cseq->number) : std::string{};
  return key;
}

std::string merge_key(const message& req) {
  auto to = parse_name_addr(req.value_of("To"));
  if (!to || param_value(to->params, "tag"))
    return {};
  auto from = parse_name_addr(req.value_of("From"));
  auto tag = from ? param_value(from->params, "tag") : std::nullopt;
  if (!tag)
    return {};
  return std::string{*tag} + '\n' + std::string{req.value_of("Call-ID")} +
         '\n' + std::string{req.value_of("CSeq")};
}

std::string stateless_tag(std::string_view key) {
  static const char hex[] = "0123456789abcdef";
  auto h = std::hash<std::string_view>{}(key);
  std::string out(16, '0');
  for (auto& c : out) {
    c = hex[h & 0xf];
    h >>= 4;
  }
  return out;
}

} // namespace ivm::sip
