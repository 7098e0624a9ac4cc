// appliance/directory: the admin API's semantics for users and groups.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "appliance/directory/directory.hpp"
#include "appliance/sip/digest/algorithm.hpp"

using namespace ivm;
using json = nlohmann::json;

namespace {

class directory_test : public ::testing::Test {
protected:
  directory::directory dir{"box.example"};

  // Handles a request and, like the actor after the durable write, commits.
  directory::admin_outcome call(const std::string& method,
                                const std::string& path,
                                const std::string& body = "") {
    auto out = dir.handle(method, path, body, 1700000000);
    if (out.status < 300)
      dir.commit(out);
    return out;
  }

  json body(const directory::admin_outcome& out) {
    return json::parse(out.body);
  }
};

TEST_F(directory_test, creates_a_user_and_stores_only_ha1) {
  auto out = call("POST", "/api/v1/users",
                  R"({"extension":"201","name":"Alice","password":"s3cret"})");
  ASSERT_EQ(out.status, 201) << out.body;
  EXPECT_EQ(body(out)["username"], "201");
  EXPECT_EQ(body(out)["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(out.body.find("s3cret"), std::string::npos);
  EXPECT_EQ(out.body.find("ha1"), std::string::npos);
  ASSERT_EQ(out.batch.size(), 1u);
  auto a = dir.by_extension("201");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->ha1_md5, sip::digest::ha1(sip::digest::algorithm::md5, "201",
                                         "box.example", "s3cret"));
  EXPECT_EQ(a->ha1_sha256.size(), 64u);
  EXPECT_EQ(out.batch.ops()[0].value.find("s3cret"), std::string::npos);
}

TEST_F(directory_test, validation_names_the_field_and_changes_nothing) {
  struct row {
    std::string body;
    int status;
    std::string field;
  } rows[] = {
      {R"({"name":"A","password":"s3cret"})", 400, "extension"},
      {R"({"extension":"20a","password":"s3cret"})", 400, "extension"},
      {R"({"extension":"201"})", 400, "password"},
      {R"({"extension":"201","password":"x"})", 400, "password"},
      {R"({"extension":201,"password":"s3cret"})", 400, "extension"},
      {R"({"extension":"201","password":"s3cret","colour":"red"})", 400,
       "colour"},
      {R"({"extension":"201","password":"s3cret","username":"a b"})", 400,
       "username"},
      {R"({"extension":"201","password":"s3cret","enabled":"yes"})", 400,
       "enabled"},
  };
  for (auto& r : rows) {
    auto out = call("POST", "/api/v1/users", r.body);
    EXPECT_EQ(out.status, r.status) << r.body;
    EXPECT_EQ(body(out)["field"], r.field) << r.body;
    EXPECT_TRUE(out.batch.empty());
  }
  EXPECT_EQ(call("POST", "/api/v1/users", "not json").status, 400);
  EXPECT_TRUE(dir.accounts().empty());
}

TEST_F(directory_test, duplicates_are_409) {
  ASSERT_EQ(
      call("POST", "/api/v1/users",
           R"({"extension":"201","password":"s3cret","username":"alice"})")
          .status,
      201);
  auto dup = call("POST", "/api/v1/users",
                  R"({"extension":"201","password":"s3cret"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(body(dup)["field"], "extension");
  auto name =
      call("POST", "/api/v1/users",
           R"({"extension":"202","password":"s3cret","username":"alice"})");
  EXPECT_EQ(name.status, 409);
  EXPECT_EQ(body(name)["field"], "username");
}

TEST_F(directory_test, get_patch_delete) {
  call("POST", "/api/v1/users",
       R"({"extension":"201","name":"Alice","password":"s3cret"})");
  EXPECT_EQ(call("GET", "/api/v1/users/201").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/users/999").status, 404);
  auto before = dir.by_extension("201")->ha1_md5;
  auto p = call("PATCH", "/api/v1/users/201",
                R"({"name":"Alice B","password":"n3wpass","enabled":false})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(body(p)["name"], "Alice B");
  EXPECT_EQ(body(p)["enabled"], false);
  EXPECT_NE(dir.by_extension("201")->ha1_md5, before);
  EXPECT_EQ(call("GET", "/api/v1/users").status, 200);
  EXPECT_EQ(body(call("GET", "/api/v1/users"))["users"].size(), 1u);
  EXPECT_EQ(call("DELETE", "/api/v1/users/201").status, 204);
  EXPECT_EQ(dir.by_extension("201"), nullptr);
  EXPECT_EQ(call("DELETE", "/api/v1/users/201").status, 404);
}

TEST_F(directory_test, groups_resolve_by_name_and_number) {
  call("POST", "/api/v1/users", R"({"extension":"201","password":"s3cret"})");
  call("POST", "/api/v1/users", R"({"extension":"202","password":"s3cret"})");
  auto g =
      call("POST", "/api/v1/groups",
           R"({"name":"sales","extension":"600","members":["201","202"]})");
  ASSERT_EQ(g.status, 201) << g.body;
  EXPECT_EQ(dir.resolve("sales").grp->members.size(), 2u);
  EXPECT_EQ(dir.resolve("600").grp->name, "sales");
  EXPECT_EQ(dir.resolve("201").user->extension, "201");
  EXPECT_EQ(dir.resolve("nobody").user, nullptr);
  EXPECT_EQ(call("POST", "/api/v1/groups", R"({"name":"x","members":["999"]})")
                .status,
            400);
  EXPECT_EQ(call("POST", "/api/v1/groups", R"({"name":"y","extension":"201"})")
                .status,
            409);
  // A user leaving the box leaves its groups.
  call("DELETE", "/api/v1/users/202");
  EXPECT_EQ(dir.resolve("sales").grp->members, std::vector<std::string>{"201"});
  auto p = call("PATCH", "/api/v1/groups/sales", R"({"members":[]})");
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(call("DELETE", "/api/v1/groups/sales").status, 204);
  EXPECT_EQ(dir.resolve("sales").grp, nullptr);
}

} // namespace
