#include "cluster/peer/batch_writer.hpp"

namespace parley::cluster {

bool batch_writer::append(wire::Envelope&& e) {
  size_t size = e.ByteSizeLong() + 8;
  if (bytes_ + size > bound_) return false;
  bytes_ += size;
  if (queue_.empty() || queue_.back().second >= batch_bytes) queue_.emplace_back();
  auto& back = queue_.back();
  *back.first.add_items() = std::move(e);
  back.second += size;
  return true;
}

int batch_writer::send_all(std::vector<wire::Envelope>& es) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_ || !start_) return -1;
  int queued = 0;
  for (auto& e : es) {
    if (!append(std::move(e))) break;
    ++queued;
  }
  if (queued > 0 && !writing_ && take_next(lock)) {
    auto start = start_;
    lock.unlock();
    start(&current_);
  }
  return queued;
}

batch_writer::result batch_writer::send(wire::Envelope&& e) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_ || !start_) return result::closed;
  if (!append(std::move(e))) return result::full;
  if (writing_) return result::queued;
  if (take_next(lock)) {
    auto start = start_;
    lock.unlock();
    start(&current_);
  }
  return result::queued;
}

bool batch_writer::take_next(std::unique_lock<std::mutex>&) {
  if (queue_.empty() || closed_) {
    writing_ = false;
    return false;
  }
  current_ = std::move(queue_.front().first);
  current_bytes_ = queue_.front().second;
  queue_.pop_front();
  writing_ = true;
  return true;
}

void batch_writer::written() {
  std::unique_lock<std::mutex> lock(mutex_);
  bytes_ -= current_bytes_;
  current_bytes_ = 0;
  if (take_next(lock)) {
    auto start = start_;
    lock.unlock();
    start(&current_);
  }
}

void batch_writer::close() {
  std::lock_guard<std::mutex> guard(mutex_);
  closed_ = true;
  queue_.clear();
}

}  // namespace parley::cluster
