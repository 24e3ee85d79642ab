// parley-group-churn: the cost of a mass disconnect from one big group, inside the actor
// runtime (no sockets). N stand-in user actors join one group through a real node actor;
// then the group gets one down_msg per member, as it does when all of them exit at once,
// and handles them until it is empty and the node retires it. Prints the wall time from the
// first down_msg to the retirement: on a group that scans its members per down_msg this
// grows as N^2, on one that finds the member by address as N.
//
// The down_msgs are sent by this program rather than by killing N actors: killing 100,000
// actors at once measured CAF's work-stealing scheduler (stealing from a 100,000-job queue
// was 26% of the samples, sched_yield and the kernel most of the rest), not the group.
//
//   parley-group-churn [MEMBERS...]     (default: 20000 100000)
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/behaviours/builtin.hpp"
#include "actors/node/node_actor.hpp"
#include "actors/user/user_sinks.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace {

using namespace parley;
using clock_type = std::chrono::steady_clock;

// Waits until `pred` holds (polling every millisecond), at most `limit`.
template <class Pred>
bool wait_for(Pred pred, std::chrono::seconds limit) {
  auto deadline = clock_type::now() + limit;
  while (!pred()) {
    if (clock_type::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

double run(uint32_t members) {
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system{cfg};
  auto config = std::make_shared<node_config>();
  node_stats stats;
  auto node = system.spawn(node_actor, node_setup{config, &stats, behaviours::builtin_behaviours(), "b"});
  auto sinks = std::make_shared<user_sinks>();
  auto stand_in = [](caf::event_based_actor*) { return caf::behavior{[](shutdown_atom) {}}; };
  std::vector<caf::actor> users;
  users.reserve(members);
  for (uint32_t i = 0; i < members; ++i) {
    users.push_back(system.spawn(stand_in));
    caf::anon_send(node, join_atom::value, uint32_t{101}, std::string("big"),
                   "u" + std::to_string(i), users.back(), sinks);
  }
  caf::scoped_actor self{system};
  auto size = [&] {
    size_t n = 0;
    self->request(node, caf::infinite, members_atom::value, uint32_t{101}, std::string("big"))
        .receive([&](std::vector<std::string>& ids) { n = ids.size(); }, [](caf::error&) {});
    return n;
  };
  if (!wait_for([&] { return size() == members; }, std::chrono::seconds(120))) return -1;
  // The node delegates `members` to the group, so the group itself sends the reply.
  caf::actor group;
  self->request(node, caf::infinite, members_atom::value, uint32_t{101}, std::string("big"))
      .receive([&](std::vector<std::string>&) { group = caf::actor_cast<caf::actor>(self->current_sender()); },
               [](caf::error&) {});
  if (!group) return -1;
  auto group_gone = [&] { return stats.live(actor_kind::group) == 0; };
  auto start = clock_type::now();
  for (auto& u : users) caf::anon_send(group, caf::down_msg{u.address(), caf::exit_reason::user_shutdown});
  if (!wait_for(group_gone, std::chrono::seconds(600))) return -1;
  auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto& u : users) caf::anon_send_exit(u, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  parley::log::init("warn");
  std::vector<uint32_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(static_cast<uint32_t>(std::stoul(argv[i])));
  if (sizes.empty()) sizes = {20000, 100000};
  for (auto n : sizes) {
    auto s = run(n);
    if (s < 0) {
      std::printf("{\"members\": %u, \"error\": \"timed out\"}\n", n);
      return 1;
    }
    std::printf("{\"members\": %u, \"disconnect_to_retired_seconds\": %.4f, \"per_member_us\": %.3f}\n",
                n, s, s * 1e6 / n);
  }
  return 0;
}
