#include "actors/registry/behaviour_registry.hpp"

#include <algorithm>

namespace parley {

bool behaviour_registry::add(const std::string& name, entry e) {
  return entries_.emplace(name, std::move(e)).second;
}

const behaviour_registry::entry* behaviour_registry::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, const behaviour_registry::entry*>> behaviour_registry::entries()
    const {
  std::vector<std::pair<std::string, const entry*>> out;
  for (const auto& [name, e] : entries_) out.emplace_back(name, &e);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::vector<std::string> behaviour_registry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.first);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace parley
