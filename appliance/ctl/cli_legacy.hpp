#pragma once

// ivmctl's command-line declarations (CLI11) for legacy phones, PBX links and
// stored replies, and call routing: `gateway`, `station`, `pbx`, `canned`,
// `rules`, `profile`. The commands
// themselves live in ivm_ctl (legacy_commands, canned_commands).

#include <functional>

#include <CLI/CLI.hpp>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// What a parsed command line runs.
using action = std::function<int(const context&)>;

void add_legacy_commands(CLI::App& app, action& chosen);
void add_pbx_commands(CLI::App& app, action& chosen);
void add_canned_commands(CLI::App& app, action& chosen);
void add_routing_commands(CLI::App& app, action& chosen);

} // namespace ivm::ctl
