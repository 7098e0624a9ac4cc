#include "appliance/sip/proxy/dialog_tracker.hpp"

#include <algorithm>

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"

namespace ivm::sip::proxy {

namespace {

struct tags {
  std::string from;
  std::string to;
  std::string from_uri;
  std::string from_display;
  std::string to_uri;
  std::string to_display;
  bool ok = false;
};

tags read_tags(const message& msg) {
  tags out;
  auto from = parse_name_addr(msg.value_of("From"));
  auto to = parse_name_addr(msg.value_of("To"));
  if (!from || !to)
    return out;
  out.from = std::string{from->tag().value_or("")};
  out.to = std::string{to->tag().value_or("")};
  out.from_uri = from->uri_text;
  out.from_display = from->display_name;
  out.to_uri = to->uri_text;
  out.to_display = to->display_name;
  out.ok = !out.from.empty();
  return out;
}

bool live(const tracked_dialog& d) {
  return d.state != dialog_state::terminated;
}

} // namespace

const char* to_string(dialog_state x) noexcept {
  switch (x) {
    case dialog_state::trying:
      return "trying";
    case dialog_state::early:
      return "early";
    case dialog_state::confirmed:
      return "confirmed";
    default:
      return "terminated";
  }
}

const char* to_string(dialog_direction x) noexcept {
  return x == dialog_direction::initiator ? "initiator" : "recipient";
}

bool dialog_tracker::on_invite(const message& inv, std::string caller_user,
                               std::string callee_user) {
  auto t = read_tags(inv);
  std::string call_id{inv.value_of("Call-ID")};
  if (!t.ok || call_id.empty() || !t.to.empty())
    return false;
  for (auto& d : dialogs_)
    if (d.call_id == call_id && d.caller_tag == t.from && live(d))
      return true; // a retransmission or a second branch
  tracked_dialog d;
  d.call_id = std::move(call_id);
  d.caller_tag = t.from;
  d.caller_user = std::move(caller_user);
  d.callee_user = std::move(callee_user);
  d.caller_uri = t.from_uri;
  d.caller_display = t.from_display;
  d.callee_uri = t.to_uri;
  d.callee_display = t.to_display;
  dialogs_.push_back(std::move(d));
  return true;
}

bool dialog_tracker::on_response(const message& resp) {
  auto seq = parse_cseq(resp.value_of("CSeq"));
  auto t = read_tags(resp);
  if (!seq || seq->method != "INVITE" || !t.ok || resp.status_code <= 100)
    return false;
  std::string_view call_id = resp.value_of("Call-ID");
  auto same_call = [&](const tracked_dialog& d) {
    return d.call_id == call_id && d.caller_tag == t.from;
  };
  int code = resp.status_code;
  bool changed = false;
  if (code >= 300) {
    // A final non-2xx ends every early dialog of the INVITE (RFC 4235
    // §3.7.1); confirmed ones (re-INVITE failures) stay.
    for (auto& d : dialogs_)
      if (same_call(d) &&
          (d.state == dialog_state::trying || d.state == dialog_state::early)) {
        d.state = dialog_state::terminated;
        changed = true;
      }
    return changed;
  }
  if (t.to.empty())
    return false; // 1xx without To tag: still trying
  auto target = code < 200 ? dialog_state::early : dialog_state::confirmed;
  auto it = std::find_if(dialogs_.begin(), dialogs_.end(), [&](auto& d) {
    return same_call(d) && d.callee_tag == t.to;
  });
  if (it == dialogs_.end()) {
    // The first tagged response fills the trying entry; further tags are
    // forks and get their own entry.
    it = std::find_if(dialogs_.begin(), dialogs_.end(), [&](auto& d) {
      return same_call(d) && d.callee_tag.empty();
    });
    if (it == dialogs_.end()) {
      auto tmpl = std::find_if(dialogs_.begin(), dialogs_.end(), same_call);
      if (tmpl == dialogs_.end())
        return false;
      tracked_dialog fork = *tmpl;
      dialogs_.push_back(std::move(fork));
      it = dialogs_.end() - 1;
    }
    it->callee_tag = t.to;
    it->state = dialog_state::trying;
  }
  if (it->state == dialog_state::terminated ||
      (it->state == dialog_state::confirmed && target == dialog_state::early))
    return false;
  changed = it->state != target;
  it->state = target;
  return changed;
}

bool dialog_tracker::on_request(const message& req) {
  auto t = read_tags(req);
  if (!t.ok)
    return false;
  std::string_view call_id = req.value_of("Call-ID");
  bool changed = false;
  if (req.method == "CANCEL") {
    for (auto& d : dialogs_)
      if (d.call_id == call_id && d.caller_tag == t.from &&
          d.state != dialog_state::confirmed && live(d)) {
        d.state = dialog_state::terminated;
        changed = true;
      }
    return changed;
  }
  if (req.method != "BYE")
    return false;
  for (auto& d : dialogs_) {
    bool fwd = d.caller_tag == t.from && d.callee_tag == t.to;
    bool back = d.caller_tag == t.to && d.callee_tag == t.from;
    if (d.call_id == call_id && (fwd || back) && live(d)) {
      d.state = dialog_state::terminated;
      changed = true;
    }
  }
  return changed;
}

std::vector<dialog_view>
dialog_tracker::dialogs_of(std::string_view user) const {
  std::vector<dialog_view> out;
  for (auto& d : dialogs_) {
    for (auto dir :
         {dialog_direction::initiator, dialog_direction::recipient}) {
      bool mine = dir == dialog_direction::initiator ? d.caller_user == user
                                                     : d.callee_user == user;
      if (!mine || user.empty())
        continue;
      dialog_view v;
      v.id = d.call_id + '-' + d.caller_tag + '-' + d.callee_tag;
      v.call_id = d.call_id;
      v.direction = dir;
      v.state = d.state;
      if (dir == dialog_direction::initiator) {
        v.local_tag = d.caller_tag;
        v.remote_tag = d.callee_tag;
        v.peer_uri = d.callee_uri;
        v.peer_display = d.callee_display;
      } else {
        v.local_tag = d.callee_tag;
        v.remote_tag = d.caller_tag;
        v.peer_uri = d.caller_uri;
        v.peer_display = d.caller_display;
      }
      out.push_back(std::move(v));
    }
  }
  return out;
}

size_t dialog_tracker::purge_terminated() {
  auto n = dialogs_.size();
  dialogs_.erase(std::remove_if(dialogs_.begin(), dialogs_.end(),
                                [](auto& d) { return !live(d); }),
                 dialogs_.end());
  return n - dialogs_.size();
}

} // namespace ivm::sip::proxy
