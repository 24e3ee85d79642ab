#include "actors/protocol/codec.hpp"

#include <gtest/gtest.h>

#include "actors/protocol/pushes.hpp"

namespace parley::protocol {
namespace {

TEST(Codec, DecodesAFullRequest) {
  auto d = decode_request(R"({"seq":"7","cmd":"login","data":{"appID":101,"userID":"alice"}})");
  ASSERT_TRUE(d.value);
  EXPECT_EQ(d.value->seq, "7");
  EXPECT_EQ(d.value->cmd, "login");
  EXPECT_EQ(d.value->data["userID"], "alice");
}

TEST(Codec, NumericSeqAndMissingDataAreAccepted) {
  auto d = decode_request(R"({"seq":12,"cmd":"ping"})");
  ASSERT_TRUE(d.value);
  EXPECT_EQ(d.value->seq, "12");
  EXPECT_TRUE(d.value->data.is_object());
}

TEST(Codec, EveryMalformedShapeIs1001WithAReason) {
  struct bad { const char* text; const char* reason; };
  for (auto c : {bad{"{oops", "invalid JSON"}, bad{"[1,2]", "JSON object"},
                 bad{R"({"seq":"1"})", "missing cmd"}, bad{R"({"seq":"1","cmd":5})", "cmd must be a string"},
                 bad{R"({"seq":[1],"cmd":"x"})", "seq must be a string"},
                 bad{R"({"seq":"1","cmd":"x","data":"str"})", "data must be an object"}}) {
    auto d = decode_request(c.text);
    EXPECT_FALSE(d.value) << c.text;
    EXPECT_EQ(d.code, result_code::illegal_parameter);
    EXPECT_NE(d.reason.find(c.reason), std::string::npos) << d.reason;
  }
  EXPECT_EQ(decode_request(R"({"seq":"9","cmd":"x","data":1})").seq, "9");
}

// Found by tests/fuzz/fuzz_codec: 30,000 nested arrays (60 KB, inside max_frame_bytes) parse,
// but dumping them again (a reply, a stored copy) recursed until the stack overflowed.
TEST(Codec, NestingDeeperThanTheLimitIsRefused) {
  auto nested = [](int depth) {
    return R"({"cmd":"x","data":{"a":)" + std::string(depth, '[') + std::string(depth, ']') + "}}";
  };
  auto deep = decode_request(nested(30000));
  EXPECT_FALSE(deep.value);
  EXPECT_EQ(deep.code, result_code::illegal_parameter);
  EXPECT_NE(deep.reason.find("nested"), std::string::npos);
  // Brackets inside strings are text, not nesting.
  auto text = decode_request(R"({"cmd":"x","data":{"msg":")" + std::string(1000, '[') + R"("}})");
  EXPECT_TRUE(text.value);
  EXPECT_TRUE(decode_request(nested(max_json_depth - 2)).value);  // with the two objects
  EXPECT_FALSE(decode_request(nested(max_json_depth - 1)).value);
}

TEST(Codec, FieldsMatchBothSpellings) {
  auto data = json::parse(R"({"appId":"102","userId":"bob"})");
  std::string user, reason;
  uint32_t app = 0;
  EXPECT_TRUE(read_uint32(data, "appID", app, true, reason));
  EXPECT_EQ(app, 102u);
  EXPECT_TRUE(read_string(data, "userID", user, true, reason));
  EXPECT_EQ(user, "bob");
}

TEST(Codec, FieldReadersRefuseWrongTypes) {
  auto data = json::parse(R"({"appID":"x1","userID":5,"neg":-1})");
  std::string s, reason;
  uint32_t n = 0;
  EXPECT_FALSE(read_uint32(data, "appID", n, true, reason));
  EXPECT_FALSE(read_uint32(data, "neg", n, true, reason));
  EXPECT_FALSE(read_string(data, "userID", s, true, reason));
  EXPECT_FALSE(read_string(data, "missing", s, true, reason));
  EXPECT_EQ(reason, "missing missing");
  EXPECT_TRUE(read_string(data, "missing", s, false, reason));
}

TEST(Codec, ResponsesAndPushesHaveTheProtocolShape) {
  auto r = json::parse(encode_response("3", "join", result_code::not_logged_in, "", nullptr));
  EXPECT_EQ(r["seq"], "3");
  EXPECT_EQ(r["cmd"], "join");
  EXPECT_EQ(r["response"]["code"], 1000);
  EXPECT_EQ(r["response"]["codeMsg"], "Not logged in");
  auto p = json::parse(*encode_message_push({"bob", "img", "https://x/y.png", "alice", "m9", 1234}));
  EXPECT_EQ(p["seq"], "m9");
  EXPECT_EQ(p["cmd"], "msg");
  EXPECT_EQ(p["response"]["codeMsg"], "Ok");
  auto data = p["response"]["data"];
  EXPECT_EQ(data["target"], "bob");
  EXPECT_EQ(data["from"], "alice");
  EXPECT_EQ(data["type"], "img");
  EXPECT_EQ(data["time"], 1234);
  auto e = json::parse(*encode_presence_push("enter", 101, "carol"));
  EXPECT_EQ(e["cmd"], "enter");
  EXPECT_EQ(e["response"]["data"]["from"], "carol");
}

// The envelope is written piece by piece; it must be byte for byte what dumping the same
// document as a json object gives (clients and parley-bench rely on the key order).
TEST(Codec, EnvelopesAreByteForByteTheJsonObjectDump) {
  auto as_object = [](const std::string& seq, const std::string& cmd, int code,
                      const std::string& msg, const json& data) {
    json out = {{"seq", seq},
                {"cmd", cmd},
                {"response", {{"code", code}, {"codeMsg", msg}, {"data", data}}}};
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  json nested = {{"b", {1, 2.5, "x\"y"}}, {"a", nullptr}, {"c", {{"z", true}}}};
  std::string bad = "bad\xff\xfe utf8";
  EXPECT_EQ(encode_response("7", "login", result_code::ok, "", nested),
            as_object("7", "login", 200, "Success", nested));
  EXPECT_EQ(encode_response("", "x", result_code::not_logged_in, "", nullptr),
            as_object("", "x", 1000, "Not logged in", nullptr));
  EXPECT_EQ(encode_response("q\"\\\n", bad, result_code::server_error, bad, bad),
            as_object("q\"\\\n", bad, 1004, bad, bad));
  EXPECT_EQ(encode_push("m1", "msg", nested), as_object("m1", "msg", 200, "Ok", nested));
  EXPECT_EQ(encode_push("\u00e9\t", "enter", json::object()),
            as_object("\u00e9\t", "enter", 200, "Ok", json::object()));
}

TEST(Codec, MessageTypesAreValidated) {
  std::string reason;
  EXPECT_TRUE(valid_message("text", "hello", reason));
  EXPECT_TRUE(valid_message("video", "https://cdn/x.mp4", reason));
  EXPECT_FALSE(valid_message("img", "javascript:alert(1)", reason));
  EXPECT_FALSE(valid_message("text", "", reason));
  EXPECT_FALSE(valid_message("html", "<b>", reason));
}

TEST(Codec, InvalidUtf8IsReplacedNotThrown) {
  std::string bad = "a\xff" "b";
  auto text = encode_response("1", "x", result_code::ok, "", bad);
  EXPECT_FALSE(json::parse(text, nullptr, false).is_discarded());
}

}  // namespace
}  // namespace parley::protocol
