// redis_store: the durable message store (store: redis) on Redis Streams, behind the
// durable_store interface (actors/store/durable_store.hpp). docs/storage.md has the data
// model; in short:
//
//   parley:c:<conversation key>   stream  one entry per message: f(rom) t(arget) y(type)
//                                         m(sg) i(msgID); the entry id is the server id
//                                         (Redis' clock), MAXLEN ~ the kind's window, MINID ~
//                                         now - history_max_age, PEXPIRE history_max_age
//   parley:in:<app>:<user>        stream  what waits for the user (offline): c(onversation
//                                         key) d (id) and the fields above; MAXLEN ~
//                                         offline_per_user; on the shard of the user's
//                                         directory hash (parley:u:<app>:<user>), so that a
//                                         keep checks that hash in the same atomic script
//
// Every write is one EVAL (append: XADD + XTRIM + PEXPIRE; keep: the directory check + XADD
// + PEXPIRE; take: XRANGE + DEL), pipelined on the shard's connection with the cluster
// actor's own commands. A failed or lost command is an error answer: the sender gets 1008.
#pragma once

#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "actors/store/durable_store.hpp"
#include "cluster/redis/redis_client.hpp"

namespace parley {
struct node_config;
struct cluster_stats;
}

namespace parley::cluster {

durable_store spawn_redis_store(caf::actor_system& system, std::shared_ptr<const node_config> config,
                                std::vector<redis::client_ptr> shards, cluster_stats* stats);

}  // namespace parley::cluster
