#include "appliance/sip/message.hpp"

#include <algorithm>

#include "appliance/sip/scan.hpp"

namespace ivm::sip {

namespace {

struct matcher {
  header_id id;
  std::string_view name;

  explicit matcher(std::string_view str) noexcept
    : id(lookup_header(str)), name(str) {
    // nop
  }

  bool operator()(const header& hdr) const noexcept {
    if (id != header_id::unknown)
      return hdr.id == id;
    return hdr.id == header_id::unknown && iequals(hdr.name, name);
  }
};

} // namespace

bool matches(const header& hdr, std::string_view name) noexcept {
  return matcher{name}(hdr);
}

message message::make_request(std::string method, std::string request_uri) {
  message result;
  result.method = std::move(method);
  result.request_uri = std::move(request_uri);
  return result;
}

message message::make_response(int status_code, std::string reason) {
  message result;
  result.status_code = status_code;
  result.reason = std::move(reason);
  return result;
}

const header* message::find(std::string_view name) const noexcept {
  matcher pred{name};
  auto i = std::find_if(headers.begin(), headers.end(), pred);
  return i == headers.end() ? nullptr : &*i;
}

const header* message::find(header_id id) const noexcept {
  auto i = std::find_if(headers.begin(), headers.end(),
                        [id](const header& hdr) { return hdr.id == id; });
  return i == headers.end() ? nullptr : &*i;
}

std::vector<const header*> message::find_all(std::string_view name) const {
  std::vector<const header*> result;
  matcher pred{name};
  for (auto& hdr : headers)
    if (pred(hdr))
      result.push_back(&hdr);
  return result;
}

size_t message::count(std::string_view name) const noexcept {
  matcher pred{name};
  return static_cast<size_t>(
      std::count_if(headers.begin(), headers.end(), pred));
}

size_t message::count(header_id id) const noexcept {
  return static_cast<size_t>(
      std::count_if(headers.begin(), headers.end(),
                    [id](const header& hdr) { return hdr.id == id; }));
}

std::vector<std::string_view> message::values(std::string_view name) const {
  std::vector<std::string_view> result;
  matcher pred{name};
  for (auto& hdr : headers) {
    if (!pred(hdr))
      continue;
    auto parts = detail::split_list(hdr.value);
    result.insert(result.end(), parts.begin(), parts.end());
  }
  return result;
}

std::string_view message::value_of(std::string_view name) const noexcept {
  auto hdr = find(name);
  return hdr ? std::string_view{hdr->value} : std::string_view{};
}

header message::make_header(std::string_view name, std::string value) {
  header result;
  result.id = lookup_header(name);
  result.name = std::string{name};
  result.value = std::move(value);
  return result;
}

void message::add(std::string_view name, std::string value) {
  headers.push_back(make_header(name, std::move(value)));
}

void message::push_front(std::string_view name, std::string value) {
  headers.insert(headers.begin(), make_header(name, std::move(value)));
}

size_t message::remove(std::string_view name) {
  auto before = headers.size();
  headers.erase(std::remove_if(headers.begin(), headers.end(), matcher{name}),
                headers.end());
  return before - headers.size();
}

void message::replace(std::string_view name, std::string value) {
  matcher pred{name};
  auto i = std::find_if(headers.begin(), headers.end(), pred);
  if (i == headers.end()) {
    add(name, std::move(value));
    return;
  }
  *i = make_header(name, std::move(value));
  headers.erase(std::remove_if(std::next(i), headers.end(), pred),
                headers.end());
}

} // namespace ivm::sip
