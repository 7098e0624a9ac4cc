// console/model: a phone's files, the templates and a firmware upload: the
// requests made, the answers decoded, refusals shown.

#include <gtest/gtest.h>

#include "console/model/console_model.hpp"

using namespace ivm::console;

namespace {

const char* const files_body =
    R"({"files":[{"name":"y0000000000XX.cfg","kind":"common_config",)"
    R"("content_type":"text/plain","text":"#!version:1.0.0.1\n"},)"
    R"({"name":"001565123456.cfg","kind":"device_config",)"
    R"("content_type":"text/plain",)"
    R"("text":"account.1.password = ********\n"}]})";
const char* const list_body =
    R"({"templates":[{"name":"cisco-device_config","source":"built-in"},)"
    R"({"name":"yealink-device_config","source":"override"}]})";

std::vector<job> jobs_of(model& m) {
  return m.take_jobs();
}

/// The only job of `m` that is not a data set's load.
job the_change(model& m) {
  std::vector<job> out;
  for (auto& j : m.take_jobs())
    if (!j.loads)
      out.push_back(j);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? job{} : out.front();
}

} // namespace

TEST(provisioning_views, decode) {
  auto files = parse_device_files(files_body);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[1].name, "001565123456.cfg");
  EXPECT_EQ((*files)[1].kind, "device_config");
  EXPECT_EQ((*files)[1].text, "account.1.password = ********\n");
  auto list = parse_templates(list_body);
  ASSERT_TRUE(list);
  EXPECT_EQ((*list)[1].source, "override");
  EXPECT_FALSE(parse_device_files("[]"));
  EXPECT_FALSE(parse_templates(R"({"templates":[{}]})"));
  EXPECT_FALSE(parse_template("garbage"));
  EXPECT_EQ(base_name("/tmp/fw/T46S-66.86.0.15.rom"), "T46S-66.86.0.15.rom");
  EXPECT_EQ(base_name("T46S.rom"), "T46S.rom");
  EXPECT_EQ(base_name("/tmp/"), "tmp");
  EXPECT_EQ(base_name(""), "");
}

TEST(provisioning_model, device_files_shown_and_hidden) {
  model m{"tok"};
  jobs_of(m);
  m.show_device_files("001565123456");
  auto j = the_change(m);
  EXPECT_EQ(j.method, "GET");
  EXPECT_EQ(j.path, "/api/v1/devices/001565123456/files");
  EXPECT_EQ(j.token, "tok");
  EXPECT_TRUE(m.device_files().pending);
  m.apply(j, answer{200, files_body, {}});
  EXPECT_FALSE(m.device_files().pending);
  ASSERT_EQ(m.device_files().files.size(), 2u);
  EXPECT_EQ(m.device_files().mac, "001565123456");
  // A late answer for another phone does not replace the one shown.
  m.show_device_files("0004f2abcdef");
  auto second = the_change(m);
  m.apply(j, answer{200, files_body, {}});
  EXPECT_TRUE(m.device_files().files.empty());
  m.apply(
      second,
      answer{404, R"({"error":"no device 0004f2abcdef","field":"mac"})", {}});
  EXPECT_NE(m.device_files().error.find("no device 0004f2abcdef"),
            std::string::npos);
  m.show_device_files("");
  EXPECT_TRUE(m.device_files().mac.empty());
  EXPECT_TRUE(m.take_jobs().empty());
}

TEST(provisioning_model, templates_page_lists_shows_saves_and_resets) {
  model m{"tok"};
  jobs_of(m);
  m.show(page::templates);
  std::vector<job> loads = m.take_jobs();
  bool asked = false;
  for (auto& j : loads) {
    if (j.path == "/api/v1/templates") {
      asked = true;
      m.apply(j, answer{200, list_body, {}});
    } else {
      m.apply(j, answer{200, R"({"status":"ok","storage":"ok"})", {}});
    }
  }
  ASSERT_TRUE(asked);
  ASSERT_EQ(m.templates().size(), 2u);
  // The first one is shown until another is chosen.
  auto get = the_change(m);
  EXPECT_EQ(get.path, "/api/v1/templates/cisco-device_config");
  m.apply(get, answer{200,
                      R"({"name":"cisco-device_config","source":"built-in",)"
                      R"("text":"<device/>\n"})",
                      {}});
  EXPECT_FALSE(m.template_view().pending);
  EXPECT_TRUE(m.template_view().error.empty());
  EXPECT_EQ(m.template_view().edit, "<device/>\n");

  m.show_template("yealink-device_config");
  get = the_change(m);
  m.apply(get, answer{200,
                      R"({"name":"yealink-device_config","source":"override",)"
                      R"("text":"#!version:1.0.0.1\n"})",
                      {}});
  // Save: PUT the edited text; a refusal stays on screen, the edit too.
  m.template_view().edit = "#!version:1.0.0.1\nx = {{pasword}}\n";
  m.save_template();
  auto put = the_change(m);
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.path, "/api/v1/templates/yealink-device_config");
  EXPECT_EQ(put.body, "#!version:1.0.0.1\nx = {{pasword}}\n");
  m.apply(put, answer{422,
                      R"({"error":"yealink-device_config: line 2, column 5: )"
                      R"(unknown variable 'pasword'","line":2})",
                      {}});
  EXPECT_TRUE(m.status_is_error());
  EXPECT_NE(m.status().find("line 2"), std::string::npos);
  EXPECT_EQ(m.template_view().edit, "#!version:1.0.0.1\nx = {{pasword}}\n");
  EXPECT_EQ(m.template_view().doc.text, "#!version:1.0.0.1\n");
  // Accepted: the box's text is shown and the list reloaded.
  m.template_view().edit = "#!version:1.0.0.1\nx = 1\n";
  m.save_template();
  put = the_change(m);
  m.apply(put, answer{200,
                      R"({"name":"yealink-device_config","source":"override",)"
                      R"("text":"#!version:1.0.0.1\nx = 1\n"})",
                      {}});
  EXPECT_FALSE(m.status_is_error());
  EXPECT_EQ(m.template_view().doc.text, "#!version:1.0.0.1\nx = 1\n");
  auto reload = m.take_jobs();
  ASSERT_EQ(reload.size(), 1u);
  EXPECT_EQ(reload[0].path, "/api/v1/templates");
  m.apply(reload[0], answer{200, list_body, {}});
  // Back to built-in: DELETE.
  m.reset_template();
  auto del = the_change(m);
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.path, "/api/v1/templates/yealink-device_config");
  m.apply(del, answer{200,
                      R"({"name":"yealink-device_config","source":"built-in",)"
                      R"("text":"#!version:1.0.0.1\nbuiltin = 1\n"})",
                      {}});
  EXPECT_EQ(m.template_view().doc.source, "built-in");
  EXPECT_EQ(m.template_view().edit, "#!version:1.0.0.1\nbuiltin = 1\n");
}

TEST(provisioning_model, firmware_upload_from_a_local_path) {
  model m{"tok"};
  jobs_of(m);
  m.upload_firmware(); // no path
  EXPECT_TRUE(m.status_is_error());
  EXPECT_TRUE(m.take_jobs().empty());
  m.upload().path = "/srv/fw/T46S-66.86.0.15.rom";
  m.upload_firmware();
  auto put = the_change(m);
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.path, "/api/v1/firmware/T46S-66.86.0.15.rom");
  EXPECT_EQ(put.body_file, "/srv/fw/T46S-66.86.0.15.rom");
  EXPECT_TRUE(put.body.empty());
  m.apply(put, answer{201,
                      R"({"name":"T46S-66.86.0.15.rom","size":3,)"
                      R"("sha256":"ba7816bf8f01cfea"})",
                      {}});
  EXPECT_EQ(m.upload().result, "T46S-66.86.0.15.rom: sha256 ba7816bf8f01cfea");
  EXPECT_FALSE(m.status_is_error());
  auto reload = m.take_jobs();
  ASSERT_EQ(reload.size(), 1u);
  EXPECT_EQ(reload[0].path, "/api/v1/firmware");
  // A file that cannot be read: the worker's error on the status line.
  m.upload().path = "/nonexistent/x.rom";
  m.upload_firmware();
  put = the_change(m);
  m.apply(put, answer{0, {}, "cannot read /nonexistent/x.rom"});
  EXPECT_TRUE(m.status_is_error());
  EXPECT_EQ(m.status(), "cannot read /nonexistent/x.rom");
  EXPECT_TRUE(m.upload().result.empty());
}
