#pragma once

#include <csignal>

#include "appliance/main/settings.hpp"
#include "appliance/main/site_settings.hpp"

namespace ivm::app {

/// Opens every resource, starts the engine, waits for a signal in
/// `stop_signals` and shuts down. Returns the process exit code: 0 after a
/// clean stop, 1 when a resource could not be opened. `site`: what
/// data_dir/site.toml holds (already applied to `cfg`).
int run(const settings& cfg, const site_values& site,
        const sigset_t& stop_signals);

} // namespace ivm::app
