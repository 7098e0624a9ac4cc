// T.30 fax sessions and CNG detection through spandsp (0.0.6).

#include "appliance/fax/fax.hpp"

#include <cstring>

#include <spandsp.h>

namespace ivm::fax {

// -- CNG ----------------------------------------------------------------------

struct cng_detector::impl {
  modem_connect_tones_rx_state_t* rx = nullptr;
  bool heard = false;
};

namespace {

void on_tone(void* user, int code, int, int) {
  if (code == MODEM_CONNECT_TONES_FAX_CNG)
    *static_cast<bool*>(user) = true;
}

} // namespace

cng_detector::cng_detector() : p_(std::make_unique<impl>()) {
  p_->rx = modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CNG,
                                       on_tone, &p_->heard);
}

cng_detector::~cng_detector() {
  if (p_->rx)
    modem_connect_tones_rx_free(p_->rx);
}

bool cng_detector::feed(const std::int16_t* pcm, std::size_t n) {
  if (!p_->heard && p_->rx && n > 0)
    modem_connect_tones_rx(p_->rx, pcm, static_cast<int>(n));
  return p_->heard;
}

// -- T.30
// -----------------------------------------------------------------------

struct session::impl {
  fax_state_t* fax = nullptr;
  bool calling = false;
  bool done = false;
  int code = -1;
  outcome out;
};

namespace {

void on_phase_e(t30_state_t* t30, void* user, int code) {
  auto* p = static_cast<session::impl*>(user);
  t30_stats_t stats;
  std::memset(&stats, 0, sizeof stats);
  t30_get_transfer_statistics(t30, &stats);
  p->done = true;
  p->code = code;
  p->out.ok = code == T30_ERR_OK;
  p->out.pages = p->calling ? stats.pages_tx : stats.pages_rx;
  p->out.bit_rate = stats.bit_rate;
  p->out.ecm = stats.error_correcting_mode != 0;
  if (code != T30_ERR_OK)
    p->out.error = t30_completion_code_to_str(code);
}

std::unique_ptr<session::impl> make(bool calling, const std::string& file,
                                    const std::string& ident) {
  auto p = std::make_unique<session::impl>();
  p->calling = calling;
  p->fax = fax_init(nullptr, calling ? 1 : 0);
  if (!p->fax)
    return p;
  fax_set_transmit_on_idle(p->fax, 1);
  fax_set_tep_mode(p->fax, 0);
  auto* t30 = fax_get_t30_state(p->fax);
  t30_set_tx_ident(t30, ident.c_str());
  t30_set_supported_modems(t30, T30_SUPPORT_V27TER | T30_SUPPORT_V29 |
                                    T30_SUPPORT_V17);
  t30_set_supported_compressions(t30, T30_SUPPORT_T4_1D_COMPRESSION |
                                          T30_SUPPORT_T4_2D_COMPRESSION |
                                          T30_SUPPORT_T6_COMPRESSION);
  t30_set_ecm_capability(t30, 1);
  if (calling)
    t30_set_tx_file(t30, file.c_str(), -1, -1);
  else
    t30_set_rx_file(t30, file.c_str(), -1);
  t30_set_phase_e_handler(t30, on_phase_e, p.get());
  return p;
}

} // namespace

session::session() = default;

session::~session() {
  if (p_ && p_->fax)
    fax_free(p_->fax);
}

std::unique_ptr<session> session::receiver(const std::string& tiff_path,
                                           const std::string& ident) {
  std::unique_ptr<session> s{new session};
  s->p_ = make(false, tiff_path, ident);
  return s;
}

std::unique_ptr<session> session::sender(const std::string& tiff_path,
                                         const std::string& ident) {
  std::unique_ptr<session> s{new session};
  s->p_ = make(true, tiff_path, ident);
  return s;
}

void session::process(const std::int16_t* in, std::int16_t* out,
                      std::size_t n) {
  if (!p_->fax) {
    std::memset(out, 0, n * sizeof *out);
    p_->done = true;
    p_->out.error = "fax_init failed";
    return;
  }
  // spandsp takes a non-const buffer (it does not write to it).
  std::vector<std::int16_t> heard(in, in + n);
  fax_rx(p_->fax, heard.data(), static_cast<int>(n));
  auto made = fax_tx(p_->fax, out, static_cast<int>(n));
  if (made < 0)
    made = 0;
  if (static_cast<std::size_t>(made) < n)
    std::memset(out + made, 0,
                (n - static_cast<std::size_t>(made)) * sizeof *out);
}

bool session::done() const {
  return p_->done;
}

outcome session::result() const {
  return p_->out;
}

} // namespace ivm::fax
