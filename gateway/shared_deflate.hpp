// shared_deflate: the RFC 7692 (permessage-deflate) payload of a push, compressed once for
// every socket that negotiated the extension, as uWebSockets' shared compressor does: raw
// DEFLATE with a fresh context per message (server_no_context_takeover), flushed with
// Z_SYNC_FLUSH, the trailing 00 00 ff ff removed (RFC 7692 7.2.1). A group push written to a
// thousand sockets on one I/O thread is compressed by the first and found in this thread's
// cache by the others: never once per socket.
#pragma once

#include <cstddef>

#include "actors/messages.hpp"

namespace parley {

class shared_deflate {
 public:
  // The compressed payload of `text`, from this thread's cache of recent frames when one of
  // them is `text` (else `ran` is set); null when compressing would not make it smaller.
  static frame_ptr compress(const frame_ptr& text, bool& ran);

  // Frames a thread remembers (the newest ones; a push reaches all its sockets in one go).
  static constexpr std::size_t cache_frames = 32;
};

}  // namespace parley
