// builtin: the behaviours every node registers. Each lives in its own folder beside this
// file and exposes one function returning its behaviour_spec; builtin_behaviours() lists them.
#pragma once

#include <vector>

#include "actors/registry/behaviour_registry.hpp"

namespace parley::behaviours {

behaviour_spec login();
behaviour_spec heartbeat();
behaviour_spec ping();
behaviour_spec join();
behaviour_spec leave();
behaviour_spec send_message();
behaviour_spec send_group();
behaviour_spec send_all();   // the room: every user of the appID (also HTTP /user/sendMessageAll)
behaviour_spec send_client();  // one connection by its clientID (backends only)
behaviour_spec users();
behaviour_spec presence();    // subscribe to batched presence deltas
behaviour_spec history();     // a page of a conversation (actors/store)
behaviour_spec ack();         // read state: read up to an id
behaviour_spec unread();      // read state: unread counts per conversation
behaviour_spec profile();     // display name and avatar (actors/profile)
behaviour_spec whoami();      // the connection's clientID, before login too
behaviour_spec echo_bot();   // the worked example of docs/extending.md

std::vector<behaviour_spec> builtin_behaviours();

}  // namespace parley::behaviours
