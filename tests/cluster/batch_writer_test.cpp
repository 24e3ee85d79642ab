// batch_writer: the outgoing side of a peer stream -- bounded in bytes, one write at a time,
// what queues meanwhile leaves together.
#include "cluster/peer/batch_writer.hpp"

#include <gtest/gtest.h>

namespace parley::cluster {
namespace {

wire::Envelope push(size_t bytes) {
  wire::Envelope e;
  e.set_id(1);
  e.mutable_user()->set_frame(std::string(bytes, 'x'));
  return e;
}

TEST(BatchWriter, OneWriteAtATimeAndWhatQueuesMeanwhileGoesTogether) {
  batch_writer w(1 << 20);
  std::vector<int> writes;
  w.attach([&](const wire::Batch* b) { writes.push_back(b->items_size()); });
  EXPECT_EQ(w.send(push(10)), batch_writer::result::queued);
  EXPECT_EQ(writes, std::vector<int>{1});  // idle: written at once
  for (int i = 0; i < 5; ++i) w.send(push(10));
  EXPECT_EQ(writes.size(), 1u);  // the first is in flight
  w.written();
  EXPECT_EQ(writes, (std::vector<int>{1, 5}));  // the five in one write
  w.written();
  EXPECT_EQ(w.queued_bytes(), 0u);
}

TEST(BatchWriter, RefusesPastItsBoundAndTakesMoreOnceWritten) {
  batch_writer w(10000);
  int writes = 0;
  w.attach([&](const wire::Batch*) { ++writes; });
  int queued = 0;
  while (w.send(push(1000)) == batch_writer::result::queued) ++queued;
  EXPECT_GE(queued, 8);
  EXPECT_LE(queued, 10);
  EXPECT_LE(w.queued_bytes(), 10000u);
  EXPECT_EQ(w.send(push(1000)), batch_writer::result::full);
  w.written();  // the first write (one envelope) reached the transport
  EXPECT_EQ(w.send(push(1000)), batch_writer::result::queued);
}

TEST(BatchWriter, SendAllQueuesWhatFitsInOrderWithOneWriteStart) {
  batch_writer w(5000);
  std::vector<int> writes;
  w.attach([&](const wire::Batch* b) { writes.push_back(b->items_size()); });
  std::vector<wire::Envelope> es;
  for (int i = 0; i < 10; ++i) es.push_back(push(1000));
  int queued = w.send_all(es);
  EXPECT_GE(queued, 4);
  EXPECT_LT(queued, 10);
  EXPECT_EQ(writes, std::vector<int>{queued});
}

TEST(BatchWriter, ClosedRefusesEverything) {
  batch_writer w(1 << 20);
  EXPECT_EQ(w.send(push(1)), batch_writer::result::closed);  // no stream attached yet
  w.attach([](const wire::Batch*) {});
  w.close();
  EXPECT_EQ(w.send(push(1)), batch_writer::result::closed);
  std::vector<wire::Envelope> es(1);
  EXPECT_EQ(w.send_all(es), -1);
}

}  // namespace
}  // namespace parley::cluster
