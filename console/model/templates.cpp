// The phones' generated files (Phones page), the templates they come from
// (Templates page) and firmware uploaded from this machine (Firmware page).

#include "console/model/console_model.hpp"

#include <nlohmann/json.hpp>

#include "console/client/endpoint.hpp"

namespace ivm::console {

namespace {

using json = nlohmann::json;

std::string why(const answer& a) {
  return a.status == 0 ? a.error : error_text(a.status, a.body);
}

} // namespace

void model::show_device_files(const std::string& mac) {
  files_ = files_panel{};
  if (mac.empty())
    return;
  files_.mac = mac;
  files_.pending = true;
  auto j = make("GET", "/api/v1/devices/" + admin::encode_path_segment(mac) +
                           "/files");
  j.what = job::kind::device_files;
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::show_template(const std::string& name) {
  template_ = template_panel{};
  if (name.empty())
    return;
  template_.name = name;
  template_.pending = true;
  auto j = make("GET", "/api/v1/templates/" + admin::encode_path_segment(name));
  j.what = job::kind::template_text;
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::save_template() {
  auto& t = template_;
  if (t.name.empty() || t.pending)
    return;
  t.pending = true;
  auto j = make(
      "PUT", "/api/v1/templates/" + admin::encode_path_segment(t.name), t.edit);
  j.what = job::kind::template_text;
  j.done_message = "Template " + t.name + " stored: the phones get it now";
  j.reloads = {dataset::templates};
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::reset_template() {
  auto& t = template_;
  if (t.name.empty() || t.pending)
    return;
  t.pending = true;
  auto j =
      make("DELETE", "/api/v1/templates/" + admin::encode_path_segment(t.name));
  j.what = job::kind::template_text;
  j.done_message = "Template " + t.name + " is the built-in one again";
  j.reloads = {dataset::templates};
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::upload_firmware() {
  auto& u = upload_;
  u.result.clear();
  auto name = base_name(u.path);
  if (name.empty()) {
    say("Give the path of a firmware file on this machine.", true);
    return;
  }
  auto j = make("PUT", "/api/v1/firmware/" + admin::encode_path_segment(name));
  j.what = job::kind::upload;
  j.body_file = u.path;
  j.done_message = name;
  j.reloads = {dataset::firmware};
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::on_templates() {
  // Something is shown: the first template until the admin chooses.
  if (template_.name.empty() && !templates_.empty())
    show_template(templates_.front().name);
}

void model::on_provisioning_answer(const job& j, const answer& a) {
  bool ok = a.status >= 200 && a.status < 300;
  switch (j.what) {
    case job::kind::device_files: {
      if (j.path != "/api/v1/devices/" +
                        admin::encode_path_segment(files_.mac) + "/files")
        return; // another device was chosen meanwhile
      files_.pending = false;
      if (!ok) {
        files_.error = why(a);
        return;
      }
      auto parsed = parse_device_files(a.body);
      if (parsed)
        files_.files = std::move(*parsed);
      else
        files_.error = parsed.error();
      return;
    }
    case job::kind::template_text: {
      if (j.path !=
          "/api/v1/templates/" + admin::encode_path_segment(template_.name))
        return;
      template_.pending = false;
      if (!ok) {
        if (j.method == "GET")
          template_.error = why(a);
        else if (a.status != 401) // a refusal: the edit stays
          say(why(a), true);
        return;
      }
      auto parsed = parse_template(a.body);
      if (!parsed) {
        template_.error = parsed.error();
        return;
      }
      template_.error.clear();
      template_.doc = std::move(*parsed);
      template_.edit = template_.doc.text;
      if (j.method != "GET") {
        say(j.done_message, false);
        for (auto d : j.reloads)
          load(d);
      }
      return;
    }
    case job::kind::upload: {
      if (!ok) {
        if (a.status != 401)
          say(why(a), true);
        return;
      }
      auto body = json::parse(a.body, nullptr, false);
      std::string sha;
      if (body.is_object() && body.contains("sha256") &&
          body["sha256"].is_string())
        sha = body["sha256"].get<std::string>();
      upload_.result = j.done_message + ": sha256 " + sha;
      say("Uploaded " + upload_.result, false);
      for (auto d : j.reloads)
        load(d);
      return;
    }
    default:
      return;
  }
}

} // namespace ivm::console
