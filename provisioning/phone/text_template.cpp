#include "provisioning/phone/text_template.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace ivm::provisioning::phone {

namespace {

using node = text_template::node;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r')
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// One open section while parsing (the bottom frame is the whole template).
struct frame {
  std::string name;
  node::type what = node::type::section;
  bool is_list = false;
  std::size_t offset = 0;
  std::vector<node> nodes;
};

class parser {
public:
  parser(std::string_view text, const template_schema& schema)
    : text_(text), schema_(schema) {
    frames_.emplace_back();
  }

  expected<std::vector<node>, template_error> run() {
    std::size_t pos = 0;
    while (pos < text_.size()) {
      auto open = text_.find("{{", pos);
      if (open == std::string_view::npos) {
        append_text(text_.substr(pos));
        break;
      }
      append_text(text_.substr(pos, open - pos));
      auto close = text_.find("}}", open + 2);
      if (close == std::string_view::npos)
        return fail(open, "'{{' without a closing '}}'");
      auto end = close + 2;
      auto tag = trim(text_.substr(open + 2, close - open - 2));
      if (tag.empty())
        return fail(open, "empty tag '{{}}'");
      auto sigil = tag.front();
      if (sigil == '{' || sigil == '&')
        return fail(open, "unescaped insertion is not supported: every "
                          "value is escaped for the file's format");
      if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!')
        end = take_line_if_standalone(open, end);
      if (sigil == '!') {
        pos = end;
        continue;
      }
      auto name = sigil == '#' || sigil == '^' || sigil == '/'
                      ? trim(tag.substr(1))
                      : tag;
      if (auto err = check_name(open, name))
        return unexpected(std::move(*err));
      std::optional<template_error> err;
      if (sigil == '#' || sigil == '^')
        err = open_section(open, std::string{name}, sigil == '^');
      else if (sigil == '/')
        err = close_section(open, name);
      else
        err = add_value(open, std::string{name});
      if (err)
        return unexpected(std::move(*err));
      pos = end;
    }
    if (frames_.size() > 1) {
      auto& f = frames_.back();
      return fail(f.offset, "'{{" + std::string(sigil_of(f)) + f.name +
                                "}}' is never closed");
    }
    return std::move(frames_.front().nodes);
  }

private:
  static std::string_view sigil_of(const frame& f) {
    return f.what == node::type::inverted ? "^" : "#";
  }

  template_error error_at(std::size_t offset, std::string message) const {
    template_error err;
    err.line = 1;
    err.column = 1;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++err.line;
        err.column = 1;
      } else {
        ++err.column;
      }
    }
    err.message = std::move(message);
    return err;
  }

  expected<std::vector<node>, template_error> fail(std::size_t offset,
                                                   std::string message) const {
    return unexpected(error_at(offset, std::move(message)));
  }

  void append_text(std::string_view s) {
    if (s.empty())
      return;
    auto& nodes = frames_.back().nodes;
    if (nodes.empty() || nodes.back().what != node::type::text)
      nodes.push_back(node{node::type::text, {}, {}});
    nodes.back().content.append(s);
  }

  /// When the tag spanning [open, end) is the only thing on its line, drops
  /// the indentation before it and the line break after it. Returns where
  /// parsing continues.
  std::size_t take_line_if_standalone(std::size_t open, std::size_t end) {
    auto nl_before =
        open == 0 ? std::string_view::npos : text_.rfind('\n', open - 1);
    auto line_start = nl_before == std::string_view::npos ? 0 : nl_before + 1;
    auto nl_after = text_.find('\n', end);
    auto line_end =
        nl_after == std::string_view::npos ? text_.size() : nl_after;
    if (!is_blank(text_.substr(line_start, open - line_start)) ||
        !is_blank(text_.substr(end, line_end - end)))
      return end;
    auto indent = open - line_start;
    auto& nodes = frames_.back().nodes;
    if (indent > 0 && !nodes.empty() && nodes.back().what == node::type::text) {
      auto& s = nodes.back().content;
      s.erase(s.size() - std::min(indent, s.size()));
      if (s.empty())
        nodes.pop_back();
    }
    return nl_after == std::string_view::npos ? text_.size() : nl_after + 1;
  }

  std::optional<template_error> check_name(std::size_t offset,
                                           std::string_view name) const {
    if (name.empty())
      return error_at(offset, "a section tag needs a name");
    for (char c : name)
      if (!is_name_char(c))
        return error_at(offset,
                        "invalid name '" + std::string{name} +
                            "': names are lower-case letters, digits and '_'");
    return std::nullopt;
  }

  /// The list sections we are inside, innermost last.
  bool is_item_value(const std::string& name) const {
    for (auto i = frames_.rbegin(); i != frames_.rend(); ++i) {
      if (!i->is_list)
        continue;
      auto list = schema_.lists.find(i->name);
      if (list != schema_.lists.end() && list->second.count(name) > 0)
        return true;
    }
    return false;
  }

  bool is_value(const std::string& name) const {
    return is_item_value(name) || schema_.values.count(name) > 0;
  }

  bool is_list(const std::string& name) const {
    return schema_.lists.count(name) > 0;
  }

  std::optional<template_error> add_value(std::size_t offset,
                                          std::string name) {
    if (!is_value(name)) {
      if (is_list(name))
        return error_at(offset, "'" + name + "' is a list: repeat it with {{#" +
                                    name + "}}...{{/" + name + "}}");
      return error_at(offset, "unknown variable '" + name + "'");
    }
    frames_.back().nodes.push_back(
        node{node::type::value, std::move(name), {}});
    return std::nullopt;
  }

  std::optional<template_error> open_section(std::size_t offset,
                                             std::string name, bool inverted) {
    frame f;
    f.what = inverted ? node::type::inverted : node::type::section;
    f.offset = offset;
    if (is_value(name)) {
      f.is_list = false;
    } else if (is_list(name)) {
      f.is_list = true;
    } else {
      return error_at(offset, "unknown section '" + name + "'");
    }
    f.name = std::move(name);
    frames_.push_back(std::move(f));
    return std::nullopt;
  }

  std::optional<template_error> close_section(std::size_t offset,
                                              std::string_view name) {
    if (frames_.size() == 1)
      return error_at(offset, "'{{/" + std::string{name} +
                                  "}}' closes no open section");
    auto& f = frames_.back();
    if (f.name != name) {
      auto opened = error_at(f.offset, {});
      return error_at(offset, "'{{/" + std::string{name} + "}}' closes '{{" +
                                  std::string(sigil_of(f)) + f.name +
                                  "}}' opened at line " +
                                  std::to_string(opened.line));
    }
    node n{f.what, std::move(f.name), std::move(f.nodes)};
    frames_.pop_back();
    frames_.back().nodes.push_back(std::move(n));
    return std::nullopt;
  }

  std::string_view text_;
  const template_schema& schema_;
  std::vector<frame> frames_;
};

using scope_chain = std::vector<const template_data*>;

const std::string* find_value(const scope_chain& scopes,
                              const std::string& name) {
  for (auto i = scopes.rbegin(); i != scopes.rend(); ++i) {
    auto v = (*i)->values.find(name);
    if (v != (*i)->values.end())
      return &v->second;
  }
  return nullptr;
}

const std::vector<template_data>* find_list(const scope_chain& scopes,
                                            const std::string& name) {
  for (auto i = scopes.rbegin(); i != scopes.rend(); ++i) {
    auto l = (*i)->lists.find(name);
    if (l != (*i)->lists.end())
      return &l->second;
  }
  return nullptr;
}

void render_nodes(const std::vector<node>& nodes, scope_chain& scopes,
                  value_format format, std::string& out) {
  for (auto& n : nodes) {
    switch (n.what) {
      case node::type::text:
        out += n.content;
        break;
      case node::type::value:
        if (auto v = find_value(scopes, n.content))
          out += escape(format, *v);
        break;
      case node::type::section:
      case node::type::inverted: {
        auto inverted = n.what == node::type::inverted;
        if (auto list = find_list(scopes, n.content)) {
          if (inverted) {
            if (list->empty())
              render_nodes(n.children, scopes, format, out);
            break;
          }
          for (auto& item : *list) {
            scopes.push_back(&item);
            render_nodes(n.children, scopes, format, out);
            scopes.pop_back();
          }
          break;
        }
        auto v = find_value(scopes, n.content);
        auto present = v != nullptr && !v->empty();
        if (present != inverted)
          render_nodes(n.children, scopes, format, out);
        break;
      }
    }
  }
}

} // namespace

template_schema template_schema::of(const template_data& data) {
  template_schema result;
  for (auto& [name, value] : data.values)
    result.values.insert(name);
  for (auto& [name, items] : data.lists) {
    auto& names = result.lists[name];
    for (auto& item : items)
      for (auto& [item_name, value] : item.values)
        names.insert(item_name);
  }
  return result;
}

std::string template_error::to_string() const {
  if (line == 0)
    return message;
  return "line " + std::to_string(line) + ", column " + std::to_string(column) +
         ": " + message;
}

expected<text_template, template_error>
text_template::parse(std::string_view text, const template_schema& schema) {
  auto nodes = parser{text, schema}.run();
  if (!nodes)
    return unexpected(nodes.error());
  text_template result;
  result.nodes_ = std::move(*nodes);
  return result;
}

std::string text_template::render(const template_data& data,
                                  value_format format) const {
  std::string out;
  scope_chain scopes{&data};
  render_nodes(nodes_, scopes, format, out);
  return out;
}

} // namespace ivm::provisioning::phone
