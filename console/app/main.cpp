// ivm-console: the box's own screen. Talks to the daemon only through the
// admin API (--url/--token, else <data-dir>/admin.json, as ivmctl does).
// --screenshot FILE --page NAME renders one page once its data arrived,
// writes a PNG and exits.

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "appliance/ctl/settings.hpp"
#include "console/app/window.hpp"
#include "console/client/endpoint.hpp"
#include "console/model/console_model.hpp"

int main(int argc, char** argv) {
  using namespace ivm;
  CLI::App app{"ivm-console: the IVM appliance's local admin console"};
  ctl::global_options opts;
  std::string page_name = "overview";
  std::string screenshot;
  int width = 1280;
  int height = 800;
  app.add_option("--data-dir", opts.data_dir,
                 "The box's data dir (its admin.json gives URL and token)");
  app.add_option("--url,--admin", opts.url, "Admin API URL")
      ->envname("IVM_URL");
  app.add_option("--token", opts.token, "Bearer token")->envname("IVM_TOKEN");
  app.add_option("--fingerprint", opts.fingerprint,
                 "SHA-256 of the box's HTTPS certificate (hex, colons "
                 "allowed); else pinned on first use in "
                 "~/.config/ivm/known-boxes")
      ->envname("IVM_ADMIN_FINGERPRINT");
  std::string names;
  for (auto& p : console::all_pages())
    names += std::string{names.empty() ? "" : ", "} + p.name;
  bool sign_in = false;
  app.add_flag("--sign-in", sign_in,
               "Sign in with an admin account even if admin.json is readable");
  app.add_option("--page", page_name, "Page shown first: " + names);
  app.add_option("--screenshot", screenshot,
                 "Render --page once its data arrived, write this PNG, exit");
  app.add_option("--size", width, "Window width")->check(CLI::Range(640, 7680));
  app.footer(
      "Pages (keys): overview (F1), users (F2), devices (F3), dhcp "
      "(F4), firmware (F5), monitor (F6), groups (F7); Ctrl+R reloads; Tab "
      "and arrows "
      "move.");
  CLI11_PARSE(app, argc, argv);
  height = width * 5 / 8;
  auto page = console::parse_page(page_name);
  if (!page) {
    std::fprintf(stderr, "ivm-console: no page '%s' (pages: %s)\n",
                 page_name.c_str(), names.c_str());
    return 2;
  }
  // The box's token (admin.json, --token) opens the pages; without one (or
  // with --sign-in) an admin signs in.
  auto ep = sign_in ? expected<admin::endpoint, std::string>{unexpected(
                          std::string{"sign in"})}
                    : ctl::resolve_endpoint(opts);
  if (!ep) {
    auto url = opts.url;
    if (url.empty()) {
      auto file = admin::load_admin_file(opts.data_dir + "/admin.json");
      url = file ? file->url : "http://127.0.0.1:8080";
    }
    auto parsed = admin::parse_url(url);
    if (!parsed) {
      std::fprintf(stderr, "ivm-console: %s\n", parsed.error().c_str());
      return 2;
    }
    ep = std::move(*parsed);
    if (auto err = ctl::apply_fingerprint(*ep, opts.fingerprint)) {
      std::fprintf(stderr, "ivm-console: %s\n", err->c_str());
      return 2;
    }
  }
  console::window_options w;
  w.width = width;
  w.height = height;
  w.start_page = *page;
  w.screenshot = screenshot;
  return console::run_window(*ep, w);
}
