#include "appliance/sip/proxy/response_context.hpp"

#include "appliance/sip/response.hpp"

namespace ivm::sip::proxy {

namespace {

/// Rank of a final response for §16.7 step 6: lower is better.
int rank(const message& resp) {
  int code = resp.status_code;
  if (code >= 600)
    return 0;
  int cls = code / 100;
  int base = cls * 10;
  switch (code) {
    case 401:
    case 407:
    case 415:
    case 420:
    case 484:
      return base; // information that lets the client retry
    default:
      return base + 1;
  }
}

} // namespace

response_context::response_context(message request)
  : request_(std::move(request)) {
  // nop
}

size_t response_context::add_branch() {
  done_.push_back(false);
  return done_.size() - 1;
}

std::vector<size_t> response_context::pending_branches() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < done_.size(); ++i)
    if (!done_[i])
      out.push_back(i);
  return out;
}

bool response_context::complete() const noexcept {
  for (auto d : done_)
    if (!d)
      return false;
  return true;
}

response_context::action response_context::on_response(size_t branch,
                                                       const message& resp) {
  action out;
  if (branch >= done_.size())
    return out;
  int code = resp.status_code;
  if (code < 200) {
    // §16.7 step 5: provisional responses other than 100 go upstream while
    // no final was sent.
    if (code > 100 && !final_sent_ && !done_[branch])
      out.forward = resp;
    return out;
  }
  if (code < 300) {
    // §16.7 step 5: every 2xx is forwarded, even after a first one (INVITE
    // forking); the other branches are cancelled (step 10).
    done_[branch] = true;
    out.forward = resp;
    final_sent_ = true;
    if (!cancelled_) {
      cancelled_ = true;
      out.cancel_pending = !pending_branches().empty();
    }
    return out;
  }
  if (done_[branch])
    return out; // a retransmitted or late final
  done_[branch] = true;
  finals_.push_back(resp);
  if (code >= 600 && !cancelled_ && !final_sent_) {
    cancelled_ = true;
    out.cancel_pending = !pending_branches().empty();
  }
  auto settled = settle();
  if (settled.forward)
    out.forward = std::move(settled.forward);
  return out;
}

response_context::action response_context::on_failure(size_t branch) {
  if (branch >= done_.size() || done_[branch])
    return {};
  done_[branch] = true;
  finals_.push_back(make_response(request_, 408, "Request Timeout"));
  return settle();
}

response_context::action response_context::settle() {
  action out;
  if (final_sent_ || !complete())
    return out;
  final_sent_ = true;
  out.forward = choose_best(request_, finals_);
  return out;
}

message response_context::choose_best(const message& request,
                                      const std::vector<message>& finals) {
  if (finals.empty())
    return make_response(request, 408, "Request Timeout");
  const message* best = &finals.front();
  for (auto& f : finals)
    if (rank(f) < rank(*best))
      best = &f;
  auto out = *best;
  if (out.status_code == 503) {
    // §16.7 step 6: a 503 is not passed on, the proxy answers 500.
    out.status_code = 500;
    out.reason = "Server Internal Error";
  }
  if (out.status_code == 401 || out.status_code == 407) {
    // §16.7 step 7: collect every challenge of every branch.
    out.remove("WWW-Authenticate");
    out.remove("Proxy-Authenticate");
    for (auto& f : finals) {
      if (f.status_code != 401 && f.status_code != 407)
        continue;
      for (auto* h : f.find_all("WWW-Authenticate"))
        out.add("WWW-Authenticate", h->value);
      for (auto* h : f.find_all("Proxy-Authenticate"))
        out.add("Proxy-Authenticate", h->value);
    }
  }
  return out;
}

} // namespace ivm::sip::proxy
