// lean_scheduler: CAF's work-stealing scheduler without the per-job actor-id bookkeeping.
//
// CAF 0.17's worker loop tags every job it runs for the logger: a dynamic_cast from
// `resumable*` to `abstract_actor*` (a cross-library cast through a virtual-inheritance
// hierarchy, which compares type names with strcmp) plus two logger calls. Debian's CAF is
// built with its logger compiled in, so this happens for every actor turn even though Parley
// sets CAF's log verbosity to quiet and logs through spdlog. callgrind over 3,000 connections
// + logins put the cast at ~8.5% of the node's instructions (43,117 turns, ~1,360
// instructions each). This policy is CAF's own work stealing; only the worker loop, an
// explicit specialization in lean_scheduler.cpp, leaves the tagging out.
#pragma once

#include <caf/actor_system_config.hpp>

namespace parley {

// Makes the actor system that `cfg` configures use the lean work-stealing scheduler.
void use_lean_scheduler(caf::actor_system_config& cfg);

}  // namespace parley
