// Compiled by CTest, never linked: with PARLEY_WRONG_SHAPE, a join in the user -> group shape
// sent to the node must not compile (NodeInterface.WrongShapeDoesNotCompile, WILL_FAIL); without
// it, the right shapes compile (NodeInterface.RightShapesCompile), so the failure is the
// shape's and not a missing include.
#include "actors/node/node_interface.hpp"

namespace parley {

void shapes(caf::event_based_actor* self, const node_handle& node, const caf::actor& user,
            const user_sinks_ptr& sinks) {
  self->request(node, caf::infinite, join_atom::value, uint32_t{1}, std::string("g"),
                std::string("alice"), user, sinks)
      .then([](const membership_result&) {});
  self->send(node, user_idle_atom::value, std::string("1/alice"), uint64_t{1});
#ifdef PARLEY_WRONG_SHAPE
  self->request(node, caf::infinite, join_atom::value, std::string("alice"), user, sinks)
      .then([](const membership_result&) {});
#endif
}

}  // namespace parley
