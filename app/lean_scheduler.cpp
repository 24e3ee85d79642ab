#include "app/lean_scheduler.hpp"

#include <caf/actor_system.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>
#include <caf/scheduler/worker.hpp>

namespace parley {

// A distinct type, so the worker loop below replaces CAF's for this policy only.
struct lean_work_stealing : caf::policy::work_stealing {};

}  // namespace parley

namespace caf::scheduler {

// CAF's worker<Policy>::run() (caf/scheduler/worker.hpp, 0.17.6) minus the line that tags
// the job for the logger (CAF_PUSH_AID_FROM_PTR(dynamic_cast<abstract_actor*>(job))).
template <>
void worker<parley::lean_work_stealing>::run() {
  for (;;) {
    auto job = policy_.dequeue(this);
    policy_.before_resume(this, job);
    auto res = job->resume(this, max_throughput_);
    policy_.after_resume(this, job);
    switch (res) {
      case resumable::resume_later:
        policy_.resume_job_later(this, job);  // keeps its reference: it stays in the loop
        break;
      case resumable::done:
        policy_.after_completion(this, job);
        intrusive_ptr_release(job);
        break;
      case resumable::awaiting_message:
        intrusive_ptr_release(job);  // enqueued again with a new reference when a message arrives
        break;
      case resumable::shutdown_execution_unit:
        policy_.after_completion(this, job);
        policy_.before_shutdown(this);
        return;
    }
  }
}

}  // namespace caf::scheduler

namespace parley {

void use_lean_scheduler(caf::actor_system_config& cfg) {
  // The actor system takes a scheduler module from the factories instead of building its own.
  cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
    return new caf::scheduler::coordinator<lean_work_stealing>(sys);
  });
}

}  // namespace parley
