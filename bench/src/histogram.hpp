// histogram: latency percentiles in constant memory. Log-linear buckets (32 per power of
// two, ~3% relative error) over nanoseconds; merging two histograms adds their buckets, so
// worker processes report theirs and the parent merges.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parley::bench {

class histogram {
 public:
  static constexpr int sub_bits = 5;
  static constexpr int buckets = 64 << sub_bits;

  void add(uint64_t ns) {
    ++counts_[index(ns)];
    ++total_;
    if (ns > max_) max_ = ns;
  }
  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }

  // The value at quantile q (0..1), as the upper edge of its bucket, in nanoseconds.
  uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<uint64_t>(q * static_cast<double>(total_ - 1)) + 1;
    uint64_t seen = 0;
    for (int i = 0; i < buckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(upper(i), max_);
    }
    return max_;
  }

  void merge(const histogram& other) {
    for (int i = 0; i < buckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    if (other.max_ > max_) max_ = other.max_;
  }

  // Sparse form for the JSON result: [[bucket, count], ...].
  nlohmann::json to_json() const {
    auto out = nlohmann::json::array();
    for (int i = 0; i < buckets; ++i)
      if (counts_[i]) out.push_back({i, counts_[i]});
    return {{"buckets", out}, {"max", max_}};
  }
  static histogram from_json(const nlohmann::json& j) {
    histogram h;
    for (const auto& b : j.at("buckets")) {
      h.counts_[b[0].get<int>()] += b[1].get<uint64_t>();
      h.total_ += b[1].get<uint64_t>();
    }
    h.max_ = j.at("max").get<uint64_t>();
    return h;
  }

  // {"p50": ms, "p90": ..., "p99", "p999", "max"} in milliseconds.
  nlohmann::json summary_ms() const {
    auto ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
    return {{"count", total_},       {"p50", ms(percentile(0.50))}, {"p90", ms(percentile(0.90))},
            {"p99", ms(percentile(0.99))}, {"p999", ms(percentile(0.999))}, {"max", ms(max_)}};
  }

 private:
  static int index(uint64_t v) {
    if (v < (1u << sub_bits)) return static_cast<int>(v);
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - sub_bits;
    return ((shift + 1) << sub_bits) + static_cast<int>((v >> shift) & ((1u << sub_bits) - 1));
  }
  static uint64_t upper(int i) {
    if (i < (1 << sub_bits)) return static_cast<uint64_t>(i);
    int shift = (i >> sub_bits) - 1;
    uint64_t mant = static_cast<uint64_t>(i & ((1 << sub_bits) - 1)) | (1u << sub_bits);
    return ((mant + 1) << shift) - 1;
  }

  std::array<uint64_t, buckets> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace parley::bench
