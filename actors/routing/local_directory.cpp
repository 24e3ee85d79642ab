#include "actors/routing/directory.hpp"

namespace parley {
namespace {

template <class Map, class Key>
node_set here_if(const Map& map, const Key& key, const node_id& self) {
  return map.count(key) ? node_set{self} : node_set{};
}

template <class Map, class Key>
void retract(Map& map, const Key& key) {
  auto it = map.find(key);
  if (it != map.end() && --it->second == 0) map.erase(it);
}

}  // namespace

directory_actor::behavior_type local_directory(
    directory_actor::stateful_pointer<local_directory_state> self, node_id self_id) {
  self->state.self = std::move(self_id);
  auto& st = self->state;
  return {
      [&st](locate_atom, const user_key& k) { return here_if(st.users, k, st.self); },
      [&st](locate_atom, const group_key& k) { return here_if(st.groups, k, st.self); },
      [&st](publish_atom, const user_key& k) { return ++st.users[k] > 0; },
      [&st](publish_atom, const group_key& k) { return ++st.groups[k] > 0; },
      [&st](retract_atom, const user_key& k) { retract(st.users, k); },
      [&st](retract_atom, const group_key& k) { retract(st.groups, k); },
  };
}

}  // namespace parley
