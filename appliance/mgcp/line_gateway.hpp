#pragma once

// A media gateway with analog lines as its owner (the gateway actor) drives
// it, whatever the control protocol: MGCP (`gateway_session`) or H.248
// (`megaco::gateway_session`, issue 16), both with the line state machine of
// line.hpp and MGCP-shaped connection commands (CRCX, MDCX, DLCX) and
// answers. `line_gateway_of<S>` wraps either.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "appliance/mgcp/gateway.hpp"

namespace ivm::mgcp {

class line_gateway {
public:
  using output = gateway_session::output;
  virtual ~line_gateway() = default;

  virtual output on_datagram(std::string_view bytes, millis now) = 0;
  virtual output on_line(const std::string& line, const line_event& e,
                         millis now) = 0;
  virtual std::uint32_t command_for(output& out, const std::string& line,
                                    command c, millis now) = 0;
  virtual output add_line(const std::string& line, millis now) = 0;
  virtual void remove_line(const std::string& line) = 0;
  virtual output on_tick(millis now) = 0;
  virtual millis next_tick() const = 0;
  virtual gateway_phase phase() const = 0;
  virtual millis since() const = 0;
  virtual const line_state* line(const std::string& name) const = 0;
};

template <class Session>
class line_gateway_of final : public line_gateway {
public:
  template <class Config>
  line_gateway_of(Config cfg, millis now) : s_(std::move(cfg), now) {}

  output on_datagram(std::string_view bytes, millis now) override {
    return s_.on_datagram(bytes, now);
  }
  output on_line(const std::string& line, const line_event& e,
                 millis now) override {
    return s_.on_line(line, e, now);
  }
  std::uint32_t command_for(output& out, const std::string& line, command c,
                            millis now) override {
    return s_.command_for(out, line, std::move(c), now);
  }
  output add_line(const std::string& line, millis now) override {
    return s_.add_line(line, now);
  }
  void remove_line(const std::string& line) override {
    s_.remove_line(line);
  }
  output on_tick(millis now) override {
    return s_.on_tick(now);
  }
  millis next_tick() const override {
    return s_.next_tick();
  }
  gateway_phase phase() const override {
    return s_.phase();
  }
  millis since() const override {
    return s_.since();
  }
  const line_state* line(const std::string& name) const override {
    return s_.line(name);
  }

private:
  Session s_;
};

} // namespace ivm::mgcp
