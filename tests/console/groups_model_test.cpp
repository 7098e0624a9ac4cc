// console/model: the Groups page and the Users page's edits. The exact
// request each action makes; bad input refused before anything is sent;
// the box's refusals on the status line with the field named.

#include <gtest/gtest.h>

#include "console/model/console_model.hpp"

using namespace ivm::console;

namespace {

const char* const users_body =
    R"({"users":[{"extension":"201","name":"Alice","username":"201",)"
    R"("enabled":true},{"extension":"202","name":"Bob","username":"bob",)"
    R"("enabled":true}]})";
const char* const groups_body =
    R"({"groups":[{"name":"sales","extension":"600","members":["201"]},)"
    R"({"name":"night","extension":"","members":[]}]})";

std::string canned(const job& j) {
  if (j.path == "/health")
    return R"({"status":"ok","version":"0.1.0","uptime_s":1,"storage":"ok"})";
  if (j.path == "/api/v1/users")
    return users_body;
  if (j.path == "/api/v1/groups")
    return groups_body;
  return "{}";
}

void serve(model& m) {
  for (auto& j : m.take_jobs())
    m.apply(j, answer{200, canned(j), {}});
}

/// The one change `act` asks for (a test failure when none or several).
job one_change(model& m) {
  auto jobs = m.take_jobs();
  EXPECT_EQ(jobs.size(), 1u) << m.status();
  return jobs.empty() ? job{} : jobs[0];
}

/// `act` is refused here: an error said, nothing sent.
template <class F>
void refused(model& m, F act, const char* says) {
  act();
  EXPECT_TRUE(m.status_is_error()) << says;
  EXPECT_NE(m.status().find(says), std::string::npos) << m.status();
  EXPECT_TRUE(m.take_jobs().empty()) << says;
}

class groups_page : public ::testing::Test {
protected:
  void SetUp() override {
    serve(m);
    m.show(page::groups);
    serve(m);
  }
  model m{"the-box-token"};
};

} // namespace

TEST(groups_view, decodes_the_list_and_member_lists) {
  auto gs = parse_groups(groups_body);
  ASSERT_TRUE(gs);
  ASSERT_EQ(gs->size(), 2u);
  EXPECT_EQ((*gs)[0].extension, "600");
  EXPECT_EQ((*gs)[0].members, std::vector<std::string>{"201"});
  EXPECT_TRUE((*gs)[1].extension.empty());
  for (auto bad : {"", "[]", R"({"groups":3})", "<html>"})
    EXPECT_FALSE(parse_groups(bad)) << bad;
  auto ms = parse_member_list(" 201, 202,,201 ,");
  ASSERT_TRUE(ms);
  EXPECT_EQ(*ms, (std::vector<std::string>{"201", "202"}));
  EXPECT_TRUE(parse_member_list("")->empty());
  auto bad = parse_member_list("201, bob");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("'bob'"), std::string::npos);
  std::vector<user_row> users{{"201", "Alice", "201", true}};
  EXPECT_EQ(describe_members({"201", "209"}, users), "201 Alice, 209");
  EXPECT_EQ(describe_members({}, users), "-");
}

TEST_F(groups_page, asks_for_groups_and_users_and_chooses_the_first) {
  EXPECT_TRUE(m.ready(page::groups));
  ASSERT_EQ(m.groups().size(), 2u);
  ASSERT_NE(m.selected_group(), nullptr);
  EXPECT_EQ(m.selected_group()->name, "sales");
  EXPECT_EQ(m.group_form().new_extension, "600");
  m.select_group("night");
  EXPECT_EQ(m.group_form().new_extension, "");
  // A reload keeps the choice.
  m.refresh();
  serve(m);
  EXPECT_EQ(m.selected_group()->name, "night");
}

TEST_F(groups_page, create_checks_then_posts_and_reloads) {
  auto& f = m.group_form();
  refused(
      m, [&] { m.add_group(); }, "name:");
  f.name = "600";
  refused(
      m, [&] { m.add_group(); }, "name:");
  f.name = "support";
  f.extension = "6x";
  refused(
      m, [&] { m.add_group(); }, "extension:");
  f.extension = "";
  f.members = "201, eve";
  refused(
      m, [&] { m.add_group(); }, "members: 'eve'");
  f.members = "201, 202 ,";
  m.add_group();
  auto j = one_change(m);
  EXPECT_EQ(j.method, "POST");
  EXPECT_EQ(j.path, "/api/v1/groups");
  EXPECT_EQ(j.body, R"({"members":["201","202"],"name":"support"})");
  EXPECT_EQ(j.token, "the-box-token");
  f.extension = "610";
  f.members = "";
  m.add_group();
  j = one_change(m);
  EXPECT_EQ(j.body, R"({"extension":"610","members":[],"name":"support"})");
  // The box refuses: its text with the field it names.
  m.apply(
      j, answer{409, R"({"error":"group support exists","field":"name"})", {}});
  EXPECT_TRUE(m.status_is_error());
  EXPECT_EQ(m.status(), "name: group support exists");
  m.apply(j, answer{400,
                    R"({"error":"extension must be 1 to 15 digits",)"
                    R"("field":"extension"})",
                    {}});
  EXPECT_EQ(m.status(), "extension must be 1 to 15 digits");
  m.apply(j, answer{201, "{}", {}});
  EXPECT_EQ(m.status(), "Group support added");
  auto reload = m.take_jobs();
  ASSERT_EQ(reload.size(), 1u);
  EXPECT_EQ(reload[0].path, "/api/v1/groups");
  // The new group is the chosen one once listed.
  m.apply(reload[0],
          answer{200,
                 R"({"groups":[{"name":"sales","extension":"600",)"
                 R"("members":[]},{"name":"support","extension":"610",)"
                 R"("members":[]}]})",
                 {}});
  EXPECT_EQ(m.selected_group()->name, "support");
}

TEST_F(groups_page, members_are_added_and_removed_as_the_whole_list) {
  auto& f = m.group_form();
  f.member = "20x";
  refused(
      m, [&] { m.add_group_member(); }, "member:");
  f.member = "201";
  refused(
      m, [&] { m.add_group_member(); }, "already");
  f.member = "202";
  m.add_group_member();
  auto j = one_change(m);
  EXPECT_EQ(j.method, "PATCH");
  EXPECT_EQ(j.path, "/api/v1/groups/sales");
  EXPECT_EQ(j.body, R"({"members":["201","202"]})");
  EXPECT_TRUE(f.member.empty());
  m.apply(j, answer{400,
                    R"({"error":"members: 202 is not a user",)"
                    R"("field":"members"})",
                    {}});
  EXPECT_EQ(m.status(), "members: 202 is not a user");
  f.member = "202";
  refused(
      m, [&] { m.remove_group_member(); }, "202 is not in sales");
  f.member = "";
  refused(
      m, [&] { m.remove_group_member(); }, "member:");
  f.member = "201";
  m.remove_group_member();
  j = one_change(m);
  EXPECT_EQ(j.path, "/api/v1/groups/sales");
  EXPECT_EQ(j.body, R"({"members":[]})");
  m.apply(j, answer{200, "{}", {}});
  EXPECT_EQ(m.status(), "201 removed from group sales");
  EXPECT_EQ(m.take_jobs().at(0).path, "/api/v1/groups");
}

TEST_F(groups_page, the_extension_is_changed_or_removed) {
  auto& f = m.group_form();
  refused(
      m, [&] { m.set_group_extension(); }, "600 already");
  f.new_extension = "6o1";
  refused(
      m, [&] { m.set_group_extension(); }, "extension:");
  f.new_extension = "601";
  m.set_group_extension();
  auto j = one_change(m);
  EXPECT_EQ(j.method, "PATCH");
  EXPECT_EQ(j.path, "/api/v1/groups/sales");
  EXPECT_EQ(j.body, R"({"extension":"601"})");
  m.apply(j, answer{409,
                    R"({"error":"601 is already in use",)"
                    R"("field":"extension"})",
                    {}});
  EXPECT_EQ(m.status(), "extension: 601 is already in use");
  f.new_extension = "";
  m.set_group_extension();
  j = one_change(m);
  EXPECT_EQ(j.body, R"({"extension":""})");
  m.apply(j, answer{200, "{}", {}});
  EXPECT_EQ(m.status(), "Group sales has no extension now");
}

TEST_F(groups_page, delete_asks_first_and_encodes_the_name) {
  m.delete_group(); // nothing asked: nothing sent
  EXPECT_TRUE(m.take_jobs().empty());
  m.ask_delete_group();
  EXPECT_EQ(m.group_form().confirm_delete, "sales");
  EXPECT_TRUE(m.take_jobs().empty());
  m.keep_group();
  m.delete_group();
  EXPECT_TRUE(m.take_jobs().empty());
  // Choosing another group forgets the question.
  m.ask_delete_group();
  m.select_group("night");
  m.delete_group();
  EXPECT_TRUE(m.take_jobs().empty());
  m.ask_delete_group();
  m.delete_group();
  auto j = one_change(m);
  EXPECT_EQ(j.method, "DELETE");
  EXPECT_EQ(j.path, "/api/v1/groups/night");
  EXPECT_TRUE(j.body.empty());
  m.apply(j, answer{204, "", {}});
  EXPECT_EQ(m.status(), "Group night deleted");
  // Names are path-encoded.
  for (auto& j2 : m.take_jobs())
    m.apply(j2, answer{200, R"({"groups":[{"name":"a b","members":[]}]})", {}});
  m.ask_delete_group();
  m.delete_group();
  EXPECT_EQ(one_change(m).path, "/api/v1/groups/a%20b");
}

TEST_F(groups_page, nothing_chosen_nothing_sent) {
  model empty{"t"};
  serve(empty);
  empty.show(page::groups);
  for (auto& j : empty.take_jobs())
    empty.apply(
        j, answer{200,
                  j.path == "/api/v1/groups" ? R"({"groups":[]})" : canned(j),
                  {}});
  EXPECT_EQ(empty.selected_group(), nullptr);
  empty.group_form().member = "201";
  refused(
      empty, [&] { empty.add_group_member(); }, "Choose a group");
  refused(
      empty, [&] { empty.remove_group_member(); }, "Choose a group");
  refused(
      empty, [&] { empty.set_group_extension(); }, "Choose a group");
  refused(
      empty, [&] { empty.ask_delete_group(); }, "Choose a group");
}

TEST(users_edit, rename_and_password_of_the_chosen_user) {
  model m{"the-box-token"};
  serve(m);
  m.show(page::users);
  serve(m);
  ASSERT_NE(m.selected_user(), nullptr);
  EXPECT_EQ(m.selected_user()->extension, "201");
  auto& f = m.user_edit();
  EXPECT_EQ(f.name, "Alice"); // prefilled
  refused(
      m, [&] { m.rename_user(); }, "name:");
  m.select_user("202");
  EXPECT_EQ(f.name, "Bob");
  f.name = "Robert \"Bob\"";
  m.rename_user();
  auto j = one_change(m);
  EXPECT_EQ(j.method, "PATCH");
  EXPECT_EQ(j.path, "/api/v1/users/202");
  EXPECT_EQ(j.body, R"({"name":"Robert \"Bob\""})");
  m.apply(j, answer{200, "{}", {}});
  EXPECT_EQ(m.status(), "User 202 renamed to 'Robert \"Bob\"'");
  auto reload = m.take_jobs();
  ASSERT_EQ(reload.size(), 1u);
  EXPECT_EQ(reload[0].path, "/api/v1/users");
  m.apply(reload[0], answer{200, users_body, {}});
  EXPECT_EQ(m.selected_user()->extension, "202"); // still chosen
  // Passwords: typed twice, both equal, checked here; cleared after.
  refused(
      m, [&] { m.set_user_password(); }, "password:");
  f.password = "new secret 1";
  f.repeat = "new secret 2";
  refused(
      m, [&] { m.set_user_password(); }, "differ");
  EXPECT_TRUE(f.password.empty());
  EXPECT_TRUE(f.repeat.empty());
  f.password = "abc";
  f.repeat = "abc";
  m.set_user_password();
  j = one_change(m);
  EXPECT_EQ(j.path, "/api/v1/users/202");
  EXPECT_EQ(j.body, R"({"password":"abc"})");
  EXPECT_TRUE(f.password.empty());
  // The box's rules decide the rest.
  m.apply(j, answer{400,
                    R"({"error":"password must be 4 to 128 characters",)"
                    R"("field":"password"})",
                    {}});
  EXPECT_EQ(m.status(), "password must be 4 to 128 characters");
  // Deleting a user reloads the groups too (it leaves them).
  m.delete_user("202");
  j = one_change(m);
  m.apply(j, answer{204, "", {}});
  std::vector<std::string> paths;
  for (auto& x : m.take_jobs())
    paths.push_back(x.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/api/v1/users", "/api/v1/devices",
                                             "/api/v1/groups"}));
}
