#include "appliance/presence/xml_writer.hpp"

#include "appliance/presence/xml_escape.hpp"

namespace ivm::presence::detail {

xml_writer::xml_writer()
  : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {
  // nop
}

void xml_writer::close_start_tag(bool newline) {
  if (!tag_open_)
    return;
  out_ += newline ? ">\n" : ">";
  tag_open_ = false;
}

void xml_writer::indent() {
  out_.append(stack_.size() * 2, ' ');
}

xml_writer& xml_writer::start(std::string_view name) {
  if (!stack_.empty()) {
    close_start_tag(true);
    stack_.back().has_children = true;
  }
  indent();
  out_ += '<';
  out_ += name;
  stack_.push_back(frame{std::string{name}});
  tag_open_ = true;
  return *this;
}

xml_writer& xml_writer::attr(std::string_view name, std::string_view value) {
  if (!tag_open_)
    return *this;
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  out_ += xml_escape(value);
  out_ += '"';
  return *this;
}

xml_writer& xml_writer::text(std::string_view value) {
  if (stack_.empty())
    return *this;
  close_start_tag(false);
  stack_.back().has_text = true;
  out_ += xml_escape(value);
  return *this;
}

xml_writer& xml_writer::end() {
  if (stack_.empty())
    return *this;
  auto top = std::move(stack_.back());
  stack_.pop_back();
  if (tag_open_) {
    out_ += "/>\n";
    tag_open_ = false;
    return *this;
  }
  if (top.has_children && !top.has_text)
    indent();
  out_ += "</";
  out_ += top.name;
  out_ += ">\n";
  return *this;
}

xml_writer& xml_writer::element(std::string_view name, std::string_view value) {
  return start(name).text(value).end();
}

std::string xml_writer::finish() {
  while (!stack_.empty())
    end();
  return std::move(out_);
}

} // namespace ivm::presence::detail
