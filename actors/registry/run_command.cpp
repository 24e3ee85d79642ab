#include "actors/registry/run_command.hpp"

#include "actors/ask.hpp"
#include "actors/registry/behaviour_registry.hpp"

namespace parley {

void run_command(caf::actor_system& system, const registry_ptr& registry, const std::string& cmd,
                 uint32_t app_id, const std::string& sender, nlohmann::json data,
                 std::function<void(command_result)> done) {
  auto failed = [&](result_code code, std::string msg) {
    command_result r;
    r.code = code;
    r.code_msg = std::move(msg);
    done(std::move(r));
  };
  auto entry = registry ? registry->find(cmd) : nullptr;
  if (entry == nullptr) return failed(result_code::route_not_exist, "no behaviour " + cmd);
  auto handler = entry->handler();
  if (!handler) return failed(result_code::server_error, "behaviour " + cmd + " is down");
  command c;
  c.cmd = cmd;
  c.data = std::make_shared<const nlohmann::json>(std::move(data));
  c.origin = command_origin::http;
  c.login = login_info{app_id, sender, caf::actor{}};
  auto stats = entry->stats;
  auto started = std::chrono::steady_clock::now();
  ask<command_result>(
      system, handler,
      [done, stats, started](std::optional<command_result> r) {
        if (stats)
          stats->record(std::chrono::steady_clock::now() - started,
                        r && r->code == result_code::ok);
        if (r) return done(std::move(*r));
        command_result e;
        e.code = result_code::server_error;
        done(std::move(e));
      },
      handle_atom::value, std::move(c));
}

}  // namespace parley
