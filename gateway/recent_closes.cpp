#include "gateway/recent_closes.hpp"

namespace parley {

void recent_closes::add(close_record record) {
  std::lock_guard<std::mutex> guard(mtx_);
  records_.push_front(std::move(record));
  if (records_.size() > capacity_) records_.pop_back();
}

std::vector<close_record> recent_closes::snapshot() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return {records_.begin(), records_.end()};
}

}  // namespace parley
