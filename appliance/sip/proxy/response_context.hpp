#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "appliance/sip/message.hpp"

namespace ivm::sip::proxy {

/// The response context of a stateful proxy (RFC 3261 §16.7): the final
/// responses of every branch of one server transaction and the choice of
/// what goes upstream.
class response_context {
public:
  /// What the caller does after a response or a branch failure.
  struct action {
    /// Send this response upstream through the server transaction.
    std::optional<message> forward;
    /// CANCEL every branch still in `pending_branches()` (§16.7 step 10
    /// after a 2xx, step 5 after a 6xx).
    bool cancel_pending = false;
  };

  /// `request` is the request as received (used to synthesise 408 and to
  /// answer when no branch answered).
  explicit response_context(message request);

  /// Adds a client transaction; returns its index.
  size_t add_branch();

  /// Handles a response of `branch` whose top Via was already removed
  /// (`process_response`). §16.7 step 5: 1xx other than 100 and every 2xx
  /// go upstream at once; other finals are kept until all branches are
  /// done (step 6), then the best one goes upstream.
  action on_response(size_t branch, const message& resp);

  /// A branch failed without a response (Timer B/F, transport error): it
  /// counts as a 408 (§16.7 step 6, §16.8).
  action on_failure(size_t branch);

  /// Branches without a final response yet.
  std::vector<size_t> pending_branches() const;

  /// True once a final response went upstream.
  bool final_sent() const noexcept {
    return final_sent_;
  }

  /// True once every branch has a final response.
  bool complete() const noexcept;

  /// The best of `finals` (§16.7 step 6): a 6xx, else the lowest class,
  /// in 4xx preferring 401/407/415/420/484; 503 becomes 500; 401/407 get
  /// every WWW-/Proxy-Authenticate of all finals (step 7). Empty input:
  /// 408 to `request`.
  static message choose_best(const message& request,
                             const std::vector<message>& finals);

private:
  action settle();

  message request_;
  std::vector<bool> done_;
  std::vector<message> finals_;
  bool final_sent_ = false;
  bool cancelled_ = false;
};

} // namespace ivm::sip::proxy
