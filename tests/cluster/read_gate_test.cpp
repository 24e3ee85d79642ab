// read_gate: an inbound stream stops reading while its actor is far behind, and the actor
// resumes it at half the bound -- without a gRPC thread waiting.
#include "cluster/peer/read_gate.hpp"

#include <gtest/gtest.h>

namespace parley::cluster {
namespace {

TEST(ReadGate, PausesPastTheBoundAndResumesAtHalf) {
  read_gate gate(100);
  int resumed = 0;
  gate.resume = [&] { ++resumed; };
  EXPECT_TRUE(gate.arrived(60));   // 60 behind: read on
  EXPECT_FALSE(gate.arrived(60));  // 120 behind: the stream stops reading
  gate.handled(40);                // 80: still above half
  EXPECT_EQ(resumed, 0);
  gate.handled(40);                // 40: resumed once
  EXPECT_EQ(resumed, 1);
  gate.handled(40);
  EXPECT_EQ(resumed, 1);
}

TEST(ReadGate, ADoneStreamIsNotResumed) {
  read_gate gate(10);
  int resumed = 0;
  gate.resume = [&] { ++resumed; };
  EXPECT_FALSE(gate.arrived(20));
  gate.resume = nullptr;  // OnDone
  gate.handled(20);
  EXPECT_EQ(resumed, 0);
}

}  // namespace
}  // namespace parley::cluster
