// pushes: the server-initiated frames (msg, enter, exit), each encoded exactly once into a
// shared frame_ptr that every recipient's socket writes as is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/profile/profile.hpp"

namespace parley::protocol {

struct chat_message {
  std::string target;   // the receiving user or group
  std::string type;     // text | img | voice | video
  std::string msg;      // the text, or a URL for img/voice/video
  std::string from;     // the sender's user id
  std::string msg_id;
  int64_t time_ms = 0;  // server time, unix milliseconds
  std::string id;       // the server id in its conversation (actors/store); empty: not stored
};

// {"seq": msgID, "cmd": "msg", "response": {code 200, "Ok", data {target,type,msg,from,msgID,time,id}}}
// (id only when the message was stored)
frame_ptr encode_message_push(const chat_message& m);

// `cmd` is "enter" or "exit"; data {target:"", type:"text", msg:"", from:user, appID, userID},
// and the user's `name` and `avatar` when they are set (actors/profile/profile.hpp).
frame_ptr encode_presence_push(const char* cmd, uint32_t app_id, const std::string& user_id,
                               const std::string& name = {}, const std::string& avatar = {});

// `online`: data {appID, count, lists}: how many users of the app are online, and whether
// enter/exit pushes are on (docs/protocol.md "Presence").
frame_ptr encode_online_push(uint32_t app_id, uint32_t count, bool lists);

// `presence` to a subscriber: data {appID, count, enter: [user...], exit: [user...]}, and
// `profiles` {user: {name, avatar}} for those who entered with one (when any did).
frame_ptr encode_presence_delta(
    uint32_t app_id, uint32_t count, const std::vector<std::string>& enter,
    const std::vector<std::string>& exit,
    const std::vector<std::pair<std::string, user_profile>>& profiles = {});

// True for the message types the protocol knows; img/voice/video need an http(s) URL.
bool valid_message(const std::string& type, const std::string& msg, std::string& reason);

int64_t unix_millis();

}  // namespace parley::protocol
