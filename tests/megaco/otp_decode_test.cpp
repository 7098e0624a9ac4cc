// What the box writes in H.248 text decodes in an implementation nobody here
// wrote: Erlang/OTP's megaco decoders (Debian erlang-megaco). Every vector
// the OTP decoder reads (trailing NULs of the captures taken off) is
// written back by appliance/megaco in the long and the compact form, and
// OTP must read both. Skipped without erl.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "appliance/megaco/commands.hpp"
#include "appliance/megaco/gateway.hpp"
#include "appliance/megaco/text.hpp"

namespace fs = std::filesystem;
namespace megaco = ivm::megaco;

namespace {

const fs::path vectors = fs::path{IVM_SOURCE_DIR} / "tests/vectors/megaco";

std::string slurp(const fs::path& p) {
  std::ifstream f{p, std::ios::binary};
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream f{p, std::ios::binary};
  f << text;
}

// Decodes each file named in `list` (triples: the original, ours long, ours
// compact); prints "BAD <file>" for each of ours that fails while its
// original decodes, then "DONE <n>" with the originals read.
const char* script = R"(
{ok, L} = file:read_file(os:getenv("IVM_LIST")),
Files = string:lexemes(binary_to_list(L), "\n"),
Dec = fun(F) ->
  {ok, B} = file:read_file(F),
  element(1, megaco_pretty_text_encoder:decode_message([], dynamic, B)) =:= ok
end,
%% OTP writes each original again, compact and pretty (lower-case tokens,
%% its own layout): the box must read those (".otpc", ".otpp").
Reencode = fun(F) ->
  {ok, B} = file:read_file(F),
  case megaco_pretty_text_encoder:decode_message([], dynamic, B) of
    {ok, M} ->
      [case catch Mod:encode_message([], M) of
         {ok, Bin} -> file:write_file(F ++ Ext, Bin);
         _ -> skipped % some v3 messages OTP reads but does not write
       end || {Mod, Ext} <- [{megaco_compact_text_encoder, ".otpc"},
                             {megaco_pretty_text_encoder, ".otpp"}]];
    _ -> ok
  end
end,
Check = fun Check([O, Lg, C | Rest], N) ->
    case Dec(O) of
      true ->
        Reencode(O),
        [io:format("BAD ~s~n", [F]) || F <- [Lg, C], not Dec(F)],
        Check(Rest, N + 1);
      false -> io:format("ORIGBAD ~s~n", [O]), Check(Rest, N)
    end;
  Check(_, N) -> N
end,
io:format("DONE ~p~n", [Check(Files, 0)]),
halt().
)";

} // namespace

TEST(megaco_otp, otp_decodes_what_the_box_writes) {
  if (::access("/usr/bin/erl", X_OK) != 0)
    GTEST_SKIP() << "erl (erlang-megaco) is not installed";
  auto dir = fs::temp_directory_path() /
             ("ivm-megaco-otp-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string list;
  std::string names; // for the failure message: which vector each is
  int n = 0;
  for (auto sub : {"otp-time_test", "captured-text"})
    for (auto& f : fs::directory_iterator(vectors / sub)) {
      if (f.path().filename().string().find("INDEX") != std::string::npos)
        continue;
      auto text = slurp(f.path());
      auto m = megaco::parse(text);
      if (!m)
        continue; // the truncated capture
      while (!text.empty() && text.back() == '\0')
        text.pop_back();
      names += std::to_string(n) + " " + f.path().filename().string() + "\n";
      auto base = dir / std::to_string(n++);
      spit(base.string() + ".orig", text);
      spit(base.string() + ".long", megaco::serialize(*m, false));
      spit(base.string() + ".compact", megaco::serialize(*m, true));
      list += base.string() + ".orig\n" + base.string() + ".long\n" +
              base.string() + ".compact\n";
    }
  // What the box builds (the controller's own requests and replies).
  {
    using megaco::verb;
    std::vector<megaco::node> items{
        megaco::make_request(
            41, "-",
            {megaco::make_command(verb::modify, "line/1",
                                  {megaco::make_events("17", {"al/on", "dd/ce"},
                                                       "(0xxx|E8|EF|1xx)"),
                                   megaco::make_signals({"cg/dt"})})}),
        megaco::make_request(
            42, "$",
            {megaco::make_command(verb::add, "line/1"),
             megaco::make_command(
                 verb::add, "$",
                 {megaco::make_media(
                     "SendReceive", "",
                     "v=0\nc=IN IP4 127.0.0.1\nm=audio 20000 RTP/AVP 0")})}),
        megaco::make_request(43, "5",
                             {megaco::make_command(verb::subtract, "*")}),
        megaco::make_reply(7, "-",
                           {megaco::make_command(verb::notify, "line/1")}),
        megaco::make_error_reply(8, 421, "Unknown action"),
        megaco::make_response_ack({{3, 5}, {9, 9}})};
    std::vector<std::string> texts;
    for (auto& item : items)
      texts.push_back(
          megaco::write_message("[127.0.0.1]:2944", {item}, 1, false));
    // And what a gateway session writes: its replies, the lines' events and
    // signals (dial tone, digit map, ringing), Add, Modify, Subtract, audit.
    megaco::gateway_config cfg;
    cfg.mid = "[127.0.0.1]:2944";
    cfg.lines = {"line/1", "line/2"};
    megaco::millis now{1000};
    megaco::gateway_session session{cfg, now};
    auto keep = [&texts](const megaco::gateway_session::output& out) {
      for (auto& d : out.datagrams)
        texts.push_back(d);
    };
    const std::string gw = "MEGACO/1 [127.0.0.2]:2944\n";
    keep(session.on_datagram(gw + "T=1{C=-{SC=ROOT{SV{MT=RS,AD=2944,V=2}}}}",
                             now));
    keep(session.on_tick(now)); // the audit
    keep(session.on_line("line/2", ivm::mgcp::line_events::ring{}, now));
    auto rid = session.line("line/1")->request_id;
    keep(session.on_datagram(gw + "T=2{C=-{N=line/1{OE=" +
                                 std::to_string(std::stoull(rid, nullptr, 16)) +
                                 "{al/of}}}}",
                             now));
    megaco::gateway_session::output o;
    ivm::mgcp::command crcx;
    crcx.what = ivm::mgcp::verb::crcx;
    crcx.sdp = "v=0\nc=IN IP4 127.0.0.1\nm=audio 20000 RTP/AVP 0\n";
    auto tid = session.command_for(o, "line/1", crcx, now);
    keep(o);
    session.on_datagram(gw + "P=" + std::to_string(tid) +
                            "{C=3{A=line/1,A=rtp/1{M{L{\nv=0\n}}}}}",
                        now);
    o = {};
    ivm::mgcp::command dlcx;
    dlcx.what = ivm::mgcp::verb::dlcx;
    session.command_for(o, "line/1", dlcx, now);
    keep(o);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto base = (dir / ("built" + std::to_string(i))).string();
      auto m = megaco::parse(texts[i]);
      ASSERT_TRUE(m) << texts[i];
      spit(base + ".orig", texts[i]);
      spit(base + ".long", megaco::serialize(*m, false));
      spit(base + ".compact", megaco::serialize(*m, true));
      list += base + ".orig\n" + base + ".long\n" + base + ".compact\n";
    }
    ASSERT_GE(texts.size(), 12u);
  }
  spit(dir / "list", list);
  spit(dir / "check.erl", script);
  auto cmd = "IVM_LIST='" + (dir / "list").string() +
             "' erl -noshell -eval \"$(cat '" + (dir / "check.erl").string() +
             "')\" 2>&1";
  std::string out;
  if (auto* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (auto got = std::fread(buf, 1, sizeof buf, p))
      out.append(buf, got);
    ::pclose(p);
  }
  // What OTP wrote, the box reads (and decodes into transactions).
  int otp_written = 0;
  for (auto& f : fs::directory_iterator(dir)) {
    auto ext = f.path().extension().string();
    if (ext != ".otpc" && ext != ".otpp")
      continue;
    ++otp_written;
    auto text = slurp(f.path());
    auto d = megaco::decode(text);
    EXPECT_TRUE(d) << f.path() << ": " << d.error().reason << "\n" << text;
  }
  EXPECT_GE(otp_written, 300);
  if (out.find("BAD ") == std::string::npos &&
      out.find("/built") == std::string::npos)
    fs::remove_all(dir);
  EXPECT_EQ(out.find("BAD "), std::string::npos) << out << names;
  EXPECT_EQ(out.find("/built"), std::string::npos)
      << "OTP refused what the box built:\n"
      << out;
  auto done = out.find("DONE ");
  ASSERT_NE(done, std::string::npos) << out;
  // Most vectors are read by OTP (some captures carry what it refuses).
  EXPECT_GE(std::stoi(out.substr(done + 5)), 150) << out;
}
