#include "appliance/sdp/writer.hpp"

#include <algorithm>
#include <cstring>

namespace ivm::sdp {

namespace {

const char* address_type_name(address_type t) {
  return t == address_type::ip6 ? "IP6" : "IP4";
}

void line(std::string& out, char type, const std::string& value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

void write_connection(std::string& out, const connection& c) {
  line(out, 'c',
       std::string{"IN "} + address_type_name(c.type) + ' ' + c.address);
}

// Writes the other lines whose type is in `types`, in that order.
void write_others(std::string& out, const std::vector<other_line>& others,
                  const char* types) {
  for (const char* t = types; *t != '\0'; ++t)
    for (const auto& o : others)
      if (o.type == *t)
        line(out, o.type, o.value);
}

// Lines of unknown type go last in their section.
void write_unknown(std::string& out, const std::vector<other_line>& others) {
  for (const auto& o : others)
    if (std::strchr("iuepbrzk", o.type) == nullptr)
      line(out, o.type, o.value);
}

void write_attributes(std::string& out, const std::vector<attribute>& attrs) {
  for (const auto& a : attrs)
    line(out, 'a', a.has_value ? a.name + ':' + a.value : a.name);
}

int payload_type_of(const std::string& fmt) {
  if (fmt.empty() || fmt.size() > 3)
    return -1;
  int v = 0;
  for (char c : fmt) {
    if (c < '0' || c > '9')
      return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

void write_media(std::string& out, const media_description& m) {
  std::string mline = m.media + ' ' + std::to_string(m.port);
  if (m.port_count != 0)
    mline += '/' + std::to_string(m.port_count);
  mline += ' ' + m.proto;
  for (const auto& f : m.formats)
    mline += ' ' + f;
  line(out, 'm', mline);
  write_others(out, m.others, "i");
  if (m.conn)
    write_connection(out, *m.conn);
  write_others(out, m.others, "bk");
  std::vector<int> written;
  auto write_format = [&](int pt) {
    if (std::find(written.begin(), written.end(), pt) != written.end())
      return;
    written.push_back(pt);
    if (auto r = m.find_rtpmap(pt)) {
      std::string v = std::to_string(pt) + ' ' + r->encoding + '/' +
                      std::to_string(r->clock_rate);
      if (r->channels != 0)
        v += '/' + std::to_string(r->channels);
      line(out, 'a', "rtpmap:" + v);
    }
    if (auto f = m.find_fmtp(pt))
      line(out, 'a', "fmtp:" + std::to_string(pt) + ' ' + *f);
  };
  for (const auto& f : m.formats)
    if (auto pt = payload_type_of(f); pt >= 0)
      write_format(pt);
  for (const auto& r : m.rtpmaps)
    write_format(r.payload_type);
  for (const auto& f : m.fmtps)
    write_format(f.payload_type);
  if (m.ptime)
    line(out, 'a', "ptime:" + std::to_string(*m.ptime));
  write_attributes(out, m.attributes);
  if (m.dir)
    line(out, 'a', to_string(*m.dir));
  write_unknown(out, m.others);
}

} // namespace

std::string to_string(const session_description& s) {
  std::string out;
  out.reserve(512);
  line(out, 'v', std::to_string(s.version));
  const auto& o = s.orig;
  line(out, 'o',
       o.username + ' ' + o.session_id + ' ' + o.session_version + " IN " +
           address_type_name(o.type) + ' ' + o.address);
  line(out, 's', s.name.empty() ? std::string{" "} : s.name);
  write_others(out, s.others, "iuep");
  if (s.conn)
    write_connection(out, *s.conn);
  write_others(out, s.others, "b");
  line(out, 't',
       std::to_string(s.start_time) + ' ' + std::to_string(s.stop_time));
  write_others(out, s.others, "rzk");
  write_attributes(out, s.attributes);
  if (s.dir)
    line(out, 'a', to_string(*s.dir));
  write_unknown(out, s.others);
  for (const auto& m : s.media)
    write_media(out, m);
  return out;
}

} // namespace ivm::sdp
